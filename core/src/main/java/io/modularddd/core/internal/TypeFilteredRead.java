package io.modularddd.core.internal;

import io.modularddd.core.EventPage;
import io.modularddd.core.EventStore;
import io.modularddd.core.EventStream;
import io.modularddd.core.StoredEvent;
import io.modularddd.core.UnreadableEventException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The type-filtered global read for any store, on top of its {@code readAll}: reads {@code limit} positions and
 * keeps the wanted types. An event that cannot be read is skipped when its stored type is not wanted (a store that
 * filters in its storage never reads it either) and thrown when it is; the events before it are read again, up to
 * it, so none is lost.
 *
 * <p>Internal API: may change without notice.
 */
public final class TypeFilteredRead {

    private TypeFilteredRead() {
    }

    /**
     * Reads up to {@code limit} positions from {@code fromPosition} and keeps the events of {@code types}.
     *
     * @param store        the store whose {@code readAll} is read
     * @param fromPosition the first position, checked
     * @param limit        how many positions to examine, checked
     * @param types        the stored type names, checked
     * @return the page
     */
    public static EventPage read(EventStore store, long fromPosition, int limit, Set<String> types) {
        List<StoredEvent> matching = new ArrayList<>();
        long scanned = fromPosition - 1;
        long budget = limit;
        while (budget > 0) {
            long next = scanned + 1;
            try (EventStream all = store.readAll(next, (int) budget)) {
                for (StoredEvent event : all) {
                    if (types.contains(event.storedEventType())) {
                        matching.add(event);
                    }
                    budget -= event.position() - scanned;
                    scanned = event.position();
                }
                return new EventPage(matching, scanned);
            } catch (UnreadableEventException e) {
                if (e.position() <= scanned || types.contains(e.typeName())) {
                    throw e;
                }
                // an unwanted event that does not decode: read the positions before it again, then step over it
                long from = scanned + 1; // events consumed before the failing page are kept
                long before = e.position() - from;
                if (before > 0) {
                    try (EventStream all = store.readAll(from, (int) before)) {
                        for (StoredEvent event : all) {
                            if (types.contains(event.storedEventType())) {
                                matching.add(event);
                            }
                        }
                    }
                }
                budget -= e.position() - scanned;
                scanned = e.position();
            }
        }
        return new EventPage(matching, scanned);
    }
}
