package io.modularddd.core.snapshot;

/**
 * Decides, after an aggregate was saved, whether to take a snapshot of it now (SPI). The snapshots
 * module has a simple strategy (every N events) and an adaptive one (a cost model over the aggregate's
 * load statistics). Implementations are thread-safe and fast: they run on every save.
 */
@FunctionalInterface
public interface SnapshotStrategy {

    /**
     * Tells whether to snapshot the aggregate described by {@code context}.
     *
     * @param context the aggregate, its version and the events since its last snapshot
     * @return {@code true} to take a snapshot now
     */
    boolean shouldSnapshot(SnapshotContext context);
}
