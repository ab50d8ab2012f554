package io.modularddd.eventstore.redis;

import io.modularddd.core.AggregateId;
import io.modularddd.core.AppendRequest;
import io.modularddd.core.AppendResult;
import io.modularddd.core.EventStore;
import io.modularddd.core.EventStream;
import io.modularddd.core.ForwardingEventStore;
import io.modularddd.core.StoredEvent;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fake warm store: passes everything to a real store and counts the reads the tiered store sends
 * to the warm tier, so a test can tell a load served by the hot tier from one served by the warm tier.
 * Optional one-shot hooks run right after a {@code load} has read its events (before they are
 * returned), to interleave other work between a reader's warm read and its backfill, and right after
 * an append committed.
 *
 * <p>Public, in eventstore-redis's test-jar, so integration-tests uses this one copy.
 */
public final class CountingEventStore extends ForwardingEventStore {

    /** {@code load} calls that reached the warm store. */
    public final AtomicInteger loads = new AtomicInteger();
    /** {@code loadBatch} calls that reached the warm store. */
    public final AtomicInteger loadBatches = new AtomicInteger();
    /** {@code readAll} calls that reached the warm store. */
    public final AtomicInteger readAlls = new AtomicInteger();
    /** {@code currentVersion} calls that reached the warm store. */
    public final AtomicInteger currentVersions = new AtomicInteger();
    /** The ids of each {@code loadBatch} call, in call order. */
    public final List<List<AggregateId>> loadBatchIds = Collections.synchronizedList(new ArrayList<>());
    /** A one-shot hook run right after a load read its events, before they are returned. */
    public volatile Runnable afterLoad;
    /** A one-shot hook run right after an append committed, before it returns (before the hot tier writes it). */
    public volatile Runnable afterAppend;

    /**
     * Wraps a store.
     *
     * @param delegate the real store
     */
    public CountingEventStore(EventStore delegate) {
        super(delegate);
    }

    /** The real store underneath, for writes behind the tiered store's back. */
    @Override
    public EventStore delegate() {
        return super.delegate();
    }

    /**
     * Every read of any kind that reached the warm store.
     *
     * @return loads, batch loads, global reads and version reads together
     */
    public int reads() {
        return loads.get() + loadBatches.get() + readAlls.get() + currentVersions.get();
    }

    @Override
    public EventStream load(AggregateId aggregateId, long fromVersion, long toVersion) {
        loads.incrementAndGet();
        Runnable hook = afterLoad;
        if (hook == null) {
            return super.load(aggregateId, fromVersion, toVersion);
        }
        afterLoad = null;
        List<StoredEvent> events;
        try (EventStream s = super.load(aggregateId, fromVersion, toVersion)) {
            events = s.toList();
        }
        hook.run();
        return EventStream.of(events);
    }

    @Override
    public AppendResult append(AppendRequest request) {
        AppendResult result = super.append(request);
        Runnable hook = afterAppend;
        if (hook != null) {
            afterAppend = null;
            hook.run();
        }
        return result;
    }

    @Override
    public Map<AggregateId, EventStream> loadBatch(Collection<AggregateId> aggregateIds, long fromVersion,
                                                   long toVersion) {
        loadBatches.incrementAndGet();
        loadBatchIds.add(List.copyOf(aggregateIds));
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
