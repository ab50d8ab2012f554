package io.modularddd.cqrs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modularddd.core.AggregateId;
import io.modularddd.core.AppendOutcomeUnknownException;
import io.modularddd.core.AppendRequest;
import io.modularddd.core.AppendResult;
import io.modularddd.core.ConcurrencyConflictException;
import io.modularddd.core.EventStore;
import io.modularddd.core.ExpectedVersion;
import io.modularddd.core.ForwardingEventStore;
import io.modularddd.core.InMemoryEventStore;
import io.modularddd.core.InvalidInputException;
import io.modularddd.core.NewEvent;
import io.modularddd.core.aggregate.AggregateRepository;
import io.modularddd.core.cache.CachePolicy;
import io.modularddd.core.cache.QueryCache;
import io.modularddd.core.query.QueryCaching;
import io.modularddd.cqrs.Bank.Account;
import io.modularddd.cqrs.Bank.Balance;
import io.modularddd.cqrs.Bank.Deposit;
import io.modularddd.cqrs.Bank.Deposited;
import io.modularddd.cqrs.Bank.Opened;
import io.modularddd.cqrs.Bank.Transfer;
import io.modularddd.cqrs.Bank.Withdrawn;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The query side's promise: a query asked after a command returned never sees a result cached before the
 * command's events were stored. Events invalidate tags after the append commits ({@link InvalidationRules}).
 */
class ReadYourWritesTest {

    static final InvalidationRules RULES = InvalidationRules.builder()
            .on(Deposited.class, (e, id) -> Set.of("account:" + id.value()))
            .on(Withdrawn.class, (e, id) -> Set.of("account:" + id.value()))
            .on(Opened.class, "accounts")
            .build();

    /** A store that runs a hook just before the real append, inside the invalidating decorator. */
    static final class HookStore extends ForwardingEventStore {
        volatile Consumer<AppendRequest> beforeCommit = r -> { };

        HookStore(EventStore delegate) {
            super(delegate);
        }

        @Override
        public AppendResult append(AppendRequest request) {
            beforeCommit.accept(request);
            return super.append(request);
        }

        @Override
        public List<AppendResult> appendBatch(List<AppendRequest> requests) {
            requests.forEach(beforeCommit);
            return super.appendBatch(requests);
        }
    }

    final InMemoryEventStore base = Bank.newStore();
    final HookStore hooked = new HookStore(base);
    final InMemoryQueryCache cache = new InMemoryQueryCache();

    /** The application's wiring, with the store its commands append through. */
    final class App {
        final UnitOfWork unitOfWork;
        final AggregateRepository<Account> accounts;
        final SimpleCommandBus commands;
        final SimpleQueryBus queries = SimpleQueryBus.builder().cache(cache).build();

        App(EventStore store) {
            unitOfWork = UnitOfWork.on(store);
            accounts = unitOfWork.repository("Account", Bank.accounts(store));
            commands = SimpleCommandBus.builder().middleware(ConflictRetry.attempts(50).backoff(Duration.ZERO,
                    Duration.ofMillis(1))).middleware(unitOfWork).build();
            commands.register(Deposit.class, c -> {
                Account a = accounts.find(AggregateId.of(c.accountId()))
                        .orElseGet(() -> Account.open(c.accountId(), "someone"));
                a.deposit(c.cents());
                accounts.save(a);
                return a.balance;
            });
            commands.register(Transfer.class, c -> {
                Account from = accounts.load(AggregateId.of(c.from()));
                Account to = accounts.load(AggregateId.of(c.to()));
                from.withdraw(c.cents());
                to.deposit(c.cents());
                accounts.save(from);
                accounts.save(to);
                return null;
            });
            // the read side reads the store directly (it could be any read model)
            queries.register(Balance.class, q -> Bank.accounts(base).find(AggregateId.of(q.accountId()))
                            .map(a -> a.balance).orElse(0L),
                    QueryCaching.of(Balance.class, Duration.ofMinutes(5)).tags(q -> Set.of("account:" + q.accountId())));
        }

        long balance(String id) {
            return queries.ask(new Balance(id));
        }
    }

    @Test
    void a_result_cached_before_a_command_is_not_served_after_it_returns() {
        App app = new App(RULES.invalidating(hooked, cache));
        app.commands.dispatch(new Deposit("a", 100));
        assertThat(app.balance("a")).isEqualTo(100);

        app.commands.dispatch(new Deposit("a", 5));

        assertThat(app.balance("a")).isEqualTo(105);
    }

