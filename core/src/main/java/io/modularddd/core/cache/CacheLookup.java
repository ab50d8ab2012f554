package io.modularddd.core.cache;

import io.modularddd.core.internal.Checks;

/**
 * What a tier answered to {@link CacheTier#lookup}: a hit with its entry, or a miss with a ticket.
 *
 * <p>The ticket is the tier's invalidation clock read at the time of the miss. Handing it back to
 * {@link CacheTier#put} lets the tier refuse a value loaded before an invalidation that happened after
 * the miss (the value may predate the change the invalidation announced). Tickets are only meaningful
 * to the tier that issued them.
 */
public final class CacheLookup {

    private static final CacheLookup UNTICKETED_MISS = new CacheLookup(null, Long.MIN_VALUE, Long.MIN_VALUE);

    private final CacheEntry entry;
    private final long ticket;
    private final long takenAtNanos;

    private CacheLookup(CacheEntry entry, long ticket, long takenAtNanos) {
        this.entry = entry;
        this.ticket = ticket;
        this.takenAtNanos = takenAtNanos;
    }

    /**
     * A hit.
     *
     * @param entry the entry found, not expired, under the canonical key asked for
     * @return the lookup
     */
    public static CacheLookup hit(CacheEntry entry) {
        return new CacheLookup(Checks.notNull("entry", entry), Long.MIN_VALUE, Long.MIN_VALUE);
    }

    /**
     * A miss, with the tier's invalidation clock as read no later than the lookup.
     *
     * @param ticket the tier's clock reading
     * @return the lookup, stamped with {@link System#nanoTime()}
     */
    public static CacheLookup miss(long ticket) {
        return new CacheLookup(null, ticket, System.nanoTime());
    }

    /**
     * A miss without a ticket: a {@link CacheTier#put} given it is always refused. What the engine passes
     * to a tier it could not ask (the tier failed), so nothing it did not see can be stored there.
     *
     * @return the lookup
     */
    public static CacheLookup unticketedMiss() {
        return UNTICKETED_MISS;
    }

    /**
     * Tells whether the tier had the entry.
     *
     * @return {@code true} on a hit
     */
    public boolean isHit() {
        return entry != null;
    }

    /**
     * Tells whether this miss carries a ticket a put can be checked against.
     *
     * @return {@code false} for hits and for {@link #unticketedMiss()}
     */
    public boolean hasTicket() {
        return entry == null && takenAtNanos != Long.MIN_VALUE;
    }

    /**
     * Returns the entry of a hit.
     *
     * @return the entry
     * @throws IllegalStateException on a miss
     */
    public CacheEntry entry() {
        if (entry == null) {
            throw new IllegalStateException("a miss has no entry; check isHit() first");
        }
        return entry;
    }

    /**
     * Returns the ticket of a miss.
     *
     * @return the tier's clock reading at the miss
     * @throws IllegalStateException when there is no ticket
     */
    public long ticket() {
        if (!hasTicket()) {
            throw new IllegalStateException("only a ticketed miss has a ticket; check hasTicket() first");
        }
        return ticket;
    }

    /**
     * Tells how long ago the ticket was taken.
     *
     * @return nanoseconds since the miss, or {@link Long#MAX_VALUE} when there is no ticket
     */
    public long ticketAgeNanos() {
        return hasTicket() ? System.nanoTime() - takenAtNanos : Long.MAX_VALUE;
    }

    @Override
    public String toString() {
        return entry != null ? "hit" : hasTicket() ? "miss@" + ticket : "miss";
    }
}
