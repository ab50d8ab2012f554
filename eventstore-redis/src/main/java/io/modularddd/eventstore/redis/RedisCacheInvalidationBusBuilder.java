package io.modularddd.eventstore.redis;

import io.modularddd.core.internal.BuilderChecks;
import java.time.Duration;
import javax.net.ssl.SSLContext;

/**
 * Configures a {@link RedisCacheInvalidationBus}; start with {@link RedisCacheInvalidationBus#builder()}.
 * Each setter validates its value at once ({@link IllegalArgumentException} naming the setting and the
 * value) and may be called once ({@link IllegalStateException} otherwise), the rule of every builder of
 * the library (ADR 0103); {@link #build()} checks that a Redis was named and cross-checks the backoff. A
 * password is never shown in a message, a log line or {@code toString()}.
 *
 * <p>The channel is {@code <keyPrefix>:invalidations} — give the bus the key prefix of the
 * {@link RedisCacheTier} it accompanies — or exactly what {@link #channel} sets. Every node of one cache
 * must use the same channel.
 */
public final class RedisCacheInvalidationBusBuilder {

    private final RedisConnectionOptions connection = new RedisConnectionOptions("a Redis cache invalidation bus",
            RedisCacheInvalidationBus.DEFAULT_CONNECT_TIMEOUT, RedisCacheInvalidationBus.DEFAULT_READ_TIMEOUT,
            RedisCacheInvalidationBus.DEFAULT_MAX_CONNECTIONS);
    private String keyPrefix = RedisCacheTier.DEFAULT_KEY_PREFIX;
    private boolean keyPrefixSet;
    private String channel;
    private Duration minBackoff = RedisCacheInvalidationBus.DEFAULT_MIN_BACKOFF;
    private Duration maxBackoff = RedisCacheInvalidationBus.DEFAULT_MAX_BACKOFF;
    private Duration heartbeat = RedisCacheInvalidationBus.DEFAULT_HEARTBEAT;

    RedisCacheInvalidationBusBuilder() {
    }

    /**
     * Uses one standalone Redis server: {@code redis[s]://[[user]:password@]host[:port][/database]}.
     *
     * @param uri the server's URI
     * @return this builder
     * @throws IllegalArgumentException when the URI is malformed (shown without its credentials)
     * @throws IllegalStateException    when a server or cluster was already set
     */
    public RedisCacheInvalidationBusBuilder uri(String uri) {
        connection.uri(uri);
        return this;
    }

