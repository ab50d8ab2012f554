package io.modularddd.eventstore.redis;

import io.modularddd.core.internal.BuilderChecks;
import java.time.Duration;
import java.util.UUID;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;

/**
 * Configures a {@link RedisCommandQueue}; start with {@link RedisCommandQueue#builder()}. Each setter
 * validates its value at once ({@link IllegalArgumentException} naming the setting and the value) and may
 * be called once ({@link IllegalStateException} otherwise), the rule of every builder of the library
 * (ADR 0103); {@link #build()} checks that a Redis was named. A password is never shown in a message,
 * a log line or {@code toString()}. Every client of one set of queues — every node sending or consuming —
 * must use the same key prefix and consumer group.
 */
public final class RedisCommandQueueBuilder {

    private static final Pattern GROUP = Pattern.compile("[A-Za-z0-9._:-]{1,64}");

    private final RedisConnectionOptions connection = new RedisConnectionOptions("a Redis command queue",
            RedisCommandQueue.DEFAULT_CONNECT_TIMEOUT, RedisCommandQueue.DEFAULT_READ_TIMEOUT,
            RedisCommandQueue.DEFAULT_MAX_CONNECTIONS);
    private String keyPrefix = RedisCommandQueue.DEFAULT_KEY_PREFIX;
    private String consumerGroup = RedisCommandQueue.DEFAULT_CONSUMER_GROUP;
    private Duration leaseTime = RedisCommandQueue.DEFAULT_LEASE_TIME;
    private int maxAttempts = RedisCommandQueue.DEFAULT_MAX_ATTEMPTS;
    private Duration idRetention = RedisCommandQueue.DEFAULT_ID_RETENTION;
    private int maxPayloadBytes = RedisCommandQueue.DEFAULT_MAX_PAYLOAD_BYTES;
    private int pollConnections = RedisCommandQueue.DEFAULT_POLL_CONNECTIONS;

    RedisCommandQueueBuilder() {
    }

