/**
 * Snapshots: the {@link io.modularddd.core.snapshot.SnapshotStore} and
 * {@link io.modularddd.core.snapshot.SnapshotStrategy} SPIs, the {@link io.modularddd.core.snapshot.Snapshot}
 * value, the per-aggregate load statistics adaptive strategies decide from
 * ({@link io.modularddd.core.snapshot.AggregateStats}), and in-memory implementations. The strategies and the
 * snapshotting repository are in {@code modular-ddd-snapshots}; the JDBC and Redis stores in the adapters.
 */
package io.modularddd.core.snapshot;
