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
 * to the warm tier. An optional one-shot hook runs right after a {@code load} has read its events
 * (before they are returned), to interleave other work between a reader's warm read and its backfill.
 */
final class CountingEventStore extends ForwardingEventStore {

    final AtomicInteger loads = new AtomicInteger();
    final AtomicInteger loadBatches = new AtomicInteger();
    final List<List<AggregateId>> loadBatchIds = Collections.synchronizedList(new ArrayList<>());
    volatile Runnable afterLoad;
    /** A one-shot hook run right after an append committed, before it returns (before the hot tier writes it). */
    volatile Runnable afterAppend;

    CountingEventStore(EventStore delegate) {
        super(delegate);
    }

    /** The real store underneath, for writes behind the tiered store's back. */
    @Override
    protected EventStore delegate() {
        return super.delegate();
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

}
