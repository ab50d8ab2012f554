package io.modularddd.integration;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.modularddd.cache.CaffeineTier;
import io.modularddd.cache.TieredCache;
import io.modularddd.core.cache.CachePolicy;
import io.modularddd.eventstore.redis.RedisCacheInvalidationBus;
import io.modularddd.eventstore.redis.RedisCacheTestKeys;
import io.modularddd.eventstore.redis.RedisCacheTier;
import io.modularddd.eventstore.redis.RedisTarget;
import io.modularddd.testkit.ServiceFixtures;
import io.modularddd.testkit.ServiceFixtures.RedisService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import redis.clients.jedis.ClientSetInfoConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;

/**
 * Two {@link TieredCache} "nodes" on the local Redis, end to end: each with its own Caffeine L1, both over
 * one L2 ({@link RedisCacheTier}, each node its own client) and a {@link RedisCacheInvalidationBus} each, on a
 * key prefix and channel of this test's own. An invalidation on node A reaches B's L1; when B's subscription
 * connection is killed ({@code CLIENT KILL ID}, found in {@code CLIENT LIST} by the bus's unique client name),
 * B flushes its L1 at once, subscribes again by itself, and flushes again then — so an invalidation published
 * while B was away cannot leave B serving the old value.
 */
class CacheCoherenceAcrossNodesTest {

    /** The bound asserted on delivery: pub/sub takes well under a millisecond here; this allows a loaded host. */
    static final Duration DELIVERY_BOUND = Duration.ofSeconds(5);
    /** B's wait before subscribing again (it sleeps half to all of it): the window the gap case runs in. */
    static final Duration B_BACKOFF = Duration.ofSeconds(4);

    /** A result. */
    record Account(String id, long balance) {
    }

    /** A query the L1 keys by value (a record): remote invalidations reach it through its storage key. */
    record FindAccount(String id) {
    }

    static RedisTarget redis;

    private final String id = UUID.randomUUID().toString().substring(0, 8);
    private final FindAccount query = new FindAccount(id);
    private final String tag = "account:" + id;
    private final CachePolicy policy = CachePolicy.ttl(Duration.ofMinutes(10)).withTags(tag);
    /** The system of record the loaders read. */
    private final AtomicReference<Account> database = new AtomicReference<>(new Account(id, 100));
    private final List<AutoCloseable> open = new ArrayList<>();
    private String prefix;

    @BeforeAll
    static void connect() {
        redis = RedisTarget.shared();
    }

    @AfterAll
    static void disconnect() {
        if (redis != null) {
            redis.close();
        }
    }

    @BeforeEach
    void namespace() {
        prefix = Services.randomPrefix("coherence");
    }