    @Test
    void a_result_cached_between_the_commands_start_and_its_commit_is_dropped_by_the_invalidation_after_it() {
        App app = new App(RULES.invalidating(hooked, cache));
        app.commands.dispatch(new Deposit("a", 100));
        // a query asked while the command is committing (just before the real append) caches the old state
        List<Long> seenDuringCommit = new ArrayList<>();
        hooked.beforeCommit = r -> {
            hooked.beforeCommit = x -> { };
            seenDuringCommit.add(app.balance("a"));
        };

        app.commands.dispatch(new Deposit("a", 5));

        assertThat(seenDuringCommit).containsExactly(100L);
        assertThat(app.balance("a")).isEqualTo(105);
    }

    @Test
    void invalidating_before_the_commit_instead_would_serve_the_stale_result() {
        // the same scenario with the order reversed (tags invalidated, then the append): the test above would fail
        EventStore wrongOrder = new ForwardingEventStore(hooked) {
            @Override
            public AppendResult append(AppendRequest request) {
                cache.invalidateTags(RULES.tagsOf(List.of(request)));
                return super.append(request);
            }
        };
        App app = new App(wrongOrder);
        app.commands.dispatch(new Deposit("a", 100));
        hooked.beforeCommit = r -> {
            hooked.beforeCommit = x -> { };
            app.balance("a");
        };

        app.commands.dispatch(new Deposit("a", 5));

        assertThat(app.balance("a")).as("stale: cached between the invalidation and the commit").isEqualTo(100);
    }

    @Test
    void a_load_that_began_before_the_commit_and_finishes_after_it_is_not_cached() throws Exception {
        App app = new App(RULES.invalidating(hooked, cache));
        app.commands.dispatch(new Deposit("a", 100));
        CountDownLatch loaded = new CountDownLatch(1);
        CountDownLatch commandDone = new CountDownLatch(1);
        cache.beforePut(q -> {
            loaded.countDown();
            await(commandDone);
        });
        ExecutorService reader = Executors.newSingleThreadExecutor();
        try {
            // a query reads the old state, then stalls before offering it to the cache
            Future<Long> slow = reader.submit(() -> app.balance("a"));
            assertThat(loaded.await(10, TimeUnit.SECONDS)).isTrue();
            cache.beforePut(q -> { });

            app.commands.dispatch(new Deposit("a", 5)); // committed and invalidated: returns
            commandDone.countDown();

            assertThat(slow.get(10, TimeUnit.SECONDS)).as("it began before the command").isEqualTo(100);
            assertThat(cache.refused).hasValue(1);
            assertThat(app.balance("a")).isEqualTo(105);
        } finally {
            reader.shutdownNow();
        }
    }

