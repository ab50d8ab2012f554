package io.modularddd.integration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.modularddd.cache.CaffeineTier;
import io.modularddd.cache.TieredCache;
import io.modularddd.core.cache.CachePolicy;
import io.modularddd.core.cache.QueryCache;
import io.modularddd.eventstore.redis.LocalRedis;
import io.modularddd.eventstore.redis.RedisCacheTestKeys;
import io.modularddd.eventstore.redis.RedisCacheTier;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import redis.clients.jedis.Jedis;

/**
 * A {@link TieredCache} whose L2 ({@link RedisCacheTier}) is a {@code redis-server} of this test's own, on a
 * spare port, killed (SIGKILL) and restarted on the same port: while it is down every query still answers
 * (L1 serves what it holds, the loader the rest), each L2 failure is counted
 * ({@code modularddd.cache.failures{tier=l2,operation}}) and logged, at most once per operation per ten
 * seconds, and none reaches the caller; once it is back, the same cache uses L2 again without a rebuild.
 */
class CacheL2OutageTest {

    static final Duration TIMEOUT = Duration.ofMillis(200);

    /** A result. */
    record Account(String id, long balance) {
    }

    /** A query. */
    record FindAccount(String id) {
    }

    static LocalRedis server;

    private final String prefix = Services.randomPrefix("l2-outage");
    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final AtomicInteger loads = new AtomicInteger();

    @BeforeAll
    static void start() {
        server = LocalRedis.start();
    }

    /** Kills the server and deletes its directory: the keys go with it (no persistence). */
    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private FindAccount query(int n) {
        return new FindAccount(run + "-" + n);
    }

    private static CachePolicy policy(FindAccount q) {
        return CachePolicy.ttl(Duration.ofMinutes(10)).withTags("account:" + q.id());
    }

    private Account get(TieredCache cache, FindAccount q) {
        return cache.get(q, policy(q), Account.class, () -> {
            loads.incrementAndGet();
            return new Account(q.id(), q.id().length());
        });
    }

    private static TieredCache node(RedisCacheTier l2, SimpleMeterRegistry registry) {
        return TieredCache.builder().tiers(CaffeineTier.builder().build(), l2).meterRegistry(registry).build();
    }

    private static double count(SimpleMeterRegistry registry, String meter, String... tags) {
        Counter c = registry.find("modularddd.cache." + meter).tags(tags).counter();
        return c == null ? 0 : c.count();
    }

    private static double failures(SimpleMeterRegistry registry, String operation) {
        return count(registry, "failures", "tier", "l2", "operation", operation);
    }

    private static double hits(SimpleMeterRegistry registry, String tier) {
        return count(registry, "hits", "tier", tier, "query", "FindAccount");
    }

