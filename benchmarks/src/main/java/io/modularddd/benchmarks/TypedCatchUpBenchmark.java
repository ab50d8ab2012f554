package io.modularddd.benchmarks;

import io.modularddd.core.projection.CheckpointStore;
import io.modularddd.core.projection.Projection;
import io.modularddd.core.serialization.EventTypeRegistry;
import io.modularddd.core.serialization.JacksonEventSerializer;
import io.modularddd.cqrs.projection.ProjectionEngine;
import io.modularddd.cqrs.projection.ProjectionStrategy;
import io.modularddd.eventstore.jdbc.JdbcEventStore;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
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
 * Catch-up of a projection interested in 1% of the log (issue 15: "ask the store only for those types"), on
 * MariaDB: the {@link CatchUpLog} log copied into {@code <table>} (default {@code bench_typed_catchup}) with every
 * hundredth event stored under a second type, {@code bench.rare.v1} ({@link RareEvent}, the same JSON). A batched
 * projection of {@code RareEvent} only catches up from position 1 to the head (1,000,000 by default):
 * <ul>
 *   <li>{@link #engine_typeFiltered}: the engine's default, {@code readAll(from, pageSize, types)} — an index range
 *       on {@code (event_type, sequence_number)} per page, the checkpoint moved to the scanned-through
 *       position;</li>
 *   <li>{@link #engine_everyType}: the same engine with {@code typeFilteredReads(false)}: every event read and
 *       decoded, 99% of them skipped by the engine (with read-ahead, as before).</li>
 * </ul>
 * The score is seconds per catch-up; events/s (log positions covered per second) is printed after each iteration.
 * The checkpoint is reset before each iteration.
 *
 * <pre>
 * mvn -B -q -pl benchmarks -am -DskipTests package
 * java -cp benchmarks/target/benchmarks.jar io.modularddd.benchmarks.CatchUpLog --events 1000000   # once
 * java -jar benchmarks/target/benchmarks.jar TypedCatchUpBenchmark
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
@Fork(value = 1, jvmArgsAppend = {"-Xmx128m", "-Dorg.jooq.no-logo=true", "-Dorg.jooq.no-tips=true"})
public class TypedCatchUpBenchmark {

    private static final String NAME = "bench-typed-catch-up";

    /**
     * The rare type: the same fields as {@link BenchEvent}.
     *
     * @param accountId   the account
     * @param amountCents an amount
     * @param currency    a currency code
     * @param description free text
     * @param reference   an external reference
     * @param occurredAt  a timestamp
     */
    public record RareEvent(String accountId, long amountCents, String currency, String description, String reference,
                            Instant occurredAt) {
        /** Its stable type name. */
        public static final String TYPE = "bench.rare.v1";
    }

    /** Events in the log. */
    @Param({"1000000"})
    public long events;

    /** Events per page and per batch. */
    @Param({"1000"})
    public int pageSize;

    /** The typed copy's table (kept between runs). */
    @Param({"bench_typed_catchup"})
    public String table;

    private JdbcEventStore store;
    private CheckpointStore checkpoints;
    private long head;
    private long rare;
    private long iterationStarted;

    /**
     * Seeds {@link CatchUpLog}'s log if needed, copies it into the typed table if needed, opens the store.
     *
     * @throws SQLException when the copy fails
     */
    @Setup(Level.Trial)
    public void setUp() throws SQLException {
        CatchUpLog.openSeeded(CatchUpLog.DEFAULT_TABLE, events).close();
        store = BenchmarkServices.jdbcEventStore(table, JacksonEventSerializer.json(EventTypeRegistry.builder()
                .register(BenchEvent.TYPE, BenchEvent.class).register(RareEvent.TYPE, RareEvent.class).build()));
        if (store.headPosition() < events) {
            try (Connection c = DriverManager.getConnection(BenchmarkDatabase.url(), BenchmarkDatabase.username(),
                    BenchmarkDatabase.password()); Statement s = c.createStatement()) {
                s.executeUpdate("DELETE FROM `" + table + "`");
                s.executeUpdate("INSERT INTO `" + table + "` SELECT sequence_number, event_id, aggregate_id, "
                        + "aggregate_type, CASE WHEN sequence_number % 100 = 0 THEN '" + RareEvent.TYPE
                        + "' ELSE event_type END, event_data, metadata, version, occurred_at FROM `"
                        + CatchUpLog.DEFAULT_TABLE + "` WHERE sequence_number <= " + events);
                s.execute("ANALYZE TABLE `" + table + "`");
            }
        }
        head = store.headPosition();
        rare = head / 100;
        checkpoints = store.checkpointStore();
    }

    /** Closes the store; the table stays for the next run. */
    @TearDown(Level.Trial)
    public void tearDown() {
        store.close();
    }

    /** Resets the projection, so the next operation starts at position 1. */
    @Setup(Level.Iteration)
    public void startIteration() {
        checkpoints.reset(NAME);
        iterationStarted = System.nanoTime();
    }

    /** Prints the log positions covered per second. */
    @TearDown(Level.Iteration)
    public void endIteration() {
        double seconds = (System.nanoTime() - iterationStarted) / 1e9;
        System.out.printf(Locale.ROOT, "%n  %,d positions (%,d of the projection's type) in %.2f s = %,.0f events/s%n",
                head, rare, seconds, head / seconds);
    }

    /**
     * The engine asking the store for the projection's type only.
     *
     * @return the sum of amounts
     */
    @Benchmark
    public long engine_typeFiltered() {
        return catchUp(true);
    }

    /**
     * The engine reading every event and skipping 99% of them itself.
     *
     * @return the sum of amounts
     */
    @Benchmark
    public long engine_everyType() {
        return catchUp(false);
    }

    private long catchUp(boolean filtered) {
        long[] seen = new long[2];
        Projection projection = Projection.builder(NAME).on(RareEvent.class, (e, event, tx) -> {
            seen[0]++;
            seen[1] += e.amountCents();
        }).build();
        ProjectionEngine engine = ProjectionEngine.builder(store, checkpoints)
                .register(projection, ProjectionStrategy.batched(pageSize)).pageSize(pageSize)
                .typeFilteredReads(filtered).build();
        try {
            engine.start();
            if (!engine.awaitCaughtUp(NAME, head, Duration.ofMinutes(30))) {
                throw new IllegalStateException("the engine did not catch up: " + engine.status(NAME));
            }
        } finally {
            engine.close();
        }
        if (seen[0] != rare) {
            throw new IllegalStateException("the engine handed " + seen[0] + " events over; the log holds " + rare
                    + " of its type");
        }
        return seen[1];
    }
}
