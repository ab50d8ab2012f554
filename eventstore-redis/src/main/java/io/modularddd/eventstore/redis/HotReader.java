package io.modularddd.eventstore.redis;

import io.modularddd.core.AggregateId;
import io.modularddd.core.StoredEvent;
import io.modularddd.core.internal.PagingIterator;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads one stream page by page: from Redis while Redis holds a contiguous run of versions, from the
 * warm tier for whatever Redis lacks, backfilling what it fetched there.
 *
 * <p>Each page is {@code ZRANGE key next to BYSCORE LIMIT 0 pageSize}, so even a huge stream is never
 * fetched at once. A page is accepted only as far as its versions run on without a hole from the
 * version wanted; at the first hole the rest of the page comes from the warm tier. The first read
 * also fetches the highest version present and the stream's epoch (one pipeline): the highest
 * version tells "the stream ends before {@code from}" apart from "Redis does not have the stream",
 * and the epoch guards the backfill (see {@link RedisOps#backfill}).
 *
 * <p>What Redis cannot show is a missing tail (a write that never reached it); the consistency
 * argument in {@code docs/redis-hot-tier.md} explains why that is safe for writers and how long a
 * reader may see it.
 *
 * <p>Everything outside this one read (Redis, decoding, meters, failures, backfills, the warm store)
 * it reaches through {@link HotTierReads}.
 */
final class HotReader extends PagingIterator {

    private enum Mode { HOT, WARM }

    private final HotTierReads reads;
    private final AggregateId id;
    private final StreamKey key;
    private final long from;
    private final long to;
    private final String operation;
    private final long generation;
    private final WarmPayloadFallback fallback;
    private List<StoredEvent> seededRun;
    private Mode mode = Mode.HOT;
    private boolean first = true;
    private boolean backfill = true;
    private String epoch;
    private Double maxScore;

    /**
     * Creates a reader that starts with a Redis read.
     */
    HotReader(HotTierReads reads, AggregateId id, StreamKey key, long from, long to, String operation,
              long generation) {
        this(reads, id, key, from, to, operation, generation, null, null, null);
    }

    /**
     * Creates a reader whose first page was already read from Redis (by {@code loadBatch}) and found
     * to be a full contiguous page.
     */
    HotReader(HotTierReads reads, AggregateId id, StreamKey key, long from, long to, String operation,
              long generation, List<StoredEvent> firstRun, Double maxScore, String epoch) {
        super(reads.pageSize());
        this.reads = reads;
        this.id = id;
        this.key = key;
        this.from = from;
        this.to = to;
        this.operation = operation;
        this.generation = generation;
        this.fallback = reads.payloadFallback(key);
        if (firstRun != null) {
            this.seededRun = firstRun;
            this.first = false;
            this.maxScore = maxScore;
            this.epoch = epoch;
        }
    }

    @Override
    protected List<StoredEvent> fetch(StoredEvent after, int limit) {
        if (seededRun != null) {
            List<StoredEvent> run = seededRun;
            seededRun = null;
            return run;
        }
        long next = after == null ? from : after.version() + 1;
        if (next > to) {
            return List.of();
        }
        if (mode == Mode.WARM) {
            reads.miss(operation, "absent");
            return warmPage(next, limit);
        }
        boolean firstPage = first;
        first = false;
        List<byte[]> members;
        try {
            if (firstPage) {
                // one member more: a floor marker may come first (HotTierReads.contiguousRun)
                RedisOps.FirstPage page = reads.firstPage(key, next, to, limit + 1);
                members = page.members();
                maxScore = page.maxScore();
                epoch = page.epoch();
            } else {
                members = reads.page(key, next, to, limit);
            }
        } catch (RuntimeException e) {
            reads.redisFailed(e, HotTierReads.LOAD, operation);
            return toWarm(next, limit);
        }
        HotTierReads.Run found;
        try {
            found = reads.contiguousRun(id, key, members, next, to, limit, fallback);
        } catch (RuntimeException e) {
            reads.anomaly(key, operation);
            return toWarm(next, limit);
        }
        List<StoredEvent> run = found.events();
        if (found.whole()) {
            if (!run.isEmpty() || !firstPage || maxScore != null && maxScore < next) {
                // a full page; or Redis ends here: after the last full page, or before `from`
                reads.hit(operation);
                return run;
            }
            if (maxScore == null) {
                mode = Mode.WARM; // Redis does not have the stream: read it all from the warm tier
            }
            reads.miss(operation, maxScore == null ? "absent" : "gap");
            return warmPage(next, limit);
        }
        reads.miss(operation, "gap");
        List<StoredEvent> rest = warmPage(found.next(), limit - run.size());
        if (run.isEmpty()) {
            return rest;
        }
        List<StoredEvent> page = new ArrayList<>(run.size() + rest.size());
        page.addAll(run);
        page.addAll(rest);
        return page;
    }

    private List<StoredEvent> toWarm(long next, int limit) {
        mode = Mode.WARM;
        backfill = false;
        return warmPage(next, limit);
    }

    /**
     * Reads the first {@code n} events of {@code [start, to]} from the warm tier and backfills them when
     * that is safe. The first may lie above {@code start} (a truncated stream, or one started again after
     * a delete); the warm read still returns {@code n} events when the stream has them, so a short page
     * means the stream ended.
     */
    private List<StoredEvent> warmPage(long start, int n) {
        List<StoredEvent> events = reads.warmRead(id, start, to, n);
        if (backfill && !events.isEmpty()) {
            long last = events.get(events.size() - 1).version();
            // fewer than n events, and not cut short by `to`: the read reached the stream's head
            boolean reachedHead = events.size() < n && last < to;
            if (reachedHead || maxScore != null && maxScore > last) {
                reads.backfill(key, epoch, generation, events, reachedHead, start);
            }
        }
        return events;
    }
}