    /**
     * Uses a Redis Cluster: the subscription goes to one seed at a time (the next one after each failure);
     * a {@code PUBLISH} on any node reaches it.
     *
     * @param seedUris the seed nodes' URIs, at least one; all with the same TLS setting and credentials
     * @return this builder
     * @throws IllegalArgumentException when there is no seed, a URI is malformed, names a database other
     *                                  than 0, or the seeds disagree on TLS or credentials
     * @throws IllegalStateException    when a server or cluster was already set
     */
    public RedisCacheInvalidationBusBuilder cluster(String... seedUris) {
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
    public RedisCacheInvalidationBusBuilder credentials(String user, String password) {
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
    public RedisCacheInvalidationBusBuilder sslContext(SSLContext context) {
        connection.sslContext(context);
        return this;
    }

    /**
     * Sets the cache's key prefix, from which the channel {@code <prefix>:invalidations} is derived.
     *
     * @param prefix default {@code "modularddd:cache"}; the rules of {@link RedisCacheTierBuilder#keyPrefix}
     * @return this builder
     * @throws IllegalArgumentException when the prefix breaks the pattern
     * @throws IllegalStateException    when set twice, or together with {@link #channel}
     */
    public RedisCacheInvalidationBusBuilder keyPrefix(String prefix) {
        StreamKeys.checkPrefix(prefix);
        BuilderChecks.noConflict(channel != null, "keyPrefix cannot be combined with channel(...): the channel "
                + "is either derived from the key prefix or given");
        connection.once("keyPrefix", "\"" + keyPrefix + "\"");
        keyPrefix = prefix;
        keyPrefixSet = true;
        return this;
    }

    /**
     * Sets the channel exactly, instead of deriving it from the key prefix.
     *
     * @param channel the channel: the rules of a key prefix, e.g. {@code "myapp:cache:invalidations"}
     * @return this builder
     * @throws IllegalArgumentException when the channel breaks the pattern
     * @throws IllegalStateException    when set twice, or together with {@link #keyPrefix}
     */
    public RedisCacheInvalidationBusBuilder channel(String channel) {
        StreamKeys.checkPrefix(channel);
        BuilderChecks.noConflict(keyPrefixSet,
                "channel cannot be combined with keyPrefix(...): the channel is either derived from the key "
                        + "prefix or given");
        connection.once("channel", "(derived from the key prefix)");
        this.channel = channel;
        return this;
    }

    /**
     * Sets the first wait before subscribing again after the subscription dropped; it doubles (with
     * jitter) after each failed attempt up to {@link #maxBackoff}.
     *
     * @param backoff from 1 ms to 1 minute; default 100 ms
     * @return this builder
     * @throws IllegalArgumentException when null or out of range
     * @throws IllegalStateException    when set twice
     */
    public RedisCacheInvalidationBusBuilder minBackoff(Duration backoff) {
        BuilderChecks.inRange("minBackoff", backoff, Duration.ofMillis(1), Duration.ofMinutes(1));
        connection.once("minBackoff", minBackoff);
        minBackoff = backoff;
        return this;
    }

    /**
     * Sets the longest wait between attempts to subscribe again.
     *
     * @param backoff from 1 ms to 10 minutes, not below the minimum backoff; default 5 s
     * @return this builder
     * @throws IllegalArgumentException when null or out of range
     * @throws IllegalStateException    when set twice
     */
    public RedisCacheInvalidationBusBuilder maxBackoff(Duration backoff) {
        BuilderChecks.inRange("maxBackoff", backoff, Duration.ofMillis(1), Duration.ofMinutes(10));
        connection.once("maxBackoff", maxBackoff);
        maxBackoff = backoff;
        return this;
    }

    /**
     * Sets how often the subscription is checked with a {@code PING}; with no answer for two heartbeats
     * and a read timeout, the connection is closed and the bus subscribes again (a gap).
     *
     * @param interval from 100 ms to 10 minutes; default 5 s
     * @return this builder
     * @throws IllegalArgumentException when null or out of range
     * @throws IllegalStateException    when set twice
     */
    public RedisCacheInvalidationBusBuilder heartbeat(Duration interval) {
        BuilderChecks.inRange("heartbeat", interval, Duration.ofMillis(100), Duration.ofMinutes(10));
        connection.once("heartbeat", heartbeat);
        heartbeat = interval;
        return this;
    }

    /**
     * Sets the connect timeout of the subscription and of publishing.
     *
     * @param timeout from 1 ms to 60 s; default 250 ms
     * @return this builder
     * @throws IllegalArgumentException when null or out of range
     * @throws IllegalStateException    when set twice
     */
    public RedisCacheInvalidationBusBuilder connectTimeout(Duration timeout) {
        connection.connectTimeout(timeout);
        return this;
    }

    /**
     * Sets the read timeout of publishing (a subscription waits for messages without one; the heartbeat
     * watches it instead).
     *
     * @param timeout from 1 ms to 60 s; default 1 s
     * @return this builder
     * @throws IllegalArgumentException when null or out of range
     * @throws IllegalStateException    when set twice
     */
    public RedisCacheInvalidationBusBuilder readTimeout(Duration timeout) {
        connection.readTimeout(timeout);
        return this;
    }

    /**
     * Sets the size of the publishing connection pool (per node on a cluster).
     *
     * @param connections from 1 to 1024; default 4
     * @return this builder
     * @throws IllegalArgumentException when out of range
     * @throws IllegalStateException    when set twice
     */
    public RedisCacheInvalidationBusBuilder maxConnections(int connections) {
        connection.maxConnections(connections);
        return this;
    }

    /**
     * Builds the bus: opens the publishing pool and starts subscribing at once (in the background; the
     * first subscription is announced to listeners with {@code onGap()}).
     *
     * @return the bus
     * @throws IllegalStateException    when neither {@link #uri} nor {@link #cluster} was called
     * @throws IllegalArgumentException when the maximum backoff is below the minimum
     */
    public RedisCacheInvalidationBus build() {
        if (maxBackoff.compareTo(minBackoff) < 0) {
            throw new IllegalArgumentException("maxBackoff (" + maxBackoff + ") must not be below minBackoff ("
                    + minBackoff + ")");
        }
        return new RedisCacheInvalidationBus(connection.build("modularddd-cache-publish"),
                channel != null ? channel : keyPrefix + RedisCacheInvalidationBus.CHANNEL_SUFFIX, minBackoff,
                maxBackoff, heartbeat);
    }
}
