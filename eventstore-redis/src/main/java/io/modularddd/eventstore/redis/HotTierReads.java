package io.modularddd.eventstore.redis;

import io.modularddd.core.AggregateId;
import io.modularddd.core.EventStore;
import io.modularddd.core.EventStream;
import io.modularddd.core.StoredEvent;
import io.modularddd.core.internal.IteratorEventStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The read side of a tiered store: serves {@code load} and {@code loadBatch} from Redis where Redis
 * holds a contiguous run of versions, from the warm store otherwise, and backfills what it read there
 * through the {@link HotTierWriter}. It is also the one collaborator {@link HotReader} and
 * {@link BackfillingIterator} talk to: Redis pages, decoding, the meters of a read, failures and
 * backfills, each behind a method named for what the reader needs.
 *
 * <p>Built per tiered store ({@link RedisHotTier#reads(EventStore)}), because it needs the warm store.
 * Thread-safe; every read keeps its own state in its own {@link HotReader}.
 */
final class HotTierReads {

    static final String LOAD = "load";
    static final String LOAD_BATCH = "load_batch";

    private final StreamKeys keys;
    private final HotTierCodec codec;
    private final RedisOps ops;
    private final int pageSize;
    private final HotTierMetrics metrics;
    private final HotTierFailurePolicy failures;
    private final HotTierWriter writer;
    private final EventStore warm;

    HotTierReads(StreamKeys keys, HotTierCodec codec, RedisOps ops, int pageSize, HotTierMetrics metrics,
                 HotTierFailurePolicy failures, HotTierWriter writer, EventStore warm) {
        this.keys = keys;
        this.codec = codec;
        this.ops = ops;
        this.pageSize = pageSize;
        this.metrics = metrics;
        this.failures = failures;
        this.writer = writer;
        this.warm = warm;
    }

    /** Loads one stream; the caller has checked that the hot tier is enabled and the range is exact. */
    EventStream load(AggregateId aggregateId, long fromVersion, long toVersion) {
        if (!failures.ready()) {
            metrics.fallback(LOAD, "unavailable");
            return warm.load(aggregateId, fromVersion, toVersion);
        }
        StreamKey key = keys.of(aggregateId);
        if (failures.bypasses(key)) {
            metrics.fallback(LOAD, "pending_drop");
            return warm.load(aggregateId, fromVersion, toVersion);
        }
        return new IteratorEventStream(new HotReader(this, aggregateId, key, fromVersion, toVersion, LOAD,
                failures.generation()), () -> { });
    }

    /**
     * Loads many streams: the first page of every stream in one Redis pipeline, all streams Redis cannot
     * serve in one warm {@code loadBatch}. The caller has checked the arguments, that {@code ids} is not
     * empty, that the hot tier is enabled and that the range is exact.
     */
    Map<AggregateId, EventStream> loadBatch(List<AggregateId> ids, long fromVersion, long toVersion) {
        if (!failures.ready()) {
            metrics.fallback(LOAD_BATCH, "unavailable");
            return warm.loadBatch(ids, fromVersion, toVersion);
        }
        long generation = failures.generation();
        List<AggregateId> hotIds = new ArrayList<>(ids.size());
        List<StreamKey> hotKeys = new ArrayList<>(ids.size());
        List<AggregateId> missing = new ArrayList<>();
        for (AggregateId id : ids) {
            StreamKey key = keys.of(id);
            if (failures.bypasses(key)) {
                metrics.fallback(LOAD_BATCH, "pending_drop");
                missing.add(id);
            } else {
                hotIds.add(id);
                hotKeys.add(key);
            }
        }
        List<RedisOps.FirstPage> pages;
        try {
            // one member more than a page: a floor marker may come first (see contiguousRun)
            pages = hotKeys.isEmpty() ? List.of() : ops.readFirstPages(hotKeys, fromVersion, toVersion, pageSize + 1);
        } catch (RuntimeException e) {
            redisFailed(e, LOAD_BATCH, LOAD_BATCH);
            return warm.loadBatch(ids, fromVersion, toVersion);
        }
        Map<AggregateId, EventStream> served = new HashMap<>();
        Map<AggregateId, RedisOps.FirstPage> backfillable = new HashMap<>();
        for (int i = 0; i < hotIds.size(); i++) {
            AggregateId id = hotIds.get(i);
            StreamKey key = hotKeys.get(i);
            RedisOps.FirstPage page = pages.get(i);
            Run run;
            try {
                run = contiguousRun(id, key, page.members(), fromVersion, toVersion, pageSize, payloadFallback(key));
            } catch (RuntimeException e) {
                anomaly(key, LOAD_BATCH);
                missing.add(id);
                continue;
            }
            boolean whole = run.whole();
            List<StoredEvent> events = run.events();
            if (whole && events.size() == pageSize) {
                metrics.hit(LOAD_BATCH);
                served.put(id, new IteratorEventStream(new HotReader(this, id, key, fromVersion, toVersion,
                        LOAD_BATCH, generation, events, page.maxScore(), page.epoch()), () -> { }));
            } else if (whole && (!events.isEmpty() || page.maxScore() != null && page.maxScore() < fromVersion)) {
                metrics.hit(LOAD_BATCH);
                served.put(id, EventStream.of(events));
            } else {
                metrics.miss(LOAD_BATCH, !whole || page.maxScore() != null ? "gap" : "absent");
                missing.add(id);
                backfillable.put(id, page);
            }
        }
        if (!missing.isEmpty()) {
            Map<AggregateId, EventStream> fromWarm = warm.loadBatch(missing, fromVersion, toVersion);
            for (AggregateId id : missing) {
                EventStream stream = fromWarm.get(id);
                RedisOps.FirstPage page = backfillable.get(id);
                if (page != null) {
                    stream = new IteratorEventStream(new BackfillingIterator(stream.iterator(), this, keys.of(id),
                            page.epoch(), page.maxScore(), generation, fromVersion, toVersion), stream::close);
                }
                served.put(id, stream);
            }
        }
        Map<AggregateId, EventStream> result = new LinkedHashMap<>();
        for (AggregateId id : ids) {
            result.put(id, served.get(id));
        }
        return result;
    }

    // ------------------------------------------------------------------ what one HotReader needs

    /** Events per Redis read, and per backfill of a batch load. */
    int pageSize() {
        return pageSize;
    }

    /** The first page of one stream, with its highest version and epoch (one pipeline). */
    RedisOps.FirstPage firstPage(StreamKey key, long from, long to, int limit) {
        return ops.readFirstPages(List.of(key), from, to, limit).get(0);
    }

    /** A further page of one stream. */
    List<byte[]> page(StreamKey key, long from, long to, int limit) {
        return ops.readPage(key, from, to, limit);
    }

    /**
     * A Redis read failed: the failure policy decides about a back-off; the read falls back to the warm tier.
     *
     * @param call      the Redis call that failed, for the log
     * @param operation the read ({@code load}, {@code load_batch}) whose fallback is counted
     */
    void redisFailed(RuntimeException e, String call, String operation) {
        failures.redisFailed(e, call);
        metrics.fallback(operation, "redis_error");
    }

    /** A stream's Redis copy is inconsistent or undecodable: counted, and its key dropped. */
    void anomaly(StreamKey key, String operation) {
        metrics.miss(operation, "anomaly");
        failures.dropOrPend(key, "anomaly");
    }

    /** A page was served from Redis. */
    void hit(String operation) {
        metrics.hit(operation);
    }

    /** A page Redis could not serve ({@code absent}, {@code gap}). */
    void miss(String operation, String reason) {
        metrics.miss(operation, reason);
    }

    /**
     * Reads the first {@code n} events of {@code [from, to]} of a stream from the warm tier. Not the
     * versions {@code from .. from + n - 1}: after a delete or a truncation the first visible version may
     * lie above {@code from}, and a page of fewer than {@code n} events would end the caller's read early.
     */
    List<StoredEvent> warmRead(AggregateId id, long from, long to, int n) {
        List<StoredEvent> events = new ArrayList<>(Math.min(n, 1024));
        try (EventStream s = warm.load(id, from, to)) {
            java.util.Iterator<StoredEvent> it = s.iterator();
            while (events.size() < n && it.hasNext()) {
                events.add(it.next());
            }
        }
        return events;
    }

    /**
     * Writes events read from the warm tier back to Redis when that is safe; never throws.
     *
     * @param readFrom the version the warm read started at: when the events start above it, no version
     *                 below their first is visible, and a floor marker records that
     */
    void backfill(StreamKey key, String epoch, long generation, List<StoredEvent> events, boolean reachedHead,
                  long readFrom) {
        writer.backfill(key, epoch, generation, events, reachedHead, readFrom);
    }

    /** What one load of one stream does with a payload whose Redis copy does not decode (ADR 0204). */
    WarmPayloadFallback payloadFallback(StreamKey key) {
        return new WarmPayloadFallback(failures, metrics, warm, key);
    }

    /**
     * The events of a Redis page that run on without a hole from the version wanted.
     *
     * @param events the run, at most a page
     * @param whole  whether every member considered belongs to the run (no hole in this page)
     * @param next   the version after the run: where a read goes on when the page had a hole
     */
    record Run(List<StoredEvent> events, boolean whole, long next) {
    }

    /**
     * Decodes members (their envelopes; payloads on first access, through {@code fallback} when their
     * bytes do not decode) while their versions run on from {@code next} without a hole. A floor marker
     * ({@link HotTierCodec#floorMarker}) as first member moves the version wanted up to the first
     * visible one, and does not count against {@code limit}: callers read one member more than a page.
     * Of the events, at most {@code limit} are considered.
     *
     * @throws RuntimeException when a member's envelope does not decode, a version repeats, a member's
     *                          version lies outside the range asked for, or a floor marker is not first
     *                          (an inconsistent key)
     */
    Run contiguousRun(AggregateId id, StreamKey key, List<byte[]> members, long next, long to, int limit,
                      HotTierCodec.PayloadFallback fallback) {
        int first = 0;
        long expected = next;
        if (!members.isEmpty()) {
            long floor = HotTierCodec.floorOf(members.get(0));
            if (floor > 0) {
                first = 1;
                expected = Math.max(next, floor);
            }
        }
        List<byte[]> considered = members.subList(first, Math.min(members.size(), first + limit));
        List<StoredEvent> run = new ArrayList<>(considered.size());
        long previous = expected - 1;
        boolean gap = false;
        for (byte[] member : considered) {
            if (HotTierCodec.floorOf(member) > 0) {
                throw new IllegalStateException("a floor marker above events in " + key);
            }
            StoredEvent e = codec.decode(id, member, fallback);
            if (e.version() <= previous || e.version() > to) {
                throw new IllegalStateException("member versions out of order or range in " + key);
            }
            previous = e.version();
            if (!gap && e.version() == expected) {
                run.add(e);
                expected++;
            } else {
                gap = true;
            }
        }
        return new Run(run, !gap, expected);
    }
}
