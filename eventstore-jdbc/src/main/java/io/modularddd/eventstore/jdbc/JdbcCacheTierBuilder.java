package io.modularddd.eventstore.jdbc;

import io.modularddd.core.cache.CacheEntry;
import io.modularddd.core.cache.CacheKey;
import io.modularddd.core.internal.BuilderChecks;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

/**
 * Configures a {@link JdbcCacheTier}; start with {@link JdbcCacheTier#builder(JdbcEventStore)}. Each setter
 * validates its value at once ({@link IllegalArgumentException} naming the setting and the value) and may be called
 * once ({@link IllegalStateException} otherwise); {@link #build()} checks the value limit against the server
 * ({@link IllegalStateException}).
 */
public final class JdbcCacheTierBuilder {

    /** Default {@link #promotionTtl(Duration)}: one hour (nothing sits below L3 in the default chain). */
    public static final Duration DEFAULT_PROMOTION_TTL = Duration.ofHours(1);
    /** Default {@link #maxLoadTime(Duration)}: one minute. */
    public static final Duration DEFAULT_MAX_LOAD_TIME = Duration.ofMinutes(1);
    /** Default {@link #maxValueBytes(int)} where the server allows it: 16 MiB. */
    public static final int DEFAULT_MAX_VALUE_BYTES = 16 * 1024 * 1024;
    /** Default {@link #purgeBatchSize(int)}. */
    public static final int DEFAULT_PURGE_BATCH_SIZE = 500;
    /** Default {@link #purgeInterval(Duration)}: one minute. */
    public static final Duration DEFAULT_PURGE_INTERVAL = Duration.ofMinutes(1);
    /** The largest purge batch. */
    static final int MAX_PURGE_BATCH = 100_000;
    /** The largest value any database takes here: 1 GiB (PostgreSQL's {@code bytea} limit). */
    static final int MAX_VALUE_BYTES = 1 << 30;
    /**
     * What a row holds besides its value, at most: the storage key, the longest canonical key, the most tags at their
     * longest (4 bytes a character in utf8mb4, a separator each) and the expiry, plus the statement's framing.
     */
    static final long ROW_BESIDES_VALUE = CacheKey.MAX_STORAGE_KEY_CHARS * 4L + CacheKey.MAX_CANONICAL_BYTES
            + CacheEntry.MAX_TAGS * (CacheEntry.MAX_TAG_CHARS * 4L + 1) + PacketLimit.ROW_OVERHEAD_BYTES;

    private final JdbcEventStore store;
    private final Set<String> set = new HashSet<>();
    // read by the tier's constructor (same package); written only by the setters
    Duration promotionTtl = DEFAULT_PROMOTION_TTL;
    Duration maxLoadTime = DEFAULT_MAX_LOAD_TIME;
    Integer maxValueBytes;
    int purgeBatchSize = DEFAULT_PURGE_BATCH_SIZE;
    Duration purgeInterval = DEFAULT_PURGE_INTERVAL;
    boolean opportunisticPurge = true;
    Clock clock = Clock.systemUTC();

    JdbcCacheTierBuilder(JdbcEventStore store) {
        this.store = store;
    }

    private void once(String setting, Object shown) {
        BuilderChecks.setOnce(setting, !set.add(setting), shown);
    }

    /**
     * Sets how long an entry promoted into this tier from a tier below stays (never beyond its own expiry).
     *
     * @param value 1 second to 30 days; default {@link #DEFAULT_PROMOTION_TTL}
     * @return this builder
     * @throws IllegalArgumentException when null or out of range
     */
    public JdbcCacheTierBuilder promotionTtl(Duration value) {
        BuilderChecks.inRange("promotionTtl", value, Duration.ofSeconds(1), Duration.ofDays(30));
        once("promotionTtl", value);
        this.promotionTtl = value;
        return this;
    }

