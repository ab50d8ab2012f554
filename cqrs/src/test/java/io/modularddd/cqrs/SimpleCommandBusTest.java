package io.modularddd.cqrs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modularddd.core.InvalidInputException;
import io.modularddd.core.command.Command;
import io.modularddd.core.command.CommandBus;
import io.modularddd.core.command.CommandHandler;
import io.modularddd.core.command.CommandHandlerException;
import io.modularddd.core.command.CommandMiddleware;
import io.modularddd.core.command.CommandResultTypeException;
import io.modularddd.core.command.DuplicateHandlerException;
import io.modularddd.core.command.NoHandlerException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class SimpleCommandBusTest {

    record Ping(int n) implements Command<Integer> {
    }

    record Pong(String s) implements Command<String> {
    }

    record Fire() implements Command<Void> {
    }

    record ListOf(int n) implements Command<List<String>> {
    }

    interface Numbered extends Command<Long> {
    }

    record Inherited(long n) implements Numbered {
    }

    @SuppressWarnings("rawtypes")
    record Raw() implements Command {
    }

    final SimpleCommandBus bus = SimpleCommandBus.create();

    @Test
    void dispatch_returns_the_handlers_result_typed_by_the_command() {
        bus.register(Ping.class, ping -> ping.n() + 1);

        int answer = bus.dispatch(new Ping(41));

        assertThat(answer).isEqualTo(42);
    }

    @Test
    void dispatch_async_with_the_sync_strategy_has_run_the_handler_when_it_returns() {
        AtomicInteger runs = new AtomicInteger();
        bus.register(Ping.class, ping -> runs.incrementAndGet());

        CompletableFuture<Integer> future = bus.dispatchAsync(new Ping(1));

        assertThat(runs).hasValue(1);
        assertThat(future).isCompletedWithValue(1);
    }

    @Test
    void dispatch_async_with_an_executor_runs_on_it_and_completes_with_the_result() throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor(r -> new Thread(r, "command-pool"));
        try {
            SimpleCommandBus async = SimpleCommandBus.builder().strategy(DispatchStrategy.executor(pool)).build();
            AtomicReference<String> thread = new AtomicReference<>();
            async.register(Pong.class, pong -> {
                thread.set(Thread.currentThread().getName());
                return pong.s() + "!";
            });

            assertThat(async.dispatchAsync(new Pong("hi")).get(5, TimeUnit.SECONDS)).isEqualTo("hi!");
            assertThat(thread).hasValue("command-pool");
            // dispatch stays inline whatever the strategy
            assertThat(async.<String>dispatch(new Pong("x"))).isEqualTo("x!");
            assertThat(thread).hasValue(Thread.currentThread().getName());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void a_failure_on_the_executor_fails_the_future_with_the_same_exception() {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            SimpleCommandBus async = SimpleCommandBus.builder().strategy(DispatchStrategy.executor(pool)).build();
            async.register(Ping.class, ping -> {
                throw new IOException("disk");
            });

            assertThatThrownBy(() -> async.dispatchAsync(new Ping(1)).join())
                    .isInstanceOf(CompletionException.class)
                    .cause().isInstanceOf(CommandHandlerException.class).hasMessageContaining(Ping.class.getName());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void an_executor_that_refuses_a_command_says_which() {
        SimpleCommandBus async = SimpleCommandBus.builder().strategy(DispatchStrategy.executor(task -> {
            throw new RejectedExecutionException("queue full");
        })).build();
        async.register(Ping.class, ping -> 1);

        assertThatThrownBy(() -> async.dispatchAsync(new Ping(1)))
                .isInstanceOf(RejectedExecutionException.class)
                .hasMessageContaining(Ping.class.getName()).hasMessageContaining("queue full");
    }

    @Test
    void the_result_type_is_found_through_an_interface_that_extends_command() {
        bus.register(Inherited.class, c -> c.n() * 2);

        long doubled = bus.dispatch(new Inherited(21));

        assertThat(doubled).isEqualTo(42);
    }

    @Test
    void it_is_usable_through_the_core_interface() {
        CommandBus api = bus;
        api.register(Pong.class, pong -> pong.s());

        assertThat(api.dispatch(new Pong("a"))).isEqualTo("a");
        assertThat(bus.handles(Pong.class)).isTrue();
        assertThat(bus.handles(Ping.class)).isFalse();
    }

    @Nested
    class Bad_input {

        @Test
        void a_null_command_is_invalid_input() {
            assertThatThrownBy(() -> bus.dispatch(null)).isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("command must not be null");
            assertThatThrownBy(() -> bus.dispatchAsync(null)).isInstanceOf(InvalidInputException.class);
        }

        @Test
        void null_registrations_are_invalid_input() {
            assertThatThrownBy(() -> bus.register(null, (Ping p) -> 1)).isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("commandType");
            assertThatThrownBy(() -> bus.register(Ping.class, null)).isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("handler");
        }

        @Test
        void an_unregistered_command_names_its_type_and_lists_the_registered_ones() {
            bus.register(Pong.class, pong -> pong.s());
            bus.register(Fire.class, fire -> null);

            assertThatThrownBy(() -> bus.dispatch(new Ping(1)))
                    .isInstanceOfSatisfying(NoHandlerException.class, e -> {
                        assertThat(e.commandType()).isEqualTo(Ping.class);
                        assertThat(e.registered()).containsExactly(Fire.class.getName(), Pong.class.getName());
                    })
                    .hasMessageContaining("no handler is registered for command type " + Ping.class.getName())
                    .hasMessageContaining(Fire.class.getName() + ", " + Pong.class.getName());
            assertThatThrownBy(() -> bus.dispatchAsync(new Ping(1))).isInstanceOf(NoHandlerException.class);
        }

        @Test
        void with_nothing_registered_the_message_says_none() {
            assertThatThrownBy(() -> bus.dispatch(new Ping(1))).hasMessageContaining("registered command types: none");
        }

        @Test
        void a_second_handler_for_a_type_is_refused_and_the_first_stays() {
            bus.register(Ping.class, ping -> 1);

            assertThatThrownBy(() -> bus.register(Ping.class, ping -> 2))
                    .isInstanceOfSatisfying(DuplicateHandlerException.class,
                            e -> assertThat(e.commandType()).isEqualTo(Ping.class))
                    .hasMessageContaining(Ping.class.getName());
            assertThat(bus.<Integer>dispatch(new Ping(0))).isEqualTo(1);
        }

        @Test
        void a_checked_exception_is_wrapped_naming_the_command_type() {
            IOException disk = new IOException("disk full");
            bus.register(Ping.class, ping -> {
                throw disk;
            });

            assertThatThrownBy(() -> bus.dispatch(new Ping(1)))
                    .isInstanceOfSatisfying(CommandHandlerException.class,
                            e -> assertThat(e.commandType()).isEqualTo(Ping.class))
                    .hasMessageContaining(Ping.class.getName()).hasMessageContaining("disk full")
                    .hasCause(disk);
        }

        @Test
        void an_interrupted_handler_keeps_the_interrupt() {
            bus.register(Ping.class, ping -> {
                throw new InterruptedException("stop");
            });
            try {
                assertThatThrownBy(() -> bus.dispatch(new Ping(1))).isInstanceOf(CommandHandlerException.class)
                        .hasCauseInstanceOf(InterruptedException.class);
                assertThat(Thread.currentThread().isInterrupted()).isTrue();
            } finally {
                Thread.interrupted();
            }
        }

        @Test
        void unchecked_exceptions_and_errors_pass_through_unchanged() {
            IllegalStateException boom = new IllegalStateException("boom");
            bus.register(Ping.class, ping -> {
                throw boom;
            });
            bus.register(Pong.class, pong -> {
                throw new StackOverflowError();
            });

            assertThatThrownBy(() -> bus.dispatch(new Ping(1))).isSameAs(boom);
            assertThatThrownBy(() -> bus.dispatch(new Pong("x"))).isInstanceOf(StackOverflowError.class);
        }

        @Test
        @SuppressWarnings({"unchecked", "rawtypes"})
        void a_handler_returning_another_type_than_declared_is_refused_naming_both() {
            CommandHandler wrong = command -> "not an integer";
            bus.register(Ping.class, wrong);

            assertThatThrownBy(() -> bus.dispatch(new Ping(1)))
                    .isInstanceOfSatisfying(CommandResultTypeException.class, e -> {
                        assertThat(e.commandType()).isEqualTo(Ping.class);
                        assertThat(e.declaredType()).isEqualTo("java.lang.Integer");
                        assertThat(e.actualType()).isEqualTo(String.class);
                    })
                    .hasMessageContaining(Ping.class.getName()).hasMessageContaining("java.lang.String");
        }

        @Test
        @SuppressWarnings({"unchecked", "rawtypes"})
        void a_void_command_whose_handler_returns_a_value_is_refused() {
            CommandHandler wrong = command -> 42;
            bus.register(Fire.class, wrong);

            assertThatThrownBy(() -> bus.dispatch(new Fire())).isInstanceOf(CommandResultTypeException.class)
                    .hasMessageContaining("(that is, null)");
        }

        @Test
        @SuppressWarnings({"unchecked", "rawtypes"})
        void a_parameterized_result_is_checked_by_its_raw_class() {
            CommandHandler wrong = command -> Map.of();
            bus.register(ListOf.class, wrong);

            assertThatThrownBy(() -> bus.dispatch(new ListOf(1))).isInstanceOf(CommandResultTypeException.class)
                    .hasMessageContaining("java.util.List<java.lang.String>");
        }

        @Test
        @SuppressWarnings("unchecked")
        void a_raw_command_is_not_checked() {
            bus.register(Raw.class, raw -> "anything");

            Object answer = bus.dispatch(new Raw());
            assertThat(answer).isEqualTo("anything");
        }

        @Test
        void a_middleware_that_returns_no_invoker_fails_the_registration() {
            SimpleCommandBus broken = SimpleCommandBus.builder().middleware((type, next) -> null).build();

            assertThatThrownBy(() -> broken.register(Ping.class, ping -> 1))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining(Ping.class.getName());
            assertThat(broken.handles(Ping.class)).isFalse();
        }

        @Test
        void the_builder_refuses_repeated_settings() {
            CommandMiddleware m = (type, next) -> next;
            SimpleCommandBus.Builder builder = SimpleCommandBus.builder().middleware(m).strategy(DispatchStrategy.sync());

            assertThatThrownBy(() -> builder.middleware(m)).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> builder.strategy(DispatchStrategy.sync())).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> builder.middleware(null)).isInstanceOf(InvalidInputException.class);
            assertThatThrownBy(() -> DispatchStrategy.executor(null)).isInstanceOf(InvalidInputException.class);
        }
    }

    @Nested
    class Composition {

        final Map<Class<?>, AtomicInteger> wraps = new ConcurrentHashMap<>();
        final List<String> trace = new ArrayList<>();

        CommandMiddleware named(String name) {
            return (type, next) -> {
                wraps.computeIfAbsent(type, t -> new AtomicInteger()).incrementAndGet();
                return command -> {
                    trace.add(name + ">");
                    Object result = next.invoke(command);
                    trace.add("<" + name);
                    return result;
                };
            };
        }

        @Test
        void the_first_middleware_added_runs_outermost() {
            SimpleCommandBus composed = SimpleCommandBus.builder().middleware(named("a")).middleware(named("b")).build();
            composed.register(Ping.class, ping -> {
                trace.add("handler");
                return 0;
            });

            composed.dispatch(new Ping(1));

            assertThat(trace).containsExactly("a>", "b>", "handler", "<b", "<a");
        }

        @Test
        void the_chain_is_composed_once_per_type_at_registration_never_per_dispatch() {
            SimpleCommandBus composed = SimpleCommandBus.builder().middleware(named("a")).middleware(named("b")).build();
            composed.register(Ping.class, ping -> 0);
            assertThat(wraps.get(Ping.class)).hasValue(2);

            for (int i = 0; i < 1000; i++) {
                composed.dispatch(new Ping(i));
            }
            composed.register(Pong.class, pong -> "");
            composed.dispatch(new Pong(""));

            assertThat(wraps.get(Ping.class)).as("Ping's chain is not composed again").hasValue(2);
            assertThat(wraps.get(Pong.class)).hasValue(2);
        }

        @Test
        void a_middleware_may_skip_a_type_by_returning_next() {
            CommandMiddleware onlyPongs = (type, next) -> type == Pong.class ? command -> {
                trace.add("pong seen");
                return next.invoke(command);
            } : next;
            SimpleCommandBus composed = SimpleCommandBus.builder().middleware(onlyPongs).build();
            composed.register(Ping.class, ping -> 0);
            composed.register(Pong.class, pong -> "");

            composed.dispatch(new Ping(1));
            composed.dispatch(new Pong(""));

            assertThat(trace).containsExactly("pong seen");
        }

        @Test
        void registrations_racing_dispatches_are_all_seen_and_none_is_lost() throws Exception {
            int threads = 4;
            int perThread = 50;
            CountDownLatch start = new CountDownLatch(1);
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            List<Class<?>> types = List.of(Ping.class, Pong.class, Fire.class, ListOf.class);
            try {
                List<java.util.concurrent.Future<?>> done = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    int me = t;
                    done.add(pool.submit(() -> {
                        start.await();
                        registerOne(types.get(me));
                        for (int i = 0; i < perThread; i++) {
                            bus.dispatch(new Ping(1)); // may race Ping's registration: handled or NoHandler
                        }
                        return null;
                    }));
                }
                start.countDown();
                for (java.util.concurrent.Future<?> f : done) {
                    try {
                        f.get(10, TimeUnit.SECONDS);
                    } catch (java.util.concurrent.ExecutionException e) {
                        assertThat(e.getCause()).isInstanceOf(NoHandlerException.class);
                    }
                }
            } finally {
                pool.shutdownNow();
            }
            for (Class<?> type : types) {
                assertThat(bus.handles(type)).as(type.getSimpleName()).isTrue();
            }
        }

        private void registerOne(Class<?> type) {
            if (type == Ping.class) {
                bus.register(Ping.class, p -> 1);
            } else if (type == Pong.class) {
                bus.register(Pong.class, p -> "");
            } else if (type == Fire.class) {
                bus.register(Fire.class, p -> null);
            } else {
                bus.register(ListOf.class, p -> List.of());
            }
        }
    }
}
