package io.modularddd.core.internal;

import io.modularddd.core.StoredEvent;
import java.util.List;

/**
 * The paging of {@code readAll(fromPosition, limit)}: pages start after the last position returned,
 * and stop once {@code limit} events were returned. Stores supply one query, {@link #fetchFrom(long, int)}.
 *
 * <p>Internal API: may change without notice.
 */
public abstract class PositionPagingIterator extends PagingIterator {

    private final long fromPosition;
    private int remaining;

    /**
     * Creates the iterator.
     *
     * @param fromPosition the first position wanted
     * @param limit        the most events to return in all
     * @param pageSize     the most events per query
     */
    protected PositionPagingIterator(long fromPosition, int limit, int pageSize) {
        super(Math.min(pageSize, limit));
        this.fromPosition = fromPosition;
        this.remaining = limit;
    }

    /**
     * Reads the events at positions {@code from} and above, in position order.
     *
     * @param from  the first position wanted
     * @param limit the most events to return
     * @return up to {@code limit} events
     */
    protected abstract List<StoredEvent> fetchFrom(long from, int limit);

    @Override
    protected final List<StoredEvent> fetch(StoredEvent after, int pageLimit) {
        int want = Math.min(pageLimit, remaining);
        if (want == 0) {
            return List.of();
        }
        List<StoredEvent> page = fetchFrom(after == null ? fromPosition : after.position() + 1, want);
        remaining -= page.size();
        return page;
    }
}
