package io.modularddd.eventstore.redis;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.modularddd.core.internal.BuilderChecks;
import io.modularddd.core.serialization.EventSerializer;
import io.modularddd.core.serialization.JacksonEventSerializer;
import java.time.Clock;
import java.time.Duration;
import javax.net.ssl.SSLContext;

/**
 * Configures a {@link RedisHotTier}; start with {@link RedisHotTier#builder()}. Each setter validates
 * its value at once ({@link IllegalArgumentException} naming the setting and the value) and may be
 * called once ({@link IllegalStateException} "... was already set to ..." otherwise, the rule of every
 * builder of the library, ADR 0103); {@link #build()} checks that the settings fit together and builds
 * the tier from an immutable snapshot of them, so a builder may be reused.
 *
 * <p>The hot tier is configured from the warm store's serializer ({@link #serializer}): its event
 * types and its Jackson configuration are the warm store's own, so nothing has to be kept in sync by
 * hand (ADR 0205).
 */
public final class RedisHotTierBuilder {
    /** Server or cluster, credentials, timeouts and pool size, checked as for the other Redis builders. */
    private final RedisConnectionOptions connection = new RedisConnectionOptions("a hot tier",
            RedisHotTier.DEFAULT_CONNECT_TIMEOUT, RedisHotTier.DEFAULT_READ_TIMEOUT,
            RedisHotTier.DEFAULT_MAX_CONNECTIONS);
    private JacksonEventSerializer serializer;
    private Duration ttl = RedisHotTier.DEFAULT_TTL;
    private boolean enabled = true;
    private HotTierFormat format = HotTierFormat.MESSAGE_PACK;
    private HotTierCompression compression = RedisHotTier.DEFAULT_COMPRESSION;
    private Duration retryAfterFailure = RedisHotTier.DEFAULT_RETRY_AFTER_FAILURE;
    private String keyPrefix = StreamKeys.DEFAULT_PREFIX;
    private int readPageSize = RedisHotTier.DEFAULT_READ_PAGE_SIZE;
    private MeterRegistry meterRegistry;
    private Clock clock = Clock.systemUTC();

    RedisHotTierBuilder() {
    }

