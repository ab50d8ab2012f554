package io.modularddd.core;

import java.time.Instant;
import java.util.UUID;

/**
 * An event as read back from a store.
 *
 * <p>{@code position} is the event's place in the global order: positions are dense (1, 2, 3, …
 * with no holes) and follow commit order, so a reader that has seen position {@code p} has seen
 * every event before it. {@code version} is the event's place in its own stream, also dense from 1.
 * The payload is a fresh object decoded for this read.
 *
 * @param position      global position, at least 1
 * @param eventId       the event's unique id
 * @param aggregateId   the stream
 * @param aggregateType the aggregate's type name
 * @param eventType     the stable type name from the {@code EventTypeRegistry}
 * @param payload       the decoded event object
 * @param metadata      the stored metadata (empty when none was given)
 * @param version       version within the stream, at least 1
 * @param occurredAt    when the event occurred, to the microsecond
 */
public record StoredEvent(long position, UUID eventId, AggregateId aggregateId, String aggregateType,
                          String eventType, Object payload, EventMetadata metadata, long version,
                          Instant occurredAt) {

    /**
     * Checks the record's invariants.
     *
     * @param position global position, at least 1
     * @param eventId the event's unique id
     * @param aggregateId the stream
     * @param aggregateType the aggregate's type name
     * @param eventType the stable type name from the {@code EventTypeRegistry}
     * @param payload the decoded event object
     * @param metadata the stored metadata (empty when none was given)
     * @param version version within the stream, at least 1
     * @param occurredAt when the event occurred, to the microsecond
     * @throws IllegalArgumentException when a field is null or a number is below 1
     */
    public StoredEvent {
        if (position < 1 || version < 1 || eventId == null || aggregateId == null || aggregateType == null
                || eventType == null || payload == null || metadata == null || occurredAt == null) {
            throw new IllegalArgumentException("incomplete StoredEvent at position " + position + ", version "
                    + version + " of stream " + aggregateId);
        }
    }

    /**
     * Returns the payload cast to the expected class.
     *
     * @param type the payload's class
     * @param <T>  the payload's type
     * @return the payload
     * @throws ClassCastException when the payload is of another class
     */
    public <T> T payloadAs(Class<T> type) {
        return type.cast(payload);
    }
}
