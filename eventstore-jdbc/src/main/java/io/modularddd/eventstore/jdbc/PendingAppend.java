package io.modularddd.eventstore.jdbc;

import io.modularddd.core.AggregateId;
import io.modularddd.core.AppendRequest;
import io.modularddd.core.AppendResult;
import io.modularddd.core.NewEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.locks.Condition;

/**
 * One caller's unit of work waiting for group commit: the requests of one {@code append} (one
 * request) or one {@code appendBatch} (several, all-or-nothing), already serialized.
 *
 * <p>The fields below {@code wakeUp} are guarded by the {@link GroupCommitter}'s lock, except the
 * outcome, which only the leader writes before it publishes {@code done} under that lock.
 */
final class PendingAppend {

    /** A request with its events serialized to JSON text. */
    record Encoded(AppendRequest request, String[] eventTypes, String[] data, String[] metadata, long chars) {
    }

    final List<Encoded> requests;
    final int eventCount;
    final boolean batch;
    Condition wakeUp;

    boolean done;
    boolean promoted;

    private List<AppendResult> results;
    private RuntimeException failure;

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

    void succeed(List<AppendResult> value) {
        this.results = value;
        this.failure = null;
    }

    void fail(RuntimeException value) {
        this.failure = value;
        this.results = null;
    }

    boolean completed() {
        return results != null || failure != null;
    }

    boolean failed() {
        return failure != null;
    }

    void reset() {
        results = null;
        failure = null;
    }

    /** Returns the results or throws the failure. */
    List<AppendResult> outcome() {
        if (failure != null) {
            throw failure;
        }
        return results;
    }
}
