package io.modularddd.eventstore.redis;

import io.modularddd.core.AggregateId;
import io.modularddd.core.EventStore;
import io.modularddd.core.EventStoreException;
import io.modularddd.core.serialization.JacksonEventSerializer;
import java.time.Duration;
import java.util.Objects;

/**
 * The Redis hot tier: a dedicated Redis connection pool, the key layout, the event codec, and the
 * rules for failures. Hand it to {@link TieredEventStore#of} together with the warm store.
 *
 * <pre>{@code
 * JacksonEventSerializer serializer = JacksonEventSerializer.json(registry);
 * JdbcEventStore jdbcStore = JdbcEventStore.builder()...serializer(serializer).build();
 * RedisHotTier hot = RedisHotTier.builder()
 *         .uri("redis://127.0.0.1:6379")          // or cluster("redis://10.0.0.1:7000", ...)
 *         .serializer(serializer)                  // the warm store's: its event types and Jackson modules
 *         .ttl(Duration.ofHours(48))               // the profile's hot_storage_ttl
 *         .build();
 * EventStore store = TieredEventStore.of(jdbcStore, hot);
 * }</pre>
 *
 * <h2>Shape</h2>
 * This class owns the connection pool and the public operations ({@link #invalidate}, {@link #purge});
 * the work is done by package-private collaborators: {@link RedisHotTierBuilder} validates the
 * settings into an immutable {@code HotTierSettings}; {@code HotTierFailurePolicy} decides when Redis
 * may be used (back-off, deferred drops, repair); {@code HotTierWriter} writes committed and backfilled
 * events; {@code HotTierReads} serves the reads of a {@link TieredEventStore}; {@code RedisOps} holds the
 * Redis commands and {@code HotTierCodec} the member format.
 *
 * <h2>Layout</h2>
 * One sorted set per stream, {@code <keyPrefix>:{<percent-encoded id>}:s}, score = version,
 * member = the encoded event (see {@code docs/redis-hot-tier.md}); its TTL is refreshed on every write. The
 * braces make the encoded id the hash tag, so the same code runs on Redis Cluster.
 *
 * <h2>Failures</h2>
 * Redis is a cache here: no Redis failure ever fails an append or a load. A failed post-commit write
 * is logged (WARN, without credentials), counted, and the stream's key is dropped — or, when Redis
 * cannot be reached, remembered and dropped before Redis is used again. After a connection failure
 * the tier backs off for {@link RedisHotTierBuilder#retryAfterFailure(Duration)}; meanwhile reads go to the warm
 * tier. Connect and read timeouts bound what one failed call costs. See {@code docs/redis-hot-tier.md}.
 *
 * <p>Thread-safe. Starts no threads of its own. {@link #close()} closes the connection pool.
 */
public final class RedisHotTier implements AutoCloseable {

    /** Default time to live of a stream's key: 1 hour, the startup profile's {@code hot_storage_ttl}. */
    public static final Duration DEFAULT_TTL = Duration.ofHours(1);
    /** Default connect timeout. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofMillis(500);
    /** Default read (socket) timeout. */
    public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofMillis(500);
    /** Default back-off after a connection failure. */
    public static final Duration DEFAULT_RETRY_AFTER_FAILURE = Duration.ofSeconds(1);
    /** Default compression: LZ4 for events over 1 KiB. */
    public static final HotTierCompression DEFAULT_COMPRESSION = HotTierCompression.lz4(1024);
    /** Default size of a connection pool (per node on a cluster). */
    public static final int DEFAULT_MAX_CONNECTIONS = 16;
    /** Default events per Redis read. */
    public static final int DEFAULT_READ_PAGE_SIZE = 500;

    private final HotTierSettings settings;
    private final StreamKeys keys;
    private final HotTierCodec codec;
    private final HotTierMetrics metrics;
    private final RedisOps ops;
    private final HotTierFailurePolicy failures;
    private final HotTierWriter writer;

    /** The serializer the tier was built from: the warm store's. */
    JacksonEventSerializer serializer() {
        return settings.serializer();
    }

