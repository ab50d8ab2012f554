package io.modularddd.cache;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * Warnings at most once per interval per subject (a tier and operation, a query type), with a count of
 * those left out: a Redis that is down must not write a line per query. Subjects are a bounded set.
 */
final class ThrottledLog {

    private static final class Slot {
        final AtomicLong next = new AtomicLong(Long.MIN_VALUE);
        final AtomicLong skipped = new AtomicLong();
    }

    private final Logger log;
    private final long intervalNanos;
    private final Map<String, Slot> slots = new ConcurrentHashMap<>();

    ThrottledLog(Logger log, long intervalNanos) {
        this.log = log;
        this.intervalNanos = intervalNanos;
    }

    void warn(String subject, String message, Throwable cause) {
        warn(subject, message, cause, true);
    }

    void warn(String subject, String message, Throwable cause, boolean stackTrace) {
        Slot slot = slots.computeIfAbsent(subject, s -> new Slot());
        long now = System.nanoTime();
        long next = slot.next.get();
        if ((next == Long.MIN_VALUE || now - next >= 0) && slot.next.compareAndSet(next, now + intervalNanos)) {
            long skipped = slot.skipped.getAndSet(0);
            String more = skipped > 0 ? " (and " + skipped + " more since the last report)" : "";
            if (stackTrace) {
                log.warn("{}{}: {}", message, more, cause.toString(), cause);
            } else {
                log.warn("{}{}: {}", message, more, cause.toString());
            }
        } else {
            slot.skipped.incrementAndGet();
        }
    }
}
