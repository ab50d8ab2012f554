package io.modularddd.eventstore.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modularddd.core.EventStoreException;
import io.modularddd.core.cache.CacheEntry;
import io.modularddd.core.cache.CacheInvalidation;
import io.modularddd.core.cache.CacheKey;
import io.modularddd.core.cache.CacheLookup;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.args.ClientPauseMode;

/**
 * The cache tier and the invalidation bus on a {@code redis-server} of the test's own (never the shared
 * one), killed with SIGKILL and restarted on the same port, or paused ({@code CLIENT PAUSE}) to play a
 * server that hangs: while it is down every call fails fast with a transient {@link EventStoreException}
 * (the engine makes that a miss); afterwards the same tier and bus work again, without being rebuilt.
 */
class RedisCacheFaultTest {

    static final Duration TIMEOUT = Duration.ofMillis(200);
    /** A failing call may take a connect and a read timeout, and the pool's wait; far less than Jedis's 2 s. */
    static final Duration FAILURE_BOUND = Duration.ofMillis(1_500);

    static LocalRedis server;
    String prefix;

    @BeforeAll
    static void start() {
        server = LocalRedis.start();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @BeforeEach
    void fresh() {
        if (!LocalRedis.answersPing(server.port())) {
            server.restart();
        }
        prefix = RedisTarget.randomPrefix("cache-fault");
    }

    @AfterEach
    void restartAndClean() {
        if (!LocalRedis.answersPing(server.port())) {
            server.restart();
        }
        try (RedisTarget target = RedisTarget.local(server)) {
            target.deleteKeys(prefix);
        }
    }

    private RedisCacheTier tier() {
        return RedisCacheTier.builder().uri(server.uri()).keyPrefix(prefix).connectTimeout(TIMEOUT)
                .readTimeout(TIMEOUT).build();
    }

    private RedisCacheInvalidationBus bus(Duration heartbeat) {
        return RedisCacheInvalidationBus.builder().uri(server.uri()).keyPrefix(prefix).connectTimeout(TIMEOUT)
                .readTimeout(TIMEOUT).minBackoff(Duration.ofMillis(10)).maxBackoff(Duration.ofMillis(100))
                .heartbeat(heartbeat).build();
    }

    private static CacheEntry entry(CacheKey key, String value, String... tags) {
        return CacheEntry.of(key, value.getBytes(StandardCharsets.UTF_8), Instant.now().plusSeconds(60), Set.of(tags));
    }

    private static void failsFastAndTransiently(String what, ThrowingCallable call) {
        long t0 = System.nanoTime();
        assertThatThrownBy(call).as(what).isInstanceOfSatisfying(EventStoreException.class, e -> {
            assertThat(e.isTransient()).as("%s: transient", what).isTrue();
            assertThat(e).hasMessageContaining("redis://127.0.0.1:" + server.port()).hasMessageContaining("Retry");
        });
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("%s failed within", what).isLessThan(FAILURE_BOUND);
    }

    @Test
    @Timeout(value = 1, unit = TimeUnit.MINUTES)
    void a_tier_on_a_killed_redis_fails_transiently_and_works_again_after_the_restart_without_a_rebuild() {
        try (RedisCacheTier tier = tier()) {
            // given: an entry, and a load that began before the outage
            CacheKey key = CacheKey.of("query:{Fault}:" + UUID.randomUUID(), "Fault(1)");
            String tag = "account:" + UUID.randomUUID();
            assertThat(tier.put(key, entry(key, "v", tag), tier.lookup(key))).isTrue();
            CacheKey raced = CacheKey.of("query:{Fault}:" + UUID.randomUUID(), "Fault(2)");
            CacheLookup racedMiss = tier.lookup(raced);
            CacheLookup miss = tier.lookup(CacheKey.of("query:{Fault}:other", "Fault(3)"));

            // when: Redis dies
            server.kill();

            // then: every call fails fast, as a transient error
            failsFastAndTransiently("lookup", () -> tier.lookup(key));
            failsFastAndTransiently("put", () -> tier.put(raced, entry(raced, "old"), racedMiss));
            failsFastAndTransiently("invalidate", () -> tier.invalidate(key));
            failsFastAndTransiently("invalidateTags", () -> tier.invalidateTags(Set.of(tag)));
            failsFastAndTransiently("clear", tier::clear);
            assertThat(miss.hasTicket()).isTrue();

            // when: Redis is back (empty: no persistence)
            server.restart();

            // then: the same tier works again
            CacheLookup after = tier.lookup(key);
            assertThat(after.isHit()).isFalse();
            assertThat(tier.put(key, entry(key, "again", tag), after)).isTrue();
            assertThat(tier.lookup(key).isHit()).isTrue();
            // and an invalidation after the restart still refuses the load that began before the outage:
            // the clock, lost with the data, starts again above every ticket of the old one
            tier.invalidate(raced);
            assertThat(tier.put(raced, entry(raced, "old"), racedMiss)).isFalse();
            assertThat(tier.lookup(raced).isHit()).isFalse();
        }
    }

    @Test
    @Timeout(value = 1, unit = TimeUnit.MINUTES)
    void the_bus_reports_a_gap_when_redis_dies_and_subscribes_again_once_it_is_back() throws Exception {
        try (RedisCacheInvalidationBus a = bus(RedisCacheInvalidationBus.DEFAULT_HEARTBEAT);
             RedisCacheInvalidationBus b = bus(RedisCacheInvalidationBus.DEFAULT_HEARTBEAT)) {
            // given
            RedisCacheBusSuite.Recorder onB = new RedisCacheBusSuite.Recorder();
            b.subscribe(onB);
            RedisCacheBusSuite.awaitSubscribed(a);
            RedisCacheBusSuite.awaitSubscribed(b);
            a.publish(RedisCacheBusSuite.invalidation("node-a"));
            onB.next();
            onB.gaps.clear();
            // when: Redis dies
            server.kill();
            // then: B flushes, and publishing fails as a transient error
            onB.awaitGap();
            failsFastAndTransiently("publish", () -> a.publish(RedisCacheBusSuite.invalidation("node-a")));
            // when: Redis is back
            server.restart();
            // then: B flushes once more when it has subscribed again, and messages flow again
            onB.awaitGap();
            RedisCacheBusSuite.awaitSubscribed(a);
            CacheInvalidation after = RedisCacheBusSuite.invalidation("node-a", "after-the-restart");
            a.publish(after);
            assertThat(onB.next()).isEqualTo(after);
        }
    }

    @Test
    @Timeout(value = 1, unit = TimeUnit.MINUTES)
    void a_subscription_that_goes_silent_is_noticed_by_the_heartbeat() throws Exception {
        Duration heartbeat = Duration.ofMillis(100);
        try (RedisCacheInvalidationBus b = bus(heartbeat)) {
            // given: a subscription kept alive by its heartbeat: eight heartbeats pass without a gap
            RedisCacheBusSuite.Recorder onB = new RedisCacheBusSuite.Recorder();
            b.subscribe(onB);
            RedisCacheBusSuite.awaitSubscribed(b);
            b.publish(RedisCacheBusSuite.invalidation("node-b"));
            onB.next();
            onB.gaps.clear();
            LocalRedis.sleep(heartbeat.toMillis() * 8);
            assertThat(onB.gaps).as("gaps while Redis answers the heartbeat").isEmpty();
            // when: Redis stops answering without closing the connection
            long pauseMillis = 2_000;
            long pausedAt = System.nanoTime();
            try (Jedis admin = LocalRedis.jedis(server.port())) {
                admin.clientPause(pauseMillis, ClientPauseMode.ALL);
            }
            // then: the heartbeat closes the silent subscription (a gap) before the pause ends
            onB.awaitGap();
            assertThat(Duration.ofNanos(System.nanoTime() - pausedAt)).isLessThan(Duration.ofMillis(pauseMillis));
            // and once Redis answers, the bus subscribes again and delivers
            onB.awaitGap();
            CacheInvalidation after = RedisCacheBusSuite.invalidation("node-b", "after-the-pause");
            b.publish(after);
            assertThat(onB.next()).isEqualTo(after);
            assertThat(List.copyOf(onB.gaps)).isEmpty();
        }
    }
}
