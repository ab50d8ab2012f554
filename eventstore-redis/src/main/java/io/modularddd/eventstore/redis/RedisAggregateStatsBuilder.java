package io.modularddd.eventstore.redis;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.modularddd.core.internal.BuilderChecks;
import java.time.Clock;
import java.time.Duration;
import javax.net.ssl.SSLContext;

/**
 * Configures a {@link RedisAggregateStats}; start with {@link RedisAggregateStats#builder()}. Each setter
 * validates its value at once ({@link IllegalArgumentException} naming the setting and the value) and may
 * be called once ({@link IllegalStateException} otherwise), the rule of every builder of the library
 * (ADR 0103); {@link #build()} checks that a Redis was named. A password is never shown in a message,
 * a log line or {@code toString()}.
 */
public final class RedisAggregateStatsBuilder {

    private final RedisConnectionOptions connection = new RedisConnectionOptions("aggregate statistics in Redis",
            RedisAggregateStats.DEFAULT_CONNECT_TIMEOUT, RedisAggregateStats.DEFAULT_READ_TIMEOUT,
            RedisAggregateStats.DEFAULT_MAX_CONNECTIONS);
    private String keyPrefix = RedisAggregateStats.DEFAULT_KEY_PREFIX;
    private Duration window = RedisAggregateStats.DEFAULT_WINDOW;
    private Duration retryAfterFailure = RedisAggregateStats.DEFAULT_RETRY_AFTER_FAILURE;
    private Clock clock = Clock.systemUTC();
    private MeterRegistry meterRegistry;

    RedisAggregateStatsBuilder() {
    }

    /**
     * Uses one standalone Redis server: {@code redis[s]://[[user]:password@]host[:port][/database]}.
     *
     * @param uri the server's URI
     * @return this builder
     * @throws IllegalArgumentException when the URI is malformed (shown without its credentials)
     * @throws IllegalStateException    when a server or cluster was already set
     */
    public RedisAggregateStatsBuilder uri(String uri) {
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
    public RedisAggregateStatsBuilder cluster(String... seedUris) {
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
    public RedisAggregateStatsBuilder credentials(String user, String password) {
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
    public RedisAggregateStatsBuilder sslContext(SSLContext context) {
        connection.sslContext(context);
        return this;
    }

    /**
     * Sets the prefix of every key: segments of {@code [A-Za-z0-9_.-]} joined by single colons, at most 64
     * characters. Every node that should see the same statistics uses the same prefix.
     *
     * @param prefix default {@code "modularddd:stats"}
     * @return this builder
     * @throws IllegalArgumentException when the prefix breaks the pattern
     * @throws IllegalStateException    when set twice
     */
    public RedisAggregateStatsBuilder keyPrefix(String prefix) {
        StreamKeys.checkPrefix(prefix);
        connection.once("keyPrefix", "\"" + keyPrefix + "\"");
        keyPrefix = prefix;
        return this;
    }

    /**
     * Sets the window: how long an aggregate's counters are kept from its first sample (the TTL of its
     * hash); a sample after it starts a new window.
     *
     * @param window from 1 second to 1 day; default 5 minutes
     * @return this builder
     * @throws IllegalArgumentException when null or out of range
     * @throws IllegalStateException    when set twice
     */
    public RedisAggregateStatsBuilder window(Duration window) {
        BuilderChecks.inRange("window", window, Duration.ofSeconds(1), Duration.ofDays(1));
        connection.once("window", this.window);
        this.window = window;
        return this;
    }

    /**
     * Sets the connect timeout: the most a call waits to reach a server (or for a free pooled connection,
     * together with the read timeout). Recording runs in the caller's thread: keep it short.
     *
     * @param timeout from 1 ms to 60 s; default 250 ms
     * @return this builder
     * @throws IllegalArgumentException when null or out of range
     * @throws IllegalStateException    when set twice
     */
    public RedisAggregateStatsBuilder connectTimeout(Duration timeout) {
        connection.connectTimeout(timeout);
        return this;
    }

    /**
     * Sets the read timeout: the most a call waits for a reply.
     *
     * @param timeout from 1 ms to 60 s; default 250 ms
     * @return this builder
     * @throws IllegalArgumentException when null or out of range
     * @throws IllegalStateException    when set twice
     */
    public RedisAggregateStatsBuilder readTimeout(Duration timeout) {
        connection.readTimeout(timeout);
        return this;
    }

    /**
     * Sets the size of the dedicated connection pool (per node on a cluster).
     *
     * @param connections from 1 to 1024; default 8
     * @return this builder
     * @throws IllegalArgumentException when out of range
     * @throws IllegalStateException    when set twice
     */
    public RedisAggregateStatsBuilder maxConnections(int connections) {
        connection.maxConnections(connections);
        return this;
    }

    /**
     * Sets how long Redis is left alone after a connection failure (samples meanwhile are dropped and
     * counted).
     *
     * @param backoff from 0 to 10 minutes; default 1 s
     * @return this builder
     * @throws IllegalArgumentException when null or out of range
     * @throws IllegalStateException    when set twice
     */
    public RedisAggregateStatsBuilder retryAfterFailure(Duration backoff) {
        BuilderChecks.inRange("retryAfterFailure", backoff, Duration.ZERO, Duration.ofMinutes(10));
        connection.once("retryAfterFailure", retryAfterFailure);
        retryAfterFailure = backoff;
        return this;
    }

    /**
     * Sets the clock that stamps a window's start, measures loads per second and times the back-off.
     *
     * @param clock default {@code Clock.systemUTC()}
     * @return this builder
     * @throws IllegalArgumentException when null
     * @throws IllegalStateException    when set twice
     */
    public RedisAggregateStatsBuilder clock(Clock clock) {
        BuilderChecks.notNull("clock", clock);
        connection.once("clock", this.clock);
        this.clock = clock;
        return this;
    }

    /**
     * Sets where the meter {@code modularddd.aggregate_stats.dropped} goes (tags {@code stats=<keyPrefix>},
     * {@code operation}; never an aggregate id).
     *
     * @param registry default: a private {@link SimpleMeterRegistry}
     * @return this builder
     * @throws IllegalArgumentException when null
     * @throws IllegalStateException    when set twice
     */
    public RedisAggregateStatsBuilder meterRegistry(MeterRegistry registry) {
        BuilderChecks.notNull("meterRegistry", registry);
        connection.once("meterRegistry", meterRegistry == null ? null : "a " + meterRegistry.getClass().getName());
        meterRegistry = registry;
        return this;
    }

    /**
     * Builds the statistics and their connection pool (connections are opened lazily on a standalone
     * server; a cluster client reads the slot map from a seed at once).
     *
     * @return the statistics
     * @throws IllegalStateException when neither {@link #uri} nor {@link #cluster} was called
     */
    public RedisAggregateStats build() {
        return new RedisAggregateStats(connection.build("modularddd-aggregate-stats"), keyPrefix, window,
                retryAfterFailure, clock, meterRegistry != null ? meterRegistry : new SimpleMeterRegistry());
    }
}
