package io.modularddd.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Appends and loads on MariaDB, every contender in the same run, same payload (~200-byte JSON) and
 * same durability: the raw JDBC baseline, Axon Framework 4's {@code JdbcEventStorageEngine}, and
 * modular-ddd's stores. Each writer thread appends to its own stream with the exact expected version.
 *
 * <p>Run (after {@code mvn -pl benchmarks -am package -DskipTests}):
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar EventStoreBenchmark -rf json -rff target/eventstore.json
 * java -cp benchmarks/target/benchmarks.jar io.modularddd.benchmarks.BenchmarkReport target/eventstore.json
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 5)
@Fork(1)
public class EventStoreBenchmark {

    /** Events per batch append and per loaded stream. */
    static final int BATCH = 100;

    /** Which store: raw-jdbc, axon, modular-ddd. */
    @Param({Stores.RAW_JDBC, Stores.AXON, Stores.MODULAR_DDD})
    public String store;

    private StoreUnderTest target;
    private String loadStream;
    private List<BenchEvent> batch;

    /** Opens the store on fresh tables and writes the stream the load benchmark reads. */
    @Setup(Level.Trial)
    public void setUp() {
        target = Stores.create(store);
        batch = new ArrayList<>(BATCH);
        for (int i = 0; i < BATCH; i++) {
            batch.add(BenchEvent.sample(i));
        }
        loadStream = "load-" + UUID.randomUUID();
        target.appendBatch(loadStream, 0, batch);
    }

    /** Closes the store. */
    @TearDown(Level.Trial)
    public void tearDown() {
        target.close();
    }

    /** One writer's stream and its version. */
    @State(Scope.Thread)
    public static class Writer {
        String aggregateId = "w-" + UUID.randomUUID();
        long version;
        final BenchEvent event = BenchEvent.sample(7);
    }

    private void appendOne(Writer w) {
        target.appendOne(w.aggregateId, w.version, w.event);
        w.version++;
    }

    /**
     * One event per transaction, one writer.
     *
     * @param w the writer
     */
    @Benchmark
    @Threads(1)
    public void appendSingle_01_writer(Writer w) {
        appendOne(w);
    }

    /**
     * One event per transaction, 8 concurrent writers.
     *
     * @param w the writer
     */
    @Benchmark
    @Threads(8)
    public void appendSingle_08_writers(Writer w) {
        appendOne(w);
    }

    /**
     * One event per transaction, 32 concurrent writers.
     *
     * @param w the writer
     */
    @Benchmark
    @Threads(32)
    public void appendSingle_32_writers(Writer w) {
        appendOne(w);
    }

    /**
     * 100 events to one stream in one transaction (score: batches per second).
     *
     * @param w the writer
     */
    @Benchmark
    @Threads(1)
    public void appendBatch_100_events(Writer w) {
        target.appendBatch(w.aggregateId, w.version, batch);
        w.version += BATCH;
    }

    /**
     * Loads a 100-event stream and deserializes every payload (score: streams per second).
     *
     * @param blackhole consumes the events
     * @return the number of events read
     */
    @Benchmark
    @Threads(1)
    public int load_100_events(Blackhole blackhole) {
        int n = target.load(loadStream, blackhole);
        if (n != BATCH) {
            throw new IllegalStateException(store + " loaded " + n + " events, expected " + BATCH);
        }
        return n;
    }
}
