package io.modularddd.benchmarks;

import io.modularddd.core.projection.CheckpointStore;
import io.modularddd.core.projection.Projection;
import io.modularddd.cqrs.projection.ProjectionEngine;
import io.modularddd.cqrs.projection.ProjectionStrategy;
import java.time.Duration;
import java.util.Set;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;

/**
 * The projection engine's catch-up of the {@link ProjectionCatchUpBenchmark} log, in the same JMH run as that
 * class's baselines (they are inherited, so one command measures all of them on the same state, table and heap
 * cap): {@link #engine_batched} starts a {@code ProjectionEngine} with a batched projection — batches of
 * {@code pageSize} events, one checkpoint commit per batch in {@code <table>_checkpoints} on the same MariaDB —
 * whose handler does the work of {@code reference_readAll} (count each event, add its decoded payload's amount),
 * waits until it has caught up with the head, and closes it. The checkpoint is reset before each iteration, so
 * every operation reads the whole log from position 1.
 *
 * <pre>
 * mvn -B -q -pl benchmarks -am -DskipTests package
 * java -cp benchmarks/target/benchmarks.jar io.modularddd.benchmarks.CatchUpLog --events 1000000   # once
 * java -jar benchmarks/target/benchmarks.jar EngineCatchUpBenchmark
 * </pre>
 */
public class EngineCatchUpBenchmark extends ProjectionCatchUpBenchmark {

    private static final String NAME = "bench-catch-up";

    /** Pages the engine reads ahead while it applies one (0: none); only {@link #engine_batched} uses it. */
    @Param({"2"})
    public int readAhead;

    /** Whether the engine asks the store for the projection's declared types only (its default) or for every event. */
    @Param({"true"})
    public boolean typeFilteredReads;

    private CheckpointStore checkpoints;

    /** Opens the checkpoint store (once) and resets the projection, so the next operation starts at position 1. */
    @Setup(Level.Iteration)
    public void resetCheckpoint() {
        if (checkpoints == null) {
            checkpoints = store.checkpointStore();
        }
        checkpoints.reset(NAME);
    }

    /**
     * A batched projection catching up with the whole log.
     *
     * @return the sum of amounts
     */
    @Benchmark
    public long engine_batched() {
        long[] seen = new long[2];
        Projection projection = Projection.builder(NAME).batch(Set.of(BenchEvent.class), (events, tx) -> {
            for (var e : events) {
                seen[1] += ((BenchEvent) e.payload()).amountCents();
            }
            seen[0] += events.size();
        }).build();
        ProjectionEngine engine = ProjectionEngine.builder(store, checkpoints)
                .register(projection, ProjectionStrategy.batched(pageSize)).pageSize(pageSize).readAhead(readAhead)
                .typeFilteredReads(typeFilteredReads)
                .build();
        try {
            engine.start();
            if (!engine.awaitCaughtUp(NAME, head, Duration.ofMinutes(30))) {
                throw new IllegalStateException("the engine did not catch up: " + engine.status(NAME));
            }
        } finally {
            engine.close();
        }
        if (seen[0] < head) {
            throw new IllegalStateException("the engine handed " + seen[0] + " events over; the log holds " + head);
        }
        return seen[1];
    }
}
