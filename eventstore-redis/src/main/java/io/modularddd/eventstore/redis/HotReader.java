package io.modularddd.eventstore.redis;

import io.modularddd.core.AggregateId;
import io.modularddd.core.EventStore;
import io.modularddd.core.EventStream;
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
 */
final class HotReader extends PagingIterator {

    private enum Mode { HOT, WARM }

    private final RedisHotTier tier;
    private final EventStore warm;
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
    HotReader(RedisHotTier tier, EventStore warm, AggregateId id, long from, long to, String operation,
              long generation) {
        this(tier, warm, id, from, to, operation, generation, null, null, null);
    }

    /**
     * Creates a reader whose first page was already read from Redis (by {@code loadBatch}) and found
     * to be a full contiguous page.
     */
    HotReader(RedisHotTier tier, EventStore warm, AggregateId id, long from, long to, String operation,
              long generation, List<StoredEvent> firstRun, Double maxScore, String epoch) {
        super(tier.readPageSize());
        this.tier = tier;
        this.warm = warm;
        this.id = id;
        this.key = tier.key(id);
        this.from = from;
        this.to = to;
        this.operation = operation;
        this.generation = generation;
        this.fallback = new WarmPayloadFallback(tier, warm, key);
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
            tier.metrics().miss(operation, "absent");
            return warmPage(next, limit);
        }
        boolean firstPage = first;
        first = false;
        List<byte[]> members;
        try {
            if (firstPage) {
                RedisOps.FirstPage page = tier.ops().readFirstPages(List.of(key), next, to, limit).get(0);
                members = page.members();
                maxScore = page.maxScore();
                epoch = page.epoch();
            } else {
                members = tier.ops().readPage(key, next, to, limit);
            }
        } catch (RuntimeException e) {
            tier.redisFailed(e, "load");
            tier.metrics().fallback(operation, "redis_error");
            return toWarm(next, limit);
        }
        List<StoredEvent> run;
        try {
            run = contiguousRun(tier.codec(), id, key, members, next, to, fallback);
        } catch (RuntimeException e) {
            tier.metrics().miss(operation, "anomaly");
            tier.dropOrPend(key, "anomaly");
            return toWarm(next, limit);
        }
        if (run.size() == members.size()) {
            if (!run.isEmpty() || !firstPage || maxScore != null && maxScore < next) {
                // a full page; or Redis ends here: after the last full page, or before `from`
                tier.metrics().hit(operation);
                return run;
            }
            if (maxScore == null) {
                mode = Mode.WARM; // Redis does not have the stream: read it all from the warm tier
            }
            tier.metrics().miss(operation, maxScore == null ? "absent" : "gap");
            return warmPage(next, limit);
        }
        tier.metrics().miss(operation, "gap");
        List<StoredEvent> rest = warmPage(next + run.size(), limit - run.size());
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
     * Decodes members (their envelopes; payloads on first access, through {@code fallback} when their
     * bytes do not decode) while their versions run on from {@code next} without a hole.
     *
     * @throws RuntimeException when a member's envelope does not decode, a version repeats, or a member's
     *                          version lies outside the range asked for (an inconsistent key)
     */
    static List<StoredEvent> contiguousRun(HotTierCodec codec, AggregateId id, StreamKey key, List<byte[]> members,
                                           long next, long to, HotTierCodec.PayloadFallback fallback) {
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

    /** Reads {@code [start, start + n - 1] ∩ [.., to]} from the warm tier and backfills it when that is safe. */
    private List<StoredEvent> warmPage(long start, int n) {
        long end = to - start < n - 1L ? to : start + n - 1L;
        List<StoredEvent> events;
        try (EventStream s = warm.load(id, start, end)) {
            events = s.toList();
        }
        boolean reachedHead = events.size() < end - start + 1;
        if (backfill && !events.isEmpty()) {
            long last = events.get(events.size() - 1).version();
            if (reachedHead || maxScore != null && maxScore > last) {
                tier.backfill(key, epoch, generation, events, reachedHead);
            }
        }
        return events;
    }
}
