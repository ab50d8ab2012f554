package io.modularddd.integration;

import io.modularddd.core.AggregateId;
import io.modularddd.core.EventStore;
import io.modularddd.core.EventStream;
import io.modularddd.core.ForwardingEventStore;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A warm store that passes every call to a real store and counts the reads that reach it, so a test
 * can tell a load served by the hot tier from one served by the warm tier without package-private
 * access to either.
 */
final class CountingEventStore extends ForwardingEventStore {

    final AtomicInteger loads = new AtomicInteger();
    final AtomicInteger loadBatches = new AtomicInteger();
    final AtomicInteger readAlls = new AtomicInteger();
    final AtomicInteger currentVersions = new AtomicInteger();

    CountingEventStore(EventStore delegate) {
        super(delegate);
    }

    /** Every read of any kind that reached the warm store. */
    int reads() {
        return loads.get() + loadBatches.get() + readAlls.get() + currentVersions.get();
    }

    @Override
    public EventStream load(AggregateId aggregateId, long fromVersion, long toVersion) {
        loads.incrementAndGet();
        return super.load(aggregateId, fromVersion, toVersion);
    }

    @Override
    public Map<AggregateId, EventStream> loadBatch(Collection<AggregateId> aggregateIds, long fromVersion,
                                                   long toVersion) {
        loadBatches.incrementAndGet();
        return super.loadBatch(aggregateIds, fromVersion, toVersion);
    }

    @Override
    public EventStream readAll(long fromPosition, int limit) {
        readAlls.incrementAndGet();
        return super.readAll(fromPosition, limit);
    }

    @Override
    public long currentVersion(AggregateId aggregateId) {
        currentVersions.incrementAndGet();
        return super.currentVersion(aggregateId);
    }
}
