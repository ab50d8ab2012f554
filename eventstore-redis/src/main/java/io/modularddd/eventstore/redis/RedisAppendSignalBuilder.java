package io.modularddd.eventstore.redis;

import java.time.Duration;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;

/**
 * Configures a {@link RedisAppendSignal}; start with {@link RedisAppendSignal#builder()}. Each setter validates
 * its value at once ({@link IllegalArgumentException} naming the setting and the value) and may be called once
 * ({@link IllegalStateException} otherwise), the rule of every builder of the library (ADR 0103);
 * {@link #build()} checks that a Redis was named. A password is never shown in a message, a log line or
 * {@code toString()}.
 */
public final class RedisAppendSignalBuilder {

    private static final Pattern CHANNEL = Pattern.compile("[A-Za-z0-9_.-]+(:[A-Za-z0-9_.-]+)*");
    private static final int MAX_CHANNEL_LENGTH = 128;
    /** One connection publishes; another, of its own pool, subscribes. */
    private static final int PUBLISH_CONNECTIONS = 2;

    private final RedisConnectionOptions connection = new RedisConnectionOptions("a Redis append signal",
            RedisAppendSignal.DEFAULT_CONNECT_TIMEOUT, RedisAppendSignal.DEFAULT_READ_TIMEOUT, PUBLISH_CONNECTIONS);
    private String channel = RedisAppendSignal.DEFAULT_CHANNEL;

    RedisAppendSignalBuilder() {
    }

    /**
     * Uses one standalone Redis server: {@code redis[s]://[[user]:password@]host[:port][/database]}. (Pub/sub
     * ignores the database: a channel is seen from every database of the server.)
     *
     * @param uri the server's URI
     * @return this builder
     * @throws IllegalArgumentException when the URI is malformed (shown without its credentials)
     * @throws IllegalStateException    when a server or cluster was already set
     */
    public RedisAppendSignalBuilder uri(String uri) {
        connection.uri(uri);
        return this;
    }

    /**
     * Uses a Redis Cluster, discovered from one or more seed nodes ({@code redis[s]://host:port}); a message
     * published on any node reaches the subscribers of every node.
     *
     * @param seedUris the seed nodes' URIs, at least one; all with the same TLS setting and credentials
     * @return this builder
     * @throws IllegalArgumentException when there is no seed, a URI is malformed, names a database other
     *                                  than 0, or the seeds disagree on TLS or credentials
     * @throws IllegalStateException    when a server or cluster was already set
     */
    public RedisAppendSignalBuilder cluster(String... seedUris) {
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
    public RedisAppendSignalBuilder credentials(String user, String password) {
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
    public RedisAppendSignalBuilder sslContext(SSLContext context) {
        connection.sslContext(context);
        return this;
    }

    /**
     * Sets the pub/sub channel: segments of {@code [A-Za-z0-9_.-]} joined by single colons, at most 128
     * characters. Every instance of one event store uses the same; give each event store its own.
     *
     * @param name default {@value RedisAppendSignal#DEFAULT_CHANNEL}
     * @return this builder
     * @throws IllegalArgumentException when the name breaks the pattern
     * @throws IllegalStateException    when set twice
     */
    public RedisAppendSignalBuilder channel(String name) {
        if (name == null || name.length() > MAX_CHANNEL_LENGTH || !CHANNEL.matcher(name).matches()) {
            throw new IllegalArgumentException("channel must be segments of [A-Za-z0-9_.-] joined by single colons, "
                    + "at most " + MAX_CHANNEL_LENGTH + " characters, but was "
                    + (name == null ? "null" : "\"" + (name.length() > 60 ? name.substring(0, 60) + "…" : name)
                    + "\"") + "; use e.g. \"orders:appended\"");
        }
        connection.once("channel", "\"" + channel + "\"");
        channel = name;
        return this;
    }

    /**
     * Sets the connect timeout: the most a call waits to reach a server.
     *
     * @param timeout from 1 ms to 60 s; default 500 ms
     * @return this builder
     * @throws IllegalArgumentException when null or out of range
     * @throws IllegalStateException    when set twice
     */
    public RedisAppendSignalBuilder connectTimeout(Duration timeout) {
        connection.connectTimeout(timeout);
        return this;
    }

    /**
     * Sets the read timeout: the most a {@code PUBLISH} waits for its reply.
     *
     * @param timeout from 1 ms to 60 s; default 2 s
     * @return this builder
     * @throws IllegalArgumentException when null or out of range
     * @throws IllegalStateException    when set twice
     */
    public RedisAppendSignalBuilder readTimeout(Duration timeout) {
        connection.readTimeout(timeout);
        return this;
    }

    /**
     * Builds the signal and its publishing pool (connections are opened lazily on a standalone server; a
     * cluster client reads the slot map from a seed at once). The subscriber connects on the first
     * {@link RedisAppendSignal#subscribe}.
     *
     * @return the signal
     * @throws IllegalStateException when neither {@link #uri} nor {@link #cluster} was called
     */
    public RedisAppendSignal build() {
        return new RedisAppendSignal(connection.build("modularddd-append-signal"), channel);
    }
}
