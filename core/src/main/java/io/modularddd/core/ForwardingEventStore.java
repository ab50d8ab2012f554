package io.modularddd.core;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An {@link EventStore} that forwards every call to another store: the base for decorators that
 * count, trace, time or fault-inject around a real store. Override the methods to intercept; the
 * rest keep forwarding.
 *
 * <pre>{@code
 * EventStore counted = new ForwardingEventStore(store) {
 *     public EventStream load(AggregateId id, long from, long to) {
 *         loads.increment();
 *         return super.load(id, from, to);
 *     }
 * };
 * }</pre>
 */
public abstract class ForwardingEventStore implements EventStore {

    private final EventStore delegate;

    /**
     * Wraps a store.
     *
     * @param delegate the store that does the work
     * @throws InvalidInputException when {@code delegate} is null
     */
    protected ForwardingEventStore(EventStore delegate) {
        this.delegate = io.modularddd.core.internal.Checks.notNull("delegate", delegate);
    }

    /**
     * Returns the wrapped store.
     *
     * @return the delegate
     */
    protected EventStore delegate() {
        return delegate;
    }

    @Override
    public AppendResult append(AppendRequest request) {
        return delegate.append(request);
    }

    @Override
    public List<AppendResult> appendBatch(List<AppendRequest> requests) {
        return delegate.appendBatch(requests);
    }

    @Override
    public EventStream load(AggregateId aggregateId, long fromVersion, long toVersion) {
        return delegate.load(aggregateId, fromVersion, toVersion);
    }

    @Override
    public Map<AggregateId, EventStream> loadBatch(Collection<AggregateId> aggregateIds, long fromVersion,
                                                   long toVersion) {
        return delegate.loadBatch(aggregateIds, fromVersion, toVersion);
    }

    @Override
    public EventStream readAll(long fromPosition, int limit) {
        return delegate.readAll(fromPosition, limit);
    }

    @Override
    public EventPage readAll(long fromPosition, int limit, Set<String> eventTypes) {
        return delegate.readAll(fromPosition, limit, eventTypes);
    }

    @Override
    public long currentVersion(AggregateId aggregateId) {
        return delegate.currentVersion(aggregateId);
    }

    @Override
    public long headPosition() {
        return delegate.headPosition();
    }

    @Override
    public long delete(AggregateId aggregateId, ExpectedVersion expected) {
        return delegate.delete(aggregateId, expected);
    }

    @Override
    public void truncateBefore(AggregateId aggregateId, long version) {
        delegate.truncateBefore(aggregateId, version);
    }

    @Override
    public long erase(AggregateId aggregateId) {
        return delegate.erase(aggregateId);
    }

    @Override
    public StreamState streamState(AggregateId aggregateId) {
        return delegate.streamState(aggregateId);
    }

    @Override
    public java.util.Optional<io.modularddd.core.serialization.EventSerializer> serializer() {
        return delegate.serializer();
    }

    /** Closes the wrapped store. */
    @Override
    public void close() {
        delegate.close();
    }
}
