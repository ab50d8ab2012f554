package io.modularddd.eventstore.redis;

import io.modularddd.core.internal.BuilderChecks;
import java.time.Duration;
import javax.net.ssl.SSLContext;

/**
 * Configures a {@link RedisSnapshotStore}; start with {@link RedisSnapshotStore#builder()}. Each setter
 * validates its value at once ({@link IllegalArgumentException} naming the setting and the value) and may
 * be called once ({@link IllegalStateException} otherwise), the rule of every builder of the library
 * (ADR 0103); {@link #build()} checks that a Redis was named. A password is never shown in a message,
 * a log line or {@code toString()}.
 */
public final class RedisSnapshotStoreBuilder {

    private final RedisConnectionOptions connection = new RedisConnectionOptions("a Redis snapshot store",
            RedisSnapshotStore.DEFAULT_CONNECT_TIMEOUT, RedisSnapshotStore.DEFAULT_READ_TIMEOUT,
            RedisSnapshotStore.DEFAULT_MAX_CONNECTIONS);
    private String keyPrefix = RedisSnapshotStore.DEFAULT_KEY_PREFIX;
    private Duration ttl = RedisSnapshotStore.DEFAULT_TTL;
    private int maxSaveAttempts = RedisSnapshotStore.DEFAULT_MAX_SAVE_ATTEMPTS;

    RedisSnapshotStoreBuilder() {
    }

    /**
     * Uses one standalone Redis server: {@code redis[s]://[[user]:password@]host[:port][/database]}.
     *
     * @param uri the server's URI
     * @return this builder
     * @throws IllegalArgumentException when the URI is malformed (shown without its credentials)
     * @throws IllegalStateException    when a server or cluster was already set
     */
    public RedisSnapshotStoreBuilder uri(String uri) {
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
    public RedisSnapshotStoreBuilder cluster(String... seedUris) {
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
    public RedisSnapshotStoreBuilder credentials(String user, String password) {
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
    public RedisSnapshotStoreBuilder sslContext(SSLContext context) {
        connection.sslContext(context);
        return this;
    }

    /**
     * Sets the prefix of every key: segments of {@code [A-Za-z0-9_.-]} joined by single colons, at most 64
     * characters. Give each application its own.
     *
     * @param prefix default {@code "modularddd:snap"}
     * @return this builder
     * @throws IllegalArgumentException when the prefix breaks the pattern
     * @throws IllegalStateException    when set twice
     */
    public RedisSnapshotStoreBuilder keyPrefix(String prefix) {
        StreamKeys.checkPrefix(prefix);
        connection.once("keyPrefix", "\"" + keyPrefix + "\"");
        keyPrefix = prefix;
        return this;
    }

    /**
     * Sets how long a snapshot stays in Redis after it was saved.
     *
     * @param ttl from 1 second to 365 days; default 7 days
     * @return this builder
     * @throws IllegalArgumentException when null or out of range
     * @throws IllegalStateException    when set twice
     */
    public RedisSnapshotStoreBuilder ttl(Duration ttl) {
        BuilderChecks.inRange("ttl", ttl, Duration.ofSeconds(1), Duration.ofDays(365));
        connection.once("ttl", this.ttl);
        this.ttl = ttl;
        return this;
    }

    /**
     * Sets the connect timeout: the most a call waits to reach a server (or for a free pooled connection,
     * together with the read timeout).
     *
     * @param timeout from 1 ms to 60 s; default 500 ms
     * @return this builder
     * @throws IllegalArgumentException when null or out of range
     * @throws IllegalStateException    when set twice
     */
    public RedisSnapshotStoreBuilder connectTimeout(Duration timeout) {
        connection.connectTimeout(timeout);
        return this;
    }

    /**
     * Sets the read timeout: the most a call waits for a reply.
     *
     * @param timeout from 1 ms to 60 s; default 2 s
     * @return this builder
     * @throws IllegalArgumentException when null or out of range
     * @throws IllegalStateException    when set twice
     */
    public RedisSnapshotStoreBuilder readTimeout(Duration timeout) {
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
    public RedisSnapshotStoreBuilder maxConnections(int connections) {
        connection.maxConnections(connections);
        return this;
    }

    /**
     * Sets how many times one save tries its compare-and-set while other writers change the same key.
     *
     * @param attempts from 1 to 1000; default 32
     * @return this builder
     * @throws IllegalArgumentException when out of range
     * @throws IllegalStateException    when set twice
     */
    public RedisSnapshotStoreBuilder maxSaveAttempts(int attempts) {
        BuilderChecks.inRange("maxSaveAttempts", attempts, 1, 1000);
        connection.once("maxSaveAttempts", maxSaveAttempts);
        maxSaveAttempts = attempts;
        return this;
    }

    /**
     * Builds the store and its connection pool (connections are opened lazily on a standalone server; a
     * cluster client reads the slot map from a seed at once).
     *
     * @return the store
     * @throws IllegalStateException when neither {@link #uri} nor {@link #cluster} was called
     */
    public RedisSnapshotStore build() {
        return new RedisSnapshotStore(connection.build("modularddd-snapshots"), keyPrefix, ttl, maxSaveAttempts);
    }
}
