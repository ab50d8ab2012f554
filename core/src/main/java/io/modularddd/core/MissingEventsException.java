package io.modularddd.core;

import java.util.Optional;

/**
 * A read found a hole: events are missing in the middle of the log or of a stream, where the store's
 * positions and versions are dense. Someone deleted rows (or dropped a partition) by hand.
 *
 * <p>Stores throw this rather than return a stream that silently skips or ends early. For
 * {@code readAll} the hole is a range of global positions ({@link #aggregateId()} is empty); for a
 * stream read it is a range of that stream's versions. Restore the missing events from a backup; events
 * archived from the start of the log are not a hole (see {@link StreamArchivedException}).
 */
public class MissingEventsException extends EventStoreException {

    private static final long serialVersionUID = 1L;

    private final AggregateId aggregateId;
    private final long firstMissing;
    private final long lastMissing;

    /**
     * Creates the exception for missing global positions.
     *
     * @param firstMissing the first missing position
     * @param lastMissing  the last missing position
     * @param context      what the read found around the hole, appended to the message (may be empty)
     */
    public MissingEventsException(long firstMissing, long lastMissing, String context) {
        super("The event log has a hole: positions " + firstMissing + " to " + lastMissing + " are missing"
                + " while later events exist" + context + ". Positions are dense, so the events were deleted by "
                + "hand (or a partition in the middle of the log was dropped); restore them from a backup.");
        this.aggregateId = null;
        this.firstMissing = firstMissing;
        this.lastMissing = lastMissing;
    }

    /**
     * Creates the exception for missing versions of a stream.
     *
     * @param aggregateId  the stream
     * @param firstMissing the first missing version
     * @param lastMissing  the last missing version
     */
    public MissingEventsException(AggregateId aggregateId, long firstMissing, long lastMissing) {
        super("Stream '" + aggregateId.value() + "' has a hole: versions " + firstMissing + " to " + lastMissing
                + " are missing while earlier and later versions exist. Versions are dense, so the events were "
                + "deleted by hand (or a partition in the middle of the log was dropped); restore them from a "
                + "backup.");
        this.aggregateId = aggregateId;
        this.firstMissing = firstMissing;
        this.lastMissing = lastMissing;
    }

    /**
     * Returns the stream with the hole, or empty when the hole is in the global log.
     *
     * @return the stream, if the hole is in a stream's versions
     */
    public Optional<AggregateId> aggregateId() {
        return Optional.ofNullable(aggregateId);
    }

    /**
     * Returns the first missing position (global log) or version (stream).
     *
     * @return the first missing position or version
     */
    public long firstMissing() {
        return firstMissing;
    }

    /**
     * Returns the last missing position (global log) or version (stream).
     *
     * @return the last missing position or version
     */
    public long lastMissing() {
        return lastMissing;
    }
}
