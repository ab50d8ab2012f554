package io.modularddd.cqrs.projection;

import io.modularddd.core.AppendOutcomeUnknownException;
import io.modularddd.core.AppendRequest;
import io.modularddd.core.AppendResult;
import io.modularddd.core.EventStore;
import io.modularddd.core.ForwardingEventStore;
import java.util.List;

/** The engine's view of the store: after an append commits, it wakes processors and runs realtime projections. */
final class EngineEventStore extends ForwardingEventStore {

    private final ProjectionEngine engine;

    EngineEventStore(EventStore delegate, ProjectionEngine engine) {
        super(delegate);
        this.engine = engine;
    }

    @Override
    public AppendResult append(AppendRequest request) {
        AppendResult result;
        try {
            result = super.append(request);
        } catch (AppendOutcomeUnknownException e) {
            engine.afterUnknownOutcome();
            throw e;
        }
        engine.afterCommit(result.lastPosition());
        return result;
    }

    @Override
    public List<AppendResult> appendBatch(List<AppendRequest> requests) {
        List<AppendResult> results;
        try {
            results = super.appendBatch(requests);
        } catch (AppendOutcomeUnknownException e) {
            engine.afterUnknownOutcome();
            throw e;
        }
        long last = 0;
        for (AppendResult r : results) {
            last = Math.max(last, r.lastPosition());
        }
        engine.afterCommit(last);
        return results;
    }

    @Override
    public String toString() {
        return "ProjectionEngine.eventStore[" + delegate() + "]";
    }
}
