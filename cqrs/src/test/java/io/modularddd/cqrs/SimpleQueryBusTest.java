package io.modularddd.cqrs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.modularddd.core.InvalidInputException;
import io.modularddd.core.cache.CachePolicy;
import io.modularddd.core.query.DuplicateQueryHandlerException;
import io.modularddd.core.query.NoQueryHandlerException;
import io.modularddd.core.query.Query;
import io.modularddd.core.query.QueryBus;
import io.modularddd.core.query.QueryCaching;
import io.modularddd.core.query.QueryHandler;
import io.modularddd.core.query.QueryHandlerException;
import io.modularddd.core.query.QueryResultTypeException;
import java.io.IOException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class SimpleQueryBusTest {

    record Balance(String accountId, String tenant) implements Query<Long> {
    }

    record Names(int limit) implements Query<List<String>> {
    }

    record Generic<T>(T value) implements Query<T> {
    }

    record Other() implements Query<String> {
    }

    final InMemoryQueryCache cache = new InMemoryQueryCache();
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final AtomicInteger loads = new AtomicInteger();
    final SimpleQueryBus bus = SimpleQueryBus.builder().cache(cache).meterRegistry(registry).build();

    static final QueryCaching<Balance> CACHED = QueryCaching.of(Balance.class, Duration.ofMinutes(5))
            .tags(q -> Set.of("account:" + q.accountId())).scope(Balance::tenant);

    QueryHandler<Balance, Long> balances() {
        return q -> (long) loads.incrementAndGet() * 100;
    }

    @Test
    void ask_returns_the_handlers_answer_typed_by_the_query() {
        SimpleQueryBus plain = SimpleQueryBus.create();
        plain.register(Names.class, q -> List.of("a", "b").subList(0, q.limit()));

        List<String> names = plain.ask(new Names(1));

        assertThat(names).containsExactly("a");
    }

    @Test
    void ask_async_without_an_executor_answers_inline() {
        bus.register(Balance.class, balances());

        assertThat(bus.askAsync(new Balance("a", null))).isCompletedWithValue(100L);
    }

    @Test
    void ask_async_with_an_executor_answers_on_it() throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor(r -> new Thread(r, "query-pool"));
        try {
            SimpleQueryBus async = SimpleQueryBus.builder().executor(pool).build();
            AtomicReference<String> thread = new AtomicReference<>();
            async.register(Other.class, q -> {
                thread.set(Thread.currentThread().getName());
                return "x";
            });

            assertThat(async.askAsync(new Other()).get(5, TimeUnit.SECONDS)).isEqualTo("x");
            assertThat(thread).hasValue("query-pool");
        } finally {
            pool.shutdownNow();
        }
    }

    @Nested
    class Caching {

        @Test
        void a_cached_type_runs_its_handler_once_per_query_value_and_scope() {
            bus.register(Balance.class, balances(), CACHED);

            assertThat(bus.<Long>ask(new Balance("a", "t1"))).isEqualTo(100);
            assertThat(bus.<Long>ask(new Balance("a", "t1"))).isEqualTo(100);
            assertThat(bus.<Long>ask(new Balance("b", "t1"))).isEqualTo(200);
            assertThat(bus.<Long>ask(new Balance("a", "t2"))).as("another scope").isEqualTo(300);

            assertThat(loads).hasValue(3);
        }

        @Test
        void hits_and_misses_are_counted_per_query_type() {
            bus.register(Balance.class, balances(), CACHED);

            bus.ask(new Balance("a", null));
            bus.ask(new Balance("a", null));
            bus.ask(new Balance("a", null));

            assertThat(counter("miss")).isEqualTo(1);
            assertThat(counter("hit")).isEqualTo(2);
            assertThat(registry.get(SimpleQueryBus.TIMER).tag("query", Balance.class.getName()).timer().count())
                    .isEqualTo(3);
        }

        @Test
        void invalidating_a_tag_drops_the_results_carrying_it() {
            bus.register(Balance.class, balances(), CACHED);
            bus.ask(new Balance("a", null));
            bus.ask(new Balance("b", null));

            cache.invalidateTags(Set.of("account:a"));

            assertThat(bus.<Long>ask(new Balance("a", null))).isEqualTo(300);
            assertThat(bus.<Long>ask(new Balance("b", null))).isEqualTo(200);
        }

        @Test
        void failures_and_nulls_are_never_cached() {
            AtomicInteger calls = new AtomicInteger();
            bus.register(Balance.class, q -> {
                int n = calls.incrementAndGet();
                if (n == 1) {
                    throw new IllegalStateException("first fails");
                }
                return n == 2 ? null : 7L;
            }, CACHED);

            assertThatThrownBy(() -> bus.ask(new Balance("a", null))).isInstanceOf(IllegalStateException.class);
            assertThat(bus.<Long>ask(new Balance("a", null))).isNull();
            assertThat(bus.<Long>ask(new Balance("a", null))).isEqualTo(7L);
            assertThat(bus.<Long>ask(new Balance("a", null))).isEqualTo(7L);
            assertThat(calls).hasValue(3);
        }

        @Test
        void the_cache_is_given_the_declared_result_type_with_its_type_arguments() {
            AtomicReference<Type> seen = new AtomicReference<>();
            SimpleQueryBus spying = SimpleQueryBus.builder().cache(new io.modularddd.core.cache.QueryCache() {
                @Override
                public <R> R get(Object query, CachePolicy policy, Type resultType, Loader<R> loader) {
                    seen.set(resultType);
                    try {
                        return loader.load();
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    }
                }

                @Override
                public void invalidate(Object query, String scope) {
                }

                @Override
                public void invalidateTags(Set<String> tags) {
                }
            }).build();
            spying.register(Names.class, q -> List.of("x"), QueryCaching.of(Names.class, Duration.ofMinutes(1)));

            spying.ask(new Names(1));

            assertThat(seen.get()).isInstanceOfSatisfying(ParameterizedType.class, p -> {
                assertThat(p.getRawType()).isEqualTo(List.class);
                assertThat(p.getActualTypeArguments()).containsExactly(String.class);
            });
        }

        @Test
        void a_checked_exception_is_wrapped_naming_the_query_type_and_not_cached() {
            bus.register(Balance.class, q -> {
                throw new IOException("read model down");
            }, CACHED);

            assertThatThrownBy(() -> bus.ask(new Balance("a", null)))
                    .isInstanceOfSatisfying(QueryHandlerException.class,
                            e -> assertThat(e.queryType()).isEqualTo(Balance.class))
                    .hasMessageContaining(Balance.class.getName()).hasCauseInstanceOf(IOException.class);
            assertThat(cache.size()).isZero();
        }

        @Test
        void constant_tags_and_bad_tags() {
            QueryCaching<Balance> constant = QueryCaching.of(Balance.class, Duration.ofMinutes(1)).tags("accounts");
            assertThat(constant.policyFor(new Balance("a", null)).tags()).containsExactly("accounts");
            assertThat(constant.policyFor(new Balance("a", null))).isSameAs(constant.policyFor(new Balance("b", null)));

            QueryCaching<Balance> nullTags = QueryCaching.of(Balance.class, Duration.ofMinutes(1)).tags(q -> null);
            assertThatThrownBy(() -> nullTags.policyFor(new Balance("a", null)))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining(Balance.class.getName());
            QueryCaching<Balance> blank = QueryCaching.of(Balance.class, Duration.ofMinutes(1)).tags(q -> Set.of(" "));
            assertThatThrownBy(() -> blank.policyFor(new Balance("a", null))).isInstanceOf(InvalidInputException.class);
            assertThatThrownBy(() -> QueryCaching.of(Balance.class, Duration.ZERO))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("ttl");
        }
    }

    @Nested
    class Bad_input {

        @Test
        void a_null_query_is_invalid_input() {
            assertThatThrownBy(() -> bus.ask(null)).isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("query must not be null");
            assertThatThrownBy(() -> bus.askAsync(null)).isInstanceOf(InvalidInputException.class);
        }

        @Test
        void an_unregistered_query_names_its_type_and_lists_the_registered_ones() {
            bus.register(Other.class, q -> "");
            QueryBus api = bus;

            assertThatThrownBy(() -> api.ask(new Balance("a", null)))
                    .isInstanceOfSatisfying(NoQueryHandlerException.class, e -> {
                        assertThat(e.queryType()).isEqualTo(Balance.class);
                        assertThat(e.registered()).containsExactly(Other.class.getName());
                    })
                    .hasMessageContaining("query type " + Balance.class.getName())
                    .hasMessageContaining("registered query types: " + Other.class.getName());
            assertThatThrownBy(() -> api.askAsync(new Balance("a", null))).isInstanceOf(NoQueryHandlerException.class);
        }

        @Test
        void a_second_handler_is_refused() {
            bus.register(Other.class, q -> "first");

            assertThatThrownBy(() -> bus.register(Other.class, q -> "second"))
                    .isInstanceOf(DuplicateQueryHandlerException.class).hasMessageContaining(Other.class.getName());
            assertThat(bus.<String>ask(new Other())).isEqualTo("first");
        }

        @Test
        @SuppressWarnings({"unchecked", "rawtypes"})
        void a_handler_returning_another_type_is_refused_and_nothing_is_cached() {
            QueryHandler wrong = q -> "a string";
            bus.register(Balance.class, wrong, CACHED);

            assertThatThrownBy(() -> bus.ask(new Balance("a", null)))
                    .isInstanceOfSatisfying(QueryResultTypeException.class, e -> {
                        assertThat(e.declaredType()).isEqualTo("java.lang.Long");
                        assertThat(e.actualType()).isEqualTo(String.class);
                    })
                    .hasMessageContaining(Balance.class.getName());
            assertThat(cache.size()).isZero();
        }

        @Test
        @SuppressWarnings({"unchecked", "rawtypes"})
        void a_parameterized_result_is_checked_by_its_raw_class() {
            QueryHandler wrong = q -> Map.of();
            bus.register(Names.class, wrong);

            assertThatThrownBy(() -> bus.ask(new Names(1))).isInstanceOf(QueryResultTypeException.class)
                    .hasMessageContaining("java.util.List<java.lang.String>");
        }

        @Test
        @SuppressWarnings({"unchecked", "rawtypes"})
        void a_query_whose_result_type_is_a_type_variable_can_be_asked_but_not_cached() {
            Class<Generic<String>> type = (Class) Generic.class;
            bus.register(type, q -> q.value());
            assertThat(bus.<String>ask(new Generic<>("v"))).isEqualTo("v");

            SimpleQueryBus other = SimpleQueryBus.builder().cache(cache).build();
            assertThatThrownBy(() -> other.register(type, q -> q.value(), QueryCaching.of(type, Duration.ofMinutes(1))))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("not known at run time");
        }

        @Test
        void caching_needs_a_cache_and_a_rule_for_the_same_type() {
            SimpleQueryBus uncached = SimpleQueryBus.create();
            assertThatThrownBy(() -> uncached.register(Balance.class, balances(), CACHED))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("no QueryCache");

            @SuppressWarnings({"unchecked", "rawtypes"})
            QueryCaching<Balance> forOther = (QueryCaching) QueryCaching.of(Other.class, Duration.ofMinutes(1));
            assertThatThrownBy(() -> bus.register(Balance.class, balances(), forOther))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("the caching rule is for");
            assertThat(bus.handles(Balance.class)).isFalse();
        }

        @Test
        void an_asynchronous_failure_fails_the_future() {
            bus.register(Other.class, q -> {
                throw new IOException("x");
            });

            assertThatThrownBy(() -> bus.askAsync(new Other()).join()).isInstanceOf(CompletionException.class)
                    .hasCauseInstanceOf(QueryHandlerException.class);
        }

        @Test
        void the_builder_refuses_repeated_settings() {
            SimpleQueryBus.Builder builder = SimpleQueryBus.builder().cache(cache).meterRegistry(registry)
                    .executor(Runnable::run);

            assertThatThrownBy(() -> builder.cache(cache)).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> builder.meterRegistry(registry)).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> builder.executor(Runnable::run)).isInstanceOf(IllegalStateException.class);
        }
    }

    double counter(String result) {
        return registry.get(SimpleQueryBus.CACHE).tag("query", Balance.class.getName()).tag("result", result)
                .counter().count();
    }
}
