package io.modularddd.eventstore.jdbc;

import io.modularddd.core.AppendResult;
import io.modularddd.core.EventStoreException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Coalesces concurrent appends into shared transactions, on the callers' own threads.
 *
 * <h2>Leader and followers</h2>
 * A caller queues its {@link PendingAppend}. If no flush is in progress it becomes the <em>leader</em>:
 * it takes the queue's head — itself — plus whoever else is queued, up to the group limits, and
 * hands that group to the flusher (one database transaction). Callers that arrive while a flush runs
 * are <em>followers</em>: they wait on their own condition. When the flush ends the leader marks every
 * member of its group done, wakes them, and promotes the oldest queued follower (if any) to lead the
 * next group; then it returns. So a caller never does more than one flush of work beyond its own, no
 * thread is started, and under load each transaction carries everything that queued during the
 * previous one.
 *
 * <h2>Latency</h2>
 * A caller alone finds no flush in progress and flushes at once: no timed wait. With
 * {@code maxWait > 0}, a leader whose group is not full waits up to {@code maxWait} — but only while
 * other callers are between entering {@code append} and queuing (serializing their payloads), so the
 * wait is never spent on nobody.
 */
final class GroupCommitter {

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition arrivals = lock.newCondition();
    private final ArrayDeque<PendingAppend> queue = new ArrayDeque<>();
    private final AtomicInteger arriving = new AtomicInteger();
    private final int maxRequests;
    private final int maxEvents;
    private final long maxWaitNanos;
    private final Consumer<List<PendingAppend>> flusher;
    private boolean leading;

    /**
     * Creates the committer.
     *
     * @param maxRequests  most requests in one group
     * @param maxEvents    most events in one group (a single larger unit still goes alone)
     * @param maxWaitNanos how long a leader may wait for callers that are about to queue; 0 for never
     * @param flusher      commits a group; must complete every member and never throw
     */
    GroupCommitter(int maxRequests, int maxEvents, long maxWaitNanos, Consumer<List<PendingAppend>> flusher) {
        this.maxRequests = maxRequests;
        this.maxEvents = maxEvents;
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
            if (leading) {
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
            } else {
                leading = true;
            }
            group = takeGroup();
        } finally {
            lock.unlock();
        }
        try {
            flusher.accept(group);
        } catch (RuntimeException | Error e) {
            for (PendingAppend p : group) {
                if (!p.completed()) {
                    p.fail(new EventStoreException("The group commit failed unexpectedly: " + e, e));
                }
            }
            if (e instanceof Error) {
                throw e;
            }
        } finally {
            finish(group, unit);
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

    private void finish(List<PendingAppend> group, PendingAppend self) {
        lock.lock();
        try {
            for (PendingAppend p : group) {
                if (!p.completed()) {
                    p.fail(new EventStoreException("The group commit ended without an outcome for this append; "
                            + "nothing is known to be stored. Repeat the same request: appends are idempotent."));
                }
                p.done = true;
                if (p != self) {
                    p.wakeUp.signal();
                }
            }
            PendingAppend next = queue.peekFirst();
            if (next != null) {
                next.promoted = true;
                next.wakeUp.signal();
            } else {
                leading = false;
            }
        } finally {
            lock.unlock();
        }
    }
}
