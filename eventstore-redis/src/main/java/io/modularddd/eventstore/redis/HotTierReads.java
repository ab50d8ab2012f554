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
            pages = hotKeys.isEmpty() ? List.of() : ops.readFirstPages(hotKeys, fromVersion, toVersion, pageSize);
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
            List<StoredEvent> run;
            try {
                run = contiguousRun(id, key, page.members(), fromVersion, toVersion, payloadFallback(key));
            } catch (RuntimeException e) {
                anomaly(key, LOAD_BATCH);
                missing.add(id);
                continue;
            }
            boolean whole = run.size() == page.members().size();
            if (whole && run.size() == pageSize) {
                metrics.hit(LOAD_BATCH);
                served.put(id, new IteratorEventStream(new HotReader(this, id, key, fromVersion, toVersion,
                        LOAD_BATCH, generation, run, page.maxScore(), page.epoch()), () -> { }));
            } else if (whole && (!run.isEmpty() || page.maxScore() != null && page.maxScore() < fromVersion)) {
                metrics.hit(LOAD_BATCH);
                served.put(id, EventStream.of(run));
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
                            page.epoch(), page.maxScore(), generation, toVersion), stream::close);
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

    /** Reads {@code [from, to]} of a stream from the warm tier. */
    List<StoredEvent> warmRead(AggregateId id, long from, long to) {
        try (EventStream s = warm.load(id, from, to)) {
            return s.toList();
        }
    }

    /** Writes events read from the warm tier back to Redis when that is safe; never throws. */
    void backfill(StreamKey key, String epoch, long generation, List<StoredEvent> events, boolean reachedHead) {
        writer.backfill(key, epoch, generation, events, reachedHead);
    }

    /** What one load of one stream does with a payload whose Redis copy does not decode (ADR 0204). */
    WarmPayloadFallback payloadFallback(StreamKey key) {
        return new WarmPayloadFallback(failures, metrics, warm, key);
    }

    /**
     * Decodes members (their envelopes; payloads on first access, through {@code fallback} when their
     * bytes do not decode) while their versions run on from {@code next} without a hole.
     *
     * @throws RuntimeException when a member's envelope does not decode, a version repeats, or a member's
     *                          version lies outside the range asked for (an inconsistent key)
     */
    List<StoredEvent> contiguousRun(AggregateId id, StreamKey key, List<byte[]> members, long next, long to,
                                    HotTierCodec.PayloadFallback fallback) {
        List<StoredEvent> run = new ArrayList<>(members.size());
        long expected = next;
        long previous = next - 1;
        boolean gap = false;
        for (byte[] member : members) {
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
        return run; // shorter than members when there is a hole: the caller sees it
    }
}
