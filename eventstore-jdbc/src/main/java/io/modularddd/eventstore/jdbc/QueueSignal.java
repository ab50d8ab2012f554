package io.modularddd.eventstore.jdbc;

import java.util.concurrent.TimeUnit;

/**
 * Wakes the waiting polls of one queue of a {@link JdbcCommandQueue} when the same queue object sends to it:
 * a counter and a monitor. A poll reads the counter before it claims, and waits only if no send came since.
 */
final class QueueSignal {

    private long version;

    synchronized long version() {
        return version;
    }

    synchronized void wake() {
        version++;
        notifyAll();
    }

    /** Waits until woken after {@code seen} or {@code nanos} passed; {@code false} when interrupted. */
    synchronized boolean await(long seen, long nanos) {
        if (version != seen) {
            return true;
        }
        try {
            TimeUnit.NANOSECONDS.timedWait(this, nanos);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
