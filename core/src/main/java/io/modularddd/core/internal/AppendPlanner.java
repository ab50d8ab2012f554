package io.modularddd.core.internal;

import io.modularddd.core.AggregateId;
import io.modularddd.core.AppendRequest;
import io.modularddd.core.AppendResult;
import io.modularddd.core.ConcurrencyConflictException;
import io.modularddd.core.EventIdConflictException;
import io.modularddd.core.NewEvent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The append rule, written once for every store: for each request of a unit (one {@code append}, or
 * the requests of one {@code appendBatch}, all or nothing), first idempotency by event id, then the
 * expected-version check, then the placement of its events at the next versions of its stream and
 * the next global positions.
 *
 * <p>The planner changes nothing. A store hands it what it knows of the stored log ({@link Known}:
 * under its write lock, or read under the database's head-row lock) and the next free position, and
 * gets back a {@link Plan}: each request's result, where its new events go, and the streams' versions
 * and event ids after the unit — which the store applies (inserts) and, when it plans several units in
 * one transaction, lays over what it knows for the next unit.
 *
 * <p>Internal API: may change without notice.
 */
public final class AppendPlanner {

    /** What a store knows of its stored log when it plans. */
    public interface Known {
        /**
         * Returns a stream's current version, as expected versions are checked against it.
         *
         * @param stream the stream
         * @return its version, 0 when it has no events or is deleted
         */
        long versionOf(AggregateId stream);

        /**
         * Returns the version of a stream's last stored event, deleted or not: new events go after it.
         * Differs from {@link #versionOf} only for a deleted stream, whose next life continues its
         * versions.
         *
         * @param stream the stream
         * @return the last stored version, 0 when it never had events
         */
        default long storedVersionOf(AggregateId stream) {
            return versionOf(stream);
        }

        /**
         * Returns where an event id is stored.
         *
         * @param eventId the id
         * @return its place, or {@code null} when it is not stored (or not known to be)
         */
        Idempotency.StoredRef storedRef(UUID eventId);
    }

    /**
     * Where the new events of one request go: event {@code i} gets version {@code firstVersion + i}
     * and position {@code firstPosition + i}.
     *
     * @param request       the request
     * @param firstVersion  the version of its first event
     * @param firstPosition the position of its first event
     */
    public record Placement(AppendRequest request, long firstVersion, long firstPosition) {
    }

    /**
     * The outcome of planning a unit.
     *
     * @param results    one per request, in order: the original result of a repeat, or the new one
     * @param placements where the new events go, for the requests that are not repeats, in order
     * @param versions   the streams' versions after the unit, for the streams it writes
     * @param refs       the places of the unit's new event ids
     * @param newEvents  how many events the unit stores
     */
    public record Plan(List<AppendResult> results, List<Placement> placements, Map<AggregateId, Long> versions,
                       Map<UUID, Idempotency.StoredRef> refs, int newEvents) {
    }

    private AppendPlanner() {
    }

    /**
     * Plans one unit.
     *
     * @param unit          its requests, each for a different stream when there are several
     * @param known         what is stored
     * @param nextPosition  the first free global position
     * @return the plan
     * @throws ConcurrencyConflictException when a request that is not a repeat fails its expected version
     * @throws EventIdConflictException     when an event id is stored elsewhere and the request is no repeat
     */
    public static Plan plan(List<AppendRequest> unit, Known known, long nextPosition) {
        Map<AggregateId, Long> versions = new HashMap<>();
        Map<UUID, Idempotency.StoredRef> refs = new HashMap<>();
        List<AppendResult> results = new ArrayList<>(unit.size());
        List<Placement> placements = new ArrayList<>(unit.size());
        long position = nextPosition;
        for (AppendRequest r : unit) {
            List<Idempotency.StoredRef> found = new ArrayList<>();
            for (NewEvent e : r.events()) {
                Idempotency.StoredRef ref = refs.get(e.eventId());
                if (ref == null) {
                    ref = known.storedRef(e.eventId());
                }
                if (ref != null) {
                    found.add(ref);
                }
            }
            Optional<AppendResult> repeat = Idempotency.resolve(r, found);
            if (repeat.isPresent()) {
                results.add(repeat.get());
                continue;
            }
            Long planned = versions.get(r.aggregateId());
            long current = planned != null ? planned : known.versionOf(r.aggregateId());
            if (!r.expectedVersion().matches(current)) {
                throw new ConcurrencyConflictException(r.aggregateId(), r.expectedVersion(), current);
            }
            // a deleted stream reads as version 0 but its next life continues its versions
            long last = planned != null ? planned : known.storedVersionOf(r.aggregateId());
            long firstVersion = last + 1;
            placements.add(new Placement(r, firstVersion, position));
            for (int i = 0; i < r.size(); i++) {
                UUID id = r.events().get(i).eventId();
                refs.put(id, new Idempotency.StoredRef(id, r.aggregateId(), firstVersion + i, position + i));
            }
            versions.put(r.aggregateId(), last + r.size());
            results.add(new AppendResult(r.aggregateId(), firstVersion, last + r.size(), position,
                    position + r.size() - 1));
            position += r.size();
        }
        return new Plan(List.copyOf(results), List.copyOf(placements), versions, refs,
                (int) (position - nextPosition));
    }
}
