package io.modularddd.cqrs.projection;

import io.micrometer.core.instrument.MeterRegistry;
import io.modularddd.core.internal.ProjectionTypes;
import io.modularddd.core.projection.Projection;
import java.util.Set;

/** One projection as the engine runs it: its settings, its segments, its state and its meters. */
final class Registered {

    final Projection projection;
    final ProjectionStrategy strategy;
    final ProjectionTypes types;
    /** The stored type names the store is asked for; null to read every event. */
    final Set<String> storedTypes;
    final EngineSettings engine;
    /** Woken whenever a segment's position moves, for {@code awaitCaughtUp}. */
    final Wakeup progress = new Wakeup();
    private final SegmentRunner[] runners;
    private ProjectionMetrics metrics;
    private volatile long knownHead;
    private volatile ProjectionEngine.Status status;

    Registered(Projection projection, ProjectionStrategy strategy, ProjectionTypes types, EngineSettings engine) {
        this.projection = projection;
        this.strategy = strategy;
        this.types = types;
        this.engine = engine;
        this.storedTypes = engine.typeFilteredReads ? types.storedTypeNames().orElse(null) : null;
        this.runners = new SegmentRunner[strategy.segmentCount()];
        for (int s = 0; s < runners.length; s++) {
            runners[s] = new SegmentRunner(this, s);
        }
        this.status = ProjectionEngine.Status.running(projection.name());
    }

    void meter(MeterRegistry registry) {
        this.metrics = ProjectionMetrics.of(registry, this);
    }

    ProjectionMetrics metrics() {
        return metrics;
    }

    String name() {
        return projection.name();
    }

    int segmentCount() {
        return runners.length;
    }

    SegmentRunner runner(int segment) {
        return runners[segment];
    }

    SegmentRunner[] runners() {
        return runners;
    }

    long knownHead() {
        return knownHead;
    }

    /** Raises the head as last seen (never lowers it, but for a rebuild's reset). */
    void observeHead(long position) {
        if (position > knownHead) {
            synchronized (this) {
                if (position > knownHead) {
                    knownHead = position;
                }
            }
        }
    }

    ProjectionEngine.Status status() {
        return status;
    }

    boolean stopped() {
        return status.state() != ProjectionEngine.State.RUNNING;
    }

    void stop(long position, String failure) {
        status = ProjectionEngine.Status.stopped(name(), position, failure);
        progress.bump();
    }

    void resume() {
        status = ProjectionEngine.Status.running(name());
        progress.bump();
    }
}
