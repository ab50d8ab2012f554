package io.modularddd.benchmarks;

import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Axon Framework 4.13's snapshotted load of a 10,000-event aggregate on the local MariaDB
 * ({@link AxonSnapshotLoad}: {@code EventSourcingRepository}, {@code AggregateSnapshotter}, an event-count
 * trigger), the peer of {@link SnapshotBenchmark#snapshot_plus_tail()} at {@code db=mariadb, events=10000}.
 * Target (issue 12): modular-ddd's snapshotted load ≥ 2× faster.
 *
 * <p>Run with {@link SnapshotBenchmark}:
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar "SnapshotBenchmark|AxonSnapshotBenchmark" -rf json -rff /tmp/snapshots.json
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1)
public class AxonSnapshotBenchmark {

    private AxonSnapshotLoad axon;
    private String id;

    /** Writes 10,000 events and takes their snapshot. */
    @Setup(Level.Trial)
    public void setUp() {
        axon = new AxonSnapshotLoad(100);
        id = "acc-" + UUID.randomUUID();
        axon.prepare(id, 10_000);
    }

    /** Closes the pool. */
    @TearDown(Level.Trial)
    public void tearDown() {
        axon.close();
    }

    /**
     * Axon's load: the snapshot plus the (empty) tail, in a unit of work.
     *
     * @return the balance
     */
    @Benchmark
    public long axon_snapshot_plus_tail_10000() {
        return axon.load(id);
    }
}
