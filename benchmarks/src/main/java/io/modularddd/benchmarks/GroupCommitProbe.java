package io.modularddd.benchmarks;

import com.zaxxer.hikari.HikariDataSource;
import io.modularddd.core.AggregateId;
import io.modularddd.core.AppendRequest;
import io.modularddd.core.ExpectedVersion;
import io.modularddd.core.NewEvent;
import io.modularddd.core.serialization.EventTypeRegistry;
import io.modularddd.core.serialization.JacksonEventSerializer;
import io.modularddd.eventstore.jdbc.JdbcEventStore;
import io.modularddd.eventstore.jdbc.JdbcEventStoreBuilder;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A diagnostic for the group commit, not a benchmark of record: {@code W} threads append one event at
 * a time, each to a stream of its own with the exact expected version (the shape of
 * {@code EventStoreBenchmark.appendSingle_32_writers}), through a {@link JdbcEventStore} on the benchmark
 * MariaDB; after a warm-up it counts appends and the server's {@code Com_commit} over the measured
 * window and prints appends/s, transactions/s and appends per transaction. Quick to run, so variants of
 * the append path can be compared run against run; the numbers of record come from JMH.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.modularddd.benchmarks.GroupCommitProbe \
 *      [--writers 32] [--commits-in-flight 3] [--warmup 5] [--seconds 10]
 * </pre>
 * Uses the table {@code bench_probe_events}, dropped before and after. Exits with status 1 when an
 * append fails.
 */
public final class GroupCommitProbe {

    private static final String TABLE = "bench_probe_events";

    private GroupCommitProbe() {
    }

    /**
     * Runs the probe.
     *
     * @param args {@code --writers W}, {@code --commits-in-flight N}, {@code --warmup S}, {@code --seconds S}
     * @throws InterruptedException when interrupted while measuring
     */
    public static void main(String[] args) throws InterruptedException {
        int writers = 32;
        int inFlight = JdbcEventStoreBuilder.DEFAULT_MAX_COMMITS_IN_FLIGHT;
        int warmup = 5;
        int seconds = 10;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--writers" -> writers = Integer.parseInt(args[++i]);
                case "--commits-in-flight" -> inFlight = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                case "--seconds" -> seconds = Integer.parseInt(args[++i]);
                default -> {
                    System.err.println("unknown argument '" + args[i]
                            + "'; use --writers W, --commits-in-flight N, --warmup S, --seconds S");
                    System.exit(2);
                }
            }
        }
        try (HikariDataSource pool = BenchmarkDatabase.pool("probe-setup", true)) {
            BenchmarkDatabase.execute(pool, "DROP TABLE IF EXISTS " + TABLE, "DROP TABLE IF EXISTS " + TABLE + "_head", "DROP TABLE IF EXISTS " + TABLE + "_streams", "DROP TABLE IF EXISTS " + TABLE + "_snapshots");
            EventTypeRegistry registry = EventTypeRegistry.builder().register(BenchEvent.TYPE, BenchEvent.class).build();
            JdbcEventStore store = JdbcEventStore.builder()
                    .jdbcUrl(BenchmarkDatabase.url())
                    .username(BenchmarkDatabase.username())
                    .password(BenchmarkDatabase.password())
                    .readPoolSize(8)
                    .serializer(JacksonEventSerializer.json(registry))
                    .tableName(TABLE)
                    .maxCommitsInFlight(inFlight)
                    .build();
            try {
                store.createSchema();
                AtomicBoolean stop = new AtomicBoolean();
                AtomicBoolean measuring = new AtomicBoolean();
                AtomicLong appended = new AtomicLong();
                AtomicReference<Throwable> failure = new AtomicReference<>();
                Thread[] threads = new Thread[writers];
                for (int t = 0; t < writers; t++) {
                    AggregateId id = AggregateId.of("probe-" + t);
                    threads[t] = new Thread(() -> {
                        long version = 0;
                        try {
                            while (!stop.get()) {
                                store.append(AppendRequest.of(id, "Account", ExpectedVersion.of(version),
                                        NewEvent.of(BenchEvent.sample(version))));
                                version++;
                                if (measuring.get()) {
                                    appended.incrementAndGet();
                                }
                            }
                        } catch (RuntimeException e) {
                            failure.compareAndSet(null, e);
                            stop.set(true);
                        }
                    }, "probe-writer-" + t);
                    threads[t].start();
                }
                Thread.sleep(warmup * 1000L);
                long commits0 = commits(pool);
                long start = System.nanoTime();
                measuring.set(true);
                Thread.sleep(seconds * 1000L);
                measuring.set(false);
                double elapsed = (System.nanoTime() - start) / 1e9;
                long commits = commits(pool) - commits0;
                long appends = appended.get();
                stop.set(true);
                for (Thread t : threads) {
                    t.join();
                }
                if (failure.get() != null) {
                    System.err.println("an append failed: " + failure.get());
                    System.exit(1);
                }
                System.out.printf(Locale.ROOT, "writers=%d commitsInFlight=%d: %.0f appends/s, %.0f transactions/s, "
                        + "%.1f appends per transaction (Com_commit counts every COMMIT on the server)%n", writers,
                        inFlight, appends / elapsed, commits / elapsed, commits == 0 ? 0.0 : (double) appends / commits);
            } finally {
                store.close();
                BenchmarkDatabase.execute(pool, "DROP TABLE IF EXISTS " + TABLE, "DROP TABLE IF EXISTS " + TABLE + "_head", "DROP TABLE IF EXISTS " + TABLE + "_streams", "DROP TABLE IF EXISTS " + TABLE + "_snapshots");
            }
        }
    }

    private static long commits(HikariDataSource pool) {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SHOW GLOBAL STATUS LIKE 'Com_commit'")) {
            if (!rs.next()) {
                throw new IllegalStateException("the server reports no Com_commit counter: is it MariaDB or MySQL?");
            }
            return rs.getLong(2);
        } catch (SQLException e) {
            throw new IllegalStateException("could not read Com_commit: " + e.getMessage(), e);
        }
    }
}