    /** Builds the tier from validated settings; see {@link RedisHotTierBuilder#build()}. */
    RedisHotTier(HotTierSettings settings) {
        this.settings = settings;
        this.keys = new StreamKeys(settings.keyPrefix());
        this.codec = HotTierCodec.of(settings.serializer(), settings.format(), settings.compression());
        HotTierState state = new HotTierState(settings.clock(), settings.retryAfterFailure().toMillis(),
                HotTierFailurePolicy.MAX_PENDING_DROPS);
        this.metrics = new HotTierMetrics(settings.meterRegistry(), settings.keyPrefix(), state::pendingCount);
        this.ops = settings.enabled() ? new RedisOps(settings.connection().open(), metrics::roundTrip) : null;
        this.failures = new HotTierFailurePolicy(settings, keys, state, metrics, ops);
        this.writer = new HotTierWriter(settings, keys, codec, ops, metrics, failures);
    }

    /**
     * Starts configuring a hot tier.
     *
     * @return a builder
     */
    public static RedisHotTierBuilder builder() {
        return new RedisHotTierBuilder();
    }

    /**
     * Tells whether the hot tier is in use; a disabled tier passes everything to the warm store.
     *
     * @return {@code true} when enabled
     */
    public boolean enabled() {
        return settings.enabled();
    }

    /**
     * Returns the Redis key of a stream's sorted set, for tests and benchmarks of this package that read
     * Redis directly; the layout is documented in {@code docs/redis-hot-tier.md}.
     *
     * @param aggregateId the stream
     * @return the key, e.g. {@code modularddd:hot:{order-42}:s}
     * @throws NullPointerException when the id is null
     */
    String keyOf(AggregateId aggregateId) {
        return keys.of(Objects.requireNonNull(aggregateId, "aggregateId")).set();
    }

    /** The codec that encodes members, for tests and benchmarks of this package. */
    HotTierCodec codec() {
        return codec;
    }

    /**
     * Returns the key prefix.
     *
     * @return the prefix
     */
    public String keyPrefix() {
        return keys.prefix();
    }

    /**
     * Returns the time to live of a stream's key, refreshed on every write.
     *
     * @return the TTL
     */
    public Duration ttl() {
        return settings.ttl();
    }

    /**
     * Drops a stream from Redis; its next load reads the warm tier and backfills. When Redis cannot
     * be reached the drop is remembered and done before Redis is used again. Never throws for Redis
     * failures.
     *
     * @param aggregateId the stream
     * @throws NullPointerException when the id is null
     */
    public void invalidate(AggregateId aggregateId) {
        Objects.requireNonNull(aggregateId, "aggregateId");
        if (settings.enabled()) {
            writer.drop(aggregateId, "invalidate");
        }
    }

    /**
     * Drops every stream under this tier's key prefix (SCAN with an escaped MATCH pattern; no KEYS,
     * no FLUSHDB). Use it after the warm store was restored or rewritten behind the hot tier's back.
     *
     * @return the number of stream keys dropped
     * @throws EventStoreException when Redis fails; the caller may retry
     */
    public long purge() {
        if (!settings.enabled()) {
            return 0;
        }
        try {
            long n = ops.dropAll(keys.scanPattern(), settings.ttlMillis());
            metrics.drop("purge");
            return n;
        } catch (RuntimeException e) {
            failures.redisFailed(e, "purge");
            throw new EventStoreException("Purging the Redis hot tier at " + settings.endpointText() + " (prefix '"
                    + keys.prefix() + "') failed: " + settings.describe(e) + ". Retry once Redis answers.", e);
        }
    }

    /** Closes the connection pool. */
    @Override
    public void close() {
        if (ops != null) {
            ops.close();
        }
    }

    @Override
    public String toString() {
        return "RedisHotTier[" + settings + "]";
    }

    // ------------------------------------------------------------------ the collaborators of TieredEventStore

    /** The post-commit writes and drops. */
    HotTierWriter writer() {
        return writer;
    }

    /** The read side in front of {@code warm}; one per tiered store. */
    HotTierReads reads(EventStore warm) {
        return new HotTierReads(keys, codec, ops, settings.readPageSize(), metrics, failures, writer, warm);
    }

    // ------------------------------------------------------------------ for tests of this package

    /** The failure policy (back-off, deferred drops), for tests of this package. */
    HotTierFailurePolicy failures() {
        return failures;
    }

    StreamKey key(AggregateId id) {
        return keys.of(id);
    }

    RedisOps ops() {
        return ops;
    }

    long ttlMillis() {
        return settings.ttlMillis();
    }
}
