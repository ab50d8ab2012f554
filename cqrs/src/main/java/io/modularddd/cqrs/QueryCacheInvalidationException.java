package io.modularddd.cqrs;

import io.modularddd.core.AppendResult;
import io.modularddd.core.ModularDddException;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Events were stored, but invalidating the query cache tags they map to failed afterwards (the cache's own
 * exception is the cause). Cached results carrying those tags may be served until they expire or the tags
 * are invalidated again. The append itself succeeded: do not repeat the command blindly — its events are
 * stored; {@link #results()} says where.
 */
public class QueryCacheInvalidationException extends ModularDddException {

    private static final long serialVersionUID = 1L;

    private final transient List<AppendResult> results;
    private final Set<String> tags;

    /**
     * Creates the exception.
     *
     * @param results where the events were stored
     * @param tags    the tags that could not be invalidated
     * @param cause   the cache's exception
     */
    public QueryCacheInvalidationException(List<AppendResult> results, Set<String> tags, Throwable cause) {
        super("the events were stored (" + results.stream().map(r -> "'" + r.aggregateId().value() + "' v"
                + r.firstVersion() + ".." + r.lastVersion()).collect(Collectors.joining(", ")) + ") but invalidating "
                + "the query cache tags " + new TreeSet<>(tags) + " failed: cached results carrying them may be "
                + "served until they expire. Do not repeat the command (its events are stored); invalidate the tags "
                + "again once the cache is back: " + cause, cause);
        this.results = List.copyOf(results);
        this.tags = Set.copyOf(tags);
    }

    /**
     * Returns where the events were stored.
     *
     * @return the append results
     */
    public List<AppendResult> results() {
        return results;
    }

    /**
     * Returns the tags that could not be invalidated.
     *
     * @return the tags
     */
    public Set<String> tags() {
        return tags;
    }
}
