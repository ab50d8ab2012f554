package io.modularddd.eventstore.jdbc;

import io.modularddd.core.AppendOutcomeUnknownException;
import io.modularddd.core.AppendResult;
import io.modularddd.core.EventStoreException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Coalesces concurrent appends into shared transactions, on the callers' own threads, and lets the
 * next transaction start while the previous one commits.
 *
 * <h2>Leaders and followers</h2>
 * A caller queues its {@link PendingAppend}. If no group is being <em>opened</em> it becomes a
 * <em>leader</em>: it takes the queue's head — itself — plus whoever else is queued, up to the group
 * limits, and runs that group as one database transaction. Callers that arrive meanwhile are
 * <em>followers</em>: they wait on their own condition until a leader completes them or promotes
 * them to lead the next group. No thread is started.
 *
 * <h2>Pipelining</h2>
 * A transaction holds the head-row lock from its first statement to its commit, so transactions
 * cannot overlap there. They can overlap at the commit itself: the database releases the lock when
 * the commit is applied, but the commit's durable log write (the fsync) is still under way. So a
 * leader calls {@link Flusher hand-off} right before it sends {@code COMMIT}: the oldest follower is
 * promoted and opens the next group, whose lock request the database grants as soon as the first
 * commit is applied. Up to {@code maxCommitting} transactions may be committing at once, plus the
 * one being opened. Each group is formed as late as possible — when its leader is promoted — so it
 * carries everything that queued until then.
 *
 * <h2>Latency</h2>
 * A caller alone finds no group being opened and leads at once: no timed wait. With
 * {@code maxWait > 0}, a leader whose group is not full waits up to {@code maxWait} — but only while
 * other callers are between entering {@code append} and queuing (serializing their payloads), so the
 * wait is never spent on nobody.
 */
final class GroupCommitter {

    /** Runs one group as a transaction; completes every member and never throws. */
    interface Flusher {
        /**
         * Commits a group.
         *
         * @param group   the units, in queue order
         * @param handOff to be run right before {@code COMMIT} is sent; idempotent
         */
        void flush(List<PendingAppend> group, Runnable handOff);
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition arrivals = lock.newCondition();
    private final ArrayDeque<PendingAppend> queue = new ArrayDeque<>();
    private final AtomicInteger arriving = new AtomicInteger();
    private final int maxRequests;
    private final int maxEvents;
    private final int maxCommitting;
    private final long maxWaitNanos;
    private final Flusher flusher;
    /** A leader is forming its group or running it up to its commit. Guarded by {@link #lock}. */
    private boolean opening;
    /** Leaders that handed off and are committing. Guarded by {@link #lock}. */
    private int committing;

    /**
     * Creates the committer.
     *
     * @param maxRequests   most requests in one group
     * @param maxEvents     most events in one group (a single larger unit still goes alone)
     * @param maxCommitting most transactions committing at once while the next one opens (at least 1)
     * @param maxWaitNanos  how long a leader may wait for callers that are about to queue; 0 for never
     * @param flusher       commits a group
     */
    GroupCommitter(int maxRequests, int maxEvents, int maxCommitting, long maxWaitNanos, Flusher flusher) {
        this.maxRequests = maxRequests;
        this.maxEvents = maxEvents;
        this.maxCommitting = maxCommitting;
        this.maxWaitNanos = maxWaitNanos;
        this.flusher = flusher;
    }

