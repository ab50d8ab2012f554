package io.modularddd.cache;

import static io.modularddd.cache.Fixtures.policy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modularddd.cache.Fixtures.Account;
import io.modularddd.cache.Fixtures.CountingLoader;
import io.modularddd.cache.Fixtures.FindAccount;
import io.modularddd.cache.Fixtures.FindAccounts;
import io.modularddd.cache.Fixtures.Node;
import io.modularddd.core.cache.CacheKey;
import io.modularddd.core.cache.QueryCache;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Single flight, and deterministic interleavings of loads and promotions with invalidations. */
class TieredCacheConcurrencyTest {

    private final MutableClock clock = new MutableClock();
    private final SharedTier l2 = new SharedTier("l2", Duration.ofMinutes(15), clock);
    private final Node node = new Node(clock, null, "node-a", l2);
    private final FindAccount query = new FindAccount("42");
    private final Account old = new Account("42", 100);
    private final Account fresh = new Account("42", 250);
    private final ExecutorService pool = Executors.newCachedThreadPool();

    @AfterEach
    void stopPool() {
        pool.shutdownNow();
    }

    private static void await(CountDownLatch latch) {
        try {
            assertThat(latch.await(30, TimeUnit.SECONDS)).as("latch released").isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Waits for a condition the code under test makes true (not for time to pass). */
    private static void waitUntil(BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.yield();
        }
    }

    /** A loader that says it started, then waits for the test to let it return. */
    private static QueryCache.Loader<Account> blockedLoader(CountDownLatch started, CountDownLatch proceed,
                                                           Account result) {
        return () -> {
            started.countDown();
            await(proceed);
            return result;
        };
    }

    @Nested
    class SingleFlight {

        @Test
        void thirty_two_concurrent_misses_of_one_key_load_it_once() throws Exception {
            int threads = 32;
            CyclicBarrier start = new CyclicBarrier(threads);
            CountDownLatch release = new CountDownLatch(1);
            AtomicInteger loads = new AtomicInteger();
            QueryCache.Loader<Account> loader = () -> {
                loads.incrementAndGet();
                await(release);
                return old;
            };
            List<Future<Account>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                results.add(pool.submit(() -> {
                    start.await();
                    return node.cache.get(query, policy("42"), Account.class, loader);
                }));
            }

            waitUntil(() -> node.cache.waitingForLoads() == threads - 1 || loads.get() > 1);
            int waiting = node.cache.waitingForLoads();
            release.countDown();

            for (Future<Account> f : results) {
                assertThat(f.get(30, TimeUnit.SECONDS)).isEqualTo(old);
            }
            assertThat(waiting).as("callers parked on the one load").isEqualTo(threads - 1);
            assertThat(loads).hasValue(1);
            assertThat(l2.lookups).as("the joiners did not ask L2 either").hasValue(1);
        }

        @Test
        void the_leaders_failure_reaches_every_caller_who_joined_and_nothing_is_cached() throws Exception {
            CountDownLatch started = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            IllegalStateException boom = new IllegalStateException("database unavailable");
            Future<Account> leader = pool.submit(() -> node.cache.get(query, policy("42"), Account.class, () -> {
                started.countDown();
                await(release);
                throw boom;
            }));
            await(started);
            List<Future<Account>> joiners = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                joiners.add(pool.submit(() -> node.cache.get(query, policy("42"), Account.class, () -> fresh)));
            }
            waitUntil(() -> node.cache.waitingForLoads() == 3);
            release.countDown();

            for (Future<Account> f : List.of(leader, joiners.get(0), joiners.get(1), joiners.get(2))) {
                assertThatThrownBy(f::get).isInstanceOf(ExecutionException.class).hasCause(boom);
            }
            CountingLoader next = new CountingLoader(fresh);
            assertThat(node.cache.get(query, policy("42"), Account.class, next)).isEqualTo(fresh);
            assertThat(next.calls).hasValue(1);
        }

