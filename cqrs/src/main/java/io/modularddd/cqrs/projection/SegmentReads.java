package io.modularddd.cqrs.projection;

import io.modularddd.core.AggregateId;
import io.modularddd.core.EventPage;
import io.modularddd.core.EventStream;
import io.modularddd.core.StoredEvent;
import io.modularddd.core.UnreadableEventException;
import java.util.ArrayList;
import java.util.List;

/**
 * How one segment reads the log: of the projection's types only when it declares them
 * ({@code EventStore.readAll(from, limit, types)}, one page of which covers every position up to where the store
 * looked, so the position moves over the events of other types the segment never receives), else every event, a
 * page at a time, with pages read ahead while catching up ({@link ReadAhead}). Used under the segment's lock.
 *
 * <p>Filtered reads pay when the declared types are rare; when they are most of the log, a filtered page costs what
 * an unfiltered one does and loses the read-ahead (the next filtered page starts where the store stopped). So a
 * full filtered page (of the engine's page size: while catching up) in which at least {@value #DENSE} of the
 * positions it covered were wanted switches the segment to reading every event (with read-ahead; the runner still
 * keeps only its types), and a full page of every event in which fewer than {@value #SPARSE} were wanted switches it
 * back. Short reads (a realtime delivery of one append) never switch.
 */
final class SegmentReads {

    /** The share of wanted events in a full filtered page above which every event is read instead. */
    static final double DENSE = 0.5;
    /** The share of wanted events in a full page of every event below which filtered reads resume. */
    static final double SPARSE = 0.25;

    private final Registered reg;
    private final EngineSettings engine;
    private final ReadAhead ahead;
    private boolean everyType;

    SegmentReads(Registered reg) {
        this.reg = reg;
        this.engine = reg.engine;
        this.ahead = new ReadAhead(engine);
    }

    /** A read event, or one that could not be read. */
    record Item(long position, AggregateId aggregateId, String storedType, StoredEvent event,
                UnreadableEventException unreadable) {
    }

    /** A page of items, and the last position it covers (events of other types included). */
    record Page(List<Item> items, long scanned) {
    }

    /**
     * Reads from {@code from}, not past {@code upTo}: the projection's types only when it declares them (the store
     * skips the others; the page covers every position up to where the store looked), else up to {@code limit}
     * events of every type. An unreadable event ends the page, as its last item.
     */
    Page read(long from, int limit, long upTo) {
        if (reg.storedTypes == null) {
            return covering(from, read(from, limit));
        }
        if (everyType) {
            List<Item> items = read(from, limit);
            if (limit == engine.pageSize && items.size() == limit && wanted(items) < SPARSE * limit) {
                everyType = false;
                ahead.clear();
            }
            return covering(from, items);
        }
        EventPage filtered;
        try {
            filtered = engine.store.readAll(from, limit, reg.storedTypes);
        } catch (UnreadableEventException e) {
            if (e.position() < from) {
                throw e;
            }
            // an event of a declared type that cannot be read: every type, up to it, finds it (the rare path)
            Page page = covering(from, read(from, (int) Math.min(limit, e.position() - from + 1)));
            ahead.clear(); // pages of every type read ahead are of no use to the next filtered read
            return page;
        }
        long scanned = Math.min(filtered.scannedThrough(), upTo);
        List<Item> page = new ArrayList<>(filtered.events().size());
        for (StoredEvent event : filtered.events()) {
            if (event.position() <= scanned) {
                page.add(new Item(event.position(), event.aggregateId(), event.storedEventType(), event, null));
            }
        }
        if (limit == engine.pageSize && filtered.events().size() == limit
                && page.size() >= DENSE * (scanned - from + 1)) {
            everyType = true;
        }
        return new Page(page, scanned);
    }

    private long wanted(List<Item> items) {
        return items.stream().filter(i -> reg.storedTypes.contains(i.storedType())).count();
    }

    private static Page covering(long from, List<Item> items) {
        return new Page(items, items.isEmpty() ? from - 1 : items.get(items.size() - 1).position());
    }

    /** Reads up to {@code limit} events from {@code from}; an unreadable event ends the page, as its last item. */
    private List<Item> read(long from, int limit) {
        List<StoredEvent> events;
        try {
            events = limit == engine.pageSize ? ahead.take(from) : null;
            if (events == null) {
                try (EventStream stream = engine.store.readAll(from, limit)) {
                    events = stream.toList();
                }
            }
        } catch (UnreadableEventException e) {
            ahead.clear();
            if (e.position() < from) {
                throw e;
            }
            List<Item> page = e.position() == from ? new ArrayList<>() : read(from, (int) (e.position() - from));
            if (!page.isEmpty() && page.get(page.size() - 1).unreadable() != null) {
                return page; // an earlier one: the page ends there
            }
            page.add(new Item(e.position(), e.aggregateId(), e.typeName(), null, e));
            return page;
        }
        if (events.size() == engine.pageSize) {
            ahead.after(events.get(events.size() - 1).position());
        } else {
            ahead.clear();
        }
        List<Item> page = new ArrayList<>(events.size());
        for (StoredEvent event : events) {
            page.add(new Item(event.position(), event.aggregateId(), event.storedEventType(), event, null));
        }
        return page;
    }

    /** Drops the pages read ahead. */
    void clear() {
        ahead.clear();
    }
}