    @AfterEach
    void closeAndClean() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
        redis.deleteKeys(prefix);
    }

    /** One application node: its own L1, its own clients of the shared L2 and of the bus. */
    final class Node {
        final SimpleMeterRegistry registry = new SimpleMeterRegistry();
        final RedisCacheTier l2;
        final RedisCacheInvalidationBus bus;
        final TieredCache cache;
        final AtomicInteger loads = new AtomicInteger();

        Node(String name, Duration backoff) {
            l2 = redis.cacheTier(prefix).build();
            open.add(l2);
            bus = redis.cacheBus(prefix).minBackoff(backoff).maxBackoff(backoff).build();
            open.add(bus);
            cache = TieredCache.builder().tiers(CaffeineTier.builder().build(), l2).invalidationBus(bus)
                    .meterRegistry(registry).nodeId(name).build();
            open.add(cache);
        }

        Account get() {
            return cache.get(query, policy, Account.class, () -> {
                loads.incrementAndGet();
                return database.get();
            });
        }

        double count(String meter, String... tags) {
            Counter c = registry.find("modularddd.cache." + meter).tags(tags).counter();
            return c == null ? 0 : c.count();
        }

        double hits(String tier) {
            return count("hits", "tier", tier, "query", "FindAccount");
        }

        double gaps() {
            return count("invalidations.gaps");
        }

        String subscriber() {
            return RedisCacheTestKeys.subscriberName(bus);
        }

        /** Invalidations from other nodes applied to this node's L1 since {@link #ready}. */
        double received() {
            return count("invalidations.received") - 1; // the probe
        }

        /** Calls {@link #get()} until it answers {@code expected}; fails past the delivery bound. */
        Duration awaitAnswer(Account expected) {
            long t0 = System.nanoTime();
            long deadline = t0 + DELIVERY_BOUND.toNanos();
            Account seen;
            while (!(seen = get()).equals(expected)) {
                assertThat(System.nanoTime()).as("node still answers %s, not %s, after %s", seen, expected,
                        DELIVERY_BOUND).isLessThan(deadline);
                sleep(2);
            }
            return Duration.ofNanos(System.nanoTime() - t0);
        }
    }

    static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("%s within 10 s", what).isLessThan(deadline);
            sleep(5);
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Waits until every node's bus is subscribed and done with its first subscription: the bus announces that
     * with a gap (an L1 flush) when the cache's listener was there in time, so nothing may be cached before.
     * When the channel has a subscriber per node, one probe message is published; a node that has applied it
     * has applied everything its bus delivered before it, that gap included (one thread delivers in order).
     */
    static void ready(Node... nodes) {
        String channel = nodes[0].bus.channel();
        await("every node subscribed to " + channel, () -> subscribers(channel) == nodes.length);
        redis.inspector().publish(channel, "{\"v\":1,\"origin\":\"probe\",\"keys\":[],\"tags\":[\"probe\"]}");
        for (Node n : nodes) {
            await("the probe applied on " + n.subscriber(), () -> n.count("invalidations.received") == 1);
        }
    }

    /** How many connections are subscribed to the nodes' channel, server-side ({@code PUBSUB NUMSUB}). */
    static long subscribers(String channel) {
        RedisService s = ServiceFixtures.redis();
        DefaultJedisClientConfig.Builder config = DefaultJedisClientConfig.builder()
                .clientSetInfoConfig(ClientSetInfoConfig.DISABLED);
        if (!s.password().isEmpty()) {
            config.password(s.password());
        }
        try (Jedis jedis = new Jedis(new HostAndPort(s.host(), s.port()), config.build())) {
            return jedis.pubsubNumSub(channel).getOrDefault(channel, 0L);
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void an_invalidation_by_key_and_by_tag_on_one_node_drops_the_entry_from_the_other_nodes_l1() {
        Node a = new Node("node-a", RedisCacheInvalidationBus.DEFAULT_MIN_BACKOFF);
        Node b = new Node("node-b", RedisCacheInvalidationBus.DEFAULT_MIN_BACKOFF);
        ready(a, b);
        double gaps = b.gaps();
        // given: A loaded the account; B took it from L2 into its own L1
        Account v1 = database.get();
        assertThat(a.get()).isEqualTo(v1);
        assertThat(b.get()).isEqualTo(v1);
        assertThat(b.get()).isEqualTo(v1);
        assertThat(b.hits("l2")).as("B's first read hit L2").isEqualTo(1);
        assertThat(b.hits("l1")).as("B's second read hit its L1").isEqualTo(1);
        assertThat(b.loads).hasValue(0);

        // when: the account changes and A invalidates the query by key
        Account v2 = new Account(id, 250);
        database.set(v2);
        a.cache.invalidate(query, null);

        // then: B's L1 lets go of v1 within the bound; B reloads (A dropped L2's copy too)
        Duration byKey = b.awaitAnswer(v2);
        assertThat(b.loads).as("B reloaded once").hasValue(1);
        assertThat(b.received()).isEqualTo(1);

        // given: v2 in B's L1 now
        double l1Hits = b.hits("l1");
        assertThat(b.get()).isEqualTo(v2);
        assertThat(b.hits("l1")).isEqualTo(l1Hits + 1);

        // when: the account changes again and A invalidates by tag
        Account v3 = new Account(id, 400);
        database.set(v3);
        a.cache.invalidateTags(Set.of(tag));

        // then: B's L1 drops it for the tag, and B reloads
        Duration byTag = b.awaitAnswer(v3);
        assertThat(b.loads).hasValue(2);
        assertThat(b.received()).isEqualTo(2);
        assertThat(a.received()).as("A ignores its own messages").isZero();
        assertThat(b.gaps()).as("no gap: the subscription held").isEqualTo(gaps);
        System.out.printf("cross-node invalidation reached B's L1 within %d ms (by key), %d ms (by tag)%n",
                byKey.toMillis(), byTag.toMillis());
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void a_killed_subscription_flushes_l1_at_once_and_again_on_resubscribing_so_a_missed_invalidation_leaves_nothing_stale() {
        Node a = new Node("node-a", RedisCacheInvalidationBus.DEFAULT_MIN_BACKOFF);
        Node b = new Node("node-b", B_BACKOFF);
        ready(a, b);
        // given: v1 in B's L1
        Account v1 = database.get();
        assertThat(a.get()).isEqualTo(v1);
        assertThat(b.get()).isEqualTo(v1);
        assertThat(b.get()).isEqualTo(v1);
        assertThat(b.hits("l1")).as("v1 is in B's L1").isEqualTo(1);
        double gaps = b.gaps();
        assertThat(redis.countClients(a.subscriber())).as("A's subscription connection").isEqualTo(1);
        assertThat(redis.countClients(b.subscriber())).as("B's subscription connection").isEqualTo(1);

        // when: B's subscription connection — B's only, found by its client name — is killed
        assertThat(redis.killClient(b.subscriber())).isTrue();

        // then: B flushes its L1 as soon as it notices, before it has subscribed again
        await("B's gap for the dropped subscription", () -> b.gaps() >= gaps + 1);
        assertThat(subscribers(b.bus.channel())).as("only A is subscribed: B waits %s before subscribing again", B_BACKOFF)
                .isEqualTo(1);
        assertThat(redis.countClients(a.subscriber())).as("A's connection is untouched").isEqualTo(1);
        assertThat(b.get()).isEqualTo(v1);
        assertThat(b.hits("l1")).as("B's L1 was flushed: this read was no L1 hit").isEqualTo(1);
        assertThat(b.hits("l2")).as("it came from L2").isEqualTo(2);
        assertThat(b.count("promotions", "tier", "l1", "query", "FindAccount"))
                .as("and v1 is back in B's L1, where a message B now misses would have to remove it").isEqualTo(2);

        // when: the account changes and A invalidates while B is not subscribed
        Account v2 = new Account(id, 250);
        database.set(v2);
        a.cache.invalidate(query, null);
        assertThat(subscribers(b.bus.channel())).as("B was still away when A published: the message is lost to B").isEqualTo(1);

        // then: B subscribes again by itself, flushes again, and does not serve v1
        await("B subscribed again", () -> b.gaps() >= gaps + 2);
        assertThat(subscribers(b.bus.channel())).isEqualTo(2);
        assertThat(redis.countClients(b.subscriber())).as("one subscription connection of B again").isEqualTo(1);
        int loads = b.loads.get();
        assertThat(b.get()).as("after the reconnection B answers the new value").isEqualTo(v2);
        assertThat(b.loads).as("loaded: A removed v1 from L2, B's flush removed it from L1").hasValue(loads + 1);
        assertThat(b.received()).as("the message was never delivered to B").isZero();

        // and a later invalidation from A reaches B through the new subscription
        Account v3 = new Account(id, 400);
        database.set(v3);
        a.cache.invalidateTags(Set.of(tag));
        b.awaitAnswer(v3);
        assertThat(b.received()).isEqualTo(1);
        assertThat(b.gaps()).as("exactly two gaps for one kill: the drop and the new subscription")
                .isEqualTo(gaps + 2);
    }
}
