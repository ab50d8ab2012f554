package io.modularddd.eventstore.redis;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.modularddd.core.AggregateId;
import io.modularddd.core.AppendRequest;
import io.modularddd.core.AppendResult;
import io.modularddd.core.EventStoreException;
import io.modularddd.core.NewEvent;
import io.modularddd.core.StoredEvent;
import io.modularddd.core.serialization.EventTypeRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.ClientSetInfoConfig;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.exceptions.JedisAccessControlException;
import redis.clients.jedis.exceptions.JedisClusterException;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * The Redis hot tier: a dedicated Redis connection pool, the key layout, the event codec, and the
 * rules for failures. Hand it to {@link TieredEventStore#of} together with the warm store.
 *
 * <pre>{@code
 * RedisHotTier hot = RedisHotTier.builder()
 *         .uri("redis://127.0.0.1:6379")          // or cluster("redis://10.0.0.1:7000", ...)
 *         .registry(registry)                      // the event types, as for the warm store
 *         .ttl(Duration.ofHours(48))               // the profile's hot_storage_ttl
 *         .build();
 * EventStore store = TieredEventStore.of(jdbcStore, hot);
 * }</pre>
 *
 * <h2>Layout</h2>
 * One sorted set per stream, {@code <keyPrefix>:{<percent-encoded id>}:s}, score = version,
 * member = the event encoded by {@link HotTierCodec}; its TTL is refreshed on every write. The
 * braces make the encoded id the hash tag, so the same code runs on Redis Cluster.
 *
 * <h2>Failures</h2>
 * Redis is a cache here: no Redis failure ever fails an append or a load. A failed post-commit write
 * is logged (WARN, without credentials), counted, and the stream's key is dropped — or, when Redis
 * cannot be reached, remembered and dropped before Redis is used again. After a connection failure
 * the tier backs off for {@link Builder#retryAfterFailure(Duration)}; meanwhile reads go to the warm
 * tier. Connect and read timeouts bound what one failed call costs. See {@code docs/redis-hot-tier.md}.
 *
 * <p>Thread-safe. Starts no threads of its own. {@link #close()} closes the connection pool.
 */
public final class RedisHotTier implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RedisHotTier.class);

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
    /** Keys remembered for a deferred drop before the tier falls back to dropping the whole prefix. */
    static final int MAX_PENDING_DROPS = 100_000;
    /** Deferred drops done by one caller, in one pipeline. */
    static final int REPAIR_BATCH = 1_000;
    /** Event types whose first encoding failure is logged at WARN; bounds the set that remembers them. */
    private static final int MAX_UNENCODABLE_TYPES_WARNED = 1_000;

    private final boolean enabled;
    private final List<RedisEndpoint> endpoints;
    private final boolean cluster;
    private final StreamKeys keys;
    private final HotTierCodec codec;
    private final Duration ttl;
    private final long ttlMillis;
    private final Duration connectTimeout;
    private final Duration readTimeout;
    private final Duration retryAfterFailure;
    private final int readPageSize;
    private final int maxConnections;
    private final HotTierState state;
    private final HotTierMetrics metrics;
    private final RedisOps ops;
    private final String secret;
    /** Event types that failed to encode, already logged at WARN. */
    private final Set<String> unencodableTypes = ConcurrentHashMap.newKeySet();

    private RedisHotTier(Builder b) {
        this.enabled = b.enabled;
        this.endpoints = List.copyOf(b.endpoints);
        this.cluster = b.cluster;
        this.keys = new StreamKeys(b.keyPrefix);
        this.codec = HotTierCodec.of(b.registry, b.format, b.compression, b.jacksonModules);
        this.ttl = b.ttl;
        this.ttlMillis = b.ttl.toMillis();
        this.connectTimeout = b.connectTimeout;
        this.readTimeout = b.readTimeout;
        this.retryAfterFailure = b.retryAfterFailure;
        this.readPageSize = b.readPageSize;
        this.maxConnections = b.maxConnections;
        this.state = new HotTierState(b.clock, b.retryAfterFailure.toMillis(), MAX_PENDING_DROPS);
        this.metrics = new HotTierMetrics(b.meterRegistry, b.keyPrefix, state::pendingCount);
        this.secret = b.password;
        this.ops = enabled ? connect(b) : null;
    }

    private RedisOps connect(Builder b) {
        DefaultJedisClientConfig.Builder config = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(Math.toIntExact(b.connectTimeout.toMillis()))
                .socketTimeoutMillis(Math.toIntExact(b.readTimeout.toMillis()))
                .clientName("modularddd-hot-tier")
                // CLIENT SETINFO is unknown before Redis 7.2: skip it rather than provoke two errors per connection
                .clientSetInfoConfig(ClientSetInfoConfig.DISABLED)
                .ssl(endpoints.get(0).ssl());
        if (b.user != null) {
            config.user(b.user);
        }
        if (b.password != null) {
            config.password(b.password);
        }
        ConnectionPoolConfig pool = new ConnectionPoolConfig();
        pool.setMaxTotal(b.maxConnections);
        pool.setMaxIdle(b.maxConnections);
        pool.setBlockWhenExhausted(true);
        // waiting for a free connection is bounded like connecting: a stuck pool costs a timeout, not forever
        pool.setMaxWait(b.connectTimeout.plus(b.readTimeout));
        if (!cluster) {
            RedisEndpoint e = endpoints.get(0);
            config.database(e.database());
            RedisClient client = RedisClient.builder()
                    .hostAndPort(e.host(), e.port())
                    .clientConfig(config.build())
                    .poolConfig(pool)
                    .build();
            return RedisOps.standalone(client, metrics::roundTrip);
        }
        Set<HostAndPort> nodes = new LinkedHashSet<>();
        for (RedisEndpoint e : endpoints) {
            nodes.add(new HostAndPort(e.host(), e.port()));
        }
        RedisClusterClient client = RedisClusterClient.builder()
                .nodes(nodes)
                .clientConfig(config.build())
                .poolConfig(pool)
                .maxAttempts(2)
                .maxTotalRetriesDuration(b.connectTimeout.plus(b.readTimeout).multipliedBy(2))
                .build();
        return RedisOps.cluster(client, metrics::roundTrip);
    }

    /**
     * Starts configuring a hot tier.
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Tells whether the hot tier is in use; a disabled tier passes everything to the warm store.
     *
     * @return {@code true} when enabled
     */
    public boolean enabled() {
        return enabled;
    }

    /**
     * Returns the Redis key of a stream's sorted set (for tools and benchmarks that read Redis directly).
     *
     * @param aggregateId the stream
     * @return the key, e.g. {@code modularddd:hot:{order-42}:s}
     * @throws NullPointerException when the id is null
     */
    public String keyOf(AggregateId aggregateId) {
        return keys.of(Objects.requireNonNull(aggregateId, "aggregateId")).set();
    }

    /**
     * Returns the codec that encodes members.
     *
     * @return the codec
     */
    public HotTierCodec codec() {
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
        return ttl;
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
        if (enabled) {
            dropOrPend(keys.of(aggregateId), "invalidate");
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
        if (!enabled) {
            return 0;
        }
        try {
            long n = ops.dropAll(keys.scanPattern(), ttlMillis);
            metrics.drop("purge");
            return n;
        } catch (RuntimeException e) {
            redisFailed(e, "purge");
            throw new EventStoreException("Purging the Redis hot tier at " + endpointText() + " (prefix '"
                    + keys.prefix() + "') failed: " + describe(e) + ". Retry once Redis answers.", e);
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
        return "RedisHotTier[" + (enabled ? endpointText() : "disabled") + ", prefix=" + keys.prefix() + ", ttl="
                + ttl + ", " + codec.format() + ", " + codec.compression() + ", connectTimeout=" + connectTimeout
                + ", readTimeout=" + readTimeout + ", retryAfterFailure=" + retryAfterFailure + ", maxConnections="
                + maxConnections + ", readPageSize=" + readPageSize + "]";
    }

    // ------------------------------------------------------------------ used by TieredEventStore

    StreamKey key(AggregateId id) {
        return keys.of(id);
    }

    int readPageSize() {
        return readPageSize;
    }

    HotTierMetrics metrics() {
        return metrics;
    }

    HotTierState state() {
        return state;
    }

    RedisOps ops() {
        return ops;
    }

    long ttlMillis() {
        return ttlMillis;
    }

    /**
     * Tells whether Redis may be used now; repairs first (deferred drops, purge) when that is due.
     */
    boolean ready() {
        if (!enabled || !state.backoffOver()) {
            return false;
        }
        if (state.needsRepair()) {
            repair();
        }
        return state.backoffOver() && !state.purgeRequired();
    }

    private void repair() {
        if (!state.repairLock().tryLock()) {
            return; // another caller repairs; pending keys stay bypassed until it is done
        }
        try {
            if (state.purgeRequired()) {
                Set<StreamKey> covered = new HashSet<>(state.pendingKeys());
                long n = ops.dropAll(keys.scanPattern(), ttlMillis);
                state.purged(covered);
                metrics.drop("purge");
                LOG.info("Redis hot tier at {} (prefix '{}'): dropped all {} stream key(s) after more than {} "
                        + "deferred drops had piled up", endpointText(), keys.prefix(), n, MAX_PENDING_DROPS);
            }
            // at most REPAIR_BATCH keys per caller, in one round trip; callers after it go on with the rest
            List<StreamKey> batch = new ArrayList<>(Math.min(state.pendingCount(), REPAIR_BATCH));
            for (StreamKey key : state.pendingKeys()) {
                if (batch.size() == REPAIR_BATCH) {
                    break;
                }
                batch.add(key);
            }
            ops.dropMany(batch, ttlMillis);
            for (StreamKey key : batch) {
                state.dropped(key);
                metrics.drop("deferred");
            }
            redisSucceeded();
        } catch (RuntimeException e) {
            metrics.writeFailure("drop");
            redisFailed(e, "drop");
        } finally {
            state.repairLock().unlock();
        }
    }

    /** Writes the events of a committed append; never throws. */
    void afterAppend(AppendRequest request, AppendResult result) {
        if (!enabled) {
            return;
        }
        StreamKey key = keys.of(request.aggregateId());
        if (!ready()) {
            state.pend(key);
            metrics.write("skipped");
            return;
        }
        Map<byte[], Double> members = encode(request, result);
        if (members == null) {
            // its events cannot be in Redis now, so the key must go, or Redis would end below the head
            dropOrPend(key, "unencodable");
            return;
        }
        try {
            ops.write(key, members, ttlMillis);
            metrics.write("written");
            redisSucceeded();
        } catch (RuntimeException e) {
            metrics.writeFailure("append");
            if (redisFailed(e, "append")) {
                // unreachable: the back-off WARN has been logged; drop the key once Redis answers
                LOG.debug("Redis hot tier at {}: writing {} event(s) of stream '{}' failed ({}); dropping its key "
                        + "once Redis answers", endpointText(), request.size(), request.aggregateId().value(),
                        describe(e));
                state.pend(key);
            } else {
                LOG.warn("Redis hot tier at {}: writing {} event(s) of stream '{}' failed ({}); the append is "
                        + "committed in the warm tier, the stream's hot key is dropped", endpointText(),
                        request.size(), request.aggregateId().value(), describe(e));
                dropOrPend(key, "write_failure");
            }
        }
    }

    /**
     * Encodes the events of a committed append, outside any Redis call: a failure here is about one
     * event, never about Redis.
     *
     * @return the members, or null when an event could not be encoded (counted and logged)
     */
    private Map<byte[], Double> encode(AppendRequest request, AppendResult result) {
        Map<byte[], Double> members = new HashMap<>(request.size() * 2);
        for (int i = 0; i < request.size(); i++) {
            NewEvent e = request.events().get(i);
            long version = result.firstVersion() + i;
            String type = e.payload().getClass().getName();
            try {
                type = codec.registry().typeNameOf(e.payload().getClass());
                byte[] member = codec.encode(result.firstPosition() + i, e.eventId(), request.aggregateType(), type,
                        e.payload(), e.metadata(), version, e.occurredAt());
                members.put(member, (double) version);
            } catch (RuntimeException x) {
                encodeFailed("append", request.aggregateId(), type, version, x);
                return null;
            }
        }
        return members;
    }

    /**
     * Encodes events read from the warm tier for a backfill, outside any Redis call.
     *
     * @return the members, or null when an event could not be encoded (counted and logged)
     */
    private Map<byte[], Double> encode(List<StoredEvent> events) {
        Map<byte[], Double> members = new HashMap<>(events.size() * 2);
        for (StoredEvent e : events) {
            try {
                members.put(codec.encode(e), (double) e.version());
            } catch (RuntimeException x) {
                encodeFailed("backfill", e.aggregateId(), e.eventType(), e.version(), x);
                return null;
            }
        }
        return members;
    }

    /**
     * Counts and logs an event that could not be encoded (a payload needing a Jackson module the tier
     * was not given, an unregistered type...). It concerns that event's stream only: Redis was not
     * asked, so there is no back-off, no "unavailable" log and no clearing of connections. The first
     * failure of each event type is a WARN naming the fix; later ones are DEBUG (the meter counts
     * them all), so a stream read often cannot flood the log.
     */
    private void encodeFailed(String operation, AggregateId stream, String eventType, long version,
                              RuntimeException e) {
        metrics.encodeFailure(operation);
        String consequence = operation.equals("append")
                ? "the append is committed in the warm tier and the stream's hot key is dropped"
                : "the stream is not backfilled (the read got the warm tier's events)";
        boolean first = unencodableTypes.size() < MAX_UNENCODABLE_TYPES_WARNED && unencodableTypes.add(eventType);
        if (first) {
            LOG.warn("Redis hot tier (prefix '{}'): could not encode event '{}' (version {} of stream '{}') for "
                    + "Redis ({}). This is no Redis failure: {}; streams holding such events are not cached but "
                    + "read from the warm tier. Give the hot tier the Jackson modules of your event types "
                    + "(RedisHotTier.builder().jacksonModules(...)). Further encoding failures of this type are "
                    + "logged at DEBUG and counted in {}encode_failures", keys.prefix(), eventType, version,
                    stream.value(), describe(e), consequence, HotTierMetrics.PREFIX);
        } else {
            LOG.debug("Redis hot tier (prefix '{}'): could not encode event '{}' (version {} of stream '{}') for "
                    + "Redis ({}); {}", keys.prefix(), eventType, version, stream.value(), describe(e), consequence);
        }
    }

    /** Drops a key now when Redis is usable, else remembers it; never throws. */
    void dropOrPend(StreamKey key, String reason) {
        if (!enabled) {
            return;
        }
        if (!ready()) {
            state.pend(key);
            return;
        }
        try {
            ops.drop(key, ttlMillis);
            state.dropped(key);
            metrics.drop(reason);
            redisSucceeded();
        } catch (RuntimeException e) {
            metrics.writeFailure("drop");
            redisFailed(e, "drop");
            state.pend(key);
        }
    }

    /**
     * A lazily decoded payload's Redis copy did not decode (ADR 0204): logs it and drops the stream's key,
     * as for a damaged member found while reading. Runs whenever the caller first asks for the payload,
     * possibly after the tier was closed; never throws.
     */
    void payloadUndecodable(StreamKey key, StoredEvent event, RuntimeException failure) {
        LOG.warn("Redis hot tier at {}: the payload of event '{}' (version {} of stream '{}') does not decode from "
                + "its Redis copy ({}); the stream's key is dropped and the event is read from the warm tier",
                endpointText(), event.eventType(), event.version(), event.aggregateId().value(), describe(failure));
        try {
            dropOrPend(key, "anomaly");
        } catch (RuntimeException e) {
            // e.g. the tier was closed since the load; the key expires with its TTL
            LOG.debug("Redis hot tier at {}: dropping the key of stream '{}' failed: {}", endpointText(),
                    event.aggregateId().value(), describe(e));
        }
    }

    /** Writes events read from the warm tier, guarded as {@link RedisOps#backfill} explains; never throws. */
    void backfill(StreamKey key, String epoch, long generation, List<StoredEvent> events, boolean reachedHead) {
        if (events.isEmpty()) {
            return;
        }
        if (generation != state.generation() || state.isPending(key) || !ready()) {
            metrics.backfill("skipped");
            return;
        }
        // encoded before Redis is touched: a failure to encode is no Redis failure (it must not back off)
        Map<byte[], Double> members = encode(events);
        if (members == null) {
            return; // nothing was written, so Redis holds nothing that needs dropping
        }
        try {
            RedisOps.BackfillOutcome outcome = ops.backfill(key, epoch, events.get(events.size() - 1).version(),
                    reachedHead, members, ttlMillis);
            metrics.backfill(outcome.name().toLowerCase(java.util.Locale.ROOT));
            redisSucceeded();
        } catch (RuntimeException e) {
            metrics.writeFailure("backfill");
            if (!redisFailed(e, "backfill")) {
                LOG.warn("Redis hot tier at {}: backfilling {} event(s) of stream '{}' failed ({})", endpointText(),
                        events.size(), events.get(0).aggregateId().value(), describe(e));
            }
        }
    }

    /**
     * Handles a Redis failure.
     *
     * @return true when it was a connection-level failure (Redis unreachable, timing out, refusing
     *         us): the tier then backs off; false for an error about one key (wrong type, out of memory)
     */
    boolean redisFailed(RuntimeException e, String operation) {
        boolean connection = !(e instanceof JedisDataException) || e instanceof JedisAccessControlException
                || e instanceof JedisClusterException;
        if (!connection) {
            LOG.debug("Redis hot tier at {}: {} failed: {}", endpointText(), operation, describe(e));
            return false;
        }
        if (state.failed()) {
            LOG.warn("Redis hot tier at {} is unavailable ({} failed: {}); loads use the warm tier and post-commit "
                    + "writes are deferred; retrying after {}", endpointText(), operation, describe(e),
                    retryAfterFailure);
        } else {
            LOG.debug("Redis hot tier at {}: {} failed again: {}", endpointText(), operation, describe(e));
        }
        ops.clearIdleConnections();
        return true;
    }

    void redisSucceeded() {
        if (state.succeeded()) {
            LOG.info("Redis hot tier at {} answers again", endpointText());
        }
    }

    /** A failure's class and message, with the configured password (if any) masked out. */
    String describe(Throwable e) {
        String message = e.getClass().getSimpleName() + ": " + e.getMessage();
        if (secret != null && !secret.isEmpty()) {
            message = message.replace(secret, "***");
        }
        return message;
    }

    private String endpointText() {
        if (endpoints.isEmpty()) {
            return "(none)";
        }
        if (!cluster) {
            return endpoints.get(0).display();
        }
        List<String> shown = new ArrayList<>();
        for (RedisEndpoint e : endpoints) {
            shown.add(e.display());
        }
        return "cluster" + shown;
    }

    /**
     * Configures a {@link RedisHotTier}. Each setter validates its value at once
     * ({@link IllegalArgumentException} naming the setting and the value) and may be called once
     * ({@link IllegalStateException} otherwise); {@link #build()} checks that the settings fit together.
     */
    public static final class Builder {
        private final Set<String> set = new HashSet<>();
        private final List<RedisEndpoint> endpoints = new ArrayList<>();
        private boolean cluster;
        private String user;
        private String password;
        private EventTypeRegistry registry;
        private Duration ttl = DEFAULT_TTL;
        private boolean enabled = true;
        private HotTierFormat format = HotTierFormat.MESSAGE_PACK;
        private HotTierCompression compression = DEFAULT_COMPRESSION;
        private List<com.fasterxml.jackson.databind.Module> jacksonModules = List.of();
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private Duration readTimeout = DEFAULT_READ_TIMEOUT;
        private Duration retryAfterFailure = DEFAULT_RETRY_AFTER_FAILURE;
        private String keyPrefix = StreamKeys.DEFAULT_PREFIX;
        private int maxConnections = DEFAULT_MAX_CONNECTIONS;
        private int readPageSize = DEFAULT_READ_PAGE_SIZE;
        private MeterRegistry meterRegistry;
        private Clock clock = Clock.systemUTC();

        private Builder() {
        }

        private void once(String setting) {
            if (!set.add(setting)) {
                throw new IllegalStateException(setting + " was already set; set each hot-tier setting once");
            }
        }

        /**
         * Uses one standalone Redis server: {@code redis[s]://[[user]:password@]host[:port][/database]}.
         * The password is kept out of every log line, message and metric.
         *
         * @param uri the server's URI
         * @return this builder
         * @throws IllegalArgumentException when the URI is malformed
         * @throws IllegalStateException    when a server or cluster was already set
         */
        public Builder uri(String uri) {
            RedisEndpoint endpoint = RedisEndpoint.parse("uri", uri);
            if (set.contains("cluster")) {
                throw new IllegalStateException("uri cannot be combined with cluster(...): a hot tier talks to one "
                        + "standalone server or to one cluster");
            }
            once("uri");
            endpoints.add(endpoint);
            credentialsFrom(endpoint, "uri");
            return this;
        }

        /**
         * Uses a Redis Cluster, discovered from one or more seed nodes ({@code redis[s]://host:port}).
         * Keys are hash-tagged per stream, so every command of a stream goes to one node.
         *
         * @param seedUris the seed nodes' URIs, at least one; all with the same TLS setting and credentials
         * @return this builder
         * @throws IllegalArgumentException when there is no seed, a URI is malformed, names a database
         *                                  other than 0, or the seeds disagree on TLS or credentials
         * @throws IllegalStateException    when a server or cluster was already set
         */
        public Builder cluster(String... seedUris) {
            Objects.requireNonNull(seedUris, "seedUris");
            if (seedUris.length == 0) {
                throw new IllegalArgumentException("cluster needs at least one seed URI such as "
                        + "\"redis://127.0.0.1:7000\"");
            }
            if (set.contains("uri")) {
                throw new IllegalStateException("cluster cannot be combined with uri(...): a hot tier talks to one "
                        + "standalone server or to one cluster");
            }
            List<RedisEndpoint> parsed = new ArrayList<>();
            for (int i = 0; i < seedUris.length; i++) {
                RedisEndpoint e = RedisEndpoint.parse("cluster[" + i + "]", seedUris[i]);
                if (e.database() != 0) {
                    throw new IllegalArgumentException("cluster[" + i + "] names database " + e.database()
                            + ", but Redis Cluster has only database 0: \"" + e.display() + "\"");
                }
                if (!parsed.isEmpty() && (e.ssl() != parsed.get(0).ssl()
                        || !Objects.equals(e.user(), parsed.get(0).user())
                        || !Objects.equals(e.password(), parsed.get(0).password()))) {
                    throw new IllegalArgumentException("cluster[" + i + "] (" + e.display() + ") differs from "
                            + "cluster[0] in TLS or credentials; all seeds of one cluster must agree");
                }
                parsed.add(e);
            }
            once("cluster");
            endpoints.addAll(parsed);
            cluster = true;
            credentialsFrom(parsed.get(0), "cluster");
            return this;
        }

        private void credentialsFrom(RedisEndpoint e, String setting) {
            if (e.password() == null && e.user() == null) {
                return;
            }
            if (set.contains("credentials")) {
                throw new IllegalStateException(setting + " carries credentials, but credentials(...) was already "
                        + "set; give them once");
            }
            set.add("credentials");
            user = e.user();
            password = e.password();
        }

        /**
         * Sets the ACL user and password, as an alternative to putting them in the URI.
         *
         * @param user     the ACL user, or null for the default user
         * @param password the password
         * @return this builder
         * @throws IllegalArgumentException when the password is null or empty
         * @throws IllegalStateException    when credentials were already given
         */
        public Builder credentials(String user, String password) {
            if (password == null || password.isEmpty()) {
                throw new IllegalArgumentException("credentials needs a non-empty password");
            }
            once("credentials");
            this.user = user;
            this.password = password;
            return this;
        }

        /**
         * Sets the event types; the hot tier decodes only these. Required.
         *
         * @param registry the registry, usually the warm store's
         * @return this builder
         * @throws IllegalArgumentException when null
         */
        public Builder registry(EventTypeRegistry registry) {
            if (registry == null) {
                throw new IllegalArgumentException("registry must not be null; pass the EventTypeRegistry of the "
                        + "warm store's serializer");
            }
            once("registry");
            this.registry = registry;
            return this;
        }

        /**
         * Sets how long a stream stays in Redis after its last write (the profile's {@code hot_storage_ttl}).
         *
         * @param ttl from 1 second to 365 days; default 1 hour
         * @return this builder
         * @throws IllegalArgumentException when out of range
         */
        public Builder ttl(Duration ttl) {
            checkRange("ttl", ttl, Duration.ofSeconds(1), Duration.ofDays(365));
            once("ttl");
            this.ttl = ttl;
            return this;
        }

        /**
         * Switches the hot tier on or off; off, the tiered store passes everything to the warm store and
         * no Redis connection is made.
         *
         * @param enabled default true
         * @return this builder
         */
        public Builder enabled(boolean enabled) {
            once("enabled");
            this.enabled = enabled;
            return this;
        }

        /**
         * Sets the encoding of members.
         *
         * @param format default {@link HotTierFormat#MESSAGE_PACK}
         * @return this builder
         * @throws IllegalArgumentException when null
         */
        public Builder format(HotTierFormat format) {
            if (format == null) {
                throw new IllegalArgumentException("format must not be null; use HotTierFormat.MESSAGE_PACK or JSON");
            }
            once("format");
            this.format = format;
            return this;
        }

        /**
         * Sets the compression of members.
         *
         * @param compression default {@code HotTierCompression.lz4(1024)}
         * @return this builder
         * @throws IllegalArgumentException when null
         */
        public Builder compression(HotTierCompression compression) {
            if (compression == null) {
                throw new IllegalArgumentException("compression must not be null; use HotTierCompression.none() "
                        + "to switch it off");
            }
            once("compression");
            this.compression = compression;
            return this;
        }

        /**
         * Registers Jackson modules on the hot tier's payload mappers — the modules your
         * {@code JacksonEventSerializer}'s mapper has for your event types (custom value types, Kotlin,
         * parameter names...). Without them, an event the warm tier stores but the hot tier cannot encode
         * is still appended, but its stream is never cached (counted in
         * {@code modularddd.hot_tier.encode_failures}; no Redis failure, so the tier does not back off).
         *
         * @param modules the modules, in registration order
         * @return this builder
         * @throws IllegalArgumentException when a module is null
         * @throws IllegalStateException    when set twice
         */
        public Builder jacksonModules(com.fasterxml.jackson.databind.Module... modules) {
            if (modules == null) {
                throw new IllegalArgumentException("jacksonModules must not be null");
            }
            for (int i = 0; i < modules.length; i++) {
                if (modules[i] == null) {
                    throw new IllegalArgumentException("jacksonModules[" + i + "] must not be null");
                }
            }
            once("jacksonModules");
            this.jacksonModules = List.of(modules);
            return this;
        }

        /**
         * Sets the connect timeout: the most a call waits to reach a server (or for a free pooled connection,
         * together with the read timeout).
         *
         * @param timeout from 1 ms to 60 s; default 500 ms
         * @return this builder
         * @throws IllegalArgumentException when out of range
         */
        public Builder connectTimeout(Duration timeout) {
            checkRange("connectTimeout", timeout, Duration.ofMillis(1), Duration.ofSeconds(60));
            once("connectTimeout");
            this.connectTimeout = timeout;
            return this;
        }

        /**
         * Sets the read timeout: the most a call waits for a reply.
         *
         * @param timeout from 1 ms to 60 s; default 500 ms
         * @return this builder
         * @throws IllegalArgumentException when out of range
         */
        public Builder readTimeout(Duration timeout) {
            checkRange("readTimeout", timeout, Duration.ofMillis(1), Duration.ofSeconds(60));
            once("readTimeout");
            this.readTimeout = timeout;
            return this;
        }

        /**
         * Sets how long the tier leaves Redis alone after a connection failure.
         *
         * @param backoff from 0 to 10 minutes; default 1 s
         * @return this builder
         * @throws IllegalArgumentException when out of range
         */
        public Builder retryAfterFailure(Duration backoff) {
            checkRange("retryAfterFailure", backoff, Duration.ZERO, Duration.ofMinutes(10));
            once("retryAfterFailure");
            this.retryAfterFailure = backoff;
            return this;
        }

        /**
         * Sets the prefix of every key: segments of {@code [A-Za-z0-9_.-]} joined by single colons, at most
         * 64 characters. Give each application (and each test) its own.
         *
         * @param prefix default {@code "modularddd:hot"}
         * @return this builder
         * @throws IllegalArgumentException when the prefix breaks the pattern
         */
        public Builder keyPrefix(String prefix) {
            StreamKeys.checkPrefix(prefix);
            once("keyPrefix");
            this.keyPrefix = prefix;
            return this;
        }

        /**
         * Sets the size of the dedicated connection pool (per node on a cluster).
         *
         * @param connections from 1 to 1024; default 16
         * @return this builder
         * @throws IllegalArgumentException when out of range
         */
        public Builder maxConnections(int connections) {
            if (connections < 1 || connections > 1024) {
                throw new IllegalArgumentException("maxConnections must be between 1 and 1024 but was " + connections);
            }
            once("maxConnections");
            this.maxConnections = connections;
            return this;
        }

        /**
         * Sets how many events one Redis read fetches; large streams are read page by page.
         *
         * @param events from 1 to 10,000; default 500
         * @return this builder
         * @throws IllegalArgumentException when out of range
         */
        public Builder readPageSize(int events) {
            if (events < 1 || events > 10_000) {
                throw new IllegalArgumentException("readPageSize must be between 1 and 10000 but was " + events);
            }
            once("readPageSize");
            this.readPageSize = events;
            return this;
        }

        /**
         * Sets where the tier's meters go (names under {@code modularddd.hot_tier.}).
         *
         * @param registry default: a private {@link SimpleMeterRegistry}
         * @return this builder
         * @throws IllegalArgumentException when null
         */
        public Builder meterRegistry(MeterRegistry registry) {
            if (registry == null) {
                throw new IllegalArgumentException("meterRegistry must not be null");
            }
            once("meterRegistry");
            this.meterRegistry = registry;
            return this;
        }

        /**
         * Sets the clock that times the back-off after failures.
         *
         * @param clock default {@code Clock.systemUTC()}
         * @return this builder
         * @throws IllegalArgumentException when null
         */
        public Builder clock(Clock clock) {
            if (clock == null) {
                throw new IllegalArgumentException("clock must not be null");
            }
            once("clock");
            this.clock = clock;
            return this;
        }

        private static void checkRange(String setting, Duration value, Duration min, Duration max) {
            if (value == null) {
                throw new IllegalArgumentException(setting + " must not be null");
            }
            if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
                throw new IllegalArgumentException(setting + " must be between " + min + " and " + max + " but was "
                        + value);
            }
        }

        /**
         * Builds the hot tier and its connection pool (connections are opened lazily on a standalone
         * server; a cluster client reads the slot map from a seed at once).
         *
         * @return the hot tier
         * @throws IllegalStateException when no registry was set, or the tier is enabled but names no Redis
         */
        public RedisHotTier build() {
            if (registry == null) {
                throw new IllegalStateException("registry(...) is required: the hot tier decodes events only through "
                        + "the EventTypeRegistry");
            }
            if (enabled && endpoints.isEmpty()) {
                throw new IllegalStateException("an enabled hot tier needs a Redis: call uri(\"redis://host:port\") or "
                        + "cluster(...), or enabled(false)");
            }
            if (meterRegistry == null) {
                meterRegistry = new SimpleMeterRegistry();
            }
            return new RedisHotTier(this);
        }
    }
}
