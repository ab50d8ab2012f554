package io.modularddd.cqrs;

import io.modularddd.core.AppendOutcomeUnknownException;
import io.modularddd.core.AppendRequest;
import io.modularddd.core.AppendResult;
import io.modularddd.core.EventStore;
import io.modularddd.core.ForwardingEventStore;
import io.modularddd.core.cache.QueryCache;
import io.modularddd.core.internal.Checks;
import java.util.List;
import java.util.Set;

/** A store whose appends invalidate their events' tags after they commit (see {@link InvalidationRules}). */
final class InvalidatingEventStore extends ForwardingEventStore {

    private final QueryCache cache;
    private final InvalidationRules rules;

    InvalidatingEventStore(EventStore delegate, QueryCache cache, InvalidationRules rules) {
        super(delegate);
        this.cache = cache;
        this.rules = rules;
    }

    @Override
    public AppendResult append(AppendRequest request) {
        Checks.notNull("request", request);
        Set<String> tags = rules.tagsOf(List.of(request));
        AppendResult result;
        try {
            result = super.append(request);
        } catch (AppendOutcomeUnknownException e) {
            invalidateAfterUnknown(tags, e);
            throw e;
        }
        invalidate(tags, List.of(result));
        return result;
    }

    @Override
    public List<AppendResult> appendBatch(List<AppendRequest> requests) {
        Checks.notNull("requests", requests);
        Set<String> tags = rules.tagsOf(requests);
        List<AppendResult> results;
        try {
            results = super.appendBatch(requests);
        } catch (AppendOutcomeUnknownException e) {
            invalidateAfterUnknown(tags, e);
            throw e;
        }
        invalidate(tags, results);
        return results;
    }

    private void invalidate(Set<String> tags, List<AppendResult> results) {
        if (tags.isEmpty()) {
            return;
        }
        try {
            cache.invalidateTags(tags);
        } catch (RuntimeException e) {
            throw new QueryCacheInvalidationException(results, tags, e);
        }
    }

    private void invalidateAfterUnknown(Set<String> tags, AppendOutcomeUnknownException unknown) {
        if (tags.isEmpty()) {
            return;
        }
        try {
            cache.invalidateTags(tags);
        } catch (RuntimeException e) {
            unknown.addSuppressed(e);
        }
    }

    @Override
    public String toString() {
        return "InvalidatingEventStore[" + delegate() + "]";
    }
}
