package io.modularddd.eventstore.redis;

import io.modularddd.core.internal.BuilderChecks;
import java.time.Duration;
import javax.net.ssl.SSLContext;

/**
 * Configures a {@link RedisCacheTier}; start with {@link RedisCacheTier#builder()}. Each setter validates
 * its value at once ({@link IllegalArgumentException} naming the setting and the value) and may be called
 * once ({@link IllegalStateException} otherwise), the rule of every builder of the library (ADR 0103);
 * {@link #build()} checks that a Redis was named. A password is never shown in a message, a log line or
 * {@code toString()}.
 *
 * <p>Every node of an application that shares a cache must use the same Redis and key prefix: the prefix
 * is the cache's namespace (and {@link RedisCacheInvalidationBusBuilder#keyPrefix} derives the
 * invalidation channel from it).
 */
public final class RedisCacheTierBuilder {

    private final RedisConnectionOptions connection = new RedisConnectionOptions("a Redis cache tier",
            RedisCacheTier.DEFAULT_CONNECT_TIMEOUT, RedisCacheTier.DEFAULT_READ_TIMEOUT,
            RedisCacheTier.DEFAULT_MAX_CONNECTIONS);
    private String keyPrefix = RedisCacheTier.DEFAULT_KEY_PREFIX;
    private Duration promotionTtl = RedisCacheTier.DEFAULT_PROMOTION_TTL;
    private Duration maxLoadTime = RedisCacheTier.DEFAULT_MAX_LOAD_TIME;
    private int maxValueBytes = RedisCacheTier.DEFAULT_MAX_VALUE_BYTES;

    RedisCacheTierBuilder() {
    }

    /**
     * Uses one standalone Redis server: {@code redis[s]://[[user]:password@]host[:port][/database]}.
     *
     * @param uri the server's URI
     * @return this builder
     * @throws IllegalArgumentException when the URI is malformed (shown without its credentials)
     * @throws IllegalStateException    when a server or cluster was already set
     */
    public RedisCacheTierBuilder uri(String uri) {
        connection.uri(uri);
        return this;
    }

    /**
     * Uses a Redis Cluster, discovered from one or more seed nodes ({@code redis[s]://host:port}).
     *
     * @param seedUris the seed nodes' URIs, at least one; all with the same TLS setting and credentials
     * @return this builder
     * @throws IllegalArgumentException when there is no seed, a URI is malformed, names a database other
     *                                  than 0, or the seeds disagree on TLS or credentials
     * @throws IllegalStateException    when a server or cluster was already set
     */
    public RedisCacheTierBuilder cluster(String... seedUris) {
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
    public RedisCacheTierBuilder credentials(String user, String password) {
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
    public RedisCacheTierBuilder sslContext(SSLContext context) {
        connection.sslContext(context);
        return this;
    }

    /**
     * Sets the prefix of every key, the cache's namespace: segments of {@code [A-Za-z0-9_.-]} joined by
     * single colons, at most 64 characters. {@link RedisCacheTier#clear()} removes this namespace only.
     *
     * @param prefix default {@code "modularddd:cache"}
     * @return this builder
     * @throws IllegalArgumentException when the prefix breaks the pattern
     * @throws IllegalStateException    when set twice
     */
    public RedisCacheTierBuilder keyPrefix(String prefix) {
        StreamKeys.checkPrefix(prefix);
        connection.once("keyPrefix", "\"" + keyPrefix + "\"");
        keyPrefix = prefix;
        return this;
    }

    /**
     * Sets how long an entry promoted into this tier from a lower one stays (never beyond its own expiry).
     *
     * @param ttl from 1 second to 30 days; default 15 minutes
     * @return this builder
     * @throws IllegalArgumentException when null or out of range
     * @throws IllegalStateException    when set twice
     */
    public RedisCacheTierBuilder promotionTtl(Duration ttl) {
        BuilderChecks.inRange("promotionTtl", ttl, Duration.ofSeconds(1), Duration.ofDays(30));
        connection.once("promotionTtl", promotionTtl);
        promotionTtl = ttl;
        return this;
    }

    /**
     * Sets the longest a load may take between its miss and its put. Invalidation markers live this long
     * (plus {@value RedisCacheTier#MARKER_SLACK_MILLIS} ms); a put whose miss is older is refused, so a
     * slow load can never store a value an invalidation it did not see has made stale.
     *
     * @param maxLoadTime from 10 ms to 1 hour; default 60 seconds
     * @return this builder
     * @throws IllegalArgumentException when null or out of range
     * @throws IllegalStateException    when set twice
     */
    public RedisCacheTierBuilder maxLoadTime(Duration maxLoadTime) {
        BuilderChecks.inRange("maxLoadTime", maxLoadTime, Duration.ofMillis(10), Duration.ofHours(1));
        connection.once("maxLoadTime", this.maxLoadTime);
        this.maxLoadTime = maxLoadTime;
        return this;
    }

    /**
     * Sets the largest encoded value the tier stores; a larger one is refused with an
     * {@link io.modularddd.core.InvalidInputException}.
     *
     * @param bytes from 1 KiB to 256 MiB; default 8 MiB
     * @return this builder
     * @throws IllegalArgumentException when out of range
     * @throws IllegalStateException    when set twice
     */
    public RedisCacheTierBuilder maxValueBytes(int bytes) {
        BuilderChecks.inRange("maxValueBytes", bytes, 1024, 256 * 1024 * 1024);
        connection.once("maxValueBytes", maxValueBytes);
        maxValueBytes = bytes;
        return this;
    }

    /**
     * Sets the connect timeout: the most a call waits to reach a server (or for a free pooled connection,
     * together with the read timeout).
     *
     * @param timeout from 1 ms to 60 s; default 250 ms
     * @return this builder
     * @throws IllegalArgumentException when null or out of range
     * @throws IllegalStateException    when set twice
     */
    public RedisCacheTierBuilder connectTimeout(Duration timeout) {
        connection.connectTimeout(timeout);
        return this;
    }

    /**
     * Sets the read timeout: the most a call waits for a reply.
     *
     * @param timeout from 1 ms to 60 s; default 1 s
     * @return this builder
     * @throws IllegalArgumentException when null or out of range
     * @throws IllegalStateException    when set twice
     */
    public RedisCacheTierBuilder readTimeout(Duration timeout) {
        connection.readTimeout(timeout);
        return this;
    }

    /**
     * Sets the size of the dedicated connection pool (per node on a cluster).
     *
     * @param connections from 1 to 1024; default 16
     * @return this builder
     * @throws IllegalArgumentException when out of range
     * @throws IllegalStateException    when set twice
     */
    public RedisCacheTierBuilder maxConnections(int connections) {
        connection.maxConnections(connections);
        return this;
    }

    /**
     * Builds the tier and its connection pool (connections are opened lazily on a standalone server; a
     * cluster client reads the slot map from a seed at once).
     *
     * @return the tier
     * @throws IllegalStateException when neither {@link #uri} nor {@link #cluster} was called
     */
    public RedisCacheTier build() {
        return new RedisCacheTier(connection.build("modularddd-cache"), keyPrefix, promotionTtl, maxLoadTime,
                maxValueBytes);
    }
}
