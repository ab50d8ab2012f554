package io.modularddd.core.internal;

import io.modularddd.core.EventStream;
import io.modularddd.core.InvalidInputException;
import io.modularddd.core.StoredEvent;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * An {@link EventStream} over an iterator: enforces single use, closes its resource when the
 * iterator is exhausted or fails, and derives {@code stream}, {@code chunk} and {@code count}.
 * Stores usually pass a {@link PagingIterator}.
 *
 * <p>Internal API: may change without notice.
 */
public final class IteratorEventStream implements EventStream {

    private final Iterator<StoredEvent> source;
    private final AutoCloseable resource;
    private boolean consumed;
    private boolean closed;

    /**
     * Creates the stream.
     *
     * @param source   the events
     * @param resource released on close, exhaustion or failure
     */
    public IteratorEventStream(Iterator<StoredEvent> source, AutoCloseable resource) {
        this.source = source;
        this.resource = resource;
    }

    @Override
    public Iterator<StoredEvent> iterator() {
        claim();
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                if (closed) {
                    return false;
                }
                boolean more;
                try {
                    more = source.hasNext();
                } catch (RuntimeException | Error e) {
                    close();
                    throw e;
                }
                if (!more) {
                    close();
                }
                return more;
            }

            @Override
            public StoredEvent next() {
                if (!hasNext()) {
                    throw new NoSuchElementException("the event stream is exhausted");
                }
                try {
                    return source.next();
                } catch (RuntimeException | Error e) {
                    close();
                    throw e;
                }
            }
        };
    }

    @Override
    public Stream<StoredEvent> stream() {
        Iterator<StoredEvent> it = iterator();
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(it,
                Spliterator.ORDERED | Spliterator.NONNULL), false).onClose(this::close);
    }

    @Override
    public Stream<List<StoredEvent>> chunk(int size) {
        if (size < 1) {
            throw new InvalidInputException("size", "chunk size must be at least 1 but was " + size);
        }
        Iterator<StoredEvent> it = iterator();
        Iterator<List<StoredEvent>> chunks = new Iterator<>() {
            @Override
            public boolean hasNext() {
                return it.hasNext();
            }

            @Override
            public List<StoredEvent> next() {
                if (!it.hasNext()) {
                    throw new NoSuchElementException("the event stream is exhausted");
                }
                List<StoredEvent> chunk = new ArrayList<>(Math.min(size, 1024));
                while (chunk.size() < size && it.hasNext()) {
                    chunk.add(it.next());
                }
                return chunk;
            }
        };
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(chunks,
                Spliterator.ORDERED | Spliterator.NONNULL), false).onClose(this::close);
    }

    @Override
    public long count() {
        Iterator<StoredEvent> it = iterator();
        long n = 0;
        while (it.hasNext()) {
            it.next();
            n++;
        }
        return n;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            resource.close();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("closing the event stream failed", e);
        }
    }

    private void claim() {
        if (consumed) {
            throw new IllegalStateException("this EventStream was already consumed; an EventStream is single-use, "
                    + "like java.util.stream.Stream. Load the events again to read them again.");
        }
        if (closed) {
            throw new IllegalStateException("this EventStream is closed; load the events again to read them.");
        }
        consumed = true;
    }
}