    private static boolean inRedis(RedisCacheTier l2, TieredCache cache, FindAccount q) {
        try (Jedis raw = LocalRedis.jedis(server.port())) {
            return raw.exists(RedisCacheTestKeys.valueKeyOf(l2, cache.keyOf(q, null)));
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void a_killed_l2_degrades_to_counted_and_logged_misses_and_is_used_again_once_restarted() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (RedisCacheTier l2 = RedisCacheTier.builder().uri(server.uri()).keyPrefix(prefix).connectTimeout(TIMEOUT)
                .readTimeout(TIMEOUT).build();
             TieredCache cache = node(l2, registry)) {
            // given: one query cached in L1 and L2
            FindAccount cached = query(1);
            Account one = get(cache, cached);
            assertThat(loads).hasValue(1);
            assertThat(inRedis(l2, cache, cached)).as("the put landed in Redis").isTrue();

            ByteArrayOutputStream captured = new ByteArrayOutputStream();
            PrintStream originalErr = System.err;
            System.setErr(new PrintStream(new Tee(captured, originalErr), true, StandardCharsets.UTF_8));
            try {
                // when: L2's server dies, between a load's L2 lookup (a miss with a ticket) and its put
                FindAccount midway = query(2);
                Account two = cache.get(midway, policy(midway), Account.class, () -> {
                    server.kill();
                    loads.incrementAndGet();
                    return new Account(midway.id(), 2);
                });
                // then: the caller has its result, and L1 holds it; the put into L2 failed, counted
                assertThat(two).isEqualTo(new Account(midway.id(), 2));
                assertThat(failures(registry, "put")).isEqualTo(1);
                QueryCache.Loader<Account> never = () -> {
                    throw new AssertionError("L1 holds it");
                };
                assertThat(cache.get(midway, policy(midway), Account.class, never)).isEqualTo(two);

                // and with L2 down: what L1 holds is served, the rest is loaded; nothing is thrown
                double l2Misses = count(registry, "misses", "tier", "l2", "query", "FindAccount");
                assertThat(get(cache, cached)).isEqualTo(one);
                assertThat(loads).as("an L1 hit").hasValue(2);
                for (int n = 10; n < 30; n++) {
                    FindAccount q = query(n);
                    assertThatCode(() -> assertThat(get(cache, q).id()).isEqualTo(q.id())).doesNotThrowAnyException();
                }
                assertThat(loads).as("20 queries loaded").hasValue(22);
                assertThat(failures(registry, "lookup")).as("each an L2 lookup that failed").isEqualTo(20);
                assertThat(count(registry, "misses", "tier", "l2", "query", "FindAccount") - l2Misses)
                        .as("and counted as an L2 miss").isEqualTo(20);
                assertThat(failures(registry, "put")).as("no put without a ticket").isEqualTo(1);
                get(cache, query(10));
                assertThat(loads).as("a query loaded during the outage is served from L1").hasValue(22);

                // and invalidations still work locally, L2's part counted
                assertThatCode(() -> {
                    cache.invalidate(cached, null);
                    cache.invalidateTags(Set.of("account:" + query(10).id()));
                }).doesNotThrowAnyException();
                assertThat(failures(registry, "invalidate")).isEqualTo(2);
                get(cache, cached);
                get(cache, query(10));
                assertThat(loads).as("both invalidated in L1, so loaded again").hasValue(24);
            } finally {
                System.setErr(originalErr);
            }
            String log = captured.toString(StandardCharsets.UTF_8);
            assertThat(log.lines().filter(l -> l.contains("WARN") && l.contains("cache tier l2 failed to lookup")))
                    .as("one warning for 22 failed lookups, not one per query").hasSize(1);
            assertThat(log).contains("cache tier l2 failed to put").contains("cache tier l2 failed to invalidate")
                    .contains("redis://127.0.0.1:" + server.port());

            // when: the server is back on the same port (empty: no persistence)
            server.restart();
            double failed = failures(registry, "lookup") + failures(registry, "put") + failures(registry, "invalidate");

            // then: the same cache, not rebuilt, uses L2 again: a load's put lands in Redis
            FindAccount after = query(100);
            Account hundred = get(cache, after);
            assertThat(loads).hasValue(25);
            assertThat(inRedis(l2, cache, after)).as("the put after the restart landed in Redis").isTrue();
            assertThat(failures(registry, "lookup") + failures(registry, "put") + failures(registry, "invalidate"))
                    .as("no failure since the restart").isEqualTo(failed);

            // and a fresh node (its own empty L1) finds it in L2 instead of loading
            SimpleMeterRegistry freshRegistry = new SimpleMeterRegistry();
            try (TieredCache fresh = node(l2, freshRegistry)) {
                assertThat(get(fresh, after)).isEqualTo(hundred);
                assertThat(loads).as("no load: an L2 hit").hasValue(25);
                assertThat(hits(freshRegistry, "l2")).isEqualTo(1);
                assertThat(hits(freshRegistry, "l1")).isZero();
            }
        }
    }

    /** Writes to the captured buffer and to the console. */
    private static final class Tee extends OutputStream {
        private final OutputStream a;
        private final OutputStream b;

        Tee(OutputStream a, OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public void write(int c) throws java.io.IOException {
            a.write(c);
            b.write(c);
        }

        @Override
        public void write(byte[] buf, int off, int len) throws java.io.IOException {
            a.write(buf, off, len);
            b.write(buf, off, len);
        }
    }
}
