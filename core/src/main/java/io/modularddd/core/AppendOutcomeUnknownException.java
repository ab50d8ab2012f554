package io.modularddd.core;

import java.util.List;
import java.util.UUID;

/**
 * The connection to the store was lost while an append was committing, so whether it was stored
 * cannot be known.
 *
 * <p>It is deliberately not an {@link EventStoreException}, which means "nothing was stored": code
 * that catches that to report a failed append must not treat this one the same way. It is
 * {@linkplain #isTransient() transient}: the repeat described below settles it.
 *
 * <p>Reconcile by repeating the same request: appends are idempotent by event id, so if the first
 * attempt was committed the repeat returns its original {@link AppendResult}, and if it was not, the
 * repeat stores it now. {@link #eventIds()} lists the ids to look for.
 */
public class AppendOutcomeUnknownException extends ModularDddException {

    private static final long serialVersionUID = 1L;

    private final AggregateId aggregateId;
    private final List<UUID> eventIds;

    /**
     * Creates the exception.
     *
     * @param aggregateId the stream that was being appended to
     * @param eventIds    the ids of the events in the request
     * @param cause       the driver's exception
     */
    public AppendOutcomeUnknownException(AggregateId aggregateId, List<UUID> eventIds, Throwable cause) {
        this(aggregateId, eventIds, "the connection failed during the transaction", cause);
    }

    /**
     * Creates the exception with the reason the outcome is unknown.
     *
     * @param aggregateId the stream that was being appended to
     * @param eventIds    the ids of the events in the request
     * @param reason      why the outcome cannot be known, e.g. "the connection failed during commit"
     * @param cause       the underlying failure
     */
    public AppendOutcomeUnknownException(AggregateId aggregateId, List<UUID> eventIds, String reason,
                                         Throwable cause) {
        super("The append to stream '" + aggregateId.value() + "' (" + eventIds.size()
                + " event(s), first id " + eventIds.get(0) + ") may or may not have been committed: " + reason
                + ". Repeat the same request with the same event ids; appends are idempotent by event id, so a "
                + "repeat never stores an event twice.", cause);
        this.aggregateId = aggregateId;
        this.eventIds = List.copyOf(eventIds);
    }

    /**
     * Always {@code true}: repeating the same request settles the outcome.
     *
     * @return {@code true}
     */
    @Override
    public boolean isTransient() {
        return true;
    }

    /**
     * Returns the stream that was being appended to.
     *
     * @return the aggregate id
     */
    public AggregateId aggregateId() {
        return aggregateId;
    }

    /**
     * Returns the ids of the events whose outcome is unknown.
     *
     * @return the event ids, in request order
     */
    public List<UUID> eventIds() {
        return eventIds;
    }
}
