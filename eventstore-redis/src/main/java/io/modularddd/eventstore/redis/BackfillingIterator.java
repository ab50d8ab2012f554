package io.modularddd.eventstore.redis;

import io.modularddd.core.StoredEvent;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Passes a warm-tier stream through and, when it ends within one page, backfills it into Redis.
 * Used by {@code loadBatch} for the streams Redis could not serve; a longer stream is left to the
 * next single-stream load, which backfills page by page.
 */
final class BackfillingIterator implements Iterator<StoredEvent> {

    private final Iterator<StoredEvent> source;
    private final HotTierReads reads;
    private final StreamKey key;
    private final String epoch;
    private final Double maxScore;
    private final long generation;
    private final long from;
    private final long to;
    private final int limit;
    private List<StoredEvent> buffer = new ArrayList<>();
    private boolean flushed;

    BackfillingIterator(Iterator<StoredEvent> source, HotTierReads reads, StreamKey key, String epoch, Double maxScore,
                        long generation, long from, long to) {
        this.source = source;
        this.reads = reads;
        this.key = key;
        this.epoch = epoch;
        this.maxScore = maxScore;
        this.generation = generation;
        this.from = from;
        this.to = to;
        this.limit = reads.pageSize();
    }

    @Override
    public boolean hasNext() {
        boolean more = source.hasNext();
        if (!more && !flushed) {
            flushed = true;
            flush();
        }
        return more;
    }

    @Override
    public StoredEvent next() {
        StoredEvent e = source.next();
        if (buffer != null) {
            if (buffer.size() < limit) {
                buffer.add(e);
            } else {
                buffer = null; // longer than a page: not backfilled here
            }
        }
        return e;
    }

    private void flush() {
        List<StoredEvent> events = buffer;
        buffer = null;
        if (events == null || events.isEmpty()) {
            return;
        }
        long last = events.get(events.size() - 1).version();
        boolean reachedHead = last < to;
        if (reachedHead || maxScore != null && maxScore > last) {
            reads.backfill(key, epoch, generation, events, reachedHead, from);
        }
    }
}
