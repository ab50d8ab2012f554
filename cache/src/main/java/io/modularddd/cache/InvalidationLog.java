package io.modularddd.cache;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.StampedLock;

/**
 * The in-process tier's invalidation clock and the record of recent invalidations, which make tickets
 * work (see {@link io.modularddd.core.cache.CacheLookup}): a ticket is the clock read at a miss; an
 * invalidation advances the clock and marks its keys and tags with the new reading; a put is stale when a
 * mark of its key or one of its tags is later than its ticket, or its ticket is below the floor.
 *
 * <h2>Why a put cannot slip past an invalidation</h2>
 * Puts run their check and their store inside {@link #readLock()}; invalidations write their marks
 * inside {@link #writeLock()} and remove entries after it. So a put's check-and-store happens entirely
 * before a mark (and its entry, already stored and indexed, is then removed by the invalidation) or
 * entirely after it (and sees the mark). The lock is held for a few map operations; lookups never take it.
 *
 * <h2>Bounded</h2>
 * Marks older than the tier's longest load time are useless (older tickets are refused anyway) and are
 * swept away every {@value #SWEEP_EVERY} invalidations. When more than {@code maxMarks} recent marks
 * remain, they are dropped and the floor is raised to the clock instead: every older ticket is refused,
 * which costs some loads their caching, never correctness.
 */
final class InvalidationLog {

    private static final int SWEEP_EVERY = 1024;

    private record Mark(long clock, long atNanos) {
    }

    private final AtomicLong clock = new AtomicLong();
    private final Map<String, Mark> keys = new ConcurrentHashMap<>();
    private final Map<String, Mark> tags = new ConcurrentHashMap<>();
    private final AtomicInteger sinceSweep = new AtomicInteger();
    private final StampedLock lock = new StampedLock();
    private final long retainNanos;
    private final int maxMarks;
    private volatile long floor;

    InvalidationLog(long retainNanos, int maxMarks) {
        this.retainNanos = retainNanos;
        this.maxMarks = maxMarks;
    }

    /** The clock, for a miss's ticket. */
    long ticket() {
        return clock.get();
    }

    long readLock() {
        return lock.readLock();
    }

    void unlockRead(long stamp) {
        lock.unlockRead(stamp);
    }

    /** Marks keys and tags as invalidated now; call before removing their entries. */
    void mark(Iterable<String> invalidatedKeys, Iterable<String> invalidatedTags) {
        long stamp = lock.writeLock();
        try {
            long now = System.nanoTime();
            Mark mark = new Mark(clock.incrementAndGet(), now);
            for (String key : invalidatedKeys) {
                keys.merge(key, mark, InvalidationLog::later);
            }
            for (String tag : invalidatedTags) {
                tags.merge(tag, mark, InvalidationLog::later);
            }
            if (sinceSweep.incrementAndGet() >= SWEEP_EVERY || keys.size() + tags.size() > maxMarks) {
                sinceSweep.set(0);
                sweep(now);
            }
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    /** Refuses every ticket taken before now (a flush: what the tier missed is unknown). */
    void raiseFloor() {
        long stamp = lock.writeLock();
        try {
            floor = clock.incrementAndGet();
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    /**
     * Tells whether a put with this ticket must be refused. Call inside {@link #readLock()}.
     *
     * @param ticket     the miss's ticket
     * @param key        the entry's storage key
     * @param entryTags  the entry's tags
     * @return {@code true} when the key or a tag was invalidated after the ticket, or the ticket is below the floor
     */
    boolean stale(long ticket, String key, Set<String> entryTags) {
        if (ticket < floor) {
            return true;
        }
        Mark mark = keys.get(key);
        if (mark != null && mark.clock > ticket) {
            return true;
        }
        for (String tag : entryTags) {
            mark = tags.get(tag);
            if (mark != null && mark.clock > ticket) {
                return true;
            }
        }
        return false;
    }

    /** How many marks are kept (for tests). */
    int marks() {
        return keys.size() + tags.size();
    }

    private void sweep(long now) {
        keys.values().removeIf(m -> now - m.atNanos > retainNanos);
        tags.values().removeIf(m -> now - m.atNanos > retainNanos);
        if (keys.size() + tags.size() > maxMarks) {
            floor = clock.get();
            keys.clear();
            tags.clear();
        }
    }

    private static Mark later(Mark a, Mark b) {
        return a.clock >= b.clock ? a : b;
    }
}
