package io.modularddd.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.modularddd.core.EventStream;
import io.modularddd.core.StoredEvent;
import io.modularddd.eventstore.jdbc.JdbcEventStore;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Catch-up of a large stored log on MariaDB (issue 15): how fast a reader gets from position 1 to the head of
 * {@code events} stored events (default 1,000,000, ~200-byte JSON payloads, seeded once by {@link CatchUpLog}
 * into {@value CatchUpLog#DEFAULT_TABLE} and reused), in a JVM capped at {@code -Xmx128m}. One operation reads
 * the whole log; the score is seconds per catch-up (events/s = events / score, also printed after each
 * iteration with the iteration's peak heap).
 *
 * <p>The baselines, against which the projection engine's batched catch-up is measured (target: at least 80% of
 * {@link #baseline_jdbcPages}'s events/s):
 * <ul>
 *   <li>{@link #baseline_jdbcPages}: a hand-written JDBC loop, {@code SELECT <every column> ... WHERE
 *       sequence_number > ? ORDER BY sequence_number LIMIT pageSize}, page after page on one connection, the
 *       trivial work per event: count it and add the length of its JSON payload. No JSON decoding.</li>
 *   <li>{@link #baseline_jdbcPagesDecoded}: the same, and each payload decoded into a {@link BenchEvent} by a
 *       plain Jackson {@code ObjectMapper} — the cost any typed handler pays.</li>
 *   <li>{@link #reference_readAll}: the library's own {@code JdbcEventStore.readAll(from, pageSize)} loop
 *       touching each event's decoded payload, without a projection engine: the floor the engine builds
 *       on.</li>
 * </ul>
 * The projection engine's benchmark methods belong in this class, on the same state (a batched projection
 * doing the same work per event, its checkpoint in the same database).
 *
 * <pre>
 * mvn -B -q -pl benchmarks -am -DskipTests package
 * java -cp benchmarks/target/benchmarks.jar io.modularddd.benchmarks.CatchUpLog --events 1000000   # once
 * java -jar benchmarks/target/benchmarks.jar ProjectionCatchUpBenchmark
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
@Fork(value = 1, jvmArgsAppend = {"-Xmx128m", "-Dorg.jooq.no-logo=true", "-Dorg.jooq.no-tips=true"})
public class ProjectionCatchUpBenchmark {

    /** Events in the log. */
    @Param({"1000000"})
    public long events;

    /** Events per page (per query); the engine's batch size should match it. */
    @Param({"1000"})
    public int pageSize;

    /** The log's table (kept between runs). */
    @Param({CatchUpLog.DEFAULT_TABLE})
    public String table;

    /** The seeded store; the engine's benchmarks read through it. */
    protected JdbcEventStore store;
    /** How many events one catch-up must see: the head when the trial started. */
    protected long head;
    private HikariDataSource baselinePool;
    private String selectPage;
    private final ObjectMapper mapper = new ObjectMapper().registerModule(new JavaTimeModule());
    private long iterationStarted;

    /** Seeds the log if needed and opens the baseline's connection pool. */
    @Setup(Level.Trial)
    public void setUp() {
        store = CatchUpLog.openSeeded(table, events);
        head = store.headPosition();
        HikariConfig config = new HikariConfig();
        config.setPoolName("catchup-baseline");
        config.setJdbcUrl(BenchmarkDatabase.url());
        config.setUsername(BenchmarkDatabase.username());
        config.setPassword(BenchmarkDatabase.password());
        config.setMaximumPoolSize(2);
        config.setMinimumIdle(1);
        config.addDataSourceProperty("useServerPrepStmts", "true"); // as JdbcEventStore's own pools
        baselinePool = new HikariDataSource(config);
        selectPage = "SELECT sequence_number, event_id, aggregate_id, aggregate_type, event_type, event_data, metadata, "
                + "version, occurred_at FROM `" + table + "` WHERE sequence_number > ? ORDER BY sequence_number "
                + "LIMIT ?";
    }

    /** Closes the store and the pool; the log stays for the next run. */
    @TearDown(Level.Trial)
    public void tearDown() {
        baselinePool.close();
        store.close();
    }

    /** Resets the heap pools' peaks. */
    @Setup(Level.Iteration)
    public void startIteration() {
        System.gc();
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                pool.resetPeakUsage();
            }
        }
        iterationStarted = System.nanoTime();
    }

    /** Prints events/s and the iteration's peak heap (sum of the heap pools' peaks). */
    @TearDown(Level.Iteration)
    public void endIteration() {
        double seconds = (System.nanoTime() - iterationStarted) / 1e9;
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        System.out.printf(Locale.ROOT, "%n  %,d events in %.2f s = %,.0f events/s; heap peak %.1f MiB of max %.0f MiB%n",
                head, seconds, head / seconds, peak / 1048576.0,
                Runtime.getRuntime().maxMemory() / 1048576.0);
    }

    /**
     * The hand-written JDBC loop: every column, pages by position, count + payload length.
     *
     * @return the sum of payload lengths
     * @throws SQLException when the database fails
     */
    @Benchmark
    public long baseline_jdbcPages() throws SQLException {
        return jdbcPages(false);
    }

    /**
     * The hand-written JDBC loop, each payload also decoded by Jackson.
     *
     * @return the sum of payload lengths and amounts
     * @throws SQLException when the database fails
     */
    @Benchmark
    public long baseline_jdbcPagesDecoded() throws SQLException {
        return jdbcPages(true);
    }

    private long jdbcPages(boolean decode) throws SQLException {
        long count = 0;
        long sum = 0;
        long last = 0;
        try (Connection c = baselinePool.getConnection(); PreparedStatement ps = c.prepareStatement(selectPage)) {
            while (last < head) {
                ps.setLong(1, last);
                ps.setInt(2, pageSize);
                int n = 0;
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        last = rs.getLong(1);
                        rs.getBytes(2);
                        rs.getString(3);
                        rs.getString(4);
                        rs.getString(5);
                        String payload = rs.getString(6);
                        rs.getString(7);
                        rs.getLong(8);
                        rs.getString(9);
                        sum += payload.length();
                        if (decode) {
                            sum += decodeAmount(payload);
                        }
                        n++;
                    }
                }
                if (n == 0) {
                    break;
                }
                count += n;
            }
        }
        return checked(count, sum);
    }

    private long decodeAmount(String json) {
        try {
            return mapper.readValue(json, BenchEvent.class).amountCents();
        } catch (IOException e) {
            throw new IllegalStateException("a payload did not decode: " + e.getMessage(), e);
        }
    }

    /**
     * The library's {@code readAll} loop, without an engine: count + each decoded payload's amount.
     *
     * @return the sum of amounts
     */
    @Benchmark
    public long reference_readAll() {
        long count = 0;
        long sum = 0;
        long next = 1;
        while (next <= head) {
            int n = 0;
            try (EventStream page = store.readAll(next, pageSize)) {
                for (StoredEvent e : page) {
                    sum += ((BenchEvent) e.payload()).amountCents();
                    next = e.position() + 1;
                    n++;
                }
            }
            if (n == 0) {
                break;
            }
            count += n;
        }
        return checked(count, sum);
    }

    /** Refuses a catch-up that did not see every event up to the head (a broken baseline must not look fast). */
    private long checked(long count, long result) {
        if (count < head) {
            throw new IllegalStateException("the catch-up saw " + count + " events but the log holds " + head);
        }
        return result;
    }
}