    /**
     * Sets the longest a load may take between its miss and its put: older tickets are refused, and invalidation
     * markers are kept this long.
     *
     * @param value 1 millisecond to 1 day; default {@link #DEFAULT_MAX_LOAD_TIME}
     * @return this builder
     * @throws IllegalArgumentException when null or out of range
     */
    public JdbcCacheTierBuilder maxLoadTime(Duration value) {
        BuilderChecks.inRange("maxLoadTime", value, Duration.ofMillis(1), Duration.ofDays(1));
        once("maxLoadTime", value);
        this.maxLoadTime = value;
        return this;
    }

    /**
     * Sets the largest value the tier stores; a larger one is an {@code InvalidInputException} naming the limit.
     * Default: {@link #DEFAULT_MAX_VALUE_BYTES}, lowered on MySQL/MariaDB to what fits in the server's
     * {@code max_allowed_packet} beside the longest canonical key and tags ({@code max_allowed_packet} less about
     * 115 KiB).
     *
     * @param value 1 byte to 1 GiB
     * @return this builder
     * @throws IllegalArgumentException when out of range
     */
    public JdbcCacheTierBuilder maxValueBytes(int value) {
        BuilderChecks.inRange("maxValueBytes", value, 1, MAX_VALUE_BYTES);
        once("maxValueBytes", value);
        this.maxValueBytes = value;
        return this;
    }

    /**
     * Sets how many expired entries (and markers) one opportunistic purge deletes.
     *
     * @param value 1 to 100,000; default {@link #DEFAULT_PURGE_BATCH_SIZE}
     * @return this builder
     * @throws IllegalArgumentException when out of range
     */
    public JdbcCacheTierBuilder purgeBatchSize(int value) {
        BuilderChecks.inRange("purgeBatchSize", value, 1, MAX_PURGE_BATCH);
        once("purgeBatchSize", value);
        this.purgeBatchSize = value;
        return this;
    }

    /**
     * Sets how often a put purges one batch of expired rows (while batches come back full, every put does).
     *
     * @param value 1 second to 1 day; default {@link #DEFAULT_PURGE_INTERVAL}
     * @return this builder
     * @throws IllegalArgumentException when null or out of range
     */
    public JdbcCacheTierBuilder purgeInterval(Duration value) {
        BuilderChecks.inRange("purgeInterval", value, Duration.ofSeconds(1), Duration.ofDays(1));
        once("purgeInterval", value);
        this.purgeInterval = value;
        return this;
    }

    /**
     * Turns the purge done by puts on or off; off, call {@link JdbcCacheTier#purgeExpired(int)} from a scheduler.
     *
     * @param value default {@code true}
     * @return this builder
     * @throws IllegalStateException when set before
     */
    public JdbcCacheTierBuilder opportunisticPurge(boolean value) {
        once("opportunisticPurge", value);
        this.opportunisticPurge = value;
        return this;
    }

    /**
     * Sets the clock that decides expiry (of entries and markers); for tests.
     *
     * @param value the clock; default {@link Clock#systemUTC()}
     * @return this builder
     * @throws IllegalArgumentException when null
     */
    public JdbcCacheTierBuilder clock(Clock value) {
        BuilderChecks.notNull("clock", value);
        once("clock", value);
        this.clock = value;
        return this;
    }

    /**
     * Builds the tier.
     *
     * @return the tier
     * @throws IllegalStateException when {@code maxValueBytes} does not fit in the server's {@code max_allowed_packet},
     *                               or the event store is closed
     */
    public JdbcCacheTier build() {
        store.ensureOpen();
        PacketLimit limit = store.packetLimit();
        long fits = Math.max(1, limit.maxRowBytes() - ROW_BESIDES_VALUE);
        int bytes;
        if (maxValueBytes == null) {
            bytes = (int) Math.min(DEFAULT_MAX_VALUE_BYTES, fits);
        } else {
            BuilderChecks.noConflict(maxValueBytes > fits, "maxValueBytes " + maxValueBytes + " does not fit in one "
                    + "statement on " + store.pools().target + " (" + limit + " leaves " + fits + " bytes for a "
                    + "value beside the longest canonical key and tags): lower maxValueBytes, or raise the server's "
                    + "max_allowed_packet");
            bytes = maxValueBytes;
        }
        return new JdbcCacheTier(store, this, bytes);
    }
}