    @Test
    void concurrent_commands_and_queries_never_read_behind_a_returned_command() throws Exception {
        App app = new App(RULES.invalidating(hooked, cache));
        int writers = 4;
        int readers = 4;
        int deposits = 100;
        ExecutorService pool = Executors.newFixedThreadPool(writers + readers);
        CyclicBarrier start = new CyclicBarrier(writers + readers);
        AtomicBoolean writing = new AtomicBoolean(true);
        List<String> violations = java.util.Collections.synchronizedList(new ArrayList<>());
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                String own = "own-" + w;
                done.add(pool.submit(() -> {
                    start.await();
                    for (int i = 1; i <= deposits; i++) {
                        long returned = app.commands.dispatch(new Deposit(own, 1));
                        app.commands.dispatch(new Deposit("shared", 1)); // contended: conflicts and retries
                        long read = app.balance(own);
                        if (read != returned) {
                            violations.add(own + ": the command returned " + returned + " but the query read " + read);
                        }
                    }
                    return null;
                }));
            }
            for (int r = 0; r < readers; r++) {
                done.add(pool.submit(() -> {
                    start.await();
                    while (writing.get()) {
                        for (int w = 0; w < writers; w++) {
                            app.balance("own-" + w); // keeps the cache full of soon-stale results
                        }
                        app.balance("shared");
                    }
                    return null;
                }));
            }
            for (int w = 0; w < writers; w++) {
                done.get(w).get(60, TimeUnit.SECONDS);
            }
            writing.set(false);
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(violations).isEmpty();
        assertThat(app.balance("shared")).isEqualTo((long) writers * deposits);
    }

    @Test
    void a_transfer_invalidates_both_accounts_in_one_call_after_its_batch() {
        App app = new App(RULES.invalidating(hooked, cache));
        app.commands.dispatch(new Deposit("a", 100));
        app.commands.dispatch(new Deposit("b", 0));
        app.balance("a");
        app.balance("b");
        int before = cache.invalidations.get();

        app.commands.dispatch(new Transfer("a", "b", 30));

        assertThat(cache.invalidations.get() - before).isEqualTo(1);
        assertThat(app.balance("a")).isEqualTo(70);
        assertThat(app.balance("b")).isEqualTo(30);
    }

    @Nested
    class The_rules {

        final List<Set<String>> invalidated = new ArrayList<>();
        final QueryCache recording = new QueryCache() {
            @Override
            public <R> R get(Object query, CachePolicy policy, Type resultType, Loader<R> loader) {
                throw new UnsupportedOperationException();
            }

            @Override
            public void invalidate(Object query, String scope) {
                throw new UnsupportedOperationException();
            }

            @Override
            public void invalidateTags(Set<String> tags) {
                invalidated.add(tags);
            }
        };

        AppendRequest deposit(String id, ExpectedVersion expected) {
            return new AppendRequest(AggregateId.of(id), "Account", expected, List.of(NewEvent.of(new Deposited(1))));
        }

        @Test
        void each_event_maps_to_its_tags_with_its_aggregate_id_and_unmapped_events_to_none() {
            assertThat(RULES.tagsOf(List.of(deposit("a", ExpectedVersion.any()), new AppendRequest(AggregateId.of("b"),
                    "Account", ExpectedVersion.any(), List.of(NewEvent.of(new Opened("x")), NewEvent.of(new Withdrawn(1)))))))
                    .containsExactlyInAnyOrder("account:a", "account:b", "accounts");
            assertThat(InvalidationRules.builder().build().tagsOf(List.of(deposit("a", ExpectedVersion.any())))).isEmpty();
        }

        @Test
        void a_conflicting_append_invalidates_nothing() {
            EventStore store = RULES.invalidating(base, recording);
            store.append(deposit("a", ExpectedVersion.noStream()));

            assertThatThrownBy(() -> store.append(deposit("a", ExpectedVersion.noStream())))
                    .isInstanceOf(ConcurrencyConflictException.class);
            assertThat(invalidated).hasSize(1);
        }

        @Test
        void an_append_whose_outcome_is_unknown_invalidates_anyway() {
            EventStore unknown = new ForwardingEventStore(base) {
                @Override
                public AppendResult append(AppendRequest request) {
                    super.append(request);
                    throw new AppendOutcomeUnknownException(request.aggregateId(), List.of(UUID.randomUUID()),
                            new RuntimeException("connection reset"));
                }
            };

            assertThatThrownBy(() -> RULES.invalidating(unknown, recording).append(deposit("a", ExpectedVersion.any())))
                    .isInstanceOf(AppendOutcomeUnknownException.class);
            assertThat(invalidated).containsExactly(Set.of("account:a"));
        }

        @Test
        void a_failing_rule_fails_the_append_before_anything_is_stored() {
            InvalidationRules broken = InvalidationRules.builder().on(Deposited.class, (e, id) -> null).build();

            assertThatThrownBy(() -> broken.invalidating(base, recording).append(deposit("a", ExpectedVersion.any())))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining(Deposited.class.getName());
            assertThat(base.headPosition()).isZero();
        }

        @Test
        void a_cache_that_fails_to_invalidate_after_the_commit_says_the_events_are_stored() {
            QueryCache failing = new QueryCache() {
                @Override
                public <R> R get(Object query, CachePolicy policy, Type resultType, Loader<R> loader) {
                    throw new UnsupportedOperationException();
                }

                @Override
                public void invalidate(Object query, String scope) {
                }

                @Override
                public void invalidateTags(Set<String> tags) {
                    throw new IllegalStateException("cache unreachable");
                }
            };

            assertThatThrownBy(() -> RULES.invalidating(base, failing).append(deposit("a", ExpectedVersion.any())))
                    .isInstanceOfSatisfying(QueryCacheInvalidationException.class, e -> {
                        assertThat(e.tags()).containsExactly("account:a");
                        assertThat(e.results()).singleElement().extracting(AppendResult::lastVersion).isEqualTo(1L);
                    })
                    .hasMessageContaining("the events were stored ('a' v1..1)")
                    .hasMessageContaining("Do not repeat the command").hasCauseInstanceOf(IllegalStateException.class);
            assertThat(base.currentVersion(AggregateId.of("a"))).isEqualTo(1);
        }

        @Test
        void rules_refuse_bad_tags_at_build_time() {
            assertThatThrownBy(() -> InvalidationRules.builder().on(Deposited.class, " "))
                    .isInstanceOf(InvalidInputException.class);
            assertThatThrownBy(() -> RULES.invalidating(null, recording)).isInstanceOf(InvalidInputException.class);
            assertThatThrownBy(() -> RULES.invalidating(base, null)).isInstanceOf(InvalidInputException.class);
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(10, TimeUnit.SECONDS)) {
                throw new AssertionError("timed out");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
