package io.modularddd.snapshots;

import io.modularddd.core.internal.BuilderChecks;
import io.modularddd.core.internal.Checks;
import io.modularddd.core.snapshot.SnapshotContext;
import io.modularddd.core.snapshot.SnapshotStrategy;

/**
 * Takes a snapshot once {@code threshold} events have been stored since an aggregate's last snapshot
 * (all of its events when it has none): the seed's strategy, threshold 10 by default.
 *
 * <p>Cheap and predictable; it does not know whether an aggregate is ever loaded. When loads are rare
 * or very uneven between aggregates, {@link AdaptiveSnapshotStrategy} spends snapshot writes where
 * they save replay time. Immutable and thread-safe.
 */
public final class SimpleSnapshotStrategy implements SnapshotStrategy {

    /** The seed's threshold: a snapshot every 10 events. */
    public static final int DEFAULT_THRESHOLD = 10;

    /** The largest threshold accepted. */
    public static final int MAX_THRESHOLD = 1_000_000;

    private final int threshold;

    private SimpleSnapshotStrategy(int threshold) {
        this.threshold = threshold;
    }

    /**
     * A strategy with the seed's threshold, {@value #DEFAULT_THRESHOLD}.
     *
     * @return the strategy
     */
    public static SimpleSnapshotStrategy create() {
        return new SimpleSnapshotStrategy(DEFAULT_THRESHOLD);
    }

    /**
     * A strategy that snapshots every {@code threshold} events.
     *
     * @param threshold the events since the last snapshot that trigger the next one, 1 to
     *                  {@value #MAX_THRESHOLD}
     * @return the strategy
     * @throws IllegalArgumentException when the threshold is out of range
     */
    public static SimpleSnapshotStrategy everyEvents(int threshold) {
        return new SimpleSnapshotStrategy(BuilderChecks.inRange("threshold", threshold, 1, MAX_THRESHOLD));
    }

    /**
     * Returns the threshold.
     *
     * @return the events since the last snapshot that trigger the next one
     */
    public int threshold() {
        return threshold;
    }

    /**
     * {@inheritDoc}
     *
     * @throws io.modularddd.core.InvalidInputException when the context is null
     */
    @Override
    public boolean shouldSnapshot(SnapshotContext context) {
        return Checks.notNull("context", context).eventsSinceSnapshot() >= threshold;
    }

    @Override
    public String toString() {
        return "SimpleSnapshotStrategy[every " + threshold + " events]";
    }
}
