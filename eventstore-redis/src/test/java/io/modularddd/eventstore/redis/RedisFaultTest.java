package io.modularddd.eventstore.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.modularddd.core.AggregateId;
import io.modularddd.core.AppendRequest;
import io.modularddd.core.AppendResult;
import io.modularddd.core.EventStream;
import io.modularddd.core.ExpectedVersion;
import io.modularddd.core.InMemoryEventStore;
import io.modularddd.core.NewEvent;
import io.modularddd.core.StoredEvent;
import io.modularddd.testkit.ContractEvents;
import io.modularddd.testkit.ContractEvents.Happened;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.args.ClientPauseMode;

/**
 * Redis failing under load: a {@code redis-server} of the test's own (never the shared one) is
 * killed with SIGKILL and restarted on the same port while appends and loads run, and paused
 * ({@code CLIENT PAUSE}) to play a server that hangs. Appends must keep succeeding, loads must fall
 * back within a bound derived from the configured timeouts (well under Jedis's 2 s default), the hot
 * tier must be used again once Redis is back, and nothing acknowledged may be lost.
 */
class RedisFaultTest {

    static final Duration CONNECT_TIMEOUT = Duration.ofMillis(200);
    static final Duration READ_TIMEOUT = Duration.ofMillis(200);
    static final Duration RETRY_AFTER = Duration.ofMillis(200);
    /** Jedis's default connect and socket timeout, which the bounds below must stay clearly under. */
    static final Duration JEDIS_DEFAULT_TIMEOUT = Duration.ofSeconds(2);

    static LocalRedis server;

