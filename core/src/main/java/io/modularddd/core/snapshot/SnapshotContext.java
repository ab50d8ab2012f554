package io.modularddd.core.snapshot;

import io.modularddd.core.AggregateId;
import io.modularddd.core.internal.Checks;

/**
 * What a {@link SnapshotStrategy} is told about an aggregate that was just saved.
 *
 * @param aggregateId         the aggregate
 * @param aggregateType       its type
 * @param version             its version after the save
 * @param eventsSinceSnapshot events stored since its newest snapshot (all of them when it has none)
 */
public record SnapshotContext(AggregateId aggregateId, String aggregateType, long version, long eventsSinceSnapshot) {

    /**
     * Validates the fields.
     *
     * @param aggregateId         the aggregate
     * @param aggregateType       its type
     * @param version             its version after the save
     * @param eventsSinceSnapshot events stored since its newest snapshot
     * @throws io.modularddd.core.InvalidInputException when a field is null or a number negative
     */
    public SnapshotContext {
        Checks.notNull("aggregateId", aggregateId);
        Checks.notNull("aggregateType", aggregateType);
        if (version < 0 || eventsSinceSnapshot < 0 || eventsSinceSnapshot > version) {
            throw new io.modularddd.core.InvalidInputException("eventsSinceSnapshot", "version " + version
                    + " and eventsSinceSnapshot " + eventsSinceSnapshot + " must be at least 0, and the events since "
                    + "the snapshot no more than the version");
        }
    }
}