    /** Refuses a second call of {@code setting}; {@code shown} is how its first value is shown (never a secret). */
    private void once(String setting, Object shown) {
        connection.once(setting, shown);
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
    public RedisHotTierBuilder uri(String uri) {
        connection.uri(uri);
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
    public RedisHotTierBuilder cluster(String... seedUris) {
        connection.cluster(seedUris);
        return this;
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
    public RedisHotTierBuilder credentials(String user, String password) {
        connection.credentials(user, password);
        return this;
    }

    /**
     * Sets the TLS context of {@code rediss://} connections — its trust material (and key material, when
     * the server asks for client certificates) — instead of the JVM default, e.g. to trust a private CA
     * without the JVM-wide {@code javax.net.ssl.*} properties. Either way, the server's certificate must
     * name the host of the URI (DNS name, or IP address as given): host names are always verified.
     *
     * @param context the TLS context; default the JVM's
     * @return this builder
     * @throws IllegalArgumentException when null
     * @throws IllegalStateException    when set twice, or (at build) when the URI is {@code redis://}, not TLS
     */
    public RedisHotTierBuilder sslContext(SSLContext context) {
        connection.sslContext(context);
        return this;
    }

    /**
     * Sets the serializer of the warm store — pass the very {@link JacksonEventSerializer} the warm store
     * was built with. Required. The hot tier takes from it the {@link io.modularddd.core.serialization.EventTypeRegistry}
     * (the only classes it decodes) and the whole Jackson configuration of its {@code ObjectMapper}
     * (modules, mix-ins, naming, features): the hot tier's MessagePack and JSON mappers are copies of it
     * on their own factories, with the hot tier's bounded reads and sorted map keys. So an event type the
     * warm store can store, the hot tier can cache, and there is nothing to keep in sync (ADR 0205).
     *
     * @param serializer the warm store's serializer; a {@code JacksonEventSerializer}
     * @return this builder
     * @throws IllegalArgumentException when null, or not a {@code JacksonEventSerializer} (the hot tier
     *                                  encodes with Jackson and must share the warm store's configuration)
     * @throws IllegalStateException    when set twice
     */
    public RedisHotTierBuilder serializer(EventSerializer serializer) {
        BuilderChecks.notNull("serializer", serializer, "pass the JacksonEventSerializer the warm store was built "
                + "with");
        if (!(serializer instanceof JacksonEventSerializer jackson)) {
            throw new IllegalArgumentException("serializer must be a JacksonEventSerializer but was a "
                    + serializer.getClass().getName() + ": the hot tier encodes events with Jackson and takes its "
                    + "event types and Jackson configuration from the warm store's serializer. Build the warm store "
                    + "with a JacksonEventSerializer and pass the same instance here");
        }
        once("serializer", this.serializer == null ? null : "a " + this.serializer.getClass().getName());
        this.serializer = jackson;
        return this;
    }

    /**
     * Sets how long a stream stays in Redis after its last write (the profile's {@code hot_storage_ttl}).
     *
     * @param ttl from 1 second to 365 days; default 1 hour
     * @return this builder
     * @throws IllegalArgumentException when out of range
     */
    public RedisHotTierBuilder ttl(Duration ttl) {
        BuilderChecks.inRange("ttl", ttl, Duration.ofSeconds(1), Duration.ofDays(365));
        once("ttl", this.ttl);
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
    public RedisHotTierBuilder enabled(boolean enabled) {
        once("enabled", this.enabled);
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
    public RedisHotTierBuilder format(HotTierFormat format) {
        BuilderChecks.notNull("format", format, "use HotTierFormat.MESSAGE_PACK or JSON");
        once("format", this.format);
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
    public RedisHotTierBuilder compression(HotTierCompression compression) {
        BuilderChecks.notNull("compression", compression, "use HotTierCompression.none() to switch it off");
        once("compression", this.compression);
        this.compression = compression;
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
    public RedisHotTierBuilder connectTimeout(Duration timeout) {
        connection.connectTimeout(timeout);
        return this;
    }

    /**
     * Sets the read timeout: the most a call waits for a reply.
     *
     * @param timeout from 1 ms to 60 s; default 500 ms
     * @return this builder
     * @throws IllegalArgumentException when out of range
     */
    public RedisHotTierBuilder readTimeout(Duration timeout) {
        connection.readTimeout(timeout);
        return this;
    }

    /**
     * Sets how long the tier leaves Redis alone after a connection failure.
     *
     * @param backoff from 0 to 10 minutes; default 1 s
     * @return this builder
     * @throws IllegalArgumentException when out of range
     */
    public RedisHotTierBuilder retryAfterFailure(Duration backoff) {
        BuilderChecks.inRange("retryAfterFailure", backoff, Duration.ZERO, Duration.ofMinutes(10));
        once("retryAfterFailure", this.retryAfterFailure);
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
    public RedisHotTierBuilder keyPrefix(String prefix) {
        StreamKeys.checkPrefix(prefix);
        once("keyPrefix", "\"" + this.keyPrefix + "\"");
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
    public RedisHotTierBuilder maxConnections(int connections) {
        connection.maxConnections(connections);
        return this;
    }

    /**
     * Sets how many events one Redis read fetches; large streams are read page by page.
     *
     * @param events from 1 to 10,000; default 500
     * @return this builder
     * @throws IllegalArgumentException when out of range
     */
    public RedisHotTierBuilder readPageSize(int events) {
        BuilderChecks.inRange("readPageSize", events, 1, 10_000);
        once("readPageSize", this.readPageSize);
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
    public RedisHotTierBuilder meterRegistry(MeterRegistry registry) {
        BuilderChecks.notNull("meterRegistry", registry);
        once("meterRegistry", meterRegistry == null ? null : "a " + meterRegistry.getClass().getName());
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
    public RedisHotTierBuilder clock(Clock clock) {
        BuilderChecks.notNull("clock", clock);
        once("clock", this.clock);
        this.clock = clock;
        return this;
    }

    /**
     * Builds the hot tier and its connection pool (connections are opened lazily on a standalone
     * server; a cluster client reads the slot map from a seed at once).
     *
     * @return the hot tier
     * @throws IllegalStateException when no serializer was set, or the tier is enabled but names no Redis
     */
    public RedisHotTier build() {
        if (serializer == null) {
            throw new IllegalStateException("serializer(...) is required: pass the JacksonEventSerializer of the "
                    + "warm store; the hot tier decodes events only through its EventTypeRegistry");
        }
        if (enabled && !connection.hasEndpoints()) {
            throw new IllegalStateException("an enabled hot tier needs a Redis: call uri(\"redis://host:port\") or "
                    + "cluster(...), or enabled(false)");
        }
        return new RedisHotTier(new HotTierSettings(enabled, connection.settings("modularddd-hot-tier"), serializer,
                keyPrefix, ttl, format, compression, retryAfterFailure, readPageSize,
                meterRegistry != null ? meterRegistry : new SimpleMeterRegistry(), clock));
    }
}
