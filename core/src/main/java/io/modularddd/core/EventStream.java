package io.modularddd.core;

import io.modularddd.core.internal.IteratorEventStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A lazy, single-use sequence of stored events, in order.
 *
 * <p>Events are fetched as they are consumed, a page at a time, so a stream of millions of events
 * never sits in memory. Like {@link java.util.stream.Stream}, an {@code EventStream} is consumed
 * once: call exactly one of {@link #iterator()}, {@link #stream()}, {@link #chunk(int)},
 * {@link #count()} or {@link #toList()}; a second call throws {@link IllegalStateException}.
 *
 * <p>Close it when you stop early (try-with-resources); reading it to the end closes it, and
 * closing twice is harmless. Events committed after the stream was opened may or may not appear in
 * it; a stream never shows an event twice or out of order.
 */
public interface EventStream extends Iterable<StoredEvent>, AutoCloseable {

    /**
     * Returns the events as an iterator, fetching lazily.
     *
     * @return the iterator
     * @throws IllegalStateException when the stream was already consumed
     * @throws EventStoreException   from {@code hasNext()/next()} when fetching a page fails
     */
    @Override
    Iterator<StoredEvent> iterator();

    /**
     * Returns the events as a sequential {@link Stream}; closing that stream closes this one.
     *
     * @return the stream
     * @throws IllegalStateException when the stream was already consumed
     */
    Stream<StoredEvent> stream();

    /**
     * Returns the events in lists of {@code size} (the last may be shorter); only one list is held
     * at a time.
     *
     * @param size the chunk size, at least 1
     * @return a stream of chunks; closing it closes this event stream
     * @throws InvalidInputException  when {@code size < 1}
     * @throws IllegalStateException when the stream was already consumed
     */
    Stream<List<StoredEvent>> chunk(int size);

    /**
     * Consumes the stream and counts its events, holding none of them.
     *
     * @return the number of events
     * @throws IllegalStateException when the stream was already consumed
     */
    long count();

    /**
     * Consumes the stream into a list. Only for streams known to be small.
     *
     * @return the events, in order; unmodifiable, like {@link Stream#toList()}
     * @throws IllegalStateException when the stream was already consumed
     */
    default List<StoredEvent> toList() {
        List<StoredEvent> list = new ArrayList<>();
        iterator().forEachRemaining(list::add);
        return Collections.unmodifiableList(list);
    }

    /** Releases whatever the stream holds. Idempotent. */
    @Override
    void close();

    /**
     * A stream over events already in memory.
     *
     * @param events the events, in order
     * @return the stream
     */
    static EventStream of(List<StoredEvent> events) {
        return new IteratorEventStream(List.copyOf(events).iterator(), () -> { });
    }

    /**
     * A stream with no events.
     *
     * @return the empty stream
     */
    static EventStream empty() {
        return of(List.of());
    }
}
