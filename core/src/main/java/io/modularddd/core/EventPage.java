package io.modularddd.core;

import java.util.List;

/**
 * One page of a type-filtered read of the global log ({@link EventStore#readAll(long, int, java.util.Set)}):
 * the events of the wanted types, and how far the store looked.
 *
 * <p>A filtered page has gaps — the positions of the events of other types — and may hold no event at all
 * although the store read thousands of positions. {@link #scannedThrough()} says where the read stopped:
 * every event of the wanted types at a position up to it is in the page, so a reader continues at
 * {@link #nextPosition()} and may move its checkpoint there even when the page is empty. That is what lets a
 * projection interested in rare types keep its checkpoint (and its lag) at the head.
 *
 * @param events         the events of the wanted types, in position order; at most the limit asked for
 * @param scannedThrough the last position the read examined, {@code fromPosition - 1} when it examined none
 *                       (the log ends before {@code fromPosition}); at least the last event's position
 */
public record EventPage(List<StoredEvent> events, long scannedThrough) {

    /**
     * Checks and copies the page.
     *
     * @param events         the events of the wanted types, in position order
     * @param scannedThrough the last position the read examined
     * @throws InvalidInputException when {@code events} is null or holds null, {@code scannedThrough} is negative,
     *                               or an event lies after {@code scannedThrough}
     */
    public EventPage {
        if (events == null) {
            throw new InvalidInputException("events", "events must not be null; pass List.of() for no event");
        }
        events = List.copyOf(nonNull(events));
        if (scannedThrough < 0) {
            throw new InvalidInputException("scannedThrough", "scannedThrough must be 0 or more but was "
                    + scannedThrough + ": it is a global position (0 when nothing was examined)");
        }
        if (!events.isEmpty() && events.get(events.size() - 1).position() > scannedThrough) {
            throw new InvalidInputException("scannedThrough", "scannedThrough must be at least the last event's "
                    + "position " + events.get(events.size() - 1).position() + " but was " + scannedThrough);
        }
    }

    private static List<StoredEvent> nonNull(List<StoredEvent> events) {
        for (StoredEvent e : events) {
            if (e == null) {
                throw new InvalidInputException("events", "events must not hold null");
            }
        }
        return events;
    }

    /**
     * Returns where the next read continues: {@code scannedThrough() + 1}.
     *
     * @return the next position to read from
     */
    public long nextPosition() {
        return scannedThrough + 1;
    }
}
