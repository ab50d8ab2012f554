package io.modularddd.benchmarks.cli;

import io.modularddd.core.AggregateId;
import io.modularddd.core.AppendRequest;
import io.modularddd.core.EventStore;
import io.modularddd.core.EventStream;
import io.modularddd.core.ExpectedVersion;
import io.modularddd.core.NewEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongFunction;

/**
 * The {@code event} type: the event store alone, half appends and half reads. Appends add one event to one of
 * {@code streams} aggregates (spread so each gets about ten appends in a run); reads load one whole aggregate's
 * stream, as a repository does. Part 0 is {@code append}, part 1 {@code read}.
 */
final class EventWorkload implements Workload {

    private final EventStore store;
    private final String aggregateType;
    private final LongFunction<Object> first;
    private final LongFunction<Object> event;
    private final String prefix;
    private List<AggregateId> ids = List.of();

    /**
     * A workload over a store.
     *
     * @param store         the store to append to and read from
     * @param aggregateType the type the streams are stored under
     * @param first         the payload of the first event of stream {@code s} (a registered event type)
     * @param event         the payload of the event appended by operation {@code i}
     * @param prefix        the streams' id prefix, unique per run
     */
    EventWorkload(EventStore store, String aggregateType, LongFunction<Object> first, LongFunction<Object> event,
                  String prefix) {
        this.store = store;
        this.aggregateType = aggregateType;
        this.first = first;
        this.event = event;
        this.prefix = prefix;
    }

    @Override
    public List<String> parts() {
        return List.of("append", "read");
    }

    @Override
    public void prepare(int operations, int threads) {
        int streams = Math.max(16, operations / 20);
        List<AggregateId> list = new ArrayList<>(streams);
        List<AppendRequest> batch = new ArrayList<>();
        for (int s = 0; s < streams; s++) {
            AggregateId id = AggregateId.of(prefix + "-" + s);
            list.add(id);
            batch.add(AppendRequest.of(id, aggregateType, ExpectedVersion.noStream(), NewEvent.of(first.apply(s))));
            if (batch.size() == 200) {
                store.appendBatch(batch);
                batch.clear();
            }
        }
        if (!batch.isEmpty()) {
            store.appendBatch(batch);
        }
        ids = List.copyOf(list);
    }

    @Override
    public int execute(long i) {
        AggregateId id = ids.get((int) (mix(i >>> 1) % ids.size()));
        if ((i & 1) == 0) {
            store.append(AppendRequest.of(id, aggregateType, ExpectedVersion.any(), NewEvent.of(event.apply(i))));
            return 0;
        }
        long n = 0;
        try (EventStream stream = store.load(id)) {
            for (var e : stream) {
                if (e.payload() == null) {
                    throw new IllegalStateException("event " + e.position() + " decoded to null");
                }
                n += e.version();
            }
        }
        if (n == 0) {
            throw new IllegalStateException("stream " + id + " read empty; it was created by prepare()");
        }
        return 1;
    }

    /** A cheap bijective scramble, so consecutive operations hit different streams. */
    static long mix(long x) {
        long z = x * 0x9E3779B97F4A7C15L;
        z ^= z >>> 31;
        return z & Long.MAX_VALUE;
    }

    @Override
    public void close() {
        // the streams stay in the store; the command drops the store's tables when it made them
    }
}
