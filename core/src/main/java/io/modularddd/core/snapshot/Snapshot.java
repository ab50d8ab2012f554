package io.modularddd.core.snapshot;

import io.modularddd.core.AggregateId;
import io.modularddd.core.AppendRequest;
import io.modularddd.core.InvalidInputException;
import io.modularddd.core.internal.Checks;
import java.time.Instant;
import java.util.Arrays;

/**
 * A stored snapshot of one aggregate: its state serialized at a version of its stream.
 *
 * <p>The state is bytes (the repository's serializer wrote them, usually JSON); a snapshot store never
 * interprets them, and a repository reads them back only into the class it declares for its
 * aggregate's snapshots — never into a class named by stored data. {@code schemaVersion} is the
 * aggregate's {@code Snapshotable.snapshotSchemaVersion()} when it was taken: a repository ignores a
 * snapshot of another schema version and rebuilds from events.
 *
 * @param aggregateId   the aggregate (its stream)
 * @param aggregateType the aggregate type, e.g. {@code "Account"}
 * @param version       the stream version the state reflects, at least 1
 * @param schemaVersion the version of the state's shape, at least 1
 * @param state         the serialized state, not empty (copied in and out)
 * @param createdAt     when the snapshot was taken
 */
public record Snapshot(AggregateId aggregateId, String aggregateType, long version, int schemaVersion, byte[] state,
                       Instant createdAt) {

    /** The largest state a snapshot may hold: 64 MiB. */
    public static final int MAX_STATE_BYTES = 64 * 1024 * 1024;

    /**
     * Validates every field.
     *
     * @param aggregateId   the aggregate (its stream)
     * @param aggregateType the aggregate type
     * @param version       the stream version the state reflects, at least 1
     * @param schemaVersion the version of the state's shape, at least 1
     * @param state         the serialized state, not empty
     * @param createdAt     when the snapshot was taken
     * @throws InvalidInputException when a field is null, blank, out of range or too large
     */
    public Snapshot {
        Checks.notNull("aggregateId", aggregateId);
        Checks.identifier("aggregateType", aggregateType, AppendRequest.MAX_TYPE_LENGTH, "Account");
        Checks.positive("version", version, "a snapshot covers at least one event.");
        if (schemaVersion < 1) {
            throw new InvalidInputException("schemaVersion", "schemaVersion must be at least 1 but was "
                    + schemaVersion);
        }
        Checks.notNull("state", state);
        if (state.length == 0 || state.length > MAX_STATE_BYTES) {
            throw new InvalidInputException("state", "a snapshot's state must be 1 to " + MAX_STATE_BYTES
                    + " bytes but was " + state.length + " bytes (aggregate '" + aggregateId.value() + "').");
        }
        Checks.notNull("createdAt", createdAt);
        state = state.clone();
    }

    /**
     * Returns a copy of the serialized state.
     *
     * @return the state's bytes
     */
    @Override
    public byte[] state() {
        return state.clone();
    }

    /**
     * Compares every field, the state by content.
     *
     * @param o the other object
     * @return whether it is an equal snapshot
     */
    @Override
    public boolean equals(Object o) {
        return o instanceof Snapshot s && version == s.version && schemaVersion == s.schemaVersion
                && aggregateId.equals(s.aggregateId) && aggregateType.equals(s.aggregateType)
                && Arrays.equals(state, s.state) && createdAt.equals(s.createdAt);
    }

    @Override
    public int hashCode() {
        int h = aggregateId.hashCode();
        h = 31 * h + aggregateType.hashCode();
        h = 31 * h + Long.hashCode(version);
        h = 31 * h + schemaVersion;
        h = 31 * h + Arrays.hashCode(state);
        return 31 * h + createdAt.hashCode();
    }

    /** Shows the envelope and the state's size, never its content (it may hold personal data). */
    @Override
    public String toString() {
        return "Snapshot[" + aggregateType + " " + aggregateId.value() + " @" + version + ", schema " + schemaVersion
                + ", " + state.length + " bytes, " + createdAt + "]";
    }
}
