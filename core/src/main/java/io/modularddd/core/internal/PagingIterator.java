package io.modularddd.core.internal;

import io.modularddd.core.StoredEvent;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * An iterator that fetches events a page at a time by keyset: each page starts after the last
 * event of the previous one, so no page is held longer than it takes to consume it and no
 * connection or cursor stays open between pages. A page shorter than the requested size ends the
 * iteration.
 *
 * <p>Internal API: may change without notice.
 */
public abstract class PagingIterator implements Iterator<StoredEvent> {

    private final int pageSize;
    private static final StoredEvent[] NONE = new StoredEvent[0];

    private StoredEvent[] page = NONE;
    private int index;
    private boolean lastPage;
    private StoredEvent last;

    /**
     * Creates the iterator.
     *
     * @param pageSize events per fetch, at least 1
     */
    protected PagingIterator(int pageSize) {
        if (pageSize < 1) {
            throw new IllegalArgumentException("pageSize must be at least 1 but was " + pageSize);
        }
        this.pageSize = pageSize;
    }

    /**
     * Fetches the next page.
     *
     * @param after the last event returned so far, or {@code null} for the first page
     * @param limit the most events to return
     * @return up to {@code limit} events following {@code after}; fewer means there are no more
     */
    protected abstract List<StoredEvent> fetch(StoredEvent after, int limit);

    @Override
    public boolean hasNext() {
        if (index < page.length) {
            return true;
        }
        if (lastPage) {
            return false;
        }
        List<StoredEvent> fetched = fetch(last, pageSize);
        page = fetched.toArray(NONE);
        index = 0;
        lastPage = page.length < pageSize;
        return page.length > 0;
    }

    @Override
    public StoredEvent next() {
        if (!hasNext()) {
            throw new NoSuchElementException("no more events");
        }
        StoredEvent e = page[index];
        page[index] = null; // consumed events can be collected while the rest of the page is read
        index++;
        last = e;
        return e;
    }
}
