package io.modularddd.cqrs.projection;

import io.modularddd.core.EventStream;
import io.modularddd.core.StoredEvent;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;

/**
 * Pages read ahead while a segment catches up: after a full page, the next pages of the log are read (and decoded,
 * by the store) on the engine's read-ahead threads while the segment's thread applies the page in hand. Positions
 * are dense, so the page after a full page ending at {@code p} starts at {@code p + 1}. A page read ahead is used
 * only when it is the one asked for and full; anything else (a short page — the head moved meanwhile —, a failure,
 * a jump) drops the pages read ahead and the segment reads for itself. Used by one segment's thread at a time
 * (under its lock).
 */
final class ReadAhead {

    private record Pending(long from, Future<List<StoredEvent>> page) {
    }

    private final EngineSettings engine;
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();

    ReadAhead(EngineSettings engine) {
        this.engine = engine;
    }

    /**
     * Returns the full page from {@code from} if it was read ahead, else null (and drops what was read ahead).
     *
     * @throws RuntimeException what reading that page threw (e.g. {@code UnreadableEventException})
     */
    List<StoredEvent> take(long from) {
        Pending next = queue.pollFirst();
        if (next == null) {
            return null;
        }
        if (next.from() != from) {
            next.page().cancel(false);
            clear();
            return null;
        }
        try {
            List<StoredEvent> page = next.page().get();
            if (page.size() == engine.pageSize) {
                return page;
            }
        } catch (ExecutionException e) {
            clear();
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException("reading ahead from position " + from + " failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        clear();
        return null;
    }

    /** After a full page that ended at {@code last}: keeps the next pages being read. */
    void after(long last) {
        ExecutorService readers = engine.readers();
        if (readers == null) {
            return;
        }
        long from = queue.isEmpty() ? last + 1 : queue.peekLast().from() + engine.pageSize;
        while (queue.size() < engine.readAhead) {
            long start = from;
            try {
                queue.addLast(new Pending(start, readers.submit(() -> {
                    try (EventStream stream = engine.store.readAll(start, engine.pageSize)) {
                        return stream.toList();
                    }
                })));
            } catch (RejectedExecutionException e) {
                return; // closing
            }
            from += engine.pageSize;
        }
    }

    /** Drops every page read ahead. */
    void clear() {
        for (Pending p : queue) {
            p.page().cancel(false);
        }
        queue.clear();
    }
}