    /**
     * Uses one standalone Redis server: {@code redis[s]://[[user]:password@]host[:port][/database]}.
     *
     * @param uri the server's URI
     * @return this builder
     * @throws IllegalArgumentException when the URI is malformed (shown without its credentials)
     * @throws IllegalStateException    when a server or cluster was already set
     */
    public RedisCommandQueueBuilder uri(String uri) {
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
    public RedisCommandQueueBuilder cluster(String... seedUris) {
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
    public RedisCommandQueueBuilder credentials(String user, String password) {
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
    public RedisCommandQueueBuilder sslContext(SSLContext context) {
        connection.sslContext(context);
        return this;
    }

    /**
     * Sets the prefix of every key (the key namespace): segments of {@code [A-Za-z0-9_.-]} joined by single
     * colons, at most 64 characters. Give each application its own.
     *
     * @param prefix default {@code "modularddd:queue"}
     * @return this builder
     * @throws IllegalArgumentException when the prefix breaks the pattern
     * @throws IllegalStateException    when set twice
     */
    public RedisCommandQueueBuilder keyPrefix(String prefix) {
        StreamKeys.checkPrefix(prefix);
        connection.once("keyPrefix", "\"" + keyPrefix + "\"");
        keyPrefix = prefix;
        return this;
    }

    /**
     * Sets the consumer group that all consumers of the queues share (each command goes to one of them).
     * Commands are deleted from the stream once done, so a second group on the same queues would miss
     * commands: use one group name per prefix.
     *
     * @param group 1 to 64 characters of {@code [A-Za-z0-9._:-]}; default {@code "modularddd"}
     * @return this builder
     * @throws IllegalArgumentException when the name breaks the pattern
     * @throws IllegalStateException    when set twice
     */
    public RedisCommandQueueBuilder consumerGroup(String group) {
        if (group == null || !GROUP.matcher(group).matches()) {
            throw new IllegalArgumentException("consumerGroup must be 1 to 64 characters of [A-Za-z0-9._:-] but was "
                    + (group == null ? "null" : "\"" + group.substring(0, Math.min(group.length(), 80)) + "\"")
                    + "; use e.g. \"" + RedisCommandQueue.DEFAULT_CONSUMER_GROUP + "\"");
        }
        connection.once("consumerGroup", "\"" + consumerGroup + "\"");
        consumerGroup = group;
        return this;
    }

    /**
     * Sets how long a consumer holds a delivery before another consumer may take it. Longer than the
     * slowest command; a shorter lease finds the commands of a dead consumer sooner.
     *
     * @param lease from 100 ms to 1 day; default 30 s
     * @return this builder
     * @throws IllegalArgumentException when null or out of range
     * @throws IllegalStateException    when set twice
     */
    public RedisCommandQueueBuilder leaseTime(Duration lease) {
        BuilderChecks.inRange("leaseTime", lease, Duration.ofMillis(100), Duration.ofDays(1));
        connection.once("leaseTime", leaseTime);
        leaseTime = lease;
        return this;
    }

    /**
     * Sets how many attempts a command gets before it becomes a dead letter.
     *
     * @param attempts from 1 to 1000; default 5
     * @return this builder
     * @throws IllegalArgumentException when out of range
     * @throws IllegalStateException    when set twice
     */
    public RedisCommandQueueBuilder maxAttempts(int attempts) {
        BuilderChecks.inRange("maxAttempts", attempts, 1, 1000);
        connection.once("maxAttempts", maxAttempts);
        maxAttempts = attempts;
        return this;
    }

    /**
     * Sets how long an accepted command id is remembered (the TTL of its id key): within it, the same id
     * sent again is refused. Longer than a sender may take to retry, and than a command may wait in the
     * queue.
     *
     * @param retention from 1 s to 365 days; default 24 h
     * @return this builder
     * @throws IllegalArgumentException when null or out of range
     * @throws IllegalStateException    when set twice
     */
    public RedisCommandQueueBuilder idRetention(Duration retention) {
        BuilderChecks.inRange("idRetention", retention, Duration.ofSeconds(1), Duration.ofDays(365));
        connection.once("idRetention", idRetention);
        idRetention = retention;
        return this;
    }

    /**
     * Sets the largest encoded command the queue accepts.
     *
     * @param bytes from 1 KiB to 64 MiB; default 1 MiB
     * @return this builder
     * @throws IllegalArgumentException when out of range
     * @throws IllegalStateException    when set twice
     */
    public RedisCommandQueueBuilder maxPayloadBytes(int bytes) {
        BuilderChecks.inRange("maxPayloadBytes", bytes, 1024, 64 << 20);
        connection.once("maxPayloadBytes", maxPayloadBytes);
        maxPayloadBytes = bytes;
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
    public RedisCommandQueueBuilder connectTimeout(Duration timeout) {
        connection.connectTimeout(timeout);
        return this;
    }

    /**
     * Sets the read timeout: the most a call waits for a reply (a blocking poll waits this much longer than
     * it blocks).
     *
     * @param timeout from 1 ms to 60 s; default 2 s
     * @return this builder
     * @throws IllegalArgumentException when null or out of range
     * @throws IllegalStateException    when set twice
     */
    public RedisCommandQueueBuilder readTimeout(Duration timeout) {
        connection.readTimeout(timeout);
        return this;
    }

    /**
     * Sets the size of the pool for sends, acknowledgements, failures and claims (per node on a cluster).
     *
     * @param connections from 1 to 1024; default 8
     * @return this builder
     * @throws IllegalArgumentException when out of range
     * @throws IllegalStateException    when set twice
     */
    public RedisCommandQueueBuilder maxConnections(int connections) {
        connection.maxConnections(connections);
        return this;
    }

    /**
     * Sets the size of the separate pool for blocking polls: each thread inside a waiting {@code poll}
     * holds one connection while it blocks (at most a quarter lease, 5 s, per slice). Make it at least the
     * number of threads that poll at once; more pollers wait for a connection in turn.
     *
     * @param connections from 1 to 1024; default 8
     * @return this builder
     * @throws IllegalArgumentException when out of range
     * @throws IllegalStateException    when set twice
     */
    public RedisCommandQueueBuilder pollConnections(int connections) {
        BuilderChecks.inRange("pollConnections", connections, 1, 1024);
        connection.once("pollConnections", pollConnections);
        pollConnections = connections;
        return this;
    }

    /**
     * Builds the queue and its two connection pools (connections are opened lazily on a standalone server;
     * a cluster client reads the slot map from a seed at once). Each queue object names its connections
     * {@code modularddd-queue-<8 hex digits>} ({@code CLIENT SETNAME}), so {@code CLIENT LIST} tells the
     * clients apart.
     *
     * @return the queue
     * @throws IllegalStateException when neither {@link #uri} nor {@link #cluster} was called
     */
    public RedisCommandQueue build() {
        String clientName = "modularddd-queue-" + UUID.randomUUID().toString().substring(0, 8);
        return new RedisCommandQueue(connection.build(clientName), keyPrefix, consumerGroup, leaseTime, maxAttempts,
                idRetention, maxPayloadBytes, pollConnections);
    }
}
