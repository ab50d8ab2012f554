package io.modularddd.core.aggregate;

/**
 * An aggregate whose state can be captured and restored, so that loading it need not replay its
 * whole history.
 *
 * <p>The snapshot is an immutable value (a record is ideal) serialized by the snapshot store; the
 * repository records the version it was taken at. A snapshot that cannot be used (other schema
 * version, failed deserialization, ahead of the stream) is ignored and the aggregate is rebuilt
 * from its events.
 *
 * @param <S> the snapshot type
 */
public interface Snapshotable<S> {

    /**
     * Captures the current state.
     *
     * @return an immutable snapshot of the state
     */
    S snapshot();

    /**
     * Replaces the state with a snapshot's. Called on a fresh instance, before any event is applied.
     *
     * @param snapshot the captured state
     */
    void restore(S snapshot);

    /**
     * The version of the snapshot's shape; bump it when {@code S} changes incompatibly, so old
     * snapshots are ignored instead of misread.
     *
     * @return the schema version, 1 by default
     */
    default int snapshotSchemaVersion() {
        return 1;
    }
}