        @Test
        void a_loader_that_asks_for_its_own_query_is_refused_instead_of_waiting_for_itself() {
            assertThatThrownBy(() -> node.cache.get(query, policy("42"), Account.class,
                    () -> node.cache.get(query, policy("42"), Account.class, () -> old)))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("cannot wait for itself");
        }
    }

    @Nested
    class NoStaleRepopulation {

        @Test
        void a_load_raced_by_an_invalidation_of_its_key_leaves_nothing_cached_in_any_tier() throws Exception {
            CountDownLatch started = new CountDownLatch(1);
            CountDownLatch proceed = new CountDownLatch(1);
            Future<Account> load = pool.submit(() -> node.cache.get(query, policy("42"), Account.class,
                    blockedLoader(started, proceed, old)));
            await(started);              // the load has read the old data

            node.cache.invalidate(query, null); // a command changed it and invalidated
            proceed.countDown();

            assertThat(load.get(30, TimeUnit.SECONDS)).as("its caller still gets what it loaded").isEqualTo(old);
            assertNothingCached();
            assertThat(node.count("puts.refused", "tier", "l1", "query", "FindAccount")).isEqualTo(1);
            assertThat(node.count("puts.refused", "tier", "l2", "query", "FindAccount")).isEqualTo(1);
            CountingLoader next = new CountingLoader(fresh);
            assertThat(node.cache.get(query, policy("42"), Account.class, next)).isEqualTo(fresh);
            assertThat(next.calls).hasValue(1);
        }

        @Test
        void a_load_raced_by_an_invalidation_of_its_tag_leaves_nothing_cached_in_any_tier() throws Exception {
            CountDownLatch started = new CountDownLatch(1);
            CountDownLatch proceed = new CountDownLatch(1);
            Future<Account> load = pool.submit(() -> node.cache.get(query, policy("42"), Account.class,
                    blockedLoader(started, proceed, old)));
            await(started);

            node.cache.invalidateTags(Set.of("account:42"));
            proceed.countDown();

            assertThat(load.get(30, TimeUnit.SECONDS)).isEqualTo(old);
            assertNothingCached();
        }

        @Test
        void the_same_holds_for_a_query_keyed_by_storage_key_in_l1() throws Exception {
            FindAccounts many = new FindAccounts(List.of("42"));
            CountDownLatch started = new CountDownLatch(1);
            CountDownLatch proceed = new CountDownLatch(1);
            Future<Account> load = pool.submit(() -> node.cache.get(many, policy("42"), Account.class,
                    blockedLoader(started, proceed, old)));
            await(started);

            node.cache.invalidateTags(Set.of("account:42"));
            proceed.countDown();

            assertThat(load.get(30, TimeUnit.SECONDS)).isEqualTo(old);
            CacheKey key = node.cache.keyOf(many, null);
            assertThat(node.l1.findByKey(key)).isNull();
            assertThat(l2.lookup(key).isHit()).isFalse();
        }

        @Test
        void a_promotion_raced_by_an_invalidation_does_not_bring_the_old_value_back_into_l1() throws Exception {
            new Node(clock, null, "writer", l2).cache.get(query, policy("42"), Account.class, () -> old);
            CountDownLatch readL2 = new CountDownLatch(1);
            CountDownLatch proceed = new CountDownLatch(1);
            AtomicBoolean armed = new AtomicBoolean(true);
            l2.afterLookup = () -> {
                if (armed.compareAndSet(true, false)) {
                    readL2.countDown(); // L2 answered with the old value; L1 not yet written
                    await(proceed);
                }
            };
            Future<Account> read = pool.submit(() -> node.cache.get(query, policy("42"), Account.class,
                    () -> fresh));
            await(readL2);

            node.cache.invalidate(query, null);
            proceed.countDown();

            assertThat(read.get(30, TimeUnit.SECONDS)).isEqualTo(old);
            assertThat(node.l1Value(query)).as("the promotion was refused").isNull();
            assertThat(node.count("puts.refused", "tier", "l1", "query", "FindAccount")).isEqualTo(1);
            assertThat(node.count("promotions", "tier", "l1", "query", "FindAccount")).isZero();
            assertThat(node.cache.get(query, policy("42"), Account.class, () -> fresh)).isEqualTo(fresh);
        }

        @Test
        void a_read_while_an_invalidation_is_between_tiers_cannot_leave_the_old_value_in_l1() throws Exception {
            new Node(clock, null, "writer", l2).cache.get(query, policy("42"), Account.class, () -> old);
            CountDownLatch between = new CountDownLatch(1);
            CountDownLatch resume = new CountDownLatch(1);
            AtomicBoolean armed = new AtomicBoolean(true);
            l2.beforeInvalidate = () -> {
                if (armed.compareAndSet(true, false)) {
                    between.countDown();
                    await(resume);
                }
            };
            Future<?> invalidation = pool.submit(() -> node.cache.invalidateTags(Set.of("account:42")));
            await(between);

            // the invalidation has not returned: reading the old value now is allowed, keeping it is not
            Account during = node.cache.get(query, policy("42"), Account.class, () -> fresh);
            resume.countDown();
            invalidation.get(30, TimeUnit.SECONDS);

            assertThat(during).isEqualTo(old);
            assertThat(node.l1Value(query)).as("tiers are invalidated from the lowest up, so L1 goes last").isNull();
            assertThat(node.cache.get(query, policy("42"), Account.class, () -> fresh)).isEqualTo(fresh);
        }

        @Test
        void a_caller_arriving_after_an_invalidation_does_not_join_a_load_that_began_before_it() throws Exception {
            CountDownLatch started = new CountDownLatch(1);
            CountDownLatch proceed = new CountDownLatch(1);
            Future<Account> early = pool.submit(() -> node.cache.get(query, policy("42"), Account.class,
                    blockedLoader(started, proceed, old)));
            await(started);
            node.cache.invalidate(query, null);

            CountingLoader late = new CountingLoader(fresh);
            Account seen = node.cache.get(query, policy("42"), Account.class, late);
            proceed.countDown();

            assertThat(seen).as("not the old load's value").isEqualTo(fresh);
            assertThat(late.calls).hasValue(1);
            assertThat(early.get(30, TimeUnit.SECONDS)).isEqualTo(old);
            assertThat(node.l1Value(query)).as("the old load's put was refused, the new value stays").isEqualTo(fresh);
            assertThat(new String(l2.lookup(node.cache.keyOf(query, null)).entry().bytes(),
                    java.nio.charset.StandardCharsets.UTF_8)).contains("250");
        }

        private void assertNothingCached() {
            assertThat(node.l1Value(query)).as("L1").isNull();
            assertThat(l2.lookup(node.cache.keyOf(query, null)).isHit()).as("L2").isFalse();
        }
    }
}
