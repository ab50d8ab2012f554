package io.modularddd.profiles;

import static org.assertj.core.api.Assertions.assertThat;

import io.modularddd.core.AggregateId;
import io.modularddd.core.aggregate.AggregateRepository;
import io.modularddd.core.snapshot.Snapshot;
import io.modularddd.core.health.HealthReport;
import io.modularddd.eventstore.redis.RedisAggregateStats;
import io.modularddd.eventstore.redis.RedisMetricsCollector;
import io.modularddd.snapshots.InMemoryMetricsCollector;
import io.modularddd.profiles.Bank.Account;
import io.modularddd.profiles.Bank.AccountState;
import io.modularddd.profiles.Bank.Balance;
import io.modularddd.profiles.Bank.Deposit;
import io.modularddd.profiles.Bank.Deposited;
import io.modularddd.snapshots.AdaptiveSnapshotStrategy;
import io.modularddd.snapshots.SimpleSnapshotStrategy;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import redis.clients.jedis.Jedis;

/**
 * Each profile, on the real MariaDB and Redis, runs the test domain end to end (command, events, projection, cached
 * query) and its effective settings are checked where they act: the L1 bound, the entries' TTL, the hot tier's TTL
 * on the Redis keys, the queue's stream, the snapshot strategy, the projection strategy.
 */
class ProfilesEndToEndTest {

    final Infra infra = new Infra();

    static List<Profile> profiles() {
        return List.of(Profile.presets());
    }

    @AfterEach
    void cleanUp() throws Exception {
        infra.cleanUp();
    }

