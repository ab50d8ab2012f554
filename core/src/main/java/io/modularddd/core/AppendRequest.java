package io.modularddd.core;

import io.modularddd.core.internal.Checks;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * A request to append events to one stream under a version condition.
 *
 * <p>The events are stored together or not at all, at consecutive versions and consecutive global
 * positions. The aggregate type is stored with each event (at most {@value #MAX_TYPE_LENGTH}
 * characters, identifier rules as for {@link AggregateId}).
 *
 * @param aggregateId     the stream
 * @param aggregateType   the aggregate's type name, e.g. {@code "Order"}
 * @param expectedVersion the condition on the stream's current version
 * @param events          the events, at least one, each with a distinct id; unmodifiable
 */
public record AppendRequest(AggregateId aggregateId, String aggregateType, ExpectedVersion expectedVersion,
                            List<NewEvent> events) {

    /** The longest aggregate type name, in characters. */
    public static final int MAX_TYPE_LENGTH = 100;

    /**
     * Validates the request.
     *
     * @param aggregateId the stream
     * @param aggregateType the aggregate's type name, e.g. {@code "Order"}
     * @param expectedVersion the condition on the stream's current version
     * @param events the events, at least one, each with a distinct id; unmodifiable
     * @throws InvalidInputException when an argument is null, the list is empty or has null elements,
     *                               the type name is invalid, or two events share an id
     */
    public AppendRequest {
        Checks.notNull("aggregateId", aggregateId);
        Checks.identifier("aggregateType", aggregateType, MAX_TYPE_LENGTH, "Order");
        Checks.notNull("expectedVersion", expectedVersion);
        Checks.notNull("events", events);
        if (events.isEmpty()) {
            throw new InvalidInputException("events", "events must not be empty: an append to stream '"
                    + aggregateId.value() + "' needs at least one event.");
        }
        for (int i = 0; i < events.size(); i++) {
            if (events.get(i) == null) {
                throw new InvalidInputException("events[" + i + "]", "events[" + i + "] must not be null");
            }
        }
        events = List.copyOf(events);
        if (events.size() > 1) {
            Set<UUID> seen = new HashSet<>();
            for (int i = 0; i < events.size(); i++) {
                if (!seen.add(events.get(i).eventId())) {
                    throw new InvalidInputException("events[" + i + "].eventId", "events[" + i + "] repeats event id "
                            + events.get(i).eventId() + "; every event in a request needs its own id.");
                }
            }
        }
    }

    /**
     * Creates a request from events.
     *
     * @param aggregateId     the stream
     * @param aggregateType   the aggregate's type name
     * @param expectedVersion the condition on the stream's version
     * @param events          the events, at least one
     * @return the request
     */
    public static AppendRequest of(AggregateId aggregateId, String aggregateType, ExpectedVersion expectedVersion,
                                   NewEvent... events) {
        return new AppendRequest(aggregateId, aggregateType, expectedVersion,
                List.of(Checks.notNull("events", events)));
    }

    /**
     * Returns the number of events.
     *
     * @return the event count, at least 1
     */
    public int size() {
        return events.size();
    }
}
