package io.modularddd.core;

import io.modularddd.core.internal.Checks;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/**
 * An event to be appended: the payload (a registered event object) with its id, metadata and time.
 *
 * <p>The event id makes appends idempotent: repeating an append with the same ids returns the
 * original result instead of storing the events twice. {@code occurredAt} is truncated to whole
 * microseconds, the precision every store keeps exactly, and must lie between {@link #EARLIEST} and
 * {@link #LATEST}, the range all supported databases can hold.
 *
 * @param eventId    the event's unique id
 * @param payload    the event object; its class must be registered in the {@code EventTypeRegistry}
 * @param metadata   correlation, causation and application entries
 * @param occurredAt when the event happened, truncated to microseconds
 */
public record NewEvent(UUID eventId, Object payload, EventMetadata metadata, Instant occurredAt) {

    /** The earliest storable time: 1000-01-01T00:00:00Z. */
    public static final Instant EARLIEST = Instant.parse("1000-01-01T00:00:00Z");
    /** The latest storable time: 9999-12-31T23:59:59.999999Z. */
    public static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999Z");

    /**
     * Validates the event.
     *
     * @param eventId the event's unique id
     * @param payload the event object; its class must be registered in the {@code EventTypeRegistry}
     * @param metadata correlation, causation and application entries
     * @param occurredAt when the event happened, truncated to microseconds
     * @throws InvalidInputException when an argument is null or {@code occurredAt} is out of range
     */
    public NewEvent {
        Checks.notNull("eventId", eventId);
        Checks.notNull("payload", payload);
        Checks.notNull("metadata", metadata);
        Checks.notNull("occurredAt", occurredAt);
        occurredAt = occurredAt.truncatedTo(ChronoUnit.MICROS);
        if (occurredAt.isBefore(EARLIEST) || occurredAt.isAfter(LATEST)) {
            throw new InvalidInputException("occurredAt", "occurredAt must lie between " + EARLIEST + " and "
                    + LATEST + " but was " + occurredAt + "; check the clock or the value passed in.");
        }
    }

    /**
     * An event with a random id, no metadata, occurring now (system UTC clock).
     *
     * @param payload the event object
     * @return the event
     */
    public static NewEvent of(Object payload) {
        return new NewEvent(UUID.randomUUID(), payload, EventMetadata.empty(), Instant.now());
    }

    /**
     * An event with a random id and the given metadata, occurring now on {@code clock}.
     *
     * @param payload  the event object
     * @param metadata the metadata
     * @param clock    the clock that says when it occurred
     * @return the event
     */
    public static NewEvent of(Object payload, EventMetadata metadata, Clock clock) {
        return new NewEvent(UUID.randomUUID(), payload, metadata, Checks.notNull("clock", clock).instant());
    }

    /**
     * Returns a copy with another id.
     *
     * @param id the id
     * @return the copy
     */
    public NewEvent withEventId(UUID id) {
        return new NewEvent(id, payload, metadata, occurredAt);
    }

    /**
     * Returns a copy with other metadata.
     *
     * @param newMetadata the metadata
     * @return the copy
     */
    public NewEvent withMetadata(EventMetadata newMetadata) {
        return new NewEvent(eventId, payload, newMetadata, occurredAt);
    }

    /**
     * Returns a copy with another time.
     *
     * @param time when the event occurred
     * @return the copy
     */
    public NewEvent withOccurredAt(Instant time) {
        return new NewEvent(eventId, payload, metadata, time);
    }
}
