package io.modularddd.eventstore.redis;

import io.modularddd.core.EventStoreException;
import io.modularddd.core.InvalidInputException;
import io.modularddd.core.cache.CacheEntry;
import io.modularddd.core.cache.CacheKey;
import io.modularddd.core.cache.CacheLookup;
import io.modularddd.core.cache.CacheTier;
import io.modularddd.core.internal.Checks;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The L2 query-cache tier in Redis (a standalone server or a cluster): core's {@link CacheTier}, shared by
 * every node of an application. Start with {@link #builder()}.
 *
 * <h2>Layout</h2>
 * An entry is one string key {@code <prefix>:{<shard>}:v:<storage key>} holding a checksummed header —
 * the full canonical key, the expiry and the tags — and the value's bytes, with {@code PX} set to the
 * entry's expiry. A lookup whose canonical key differs from the stored one, or whose stored value is
 * damaged, is a miss. Each tag is a set per shard ({@code ...:t:<tag>}) of the value keys carrying it,
 * whose TTL is raised to the longest-living member's. A standalone server is one shard; on Redis Cluster
 * a namespace has {@value CacheLayout#CLUSTER_SHARDS} shards, each a hash tag: an entry, its tag
 * memberships, its markers and the clock it is checked against are always in one slot, and a tag is
 * invalidated shard by shard. See {@code docs/cache-l2-redis.md}.
 *
 * <h2>No stale repopulation, without Lua</h2>
 * Each shard has an invalidation clock (a counter). A lookup reads the value and the clock with one
 * {@code MGET} (one round trip, the same slot); a miss carries the clock as its ticket. An invalidation
 * runs {@code MULTI; SET clock NX; INCR clock; COPY clock marker REPLACE; PEXPIRE marker; ...; EXEC} —
 * the marker of the key or tag now holds a clock value above every ticket handed out before — and then
 * deletes the entries. A put {@code WATCH}es the key's and its tags' markers, reads them, refuses when
 * one is above its ticket, and otherwise writes the value and the tag memberships in
 * {@code MULTI ... EXEC}, which Redis aborts when an invalidation touched a marker in between. Markers
 * live {@link #maxLoadTime()} plus {@value #MARKER_SLACK_MILLIS} ms; older tickets are refused. Only
 * {@code MGET GET SET INCR COPY PEXPIRE UNLINK SADD SREM SSCAN SCAN WATCH UNWATCH MULTI EXEC} are sent:
 * it works on a server with {@code EVAL}, {@code KEYS} and {@code FLUSH*} renamed away.
 *
 * <h2>Failures</h2>
 * A Redis failure is an {@link EventStoreException} naming the operation, the endpoint (never the
 * password) and the prefix, {@link EventStoreException#isTransient() transient} when repeating may help
 * (connection refused or lost, timeout, cluster resharding); the cache engine turns it into a miss. The
 * pool reconnects by itself once Redis is back. Thread-safe.
 */
public final class RedisCacheTier implements CacheTier {

    /** Default key prefix, the namespace of the cache. */
    public static final String DEFAULT_KEY_PREFIX = "modularddd:cache";
    /** Default TTL of an entry promoted from a lower tier: 15 minutes (the seed's L2 TTL). */
    public static final Duration DEFAULT_PROMOTION_TTL = Duration.ofMinutes(15);
    /** Default longest load between a miss and its put: 60 seconds. */
    public static final Duration DEFAULT_MAX_LOAD_TIME = Duration.ofSeconds(60);
    /** Default largest value stored: 8 MiB. */
    public static final int DEFAULT_MAX_VALUE_BYTES = 8 * 1024 * 1024;
    /** Default connect timeout. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofMillis(250);
    /** Default read timeout: a value may be megabytes. */
    public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(1);
    /** Default pool size (per node on a cluster). */
    public static final int DEFAULT_MAX_CONNECTIONS = 16;
    /** How much longer than {@link #maxLoadTime()} invalidation markers live: covers clock-rate drift. */
    public static final long MARKER_SLACK_MILLIS = 5_000;

    private final RedisConnection connection;
    private final CacheLayout layout;
    private final Duration promotionTtl;
    private final Duration maxLoadTime;
    private final long maxLoadNanos;
    private final long markerTtlMillis;
    private final int maxValueBytes;
    private final RedisKeyClient redis;
    private final RedisCacheCommands commands;

    RedisCacheTier(RedisConnection connection, String keyPrefix, Duration promotionTtl, Duration maxLoadTime,
                   int maxValueBytes) {
        this.connection = connection;
        this.promotionTtl = promotionTtl;
        this.maxLoadTime = maxLoadTime;
        this.maxLoadNanos = maxLoadTime.toNanos();
        this.markerTtlMillis = maxLoadTime.toMillis() + MARKER_SLACK_MILLIS;
        this.maxValueBytes = maxValueBytes;
        this.redis = connection.open();
        this.layout = new CacheLayout(keyPrefix, redis.isCluster() ? CacheLayout.CLUSTER_SHARDS : 1);
        this.commands = new RedisCacheCommands(redis, layout, markerTtlMillis);
    }

    /**
     * Starts configuring a tier.
     *
     * @return a builder
     */
    public static RedisCacheTierBuilder builder() {
        return new RedisCacheTierBuilder();
    }

    CacheLayout layout() {
        return layout;
    }

    /** For tests: what runs between a put's check of the markers and its MULTI/EXEC. */
    void betweenCheckAndWrite(Runnable action) {
        commands.betweenCheckAndWrite(action);
    }

    @Override
    public String name() {
        return "l2";
    }

    @Override
    public Duration promotionTtl() {
        return promotionTtl;
    }

    @Override
    public Duration maxLoadTime() {
        return maxLoadTime;
    }

    @Override
    public int maxValueBytes() {
        return maxValueBytes;
    }

    /**
     * {@inheritDoc}
     *
     * <p>One {@code MGET} of the value and its shard's clock.
     *
     * @throws EventStoreException when Redis fails (transient when repeating may help)
     */
    @Override
    public CacheLookup lookup(CacheKey key) {
        Checks.notNull("key", key);
        int shard = layout.shardOf(key.storageKey());
        byte[] clockKey = layout.clock(shard);
        List<byte[]> found;
        try {
            found = commands.read(layout.value(shard, key.storageKey()), clockKey);
        } catch (RuntimeException e) {
            throw failure("looking up " + key.storageKey(), e);
        }
        byte[] value = found.get(0);
        if (value != null) {
            CacheEntry entry = CacheValueCodec.decode(value, key.canonical(), System.currentTimeMillis());
            if (entry != null) {
                return CacheLookup.hit(entry);
            }
        }
        byte[] clock = found.get(1);
        if (clock == null) {
            try {
                clock = commands.startClock(clockKey);
            } catch (RuntimeException e) {
                throw failure("starting the invalidation clock of shard " + shard, e);
            }
        }
        long ticket = RedisCacheCommands.parse(clock);
        if (ticket == RedisCacheCommands.NOT_A_NUMBER) {
            throw new EventStoreException("The invalidation clock '" + new String(clockKey, StandardCharsets.UTF_8)
                    + "' of the Redis cache at " + connection.endpointText() + " is not a number: something else "
                    + "wrote into the cache's namespace. Delete that key (it starts again by itself) and give the "
                    + "cache a key prefix of its own.", null, false);
        }
        return CacheLookup.miss(ticket);
    }

    /**
     * {@inheritDoc}
     *
     * <p>Two round trips on one connection to the shard's node: {@code WATCH} + {@code MGET} of the
     * markers, then {@code MULTI; SET PX; SADD; PEXPIRE NX; PEXPIRE GT; EXEC}.
     *
     * @throws EventStoreException when Redis fails (transient when repeating may help)
     */
    @Override
    public boolean put(CacheKey key, CacheEntry entry, CacheLookup miss) {
        Checks.notNull("key", key);
        Checks.notNull("entry", entry);
        Checks.notNull("miss", miss);
        if (!entry.canonicalKey().equals(key.canonical())) {
            throw new InvalidInputException("entry", "the entry's canonical key is not the key's canonical key "
                    + Checks.show(key.canonical()) + "; make the entry with CacheEntry.of(key, ...) of the same key");
        }
        if (entry.bytes().length > maxValueBytes) {
            throw new InvalidInputException("entry", "a value of " + entry.bytes().length + " bytes is larger than "
                    + "the " + maxValueBytes + " bytes the Redis cache tier stores; cache a smaller result, or raise "
                    + "maxValueBytes");
        }
        if (!miss.hasTicket() || miss.ticketAgeNanos() > maxLoadNanos) {
            return false;
        }
        long ttl = entry.expiresAt().toEpochMilli() - System.currentTimeMillis();
        if (ttl <= 0) {
            return false;
        }
        int shard = layout.shardOf(key.storageKey());
        byte[][] markers = new byte[entry.tags().size() + 1][];
        byte[][] sets = new byte[entry.tags().size()][];
        markers[0] = layout.keyMarker(shard, key.storageKey());
        int i = 0;
        for (String tag : entry.tags()) {
            sets[i] = layout.tagSet(shard, tag);
            markers[++i] = layout.tagMarker(shard, tag);
        }
        try {
            return commands.put(layout.value(shard, key.storageKey()), CacheValueCodec.encode(entry), ttl,
                    miss.ticket(), markers, sets);
        } catch (RuntimeException e) {
            throw failure("storing " + key.storageKey(), e);
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>One {@code MULTI; SET clock NX; INCR clock; COPY clock marker REPLACE; PEXPIRE marker; UNLINK
     * value; EXEC} on the key's shard.
     *
     * @throws EventStoreException when Redis fails (transient when repeating may help)
     */
    @Override
    public void invalidate(CacheKey key) {
        Checks.notNull("key", key);
        try {
            commands.invalidateKey(layout.shardOf(key.storageKey()), key.storageKey());
        } catch (RuntimeException e) {
            throw failure("invalidating " + key.storageKey(), e);
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>Shard by shard (one on a standalone server): one {@code MULTI} advances the clock, sets the tags'
     * markers and reads the first page of each tag's set ({@code SSCAN}); then, per page of value keys
     * found, {@code MULTI; SREM set keys; UNLINK keys; EXEC}, so an entry never outlives its membership.
     *
     * @throws EventStoreException when Redis fails (transient when repeating may help)
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
        List<String> ordered = new ArrayList<>(new LinkedHashSet<>(tags));
        try {
            for (int shard = 0; shard < layout.shards(); shard++) {
                commands.invalidateTags(shard, ordered);
            }
        } catch (RuntimeException e) {
            throw failure("invalidating the tags " + ordered, e);
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>{@code SCAN} with the namespace's escaped {@code MATCH} pattern (on every node of a cluster):
     * value keys are unlinked, tag sets drained as an invalidation drains them. Markers and clocks stay,
     * so a load that raced an earlier invalidation is still refused.
     *
     * @throws EventStoreException when Redis fails (transient when repeating may help)
     */
    @Override
    public void clear() {
        try {
            commands.clear();
        } catch (RuntimeException e) {
            throw failure("clearing the namespace", e);
        }
    }

    private EventStoreException failure(String what, RuntimeException e) {
        if (e instanceof EventStoreException ese) {
            return ese;
        }
        boolean transientFailure = RedisKeyClient.isTransient(e);
        if (transientFailure) {
            redis.clearIdleConnections();
        }
        return new EventStoreException("Redis cache tier: " + what + " in Redis at " + connection.endpointText()
                + " (prefix '" + layout.prefix() + "') failed: " + connection.describe(e)
                + (transientFailure ? ". Retry once Redis answers; the cache treats it as a miss." : "."), e,
                transientFailure);
    }

    /** Closes the connection pool. Idempotent. */
    @Override
    public void close() {
        redis.close();
    }

    /** The settings, without credentials. */
    @Override
    public String toString() {
        return "RedisCacheTier[" + connection + ", prefix=" + layout.prefix() + ", shards=" + layout.shards()
                + ", promotionTtl=" + promotionTtl + ", maxLoadTime=" + maxLoadTime + ", maxValueBytes="
                + maxValueBytes + "]";
    }
}
