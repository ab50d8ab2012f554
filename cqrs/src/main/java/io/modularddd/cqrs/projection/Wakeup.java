package io.modularddd.cqrs.projection;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A generation counter to wait on: a waiter reads {@link #generation()} before it looks for work and, finding
 * none, waits until the generation moves on or the time is up, so a wake-up between the look and the wait is
 * never missed. {@link #bump()} takes a lock for a few instructions only; signal listeners call it.
 */
final class Wakeup {

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private long generation;

    long generation() {
        lock.lock();
        try {
            return generation;
        } finally {
            lock.unlock();
        }
    }

    void bump() {
        lock.lock();
        try {
            generation++;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until the generation differs from {@code seen}, or the time is up.
     *
     * @return {@code true} when woken by a bump, {@code false} on timeout or interrupt
     */
    boolean await(long seen, long nanos) {
        lock.lock();
        try {
            long left = nanos;
            while (generation == seen) {
                if (left <= 0) {
                    return false;
                }
                left = changed.awaitNanos(left);
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            lock.unlock();
        }
    }

    static long millis(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }
}