    /**
     * Prepares a unit on the calling thread, queues it, and returns its outcome once it is committed.
     *
     * @param prepare builds (serializes) the unit; its exceptions propagate and nothing is queued
     * @return the unit's results
     */
    List<AppendResult> submit(Supplier<PendingAppend> prepare) {
        arriving.incrementAndGet();
        PendingAppend unit;
        try {
            unit = prepare.get();
        } catch (RuntimeException | Error e) {
            arriving.decrementAndGet();
            throw e;
        }
        List<PendingAppend> group;
        boolean interrupted = false;
        lock.lock();
        try {
            arriving.decrementAndGet();
            unit.wakeUp = lock.newCondition();
            queue.addLast(unit);
            arrivals.signalAll();
            if (opening || committing >= maxCommitting) {
                while (!unit.done && !unit.promoted) {
                    try {
                        unit.wakeUp.await();
                    } catch (InterruptedException e) {
                        if (!unit.done && !unit.promoted && queue.remove(unit)) {
                            Thread.currentThread().interrupt();
                            throw new EventStoreException("The append to stream '"
                                    + unit.requests.get(0).request().aggregateId().value() + "' was interrupted "
                                    + "while waiting for its turn to commit; nothing of it was stored.", e);
                        }
                        interrupted = true; // already taken into a group: wait for its outcome
                    }
                }
                if (unit.done) {
                    if (interrupted) {
                        Thread.currentThread().interrupt();
                    }
                    return unit.outcome();
                }
                // promoted: promoteNext() has already set opening on this unit's behalf
            } else {
                opening = true;
            }
            group = takeGroup();
        } finally {
            lock.unlock();
        }
        HandOff handOff = new HandOff();
        try {
            flusher.flush(group, handOff);
        } catch (RuntimeException | Error e) {
            // the flusher completes every unit it can; whatever it left open did not commit as far as anyone knows
            for (PendingAppend p : group) {
                if (!p.completed()) {
                    p.fail(() -> new AppendOutcomeUnknownException(p.requests.get(0).request().aggregateId(),
                            p.eventIds(), "the group commit failed unexpectedly (" + e + ")", e));
                }
            }
            if (e instanceof Error) {
                throw e;
            }
        } finally {
            finish(group, unit, handOff);
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        return unit.outcome();
    }

    /** Takes the next group from the queue; called by the leader, under the lock, its own unit first. */
    private List<PendingAppend> takeGroup() {
        if (maxWaitNanos > 0) {
            long remaining = maxWaitNanos;
            while (remaining > 0 && arriving.get() > 0 && !queueFillsGroup()) {
                try {
                    remaining = arrivals.awaitNanos(remaining);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        List<PendingAppend> group = new ArrayList<>();
        int requests = 0;
        int events = 0;
        while (!queue.isEmpty()) {
            PendingAppend next = queue.peekFirst();
            boolean fits = requests + next.requests.size() <= maxRequests && events + next.eventCount <= maxEvents;
            if (!group.isEmpty() && !fits) {
                break;
            }
            queue.pollFirst();
            group.add(next);
            requests += next.requests.size();
            events += next.eventCount;
        }
        return group;
    }

    private boolean queueFillsGroup() {
        int requests = 0;
        int events = 0;
        for (PendingAppend p : queue) {
            requests += p.requests.size();
            events += p.eventCount;
            if (requests >= maxRequests || events >= maxEvents) {
                return true;
            }
        }
        return false;
    }

    /** Promotes the oldest follower to open the next group, when no group is opening and there is room. */
    private void promoteNext() {
        if (opening || committing >= maxCommitting) {
            return;
        }
        PendingAppend next = queue.peekFirst();
        if (next != null) {
            opening = true;
            next.promoted = true;
            next.wakeUp.signal();
        }
    }

    private void finish(List<PendingAppend> group, PendingAppend self, HandOff handOff) {
        lock.lock();
        try {
            for (PendingAppend p : group) {
                if (!p.completed()) {
                    p.fail(() -> new AppendOutcomeUnknownException(p.requests.get(0).request().aggregateId(),
                            p.eventIds(), "the group commit ended without an outcome for it", null));
                }
                p.done = true;
                if (p != self) {
                    p.wakeUp.signal();
                }
            }
            if (handOff.handedOff) {
                committing--;
            } else {
                opening = false;
            }
            promoteNext();
        } finally {
            lock.unlock();
        }
    }

    /** Moves its leader from opening to committing and lets the next group open. */
    private final class HandOff implements Runnable {
        private boolean handedOff; // written under the lock, read by the leader's own thread

        @Override
        public void run() {
            lock.lock();
            try {
                if (!handedOff) {
                    handedOff = true;
                    opening = false;
                    committing++;
                    promoteNext();
                }
            } finally {
                lock.unlock();
            }
        }
    }
}
