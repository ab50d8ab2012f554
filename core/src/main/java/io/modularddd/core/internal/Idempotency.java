package io.modularddd.core.internal;

import io.modularddd.core.AggregateId;
import io.modularddd.core.AppendRequest;
import io.modularddd.core.AppendResult;
import io.modularddd.core.EventIdConflictException;
import io.modularddd.core.ExpectedVersion;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Decides whether an append that meets already stored event ids is an idempotent repeat.
 *
 * <p>A request is a repeat when <em>every</em> one of its events is already stored in the same
 * stream, in the same order at consecutive versions and positions, where the request's expected
 * version would have put them. A repeat yields the original {@link AppendResult}; any other overlap
 * is an {@link EventIdConflictException}. Stores look up the request's ids (usually only after an
 * insert hit the unique event id) and hand the rows found to {@link #resolve}.
 *
 * <p>Internal API: may change without notice.
 */
public final class Idempotency {

    /**
     * Where an event id is stored.
     *
     * @param eventId     the id
     * @param aggregateId its stream
     * @param version     its version
     * @param position    its global position
     */
    public record StoredRef(UUID eventId, AggregateId aggregateId, long version, long position) {
    }

    private Idempotency() {
    }

    /**
     * Resolves a request against the stored rows of its event ids.
     *
     * @param request the request
     * @param found   the stored rows whose event id is one of the request's, in any order
     * @return the original result when the request is a repeat; empty when none of its ids is stored
     * @throws EventIdConflictException when some ids are stored but the request is not a repeat
     */
    public static Optional<AppendResult> resolve(AppendRequest request, List<StoredRef> found) {
        if (found.isEmpty()) {
            return Optional.empty();
        }
        Map<UUID, StoredRef> byId = new HashMap<>();
        for (StoredRef ref : found) {
            byId.put(ref.eventId(), ref);
        }
        StoredRef first = byId.get(request.events().get(0).eventId());
        for (int i = 0; i < request.size(); i++) {
            StoredRef ref = byId.get(request.events().get(i).eventId());
            if (ref == null) {
                StoredRef any = found.get(0);
                throw new EventIdConflictException(any.eventId(), any.aggregateId(), any.version(),
                        "only some of the request's " + request.size() + " events are stored");
            }
            if (!ref.aggregateId().equals(request.aggregateId())) {
                throw new EventIdConflictException(ref.eventId(), ref.aggregateId(), ref.version(),
                        "the request appends it to stream '" + request.aggregateId().value() + "'");
            }
            if (first == null || ref.version() != first.version() + i || ref.position() != first.position() + i) {
                throw new EventIdConflictException(ref.eventId(), ref.aggregateId(), ref.version(),
                        "the request's events are stored in a different order or apart");
            }
        }
        ExpectedVersion expected = request.expectedVersion();
        long firstVersion = first.version();
        boolean samePlace = expected instanceof ExpectedVersion.Exactly exactly
                ? exactly.version() + 1 == firstVersion
                : !(expected instanceof ExpectedVersion.NoStream) || firstVersion == 1;
        if (!samePlace) {
            throw new EventIdConflictException(first.eventId(), first.aggregateId(), firstVersion,
                    "the request expects " + expected.describe() + ", which would store it at another version");
        }
        return Optional.of(new AppendResult(request.aggregateId(), firstVersion, firstVersion + request.size() - 1,
                first.position(), first.position() + request.size() - 1));
    }
}
