package io.modularddd.core;

import java.util.UUID;

/**
 * An append carried an event id that is already stored somewhere other than where the request
 * would put it.
 *
 * <p>Appends are idempotent by event id: repeating a request whose events are already stored at
 * the same place returns the original {@link AppendResult}. This exception means the request was
 * <em>not</em> such a repeat — the id is in another stream, at another version, or only some of the
 * request's events were stored before. Nothing of the request was stored. Give new events new ids.
 */
public class EventIdConflictException extends ModularDddException {

    private static final long serialVersionUID = 1L;

    private final UUID eventId;
    private final AggregateId storedIn;
    private final long storedVersion;
    private final String detail;

    /**
     * Creates the exception.
     *
     * @param eventId       the conflicting event id
     * @param storedIn      the stream that already holds it
     * @param storedVersion the version it is stored at
     * @param detail        why the request is not an idempotent repeat
     */
    public EventIdConflictException(UUID eventId, AggregateId storedIn, long storedVersion, String detail) {
        super("Event id " + eventId + " is already stored in stream '" + storedIn.value() + "' at version "
                + storedVersion + " and " + detail + ". A retried append must repeat the original request "
                + "exactly (same stream, same events in the same order); a new event needs a new id.");
        this.eventId = eventId;
        this.storedIn = storedIn;
        this.storedVersion = storedVersion;
        this.detail = detail;
    }

    /**
     * Returns the conflicting event id.
     *
     * @return the event id
     */
    public UUID eventId() {
        return eventId;
    }

    /**
     * Returns the stream that already holds the event id.
     *
     * @return the stream
     */
    public AggregateId storedIn() {
        return storedIn;
    }

    /**
     * Returns the version at which the event id is stored.
     *
     * @return the stored version
     */
    public long storedVersion() {
        return storedVersion;
    }

    /**
     * Returns why the request is not an idempotent repeat, as given when the exception was created.
     *
     * @return the detail, e.g. "the request would put it in stream 'b'"
     */
    public String detail() {
        return detail;
    }
}
