package io.modularddd.benchmarks;

import io.modularddd.core.AggregateId;
import io.modularddd.core.AppendRequest;
import io.modularddd.core.AppendResult;
import io.modularddd.core.EventStore;
import io.modularddd.core.ExpectedVersion;
import io.modularddd.core.NewEvent;
import io.modularddd.core.projection.AppendSignal;
import io.modularddd.core.projection.Projection;
import io.modularddd.cqrs.projection.ProjectionEngine;
import io.modularddd.cqrs.projection.ProjectionStrategy;
import io.modularddd.eventstore.jdbc.JdbcEventStore;
import io.modularddd.eventstore.redis.RedisAppendSignal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.locks.LockSupport;

/**
 * End-to-end lag of a projection on MariaDB (issue 15): {@code W} writer threads append single events at a steady
 * total rate to a {@link JdbcEventStore}; an async (or batched) projection records when it applies each one; the
 * probe prints the lag's p50, p90, p99 and max over the measured window, two ways per event:
 * <ul>
 *   <li><b>from commit</b>: applied − the moment {@code append} returned (the commit happened just before; an event
 *       applied before its writer got control back counts 0) — a lower bound;</li>
 *   <li><b>from append</b>: applied − the moment {@code append} was called — an upper bound, the append's own
 *       latency included.</li>
 * </ul>
 * Wake-up modes: {@code local} (appends through the engine's {@code eventStore()}: its processors wake at once),
 * {@code redis} (appends through the store, announced on a {@link RedisAppendSignal} as another node's engine
 * would; the projection's engine hears it on its own signal instance), {@code poll} (no wake-up: the bounded poll
 * only, {@code --poll} ms).
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.modularddd.benchmarks.ProjectionLagProbe \
 *      [--mode local|redis|poll] [--strategy async|batched] [--rate 500] [--writers 4] [--warmup 5]
 *      [--seconds 20] [--poll 1000]
 * </pre>
 * Uses the table {@code bench_lag_events} (and its side tables), dropped before and after. Redis from
 * {@code MODDDD_REDIS_URL}, default {@code redis://127.0.0.1:6379}.
 */
public final class ProjectionLagProbe {

    private static final String TABLE = "bench_lag_events";
    private static final String NAME = "lag-probe";

    private ProjectionLagProbe() {
    }

