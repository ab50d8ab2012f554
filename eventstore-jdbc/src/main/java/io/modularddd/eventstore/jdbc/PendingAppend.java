package io.modularddd.eventstore.jdbc;

import io.modularddd.core.AggregateId;
import io.modularddd.core.AppendRequest;
import io.modularddd.core.AppendResult;
import io.modularddd.core.NewEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.locks.Condition;
import java.util.function.Supplier;

/**
 * One caller's unit of work waiting for group commit: the requests of one {@code append} (one
 * request) or one {@code appendBatch} (several, all-or-nothing), already serialized.
 *
 * <p>The fields below {@code wakeUp} are guarded by the {@link GroupCommitter}'s lock, except the
 * outcome, which only the leader writes before it publishes {@code done} under that lock.
 *
 * <p>A unit's success is only ever <em>planned</em> while its transaction runs ({@link #plan}) and
 * becomes its outcome when that transaction has committed ({@link #commitPlanned()}): whatever is
 * thrown before the commit returns — an {@code SQLException}, or an {@link Error} — leaves the unit
 * without an outcome, and the group committer then fails it. No unit is ever told it succeeded for
 * rows that were not committed.
 *
 * <p>A failure is kept as a factory and built on the thread that receives it, so every caller gets
 * its own exception object whose stack trace shows its own call site, not the leader's.
 */
final class PendingAppend {

    /**
     * A request with its events serialized to JSON text.
     *
     * @param largestRowBytes the UTF-8 size of the request's largest row (payload, metadata, ids and types)
     * @param bytes           the UTF-8 size of all its rows
     */
    record Encoded(AppendRequest request, String[] eventTypes, String[] data, String[] metadata, long[] rowBytes,
                   long largestRowBytes, long bytes) {
    }

    final List<Encoded> requests;
    final int eventCount;
    final boolean batch;
    Condition wakeUp;

    boolean done;
    boolean promoted;

    private List<AppendResult> planned;
    private List<AppendResult> results;
    private Supplier<? extends RuntimeException> failure;

    PendingAppend(List<Encoded> requests, boolean batch) {
        this.requests = requests;
        this.batch = batch;
        int n = 0;
        for (Encoded e : requests) {
            n += e.request().size();
        }
        this.eventCount = n;
    }

    /** The streams of the unit's requests, in order. */
    List<AggregateId> streams() {
        List<AggregateId> streams = new ArrayList<>(requests.size());
        for (Encoded e : requests) {
            streams.add(e.request().aggregateId());
        }
        return streams;
    }

    /** The unit's requests, in order. */
    List<AppendRequest> requestList() {
        List<AppendRequest> list = new ArrayList<>(requests.size());
        for (Encoded e : requests) {
            list.add(e.request());
        }
        return list;
    }

    /** The encoded form of one of the unit's requests. */
    Encoded encodedOf(AppendRequest request) {
        for (Encoded e : requests) {
            if (e.request() == request) {
                return e;
            }
        }
        throw new IllegalArgumentException("not a request of this unit: " + request.aggregateId());
    }

    /** The ids of the unit's events, in order. */
    List<UUID> eventIds() {
        List<UUID> ids = new ArrayList<>(eventCount);
        for (Encoded e : requests) {
            for (NewEvent ev : e.request().events()) {
                ids.add(ev.eventId());
            }
        }
        return ids;
    }

    /** The largest row of the unit, in UTF-8 bytes. */
    long largestRowBytes() {
        long max = 0;
        for (Encoded e : requests) {
            max = Math.max(max, e.largestRowBytes());
        }
        return max;
    }

    /** Records the results the unit gets if its transaction commits. */
    void plan(List<AppendResult> value) {
        this.planned = value;
    }

    /** Makes the planned results the outcome: called once the unit's transaction has committed. */
    void commitPlanned() {
        if (planned != null && failure == null) {
            results = planned;
        }
        planned = null;
    }

    /**
     * Fails the unit. The exception is created by {@code value} on the thread that reads the outcome.
     *
     * @param value makes the exception; called once, by the caller of {@link #outcome()}
     */
    void fail(Supplier<? extends RuntimeException> value) {
        this.failure = value;
        this.results = null;
        this.planned = null;
    }

    boolean completed() {
        return results != null || failure != null;
    }

    boolean failed() {
        return failure != null;
    }

    /** Forgets planned results and failures, for a new attempt of the unit. */
    void reset() {
        planned = null;
        results = null;
        failure = null;
    }

    /** Returns the results or throws the failure, created on the calling thread. */
    List<AppendResult> outcome() {
        if (failure != null) {
            throw failure.get();
        }
        return results;
    }
}
