package io.modularddd.eventstore.jdbc;

import io.modularddd.core.EventStoreException;
import io.modularddd.core.InvalidInputException;
import io.modularddd.core.cache.CacheEntry;
import io.modularddd.core.cache.CacheKey;
import io.modularddd.core.cache.CacheLookup;
import io.modularddd.core.cache.CacheTier;
import io.modularddd.core.internal.Checks;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The L3 tier of the query cache: the {@link CacheTier} on the event store's database, shared by every node that
 * uses the same tables. Get one with {@link JdbcEventStore#cacheTier()} (the defaults) or
 * {@link #builder(JdbcEventStore)}; the tables are made by {@link JdbcEventStore#createSchema()} and are in the
 * shipped DDL. It uses the event store's read pool and opens no connections of its own.
 *
 * <pre>{@code
 * JdbcCacheTier l3 = JdbcCacheTier.builder(store).maxLoadTime(Duration.ofSeconds(30)).build();
 * }</pre>
 *
 * <h2>Tables</h2>
 * Named from the event store's table, like {@code _snapshots}: {@code <table>_query_cache} (the entries:
 * {@code cache_key} primary key, {@code canonical_key}, {@code expires_at} in epoch milliseconds, {@code data},
 * {@code tags}), {@code <table>_qc_tags} ({@code (tag, cache_key)} primary key: the index tag invalidation reads),
 * {@code <table>_qc_clock} (one row: the invalidation clock) and {@code <table>_qc_marks} (invalidation markers).
 *
 * <h2>What each call costs</h2>
 * <ul>
 *   <li>{@link #lookup}: a hit is one statement, the entry by its primary key — what a hand-written cache table
 *       would run. An expired entry, or one whose stored canonical key differs from the key's, is a miss. A miss
 *       reads the clock row by its primary key as well, on the same connection (a second round trip, before the
 *       caller loads) and carries it as its ticket.</li>
 *   <li>{@link #put}: one short transaction: the clock row in share mode (H2: exclusively); when the clock moved
 *       past the ticket, one primary-key lookup of the markers of the key and the entry's tags; refused when one is
 *       newer than the ticket (or the markers newer than the ticket were purged); else an upsert of the entry, and
 *       its tag rows replaced.</li>
 *   <li>{@link #invalidate} and {@link #invalidateTags}: one short transaction: the clock row exclusively,
 *       incremented; a marker per key or tag (kept for {@link #maxLoadTime()}); the tags' entries found through the
 *       tags table's primary key (never a scan of the entries), deleted with their tag rows by primary key in JDBC
 *       batches. A put in flight waits for it and is then refused.</li>
 *   <li>{@link #purgeExpired}: expired entries in bounded batches, oldest expiry first, through the index on
 *       {@code expires_at}, and expired markers. Besides, unless turned off, a put that finds the purge due
 *       ({@link JdbcCacheTierBuilder#purgeInterval}) purges one batch after it committed, on its own thread, and
 *       the next put does again while batches come back full — so expired rows never outgrow the puts.</li>
 * </ul>
 * Failures are {@link EventStoreException}s classified like the event store's (transient where they may pass);
 * the cache engine turns them into misses. Thread-safe. {@link #close()} releases nothing (the pools are the event
 * store's) and makes later calls fail; closing the event store does the same. docs/cache.md, "L3", has the
 * details.
 */
public final class JdbcCacheTier implements CacheTier {

    private static final Logger LOG = LoggerFactory.getLogger(JdbcCacheTier.class);

    private final JdbcEventStore owner;
    private final StorePools pools;
    private final CacheStatements sql;
    private final CacheWrites writes;
    private final Duration promotionTtl;
    private final Duration maxLoadTime;
    private final long maxLoadNanos;
    private final int maxValueBytes;
    private final int purgeBatchSize;
    private final long purgeIntervalMillis;
    private final boolean opportunisticPurge;
    private final Clock clock;
    private final AtomicLong nextPurgeAt = new AtomicLong(Long.MIN_VALUE);
    private final AtomicBoolean closed = new AtomicBoolean();

    JdbcCacheTier(JdbcEventStore owner, JdbcCacheTierBuilder b, int maxValueBytes) {
        this.owner = owner;
        this.pools = owner.pools();
        this.sql = new CacheStatements(owner.dialect(), new TableNames(owner.tableName()));
        this.writes = new CacheWrites(pools, sql);
        this.promotionTtl = b.promotionTtl;
        this.maxLoadTime = b.maxLoadTime;
        this.maxLoadNanos = b.maxLoadTime.toNanos();
        this.maxValueBytes = maxValueBytes;
        this.purgeBatchSize = b.purgeBatchSize;
        this.purgeIntervalMillis = b.purgeInterval.toMillis();
        this.opportunisticPurge = b.opportunisticPurge;
        this.clock = b.clock;
    }

    /**
     * Starts a builder for a tier on the event store's tables and read pool.
     *
     * @param store the event store whose database and tables the tier uses
     * @return a new builder
     * @throws InvalidInputException when the store is null
     */
    public static JdbcCacheTierBuilder builder(JdbcEventStore store) {
        return new JdbcCacheTierBuilder(Checks.notNull("store", store));
    }

    /**
     * Returns {@code "l3"}.
     *
     * @return the tier's name
     */
    @Override
    public String name() {
        return "l3";
    }

    @Override
    public Duration promotionTtl() {
        return promotionTtl;
    }

    @Override
    public Duration maxLoadTime() {
        return maxLoadTime;
    }

    /**
     * {@inheritDoc}
     *
     * <p>On MySQL/MariaDB at most what fits in the server's {@code max_allowed_packet} beside the longest canonical
     * key and tags (see {@link JdbcCacheTierBuilder#maxValueBytes(int)}).
     */
    @Override
    public int maxValueBytes() {
        return maxValueBytes;
    }

    /**
     * {@inheritDoc}
     *
     * @throws EventStoreException   when the database fails (transient where it may pass)
     * @throws IllegalStateException when this tier or its event store is closed
     */
    @Override
    public CacheLookup lookup(CacheKey key) {
        Checks.notNull("key", key);
        ensureOpen();
        try (Connection c = pools.reads.getConnection()) {
            try (PreparedStatement ps = c.prepareStatement(sql.lookup)) {
                ps.setString(1, key.storageKey());
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        String canonical = rs.getString(1);
                        byte[] data = rs.getBytes(2);
                        long expiresAt = rs.getLong(3);
                        // another key with the same hash, or an expired entry the purge has not reached: a miss
                        if (expiresAt > clock.millis() && canonical.equals(key.canonical())) {
                            return CacheLookup.hit(CacheEntry.stored(canonical, data, Instant.ofEpochMilli(expiresAt),
                                    tags(rs.getString(4))));
                        }
                    }
                }
            }
            return CacheLookup.miss(ticket(c));
        } catch (SQLException e) {
            throw SqlErrors.failure("looking up cache key '" + key.storageKey() + "' in " + sql.entries, pools.target,
                    e);
        }
    }

    /**
     * Reads the clock for a miss's ticket, after the entry was not found and before the caller loads: an invalidation
     * that commits after this read has a higher clock and refuses the put; one that committed before it has already
     * happened when the load begins, so the load sees its data.
     */
    private long ticket(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql.readClock); ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                throw new EventStoreException("the row of " + sql.clockTable + " is missing on " + pools.target
                        + "; run JdbcEventStore.createSchema() again (it inserts it), or apply the shipped DDL");
            }
            return rs.getLong(1);
        }
    }

    private static Set<String> tags(String joined) {
        if (joined == null || joined.isEmpty()) {
            return Set.of();
        }
        return Set.of(joined.split("\n"));
    }

    /**
     * {@inheritDoc}
     *
     * @throws EventStoreException   when the database fails (transient where it may pass); nothing was stored
     * @throws IllegalStateException when this tier or its event store is closed
     */
    @Override
    public boolean put(CacheKey key, CacheEntry entry, CacheLookup miss) {
        Checks.notNull("key", key);
        Checks.notNull("entry", entry);
        Checks.notNull("miss", miss);
        if (!entry.canonicalKey().equals(key.canonical())) {
            throw new InvalidInputException("entry", "the entry's canonical key is not the canonical key of '"
                    + key.storageKey() + "'; make the entry with CacheEntry.of(key, ...) for the key it is put under");
        }
        if (entry.bytes().length > maxValueBytes) {
            throw new InvalidInputException("entry", "The value for cache key '" + key.storageKey() + "' holds "
                    + entry.bytes().length + " bytes, more than the L3 tier's maxValueBytes of " + maxValueBytes
                    + " (" + owner.packetLimit() + " on " + pools.target + "). Nothing was stored. Do not cache "
                    + "results this large, or raise JdbcCacheTierBuilder.maxValueBytes (and on MySQL/MariaDB the "
                    + "server's max_allowed_packet).");
        }
        ensureOpen();
        if (!miss.hasTicket() || miss.ticketAgeNanos() > maxLoadNanos || entry.isExpired(clock.instant())) {
            return false;
        }
        boolean stored = writes.put(key.storageKey(), entry, miss.ticket());
        if (stored && opportunisticPurge) {
            purgeIfDue();
        }
        return stored;
    }

    /** Purges one batch when the purge is due and no other thread of this tier claimed it; never throws. */
    private void purgeIfDue() {
        long now = clock.millis();
        long due = nextPurgeAt.get();
        if (now < due || !nextPurgeAt.compareAndSet(due, now + purgeIntervalMillis)) {
            return;
        }
        try {
            if (purgeExpired(purgeBatchSize) >= purgeBatchSize) {
                nextPurgeAt.set(now); // a full batch: more may be waiting, the next put purges again
            }
        } catch (RuntimeException e) {
            LOG.warn("JdbcCacheTier could not purge expired rows of {} on {}; the next purge tries again: {}",
                    sql.entries, pools.target, e.toString());
        }
    }

    /**
     * {@inheritDoc}
     *
     * @throws EventStoreException   when the database fails (transient where it may pass); nothing changed
     * @throws IllegalStateException when this tier or its event store is closed
     */
    @Override
    public void invalidate(CacheKey key) {
        Checks.notNull("key", key);
        ensureOpen();
        writes.invalidate("invalidating cache key '" + key.storageKey() + "' in " + sql.entries,
                List.of(key.storageKey()), Set.of(), marksExpireAt());
    }

    /**
     * {@inheritDoc}
     *
     * <p>All the tags in one transaction, which holds the clock row: puts wait for it (lookups do not).
     *
     * @throws EventStoreException   when the database fails (transient where it may pass); nothing changed
     * @throws IllegalStateException when this tier or its event store is closed
     */
    @Override
    public void invalidateTags(Set<String> tags) {
        Checks.notNull("tags", tags);
        for (String tag : tags) {
            Checks.identifier("tags[]", tag, CacheEntry.MAX_TAG_CHARS, "account:42");
        }
        if (tags.isEmpty()) {
            return;
        }
        ensureOpen();
        writes.invalidate("invalidating " + tags.size() + " tag(s) in " + sql.entries, List.of(), Set.copyOf(tags),
                marksExpireAt());
    }

    private long marksExpireAt() {
        return clock.millis() + maxLoadTime.toMillis();
    }

    /**
     * {@inheritDoc}
     *
     * <p>One transaction deletes every row of the four tables but the clock's, which moves on: puts of loads that
     * began before are refused. On a large cache this is a large transaction; run it rarely.
     *
     * @throws EventStoreException   when the database fails
     * @throws IllegalStateException when this tier or its event store is closed
     */
    @Override
    public void clear() {
        ensureOpen();
        writes.clear();
    }

    /**
     * Deletes expired rows, at most {@code maxRows} of each kind: entries whose expiry has passed (oldest first,
     * through the index on {@code expires_at}; entries another transaction holds are skipped) with their tag rows,
     * in one transaction; and invalidation markers older than {@link #maxLoadTime()} (lowest clock first, in a
     * second transaction, which also raises the clock row's {@code purged_through}, so a put whose ticket predates
     * a purged marker is refused). Call it from a scheduler of the application when puts alone do not purge often
     * enough ({@link JdbcCacheTierBuilder#opportunisticPurge(boolean)}); any node may, concurrently.
     *
     * @param maxRows the most entries (and the most markers) to delete, 1 to 100,000
     * @return the number of entries deleted; fewer than {@code maxRows} means none expired are left (but those
     *         locked by another transaction)
     * @throws InvalidInputException when {@code maxRows} is out of range
     * @throws EventStoreException   when the database fails
     * @throws IllegalStateException when this tier or its event store is closed
     */
    public int purgeExpired(int maxRows) {
        if (maxRows < 1 || maxRows > JdbcCacheTierBuilder.MAX_PURGE_BATCH) {
            throw new InvalidInputException("maxRows", "maxRows must be between 1 and "
                    + JdbcCacheTierBuilder.MAX_PURGE_BATCH + " but was " + maxRows);
        }
        ensureOpen();
        long now = clock.millis();
        int entries = writes.purgeEntries(now, maxRows);
        int marks = writes.purgeMarks(now, maxRows);
        if (entries > 0 || marks > 0) {
            LOG.debug("JdbcCacheTier purged {} expired entries and {} markers of {}", entries, marks, sql.entries);
        }
        return entries;
    }

    /**
     * Returns the name of the entries table; the others are {@code <table>_qc_tags}, {@code _qc_clock} and
     * {@code _qc_marks} of the same event store table.
     *
     * @return e.g. {@code event_store_query_cache}
     */
    public String tableName() {
        return sql.entries;
    }

    /** The tier's statements, for tests that read their plans. */
    CacheStatements statements() {
        return sql;
    }

    /** Makes later calls fail; the connection pools belong to the event store and stay open. Idempotent. */
    @Override
    public void close() {
        closed.set(true);
    }

    private void ensureOpen() {
        if (closed.get()) {
            throw new IllegalStateException("this L3 cache tier (table " + sql.entries + ") is closed");
        }
        owner.ensureOpen();
    }

    @Override
    public String toString() {
        return "JdbcCacheTier[" + owner.dialect() + ", table " + sql.entries + ", maxValueBytes " + maxValueBytes
                + ", maxLoadTime " + maxLoadTime + ", " + pools.target + "]";
    }
}
