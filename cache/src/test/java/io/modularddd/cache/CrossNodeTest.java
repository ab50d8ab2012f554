package io.modularddd.cache;

import static io.modularddd.cache.Fixtures.policy;
import static org.assertj.core.api.Assertions.assertThat;

import io.modularddd.cache.Fixtures.Account;
import io.modularddd.cache.Fixtures.CountingLoader;
import io.modularddd.cache.Fixtures.FindAccount;
import io.modularddd.cache.Fixtures.FindAccounts;
import io.modularddd.cache.Fixtures.Node;
import io.modularddd.core.cache.CacheInvalidation;
import io.modularddd.core.cache.CacheLookup;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Two nodes, each with its own L1, sharing an L2 and an invalidation bus. */
class CrossNodeTest {

    private final MutableClock clock = new MutableClock();
    private final SharedTier l2 = new SharedTier("l2", Duration.ofMinutes(15), clock);
    private final InProcessBus bus = new InProcessBus();
    private final Node a = new Node(clock, bus, "node-a", l2);
    private final Node b = new Node(clock, bus, "node-b", l2);
    private final FindAccount query = new FindAccount("42");
    private final Account old = new Account("42", 100);
    private final Account fresh = new Account("42", 250);
    private final ExecutorService pool = Executors.newCachedThreadPool();

    @AfterEach
    void stop() {
        pool.shutdownNow();
        a.cache.close();
        b.cache.close();
    }

    private void bothCache(Object q, String id) {
        a.cache.get(q, policy(id), Account.class, () -> old);
        b.cache.get(q, policy(id), Account.class, () -> old);
    }

    @Test
    void an_invalidation_on_one_node_drops_the_entry_from_the_other_nodes_l1() {
        bothCache(query, "42");
        assertThat(b.l1Value(query)).isEqualTo(old);

        a.cache.invalidate(query, null);

        assertThat(b.l1Value(query)).isNull();
        CountingLoader reload = new CountingLoader(fresh);
        assertThat(b.cache.get(query, policy("42"), Account.class, reload)).isEqualTo(fresh);
        assertThat(reload.calls).as("L2 was invalidated by the sender").hasValue(1);
        assertThat(bus.published).containsExactly(new CacheInvalidation("node-a",
                Set.of(a.cache.keyOf(query, null).storageKey()), Set.of()));
    }

    @Test
    void a_tag_invalidation_reaches_the_other_node_and_keeps_what_it_does_not_name() {
        FindAccount other = new FindAccount("7");
        FindAccounts many = new FindAccounts(List.of("42", "7"));
        bothCache(query, "42");
        bothCache(other, "7");
        bothCache(many, "42");

        a.cache.invalidateTags(Set.of("account:42"));

        assertThat(b.l1Value(query)).isNull();
        assertThat(b.l1.findByKey(b.cache.keyOf(many, null))).isNull();
        assertThat(b.l1Value(other)).isEqualTo(old);
    }

    @Test
    void a_node_ignores_its_own_messages_and_counts_the_others() {
        bothCache(query, "42");
        a.cache.invalidate(query, null);
        b.cache.invalidateTags(Set.of("account:1"));

        assertThat(a.count("invalidations.received")).isEqualTo(1);
        assertThat(b.count("invalidations.received")).isEqualTo(1);
    }

    @Test
    void a_gap_flushes_l1_and_refuses_loads_that_began_before_it() {
        bothCache(query, "42");
        CacheLookup before = b.l1.miss();

        bus.gap();

        assertThat(a.l1Value(query)).isNull();
        assertThat(b.l1Value(query)).isNull();
        assertThat(l2.lookup(b.cache.keyOf(query, null)).isHit()).as("the shared tier is not touched").isTrue();
        var key = b.cache.keyOf(new FindAccount("9"), null);
        var entry = io.modularddd.core.cache.CacheEntry.of(key, new byte[] {1}, clock.instant().plusSeconds(60),
                Set.of()).withDecoded(old);
        assertThat(b.l1.store(new FindAccount("9"), key, entry, Account.class, before)).isFalse();
        assertThat(b.count("invalidations.gaps")).isEqualTo(1);
    }

    @Test
    void a_remote_invalidation_racing_a_promotion_keeps_the_old_value_out_of_l1() throws Exception {
        a.cache.get(query, policy("42"), Account.class, () -> old); // in a's L1 and in L2
        CountDownLatch readL2 = new CountDownLatch(1);
        CountDownLatch proceed = new CountDownLatch(1);
        AtomicBoolean armed = new AtomicBoolean(true);
        l2.afterLookup = () -> {
            if (armed.compareAndSet(true, false)) {
                readL2.countDown();
                await(proceed);
            }
        };
        Future<Account> read = pool.submit(() -> b.cache.get(query, policy("42"), Account.class, () -> fresh));
        assertThat(readL2.await(30, TimeUnit.SECONDS)).isTrue();

        a.cache.invalidate(query, null); // L2 on a's side, then b's L1 through the bus
        proceed.countDown();

        assertThat(read.get(30, TimeUnit.SECONDS)).isEqualTo(old);
        assertThat(b.l1Value(query)).isNull();
    }

    @Test
    void when_publishing_fails_the_local_invalidation_still_happens_and_the_failure_is_counted() {
        bothCache(query, "42");
        bus.down = true;

        a.cache.invalidate(query, null);

        assertThat(a.l1Value(query)).isNull();
        assertThat(l2.lookup(a.cache.keyOf(query, null)).isHit()).isFalse();
        assertThat(a.count("invalidations.publish.failures")).isEqualTo(1);
        assertThat(b.l1Value(query)).as("the bound: b's L1 keeps it until it expires").isEqualTo(old);
    }

    @Test
    void a_closed_cache_stops_listening() {
        assertThat(bus.subscribers()).isEqualTo(2);
        bothCache(query, "42");

        b.cache.close();
        b.cache.close();
        a.cache.invalidate(query, null);

        assertThat(bus.subscribers()).isEqualTo(1);
        assertThat(b.l1Value(query)).isEqualTo(old);
    }

    private static void await(CountDownLatch latch) {
        try {
            assertThat(latch.await(30, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