    SimpleMeterRegistry meters;
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
        meters = new SimpleMeterRegistry();
        prefix = RedisTarget.randomPrefix("fault");
    }

    private TieredEventStore store(Duration connect, Duration read, Duration retry) {
        RedisHotTier hot = RedisHotTier.builder().uri(server.uri()).serializer(ContractEvents.serializer()).keyPrefix(prefix)
                .connectTimeout(connect).readTimeout(read).retryAfterFailure(retry).meterRegistry(meters).build();
        return TieredEventStore.of(InMemoryEventStore.create(ContractEvents.serializer()), hot);
    }

    private double count(String name, String... tags) {
        return meters.find(HotTierMetrics.PREFIX + name).tags(tags).counters().stream().mapToDouble(Counter::count)
                .sum();
    }

    private static List<StoredEvent> load(TieredEventStore store, AggregateId id) {
        try (EventStream s = store.load(id)) {
            return s.toList();
        }
    }

    private static List<Long> versions(List<StoredEvent> events) {
        return events.stream().map(StoredEvent::version).collect(Collectors.toList());
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void appends_and_loads_survive_a_killed_redis_and_the_hot_tier_is_used_again_once_it_is_back() throws Exception {
        // given: six streams, two writers (each owns three streams), two readers
        TieredEventStore store = store(CONNECT_TIMEOUT, READ_TIMEOUT, RETRY_AFTER);
        List<AggregateId> ids = new ArrayList<>();
        Map<AggregateId, List<UUID>> acked = new ConcurrentHashMap<>();
        for (int i = 0; i < 6; i++) {
            AggregateId id = AggregateId.of("fault-" + i + "-" + UUID.randomUUID());
            ids.add(id);
            acked.put(id, Collections.synchronizedList(new ArrayList<>()));
        }
        AtomicLongArray ackedCount = new AtomicLongArray(ids.size());
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger phase = new AtomicInteger(0); // 0 up, 1 killed, 2 restarted
        long[] maxLatencyNanos = new long[3];
        int[] loadsPerPhase = new int[3];
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<?>> tasks = new ArrayList<>();
        try {
            for (int w = 0; w < 2; w++) {
                int writer = w;
                tasks.add(pool.submit(() -> {
                    long[] version = new long[ids.size()];
                    while (running.get()) {
                        int i = writer * 3 + ThreadLocalRandom.current().nextInt(3);
                        AggregateId id = ids.get(i);
                        NewEvent[] batch = new NewEvent[1 + ThreadLocalRandom.current().nextInt(3)];
                        for (int k = 0; k < batch.length; k++) {
                            batch[k] = NewEvent.of(new Happened("w" + writer, version[i] + k + 1));
                        }
                        try {
                            AppendResult r = store.append(AppendRequest.of(id, "Thing", ExpectedVersion.of(version[i]),
                                    batch));
                            version[i] = r.lastVersion();
                            for (NewEvent e : batch) {
                                acked.get(id).add(e.eventId());
                            }
                            ackedCount.set(i, r.lastVersion());
                        } catch (RuntimeException e) {
                            failures.add(new AssertionError("append failed in phase " + phase.get(), e));
                            return;
                        }
                        LocalRedis.sleep(2);
                    }
                }));
            }
            for (int r = 0; r < 2; r++) {
                tasks.add(pool.submit(() -> {
                    while (running.get()) {
                        int i = ThreadLocalRandom.current().nextInt(ids.size());
                        AggregateId id = ids.get(i);
                        long mustSee = ackedCount.get(i);
                        int p = phase.get();
                        long t0 = System.nanoTime();
                        List<StoredEvent> events;
                        try {
                            events = load(store, id);
                        } catch (RuntimeException e) {
                            failures.add(new AssertionError("load failed in phase " + p, e));
                            return;
                        }
                        long took = System.nanoTime() - t0;
                        synchronized (maxLatencyNanos) {
                            maxLatencyNanos[p] = Math.max(maxLatencyNanos[p], took);
                            loadsPerPhase[p]++;
                        }
                        // every acknowledged event is there, in order, without holes (read-your-writes)
                        List<UUID> expected;
                        synchronized (acked.get(id)) {
                            expected = new ArrayList<>(acked.get(id));
                        }
                        if (events.size() < mustSee) {
                            failures.add(new AssertionError("phase " + p + ": load of " + id + " returned "
                                    + events.size() + " events but " + mustSee + " were acknowledged before it"));
                            return;
                        }
                        for (int k = 0; k < events.size(); k++) {
                            StoredEvent e = events.get(k);
                            if (e.version() != k + 1 || k < expected.size() && !e.eventId().equals(expected.get(k))) {
                                failures.add(new AssertionError("phase " + p + ": wrong event at index " + k + " of "
                                        + id + ": " + e));
                                return;
                            }
                        }
                    }
                }));
            }

            // when: Redis runs, is killed, and comes back
            LocalRedis.sleep(1_000);
            phase.set(1);
            server.kill();
            LocalRedis.sleep(1_500);
            double hitsBeforeRestart = count("hits");
            server.restart();
            phase.set(2);
            LocalRedis.sleep(2_000);
            double hitsAfterRestart = count("hits") - hitsBeforeRestart;
            running.set(false);
            for (Future<?> f : tasks) {
                f.get(30, TimeUnit.SECONDS);
            }

            // then: no append or load failed, and every load saw every event acknowledged before it
            assertThat(failures).isEmpty();
            assertThat(loadsPerPhase).as("loads per phase").doesNotContain(0);
            // while Redis was dead, loads fell back within a bound derived from the configured timeouts
            Duration bound = CONNECT_TIMEOUT.plus(READ_TIMEOUT).multipliedBy(2).plusMillis(500);
            assertThat(bound).isLessThan(JEDIS_DEFAULT_TIMEOUT);
            assertThat(Duration.ofNanos(maxLatencyNanos[1])).as("slowest load while Redis was dead").isLessThan(bound);
            assertThat(Duration.ofNanos(maxLatencyNanos[2])).as("slowest load after the restart").isLessThan(bound);
            assertThat(count("fallbacks") + count("writes", "outcome", "skipped") + count("write_failures"))
                    .as("Redis failures noticed").isPositive();
            // once Redis was back, the hot tier served loads again
            assertThat(hitsAfterRestart).as("hot-tier hits after the restart").isGreaterThanOrEqualTo(10);
            // nothing acknowledged was lost: the warm tier holds exactly the acknowledged events, and loads return them
            for (AggregateId id : ids) {
                List<StoredEvent> warm;
                try (EventStream s = store.warm().load(id)) {
                    warm = s.toList();
                }
                assertThat(warm.stream().map(StoredEvent::eventId).collect(Collectors.toList()))
                        .isEqualTo(acked.get(id));
                assertThat(load(store, id)).isEqualTo(warm);
            }
            assertThat(meters.get(HotTierMetrics.PREFIX + "pending_drops").gauge().value()).isZero();
        } finally {
            running.set(false);
            pool.shutdownNow();
            store.close();
        }
    }

    @Test
    @Timeout(value = 1, unit = TimeUnit.MINUTES)
    void a_hanging_redis_costs_at_most_the_read_timeout_and_deferred_drops_run_before_redis_is_trusted_again() {
        Duration read = Duration.ofMillis(300);
        Duration retry = Duration.ofMillis(500);
        try (TieredEventStore store = store(Duration.ofMillis(300), read, retry)) {
            // given: versions 1..3 in Redis
            AggregateId id = AggregateId.of("hang-" + UUID.randomUUID());
            store.append(AppendRequest.of(id, "Thing", ExpectedVersion.noStream(),
                    NewEvent.of(new Happened("a", 1)), NewEvent.of(new Happened("b", 2)), NewEvent.of(new Happened("c", 3))));
            assertThat(versions(load(store, id))).containsExactly(1L, 2L, 3L);
            assertThat(count("hits")).isEqualTo(1);

            // when: Redis stops answering (every client paused) for 2.5 s
            long pausedAt = System.nanoTime();
            try (Jedis admin = LocalRedis.jedis(server.port())) {
                admin.clientPause(2_500, ClientPauseMode.ALL);
            }
            // then: an append succeeds, paying at most about one read timeout for the Redis write
            long t0 = System.nanoTime();
            store.append(AppendRequest.of(id, "Thing", ExpectedVersion.exactly(3), NewEvent.of(new Happened("d", 4))));
            Duration appendTook = Duration.ofNanos(System.nanoTime() - t0);
            assertThat(appendTook).isLessThan(read.plusMillis(700)).isLessThan(JEDIS_DEFAULT_TIMEOUT);
            assertThat(count("write_failures", "operation", "append")).isEqualTo(1);

            // and loads within the back-off go straight to the warm tier, fresh
            t0 = System.nanoTime();
            assertThat(versions(load(store, id))).containsExactly(1L, 2L, 3L, 4L);
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofMillis(250));
            assertThat(count("fallbacks", "operation", "load", "reason", "unavailable")).isEqualTo(1);

            // and after the back-off, while Redis still hangs, a load tries once and falls back within the timeout
            LocalRedis.sleep(retry.toMillis() + 50);
            t0 = System.nanoTime();
            assertThat(versions(load(store, id))).containsExactly(1L, 2L, 3L, 4L);
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(read.plusMillis(700));

            // when: Redis answers again — it still holds the stale versions 1..3
            long resumeAt = pausedAt + TimeUnit.MILLISECONDS.toNanos(2_500 + 100);
            while (System.nanoTime() < resumeAt) {
                LocalRedis.sleep(20);
            }
            LocalRedis.sleep(retry.toMillis() + 50);
            try (Jedis admin = LocalRedis.jedis(server.port())) {
                assertThat(admin.zcard(store.hot().keyOf(id))).as("the stale key is still in Redis").isEqualTo(3);
            }
            // then: the deferred drop runs before Redis is read, so the load is fresh, not the stale 1..3
            assertThat(versions(load(store, id))).containsExactly(1L, 2L, 3L, 4L);
            assertThat(count("drops", "reason", "deferred")).isEqualTo(1);
            assertThat(meters.get(HotTierMetrics.PREFIX + "pending_drops").gauge().value()).isZero();
            // and the hot tier is used again
            double hits = count("hits");
            assertThat(versions(load(store, id))).containsExactly(1L, 2L, 3L, 4L);
            assertThat(count("hits")).isEqualTo(hits + 1);
        }
    }

    @AfterEach
    void cleanUp() {
        if (LocalRedis.answersPing(server.port())) {
            try (RedisTarget target = RedisTarget.local(server)) {
                target.deleteKeys(prefix);
            }
        }
    }
}
