package io.modularddd.core.internal;

import io.modularddd.core.AggregateId;
import io.modularddd.core.AppendRequest;
import io.modularddd.core.InvalidInputException;
import io.modularddd.core.StreamNotFoundException;
import io.modularddd.core.NewEvent;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * The argument checks of {@link io.modularddd.core.EventStore} methods, shared by every store so
 * that they all reject the same input with the same message.
 *
 * <p>Internal API: may change without notice.
 */
public final class StoreChecks {

    private StoreChecks() {
    }

    /**
     * Checks a single append request.
     *
     * @param request the request
     * @return the request
     */
    public static AppendRequest request(AppendRequest request) {
        return Checks.notNull("request", request);
    }

    /**
     * Checks the requests of {@code appendBatch}: not empty, no nulls, each stream at most once, each
     * event id at most once.
     *
     * @param requests the requests
     * @return an immutable copy
     */
    public static List<AppendRequest> batch(List<AppendRequest> requests) {
        Checks.notNull("requests", requests);
        if (requests.isEmpty()) {
            throw new InvalidInputException("requests", "requests must not be empty: appendBatch needs at least one "
                    + "AppendRequest.");
        }
        Set<AggregateId> streams = new HashSet<>();
        Set<UUID> eventIds = new HashSet<>();
        for (int i = 0; i < requests.size(); i++) {
            AppendRequest r = requests.get(i);
            if (r == null) {
                throw new InvalidInputException("requests[" + i + "]", "requests[" + i + "] must not be null");
            }
            if (!streams.add(r.aggregateId())) {
                throw new InvalidInputException("requests[" + i + "]", "requests[" + i + "] appends to stream '"
                        + r.aggregateId().value() + "' again; a batch may name each stream once. Merge the "
                        + "events of both requests into one AppendRequest.");
            }
            for (NewEvent e : r.events()) {
                if (!eventIds.add(e.eventId())) {
                    throw new InvalidInputException("requests[" + i + "]", "requests[" + i + "] repeats event id "
                            + e.eventId() + " already used earlier in the batch; every event needs its own id.");
                }
            }
        }
        return List.copyOf(requests);
    }

    /**
     * Checks a version range of {@code load}.
     *
     * @param aggregateId the stream
     * @param fromVersion first version, at least 1
     * @param toVersion   last version, at least {@code fromVersion}
     */
    public static void load(AggregateId aggregateId, long fromVersion, long toVersion) {
        Checks.notNull("aggregateId", aggregateId);
        versions(fromVersion, toVersion);
    }

    /**
     * Checks a version range.
     *
     * @param fromVersion first version, at least 1
     * @param toVersion   last version, at least {@code fromVersion}
     */
    public static void versions(long fromVersion, long toVersion) {
        Checks.positive("fromVersion", fromVersion, "a stream's first event has version 1.");
        Checks.positive("toVersion", toVersion, "pass Long.MAX_VALUE to read to the end of the stream.");
        if (fromVersion > toVersion) {
            throw new InvalidInputException("fromVersion", "fromVersion (" + fromVersion + ") must not be greater "
                    + "than toVersion (" + toVersion + "); both bounds are inclusive. Pass Long.MAX_VALUE as "
                    + "toVersion to read to the end.");
        }
    }

    /**
     * Checks the ids of {@code loadBatch} and removes duplicates.
     *
     * @param aggregateIds the ids
     * @return the distinct ids in first-seen order
     */
    public static List<AggregateId> ids(Collection<AggregateId> aggregateIds) {
        Checks.notNull("aggregateIds", aggregateIds);
        LinkedHashSet<AggregateId> distinct = new LinkedHashSet<>();
        int i = 0;
        for (AggregateId id : aggregateIds) {
            if (id == null) {
                throw new InvalidInputException("aggregateIds", "aggregateIds must not contain null (element " + i
                        + ")");
            }
            distinct.add(id);
            i++;
        }
        return new ArrayList<>(distinct);
    }

    /**
     * Checks a {@code truncateBefore} against the stream's stored version.
     *
     * @param aggregateId   the stream
     * @param version       the first version {@code load} is to keep
     * @param storedVersion the stream's last stored version, 0 when it never had events
     * @throws StreamNotFoundException when the stream never had events
     * @throws InvalidInputException   when {@code version} is not between 1 and {@code storedVersion + 1}
     */
    public static void truncation(AggregateId aggregateId, long version, long storedVersion) {
        if (storedVersion == 0) {
            throw new StreamNotFoundException(aggregateId, "truncate", "it has no events");
        }
        if (version < 1 || version > storedVersion + 1) {
            throw new InvalidInputException("version", "truncateBefore(" + version + ") on stream '"
                    + aggregateId.value() + "' is out of range: the stream's last version is " + storedVersion
                    + ", so the first version load keeps must be between 1 and " + (storedVersion + 1) + ".");
        }
    }

    /**
     * Checks the arguments of {@code readAll}.
     *
     * @param fromPosition the first position, at least 1
     * @param limit        the most events, at least 1
     */
    public static void readAll(long fromPosition, int limit) {
        Checks.positive("fromPosition", fromPosition, "global positions start at 1; to resume after a checkpoint "
                + "p, read from p + 1.");
        Checks.positive("limit", limit, "ask for at least one event.");
    }

    /** The most type names one filtered read takes: they become one {@code IN (...)} list on a database. */
    public static final int MAX_EVENT_TYPES = 1000;

    /**
     * Checks the arguments of the type-filtered {@code readAll} and copies the type names.
     *
     * @param fromPosition the first position, at least 1
     * @param limit        the most events, at least 1
     * @param eventTypes   the stored type names: 1 to {@value #MAX_EVENT_TYPES}, none null or empty
     * @return an unmodifiable copy of the names
     */
    public static java.util.Set<String> readAll(long fromPosition, int limit, java.util.Set<String> eventTypes) {
        readAll(fromPosition, limit);
        if (eventTypes == null) {
            throw new io.modularddd.core.InvalidInputException("eventTypes", "eventTypes must not be null; to read "
                    + "events of every type call readAll(fromPosition, limit)");
        }
        if (eventTypes.isEmpty()) {
            throw new io.modularddd.core.InvalidInputException("eventTypes", "eventTypes must name at least one type "
                    + "but was empty (it would match nothing); to read events of every type call "
                    + "readAll(fromPosition, limit)");
        }
        if (eventTypes.size() > MAX_EVENT_TYPES) {
            throw new io.modularddd.core.InvalidInputException("eventTypes", "eventTypes may name at most "
                    + MAX_EVENT_TYPES + " types but named " + eventTypes.size() + "; read every type with "
                    + "readAll(fromPosition, limit) and filter");
        }
        for (String type : eventTypes) {
            if (type == null || type.isEmpty()) {
                throw new io.modularddd.core.InvalidInputException("eventTypes", "eventTypes must not hold "
                        + (type == null ? "null" : "an empty name") + "; it holds stored type names such as "
                        + "\"user.registered.v1\"");
            }
        }
        return java.util.Set.copyOf(eventTypes);
    }
}
