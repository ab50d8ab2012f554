package io.modularddd.core.cache;

import io.modularddd.core.InvalidInputException;
import java.time.Duration;
import java.util.Set;

/**
 * One level of the query cache (SPI): an in-process L1, a shared L2 (Redis), a durable L3 (the
 * database). The cache engine ({@code TieredCache} in {@code modular-ddd-cache}) walks its tiers in
 * order, promotes hits upward and writes loads into every tier; a tier only stores, finds and forgets.
 *
 * <h2>Guarantees every implementation gives</h2>
 * <ul>
 *   <li><b>Exact keys.</b> {@link #lookup} answers a hit only when the stored canonical key equals
 *       {@link CacheKey#canonical()}; a different one (a hash collision) is a miss.</li>
 *   <li><b>Expiry.</b> An entry is never served at or after its {@link CacheEntry#expiresAt()}.</li>
 *   <li><b>No stale repopulation.</b> {@link #put} refuses (returns {@code false}, stores nothing that
 *       can be read) a value whose ticket was taken before an invalidation of its key or of one of its
 *       tags that completed before the put returned — in this process or, for a shared tier, in any
 *       other — and refuses tickets older than {@link #maxLoadTime()}. So a load that raced an
 *       invalidation never leaves the old value behind it.</li>
 *   <li><b>Tags.</b> {@link #invalidateTags} removes every entry carrying any of the tags, however many,
 *       without scanning entries that carry none of them.</li>
 *   <li><b>Bad input</b> ({@code null} arguments, a value larger than {@link #maxValueBytes()}) is an
 *       {@link InvalidInputException} before anything changes.</li>
 * </ul>
 * A tier whose server fails throws the adapter's exception ({@link io.modularddd.core.ModularDddException#isTransient()
 * transient} where it may pass); the engine turns that into a miss on that tier, so a cache failure never
 * fails a query. The {@code CacheTierContract} suite in {@code modular-ddd-testkit} checks all of this.
 * Implementations are thread-safe.
 */
public interface CacheTier extends AutoCloseable {

    /**
     * Returns the tier's short name, used as a metric tag and in log lines.
     *
     * @return e.g. {@code "l1"}, {@code "l2"}, {@code "l3"}
     */
    String name();

    /**
     * Returns how long an entry promoted into this tier from a lower one stays (the seed: L1 five
     * minutes, L2 fifteen); never beyond the entry's own expiry.
     *
     * @return the promotion TTL, positive
     */
    Duration promotionTtl();

    /**
     * Returns the longest a load may take between its miss and its put; a put with an older ticket is
     * refused, because the tier keeps the record of invalidations only this long.
     *
     * @return the longest load time, positive
     */
    Duration maxLoadTime();

    /**
     * Returns the largest encoded value this tier stores.
     *
     * @return a size in bytes
     */
    int maxValueBytes();

    /**
     * Looks a key up.
     *
     * @param key the key
     * @return a hit with the entry, or a miss with a ticket for a later {@link #put}
     * @throws InvalidInputException when the key is null
     */
    CacheLookup lookup(CacheKey key);

    /**
     * Stores an entry, unless an invalidation of the key or one of the entry's tags has happened since
     * {@code miss} was answered, or the ticket is older than {@link #maxLoadTime()}, or the entry has
     * already expired. An existing entry under the key is replaced.
     *
     * @param key   the key
     * @param entry the entry; its canonical key must be {@code key}'s
     * @param miss  the miss this tier answered for {@code key} before the value was loaded
     * @return {@code true} when the entry was stored, {@code false} when it was refused
     * @throws InvalidInputException when an argument is null, the entry's canonical key is not the key's,
     *                               or the value is larger than {@link #maxValueBytes()}
     */
    boolean put(CacheKey key, CacheEntry entry, CacheLookup miss);

    /**
     * Removes a key's entry and refuses puts of loads that began before this call.
     *
     * @param key the key
     * @throws InvalidInputException when the key is null
     */
    void invalidate(CacheKey key);

    /**
     * Removes every entry carrying any of the tags, and refuses puts of entries carrying one of them
     * whose loads began before this call.
     *
     * @param tags the tags; an empty set does nothing
     * @throws InvalidInputException when the set is null or holds a null or blank tag
     */
    void invalidateTags(Set<String> tags);

    /**
     * Removes every entry of this tier (and, for a shared tier, of this cache's namespace only).
     */
    void clear();

    /**
     * Releases the tier's resources. Idempotent.
     */
    @Override
    void close();
}
