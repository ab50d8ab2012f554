package io.modularddd.eventstore.redis;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.modularddd.core.internal.BuilderChecks;
import java.time.Clock;
import java.time.Duration;
import javax.net.ssl.SSLContext;

/**
 * Configures a {@link RedisMetricsCollector}; start with {@link RedisMetricsCollector#builder()}. Each setter
 * validates its value at once ({@link IllegalArgumentException} naming the setting and the value) and may
 * be called once ({@link IllegalStateException} otherwise), the rule of every builder of the library
 * (ADR 0103); {@link #build()} checks that a Redis was named. A password is never shown in a message,
 * a log line or {@code toString()}.
 */
public final class RedisMetricsCollectorBuilder {

    private final RedisConnectionOptions connection = new RedisConnectionOptions("metrics in Redis",
            RedisAggregateStats.DEFAULT_CONNECT_TIMEOUT, RedisAggregateStats.DEFAULT_READ_TIMEOUT,
            RedisAggregateStats.DEFAULT_MAX_CONNECTIONS);
    private String keyPrefix = RedisMetricsCollector.DEFAULT_KEY_PREFIX;
    private Duration window = RedisMetricsCollector.DEFAULT_WINDOW;
    private int maxTypes = RedisMetricsCollector.DEFAULT_MAX_TYPES;
    private Duration retryAfterFailure = RedisAggregateStats.DEFAULT_RETRY_AFTER_FAILURE;
    private Clock clock = Clock.systemUTC();
    private MeterRegistry meterRegistry;
    private Duration batchEvery;

    RedisMetricsCollectorBuilder() {
    }

    /**
     * Uses one standalone Redis server: {@code redis[s]://[[user]:password@]host[:port][/database]}.
     *
     * @param uri the server's URI
     * @return this builder
     * @throws IllegalArgumentException when the URI is malformed (shown without its credentials)
     * @throws IllegalStateException    when a server or cluster was already set
     */
    public RedisMetricsCollectorBuilder uri(String uri) {
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
    public RedisMetricsCollectorBuilder cluster(String... seedUris) {
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
    public RedisMetricsCollectorBuilder credentials(String user, String password) {
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
    public RedisMetricsCollectorBuilder sslContext(SSLContext context) {
        connection.sslContext(context);
        return this;
    }

    /**
     * Sets the prefix of every key: segments of {@code [A-Za-z0-9_.-]} joined by single colons, at most 64
     * characters. Every node that should see the same summaries uses the same prefix.
     *
     * @param prefix default {@code "modularddd:metrics"}
     * @return this builder
     * @throws IllegalArgumentException when the prefix breaks the pattern
     * @throws IllegalStateException    when set twice
     */
    public RedisMetricsCollectorBuilder keyPrefix(String prefix) {
        StreamKeys.checkPrefix(prefix);
        connection.once("keyPrefix", "\"" + keyPrefix + "\"");
        keyPrefix = prefix;
        return this;
    }

    /**
     * Sets how many distinct types each node tracks per kind and window; further ones are recorded under
     * {@link io.modularddd.core.metrics.MetricsCollector#OVERFLOW_TYPE}.
     *
     * @param max from 1 to {@value RedisMetricsCollector#MAX_MAX_TYPES}; default
     *            {@value RedisMetricsCollector#DEFAULT_MAX_TYPES}
     * @return this builder
     * @throws IllegalArgumentException when out of range
     * @throws IllegalStateException    when set twice
     */
    public RedisMetricsCollectorBuilder maxTypes(int max) {
        BuilderChecks.inRange("maxTypes", max, 1, RedisMetricsCollector.MAX_MAX_TYPES);
        connection.once("maxTypes", maxTypes);
        maxTypes = max;
        return this;
    }

    /**
     * Sets the window: how long the summaries (and an aggregate's counters) are kept from their first sample
     * (the TTL of their keys); a sample after it starts a new window.
     *
     * @param window from 1 second to 1 day; default 5 minutes
     * @return this builder
     * @throws IllegalArgumentException when null or out of range
     * @throws IllegalStateException    when set twice
     */
    public RedisMetricsCollectorBuilder window(Duration window) {
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
    public RedisMetricsCollectorBuilder connectTimeout(Duration timeout) {
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
    public RedisMetricsCollectorBuilder readTimeout(Duration timeout) {
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
    public RedisMetricsCollectorBuilder maxConnections(int connections) {
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
    public RedisMetricsCollectorBuilder retryAfterFailure(Duration backoff) {
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
    public RedisMetricsCollectorBuilder clock(Clock clock) {
        BuilderChecks.notNull("clock", clock);
        connection.once("clock", this.clock);
        this.clock = clock;
        return this;
    }

    /**
     * Sets where the meters {@code modularddd.metrics.dropped} (tags {@code collector=<keyPrefix>},
     * {@code operation}) and {@code modularddd.aggregate_stats.dropped} go.
     *
     * @param registry default: a private {@link SimpleMeterRegistry}
     * @return this builder
     * @throws IllegalArgumentException when null
     * @throws IllegalStateException    when set twice
     */
    public RedisMetricsCollectorBuilder meterRegistry(MeterRegistry registry) {
        BuilderChecks.notNull("meterRegistry", registry);
        connection.once("meterRegistry", meterRegistry == null ? null : "a " + meterRegistry.getClass().getName());
        meterRegistry = registry;
        return this;
    }

    /**
     * Batches samples: each execution is summed per type in this process (no round trip in the caller's thread)
     * and a daemon thread sends the sums every {@code interval} in one {@code MULTI ... EXEC} per kind; summaries
     * and {@code close()} send what is pending first. Without it (the default) each sample is one round trip in
     * the caller's thread — cheap next to a command, not next to a query answered from memory.
     *
     * @param interval from 10 ms to 1 minute
     * @return this builder
     * @throws IllegalArgumentException when null or out of range
     * @throws IllegalStateException    when set twice
     */
    public RedisMetricsCollectorBuilder batchEvery(Duration interval) {
        BuilderChecks.inRange("batchEvery", interval, Duration.ofMillis(10), Duration.ofMinutes(1));
        connection.once("batchEvery", batchEvery);
        batchEvery = interval;
        return this;
    }

    /**
     * Builds the collector and its two connection pools, for the summaries and the aggregate statistics
     * (connections are opened lazily on a standalone
     * server; a cluster client reads the slot map from a seed at once).
     *
     * @return the collector
     * @throws IllegalStateException when neither {@link #uri} nor {@link #cluster} was called
     */
    public RedisMetricsCollector build() {
        return new RedisMetricsCollector(connection.build("modularddd-metrics"), keyPrefix, window, maxTypes,
                retryAfterFailure, clock, meterRegistry != null ? meterRegistry : new SimpleMeterRegistry(), batchEvery);
    }
}