    /**
     * Runs the probe.
     *
     * @param args see the class description
     * @throws Exception when the run fails
     */
    public static void main(String[] args) throws Exception {
        String mode = "local";
        String strategy = "async";
        int rate = 500;
        int writers = 4;
        int warmup = 5;
        int seconds = 20;
        int pollMillis = 1000;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--mode" -> mode = args[i + 1];
                case "--strategy" -> strategy = args[i + 1];
                case "--rate" -> rate = Integer.parseInt(args[i + 1]);
                case "--writers" -> writers = Integer.parseInt(args[i + 1]);
                case "--warmup" -> warmup = Integer.parseInt(args[i + 1]);
                case "--seconds" -> seconds = Integer.parseInt(args[i + 1]);
                case "--poll" -> pollMillis = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        drop();
        JdbcEventStore store = BenchmarkServices.jdbcEventStore(TABLE, CatchUpLog.serializer());
        ConcurrentHashMap<Long, Long> applied = new ConcurrentHashMap<>();
        Projection projection = strategy.equals("batched")
                ? Projection.builder(NAME).batch(Set.of(BenchEvent.class), (events, tx) -> {
                    long now = System.nanoTime();
                    events.forEach(e -> applied.put(e.position(), now));
                }).build()
                : Projection.builder(NAME).on(BenchEvent.class,
                        (e, event, tx) -> applied.put(event.position(), System.nanoTime())).build();
        String redisUri = System.getenv().getOrDefault("MODDDD_REDIS_URL", "redis://127.0.0.1:6379");
        List<AutoCloseable> closing = new ArrayList<>();
        AppendSignal announcer = null;
        var builder = ProjectionEngine.builder(store, store.checkpointStore())
                .register(projection, strategy.equals("batched") ? ProjectionStrategy.batched(100)
                        : ProjectionStrategy.async())
                .pollInterval(Duration.ofMillis(pollMillis));
        if (mode.equals("redis")) {
            RedisAppendSignal theirs = RedisAppendSignal.builder().uri(redisUri).channel("bench:lag").build();
            RedisAppendSignal ours = RedisAppendSignal.builder().uri(redisUri).channel("bench:lag").build();
            closing.add(theirs);
            closing.add(ours);
            announcer = theirs;
            builder.signal(ours);
        }
        ProjectionEngine engine = builder.build();
        engine.start();
        EventStore appendTo = mode.equals("local") ? engine.eventStore() : store;
        long warmupEnd = System.nanoTime() + warmup * 1_000_000_000L;
        long end = warmupEnd + seconds * 1_000_000_000L;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        List<Future<List<long[]>>> results = new ArrayList<>();
        long interval = 1_000_000_000L * writers / rate;
        AppendSignal signal = announcer;
        int writerCount = writers;
        for (int w = 0; w < writers; w++) {
            int writer = w;
            results.add(pool.submit(() -> {
                List<long[]> mine = new ArrayList<>();
                long next = System.nanoTime() + writer * interval / writerCount;
                for (long n = 0; ; n++) {
                    long wait = next - System.nanoTime();
                    if (wait > 0) {
                        LockSupport.parkNanos(wait);
                    }
                    long started = System.nanoTime();
                    if (started >= end) {
                        return mine;
                    }
                    AppendResult r = appendTo.append(new AppendRequest(AggregateId.of("lag-" + writer + "-" + (n % 50)),
                            "Account", ExpectedVersion.any(), List.of(NewEvent.of(BenchEvent.sample(n)))));
                    long returned = System.nanoTime();
                    if (signal != null) {
                        signal.appended(r.lastPosition());
                    }
                    if (started >= warmupEnd) {
                        mine.add(new long[] {r.lastPosition(), started, returned});
                    }
                    next += interval;
                }
            }));
        }
        List<long[]> appends = new ArrayList<>();
        for (Future<List<long[]>> f : results) {
            appends.addAll(f.get());
        }
        pool.shutdown();
        long head = store.headPosition();
        if (!engine.awaitCaughtUp(NAME, head, Duration.ofSeconds(60))) {
            throw new IllegalStateException("the projection did not catch up: " + engine.status(NAME));
        }
        engine.close();
        for (AutoCloseable c : closing) {
            c.close();
        }
        long[] fromCommit = new long[appends.size()];
        long[] fromAppend = new long[appends.size()];
        for (int i = 0; i < appends.size(); i++) {
            long[] a = appends.get(i);
            long at = applied.get(a[0]);
            fromCommit[i] = Math.max(0, at - a[2]);
            fromAppend[i] = at - a[1];
        }
        System.out.printf(Locale.ROOT, "ProjectionLagProbe: mode=%s strategy=%s rate=%d/s writers=%d poll=%d ms; "
                + "%,d appends measured over %d s (head %,d)%n", mode, strategy, rate, writers, pollMillis,
                appends.size(), seconds, head);
        print("lag from commit", fromCommit);
        print("lag from append", fromAppend);
        store.close();
        drop();
    }

    private static void print(String what, long[] nanos) {
        Arrays.sort(nanos);
        System.out.printf(Locale.ROOT, "  %-16s p50 %7.2f ms  p90 %7.2f ms  p99 %7.2f ms  max %7.2f ms%n", what,
                ms(nanos, 0.50), ms(nanos, 0.90), ms(nanos, 0.99), nanos.length == 0 ? 0 : nanos[nanos.length - 1] / 1e6);
    }

    private static double ms(long[] sorted, double quantile) {
        if (sorted.length == 0) {
            return 0;
        }
        int i = (int) Math.min(sorted.length - 1, Math.ceil(quantile * sorted.length) - 1);
        return sorted[Math.max(0, i)] / 1e6;
    }

    private static void drop() {
        BenchmarkServices.dropTables(TABLE);
    }
}