    ModularDddBuilder builder(Profile profile, Bank.Balances balances) {
        return ModularDdd.builder()
                .profile(profile)
                .jdbcUrl(infra.db.jdbcUrl(), infra.db.username(), infra.db.password())
                .redis(infra.redis.uri())
                .redisKeyPrefix(infra.prefix)
                .tableName(infra.table)
                .createSchema(true)
                .eventTypes(Bank.events())
                .commandType("bank.deposit.v1", Deposit.class)
                .projection(balances.projection("balances"))
                .invalidateOn(Deposited.class, (e, id) -> Bank.tags(id.value()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("profiles")
    void runs_the_domain_end_to_end_with_its_settings_in_force(Profile profile) throws Exception {
        Bank.Balances balances = new Bank.Balances();
        AtomicInteger asked = new AtomicInteger();
        try (ModularDdd ddd = builder(profile, balances).build()) {
            AggregateRepository<Account> accounts = ddd.repository("Account", Account::new, AccountState.class);
            ddd.commandBus().register(Deposit.class, c -> {
                Account a = accounts.find(AggregateId.of(c.accountId()))
                        .orElseGet(() -> new Account(AggregateId.of(c.accountId())));
                a.deposit(c.cents());
                accounts.save(a);
                return a.cents;
            });
            ddd.registerCachedQuery(Balance.class, q -> {
                asked.incrementAndGet();
                return balances.of(q.accountId());
            }, q -> Bank.tags(q.accountId()));

            // commands -> events -> projection -> cached query
            for (int i = 1; i <= 12; i++) {
                assertThat(ddd.commandBus().dispatch(new Deposit("a-1", 10))).isEqualTo(10L * i);
            }
            boolean realtime = profile.projectionStrategies().iterator().next() == Profile.ProjectionMode.REALTIME;
            if (realtime) {
                assertThat(balances.of("a-1")).as("realtime: applied before dispatch returned").isEqualTo(120);
            }
            assertThat(ddd.projections().awaitCaughtUp("balances", ddd.eventStore().headPosition(),
                    Duration.ofSeconds(10))).isTrue();
            assertThat(balances.byThread).as("the projection strategy").allMatch(t -> realtime
                    ? t.equals(Thread.currentThread().getName()) : !t.equals(Thread.currentThread().getName()));
            assertThat(ddd.queryBus().ask(new Balance("a-1"))).isEqualTo(120L);
            assertThat(ddd.queryBus().ask(new Balance("a-1"))).isEqualTo(120L);
            assertThat(asked).as("the second ask is a cache hit").hasValue(1);
            ddd.commandBus().dispatch(new Deposit("a-1", 5));
            ddd.projections().awaitCaughtUp("balances", ddd.eventStore().headPosition(), Duration.ofSeconds(10));
            assertThat(ddd.queryBus().ask(new Balance("a-1"))).as("invalidated by the event").isEqualTo(125L);

            checkMonitoring(ddd, profile);
            checkSnapshots(ddd, profile);
            checkHotTier(ddd, profile);
            checkQueue(ddd, profile, balances);
            checkL1(ddd, profile);
            assertThat(ddd.describe()).contains("profile: " + profile.name(), "MARIADB", infra.table,
                    "redis://127.0.0.1:" + infra.redis.port());
        }
    }

    private void checkMonitoring(ModularDdd ddd, Profile profile) {
        if (profile.metricsCollector() == Profile.MetricsCollectorKind.REDIS) {
            assertThat(ddd.metrics()).isInstanceOf(RedisMetricsCollector.class);
            assertThat(infra.keys(infra.prefix + ":metrics:*")).as("the collector's keys in Redis").isNotEmpty();
        } else {
            assertThat(ddd.metrics()).isInstanceOf(InMemoryMetricsCollector.class);
        }
        assertThat(ddd.metrics().commandSummaries().get(Deposit.class.getName()).count())
                .as("every command profiled into the collector").isEqualTo(13);
        assertThat(ddd.metrics().querySummaries().get(Balance.class.getName()).count()).isEqualTo(3);
        HealthReport health = ddd.health();
        assertThat(health.isUp()).as(health.toString()).isTrue();
        List<String> parts = new java.util.ArrayList<>(List.of("database", "redis", "projections"));
        if (profile.asyncStrategy() == Profile.AsyncMode.QUEUE) {
            parts.add("queue:" + profile.queue());
        }
        assertThat(health.components()).containsOnlyKeys(parts);
    }

    private void checkSnapshots(ModularDdd ddd, Profile profile) {
        AggregateId id = AggregateId.of("a-1");
        if (profile.snapshotStrategy() == Profile.SnapshotMode.SIMPLE) {
            assertThat(ddd.parts().snapshotStrategy).isInstanceOf(SimpleSnapshotStrategy.class);
            assertThat(((SimpleSnapshotStrategy) ddd.parts().snapshotStrategy).threshold())
                    .isEqualTo(profile.snapshotThreshold());
            // 13 events saved by commands through the unit of work: a snapshot at 10
            await(() -> ddd.snapshotStore().newest(id).isPresent(), "a snapshot of a-1");
            Optional<Snapshot> snapshot = ddd.snapshotStore().newest(id);
            assertThat(snapshot.orElseThrow().version()).isEqualTo(10);
        } else {
            assertThat(ddd.parts().snapshotStrategy).isInstanceOf(AdaptiveSnapshotStrategy.class);
            assertThat(ddd.parts().stats).as("statistics shared in Redis")
                    .isSameAs(ddd.metrics().aggregateStats());
            if (profile.metricsCollector() != Profile.MetricsCollectorKind.REDIS) {
                assertThat(ddd.parts().stats).isInstanceOf(RedisAggregateStats.class);
            } else {
                assertThat(infra.keys(infra.prefix + ":metrics:{*}:stats")).as("statistics under the collector's keys")
                        .isNotEmpty();
            }
            await(() -> ddd.parts().stats.statistics(id).loads() > 0
                    && ddd.parts().stats.statistics(id).averageEventBytes() > 0, "statistics of a-1's loads and appends");
        }
    }

    private void checkHotTier(ModularDdd ddd, Profile profile) {
        List<String> streamKeys = infra.keys(infra.prefix + ":hot:*").stream().filter(k -> k.endsWith(":s")).toList();
        if (!profile.hotTierEnabled()) {
            assertThat(streamKeys).as("no hot tier").isEmpty();
            assertThat(ddd.parts().hot).isNull();
            return;
        }
        assertThat(streamKeys).isNotEmpty();
        long expected = profile.hotStorageTtl().toSeconds();
        try (Jedis jedis = infra.jedis()) {
            for (String key : streamKeys) {
                assertThat(jedis.ttl(key)).as("TTL of " + key).isBetween(expected - 60, expected);
            }
        }
    }

    private void checkQueue(ModularDdd ddd, Profile profile, Bank.Balances balances) throws Exception {
        if (profile.asyncStrategy() == Profile.AsyncMode.SYNC) {
            assertThat(ddd.commandQueue()).isEmpty();
            assertThat(ddd.commandBus().dispatchAsync(new Deposit("q-1", 7)).join()).as("inline").isEqualTo(7L);
            return;
        }
        assertThat(ddd.commandBus().dispatchAsync(new Deposit("q-1", 7)).join())
                .as("queued: the future completes when the command is stored").isNull();
        String stream = infra.prefix + ":queue:{" + profile.queue() + "}";
        try (Jedis jedis = infra.jedis()) {
            assertThat(jedis.xlen(stream)).as("the queue's stream " + stream).isGreaterThanOrEqualTo(1);
        }
        await(() -> ddd.eventStore().currentVersion(AggregateId.of("q-1")) == 2, "the worker ran q-1's deposit");
        assertThat(ddd.projections().awaitCaughtUp("balances", ddd.eventStore().headPosition(),
                Duration.ofSeconds(10))).isTrue();
        assertThat(balances.of("q-1")).isEqualTo(7);
    }

    private void checkL1(ModularDdd ddd, Profile profile) throws InterruptedException {
        int max = profile.l1MaxEntries();
        int filled = max + 100;
        for (int i = 0; i < filled; i++) {
            ddd.queryBus().ask(new Balance("fill-" + i));
        }
        // every filled entry went into L1: at least (filled - max) of them were evicted for size
        await(() -> count(ddd, "modularddd.cache.evictions", "cause", "size") >= filled - max,
                "L1 evicting down to " + max + " entries");
        Thread.sleep(200);
        // asking them all again, newest first: an L1 hit needs an entry L1 held when the pass began
        double before = count(ddd, "modularddd.cache.hits", "query", "Balance");
        for (int i = filled - 1; i >= 0; i--) {
            ddd.queryBus().ask(new Balance("fill-" + i));
        }
        double l1Hits = count(ddd, "modularddd.cache.hits", "query", "Balance") - before;
        assertThat(l1Hits).as("L1 holds at most its " + max + " entries, and is used").isBetween(max / 2.0, (double) max);

        // the query cache TTL reaches the entries (the L2 value keys expire with them)
        long ttl = profile.queryCacheTtl().toMillis();
        List<String> values = infra.keys(infra.prefix + ":cache:{*}:v:*");
        assertThat(values).isNotEmpty();
        try (Jedis jedis = infra.jedis()) {
            assertThat(jedis.pttl(values.get(0))).as("TTL of " + values.get(0)).isBetween(ttl - 60_000, ttl);
        }
    }

    private static double count(ModularDdd ddd, String meter, String tag, String value) {
        return ddd.meterRegistry().find(meter).tag("tier", "l1").tag(tag, value).counters().stream()
                .mapToDouble(io.micrometer.core.instrument.Counter::count).sum();
    }

    static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
    }
}
