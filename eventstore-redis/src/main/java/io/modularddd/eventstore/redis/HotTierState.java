package io.modularddd.eventstore.redis;

import java.time.Clock;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Whether Redis may be used right now, and what must be repaired before it is trusted again.
 *
 * <ul>
 *   <li><b>Back-off.</b> After a connection failure Redis is left alone for {@code retryAfter}
 *       (measured on the injected clock): reads go to the warm tier and writes are deferred, so a
 *       dead or hanging Redis costs one timeout per back-off period, not one per call.</li>
 *   <li><b>Pending drops.</b> A stream whose post-commit write failed or was deferred may be
 *       incomplete in Redis. Its key is remembered here and reads of it bypass Redis until the key
 *       has been dropped; the drop is retried before Redis is used again.</li>
 *   <li><b>Purge.</b> When more than {@code maxPending} keys are waiting, the individual keys are no
 *       longer tracked; instead every stream under the prefix is dropped (SCAN) before Redis is used
 *       again, and until then Redis is not read at all. The purge generation lets in-flight readers
 *       of this process notice that a purge happened while they read the warm tier.</li>
 * </ul>
 * No thread of its own: repairs run in the caller that finds them due, one caller at a time.
 */
final class HotTierState {

    private final Clock clock;
    private final long retryAfterMillis;
    private final int maxPending;
    private final Set<StreamKey> pending = ConcurrentHashMap.newKeySet();
    private final AtomicInteger pendingCount = new AtomicInteger();
    private final AtomicLong generation = new AtomicLong();
    private final AtomicBoolean down = new AtomicBoolean();
    private final ReentrantLock repairing = new ReentrantLock();
    private volatile long unavailableUntil;
    private volatile boolean purgeRequired;

    HotTierState(Clock clock, long retryAfterMillis, int maxPending) {
        this.clock = clock;
        this.retryAfterMillis = retryAfterMillis;
        this.maxPending = maxPending;
    }

    /** Whether the back-off period is over. */
    boolean backoffOver() {
        return clock.millis() >= unavailableUntil;
    }

    /**
     * Starts a back-off period.
     *
     * @return true when Redis was considered up until now (the caller logs the transition)
     */
    boolean failed() {
        unavailableUntil = clock.millis() + retryAfterMillis;
        return down.compareAndSet(false, true);
    }

    /**
     * Records that a call succeeded.
     *
     * @return true when Redis was considered down until now
     */
    boolean succeeded() {
        return down.get() && down.compareAndSet(true, false);
    }

    boolean needsRepair() {
        return purgeRequired || pendingCount.get() > 0;
    }

    boolean purgeRequired() {
        return purgeRequired;
    }

    boolean isPending(StreamKey key) {
        return purgeRequired || pendingCount.get() > 0 && pending.contains(key);
    }

    /** Remembers a key to drop later. */
    void pend(StreamKey key) {
        if (purgeRequired) {
            return;
        }
        if (pendingCount.get() >= maxPending) {
            requirePurge();
            return;
        }
        if (pending.add(key)) {
            pendingCount.incrementAndGet();
        }
    }

    /** Gives up tracking single keys: every stream of the prefix is dropped before Redis is used again. */
    void requirePurge() {
        generation.incrementAndGet();
        purgeRequired = true;
    }

    void dropped(StreamKey key) {
        if (pending.remove(key)) {
            pendingCount.decrementAndGet();
        }
    }

    Set<StreamKey> pendingKeys() {
        return pending;
    }

    int pendingCount() {
        return pendingCount.get();
    }

    long generation() {
        return generation.get();
    }

    /** Called after a successful purge: individual keys pended before it are covered by it. */
    void purged(Set<StreamKey> coveredKeys) {
        for (StreamKey k : coveredKeys) {
            dropped(k);
        }
        purgeRequired = false;
    }

    ReentrantLock repairLock() {
        return repairing;
    }
}
