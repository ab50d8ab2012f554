package io.modularddd.core.snapshot;

import io.modularddd.core.AggregateId;
import io.modularddd.core.EventStoreException;
import io.modularddd.core.InvalidInputException;
import java.util.Optional;

/**
 * Where snapshots are kept (SPI): {@link InMemorySnapshotStore} here, a JDBC store and a Redis store in
 * the adapters. A snapshot store is a cache of derived data: losing a snapshot costs a replay, never
 * correctness, so stores may prune old snapshots and a damaged one is reported, not trusted.
 *
 * <h2>Guarantees every implementation gives</h2>
 * <ul>
 *   <li><b>The newest wins, whatever the write order.</b> {@link #newest} returns the snapshot with the
 *       highest version saved for the aggregate: saving version 10 after version 20 leaves 20 newest.</li>
 *   <li><b>Concurrent writers are safe.</b> Two saves of one aggregate at once leave a whole snapshot of
 *       one of them (the higher version), never a mix.</li>
 *   <li><b>Never a half-read state.</b> A stored value that does not decode is a typed
 *       {@link EventStoreException} (or an empty result, as the implementation documents) — never a
 *       snapshot with wrong bytes.</li>
 * </ul>
 * The {@code SnapshotStoreContract} suite in {@code modular-ddd-testkit} checks this for every store.
 * Implementations are thread-safe.
 */
public interface SnapshotStore extends AutoCloseable {

    /**
     * Saves a snapshot. A snapshot at a version the store already holds for the aggregate replaces it;
     * older ones may be pruned.
     *
     * @param snapshot the snapshot
     * @throws InvalidInputException when the snapshot is null
     * @throws EventStoreException   when the storage fails
     */
    void save(Snapshot snapshot);

    /**
     * Returns the aggregate's snapshot with the highest version.
     *
     * @param aggregateId the aggregate
     * @return the newest snapshot, or empty when there is none
     * @throws InvalidInputException when the id is null
     * @throws EventStoreException   when the storage fails, or the stored value is damaged (where the
     *                               implementation documents that it reports damage)
     */
    Optional<Snapshot> newest(AggregateId aggregateId);

    /**
     * Reads the stream's state and the aggregate's newest snapshot together: what a snapshotting
     * repository needs before it can trust a snapshot. A snapshot store that lives in the same database
     * as the event store answers in one round trip (the JDBC store, given its own event store); the
     * default asks the event store and then this store.
     *
     * @param events      the event store holding the aggregate's stream
     * @param aggregateId the aggregate
     * @return the state and the newest snapshot
     * @throws InvalidInputException when an argument is null
     * @throws EventStoreException   when the storage fails or the stored snapshot is damaged
     */
    default StateAndSnapshot newestWithState(io.modularddd.core.EventStore events, AggregateId aggregateId) {
        io.modularddd.core.internal.Checks.notNull("events", events);
        return new StateAndSnapshot(events.streamState(aggregateId), newest(aggregateId));
    }

    /**
     * Deletes every snapshot of the aggregate (after its stream was deleted or erased). Idempotent.
     *
     * @param aggregateId the aggregate
     * @throws InvalidInputException when the id is null
     * @throws EventStoreException   when the storage fails
     */
    void delete(AggregateId aggregateId);

    /** Releases the store's resources. The default does nothing. */
    @Override
    default void close() {
    }
}
