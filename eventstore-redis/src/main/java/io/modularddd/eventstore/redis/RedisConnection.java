package io.modularddd.eventstore.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import redis.clients.jedis.ClientSetInfoConfig;
import redis.clients.jedis.Connection;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisClusterClient;

/**
 * Validated, immutable settings of a dedicated Redis connection pool (a standalone server or a
 * cluster), as the hot tier, the snapshot store and the aggregate statistics use it; produced by
 * {@link RedisConnectionOptions#build} (or {@link RedisConnectionOptions#settings} for a hot tier,
 * whose endpoints are empty when it is disabled). {@link #toString()} and {@link #endpointText()} never show
 * the password; {@link #describe} masks it in any text bound for a message or a log line.
 *
 * @param endpoints      one standalone server, or the seeds of one cluster; empty only for a disabled hot tier
 * @param cluster        whether {@code endpoints} are cluster seeds
 * @param user           the ACL user, or null
 * @param password       the password, or null; never shown
 * @param connectTimeout the connect timeout
 * @param readTimeout    the read timeout
 * @param maxConnections the pool size (per node)
 * @param clientName     the {@code CLIENT SETNAME} of every connection
 * @param sslContext     the TLS context of {@code rediss://} connections, or null for the JVM default
 */
record RedisConnection(List<RedisEndpoint> endpoints, boolean cluster, String user, String password,
                       Duration connectTimeout, Duration readTimeout, int maxConnections, String clientName,
                       SSLContext sslContext) {

    RedisConnection {
        endpoints = List.copyOf(endpoints);
    }

    /**
     * Opens the pool: no {@code CLIENT SETINFO} (unknown before Redis 7.2), waiting for a pooled
     * connection bounded by connect + read timeout. A standalone pool connects lazily; a cluster client
     * reads the slot map from a seed at once.
     */
    RedisKeyClient open() {
        return open(maxConnections, Duration.ZERO);
    }

    /**
     * Opens a second pool of {@code connections} for blocking reads ({@code XREADGROUP ... BLOCK}), so a
     * reader waiting on the server never holds a connection the other commands need. A blocking command
     * may take up to {@code longestBlock} plus the read timeout to answer; waiting for a free connection of
     * this pool is bounded by connect + read timeout + {@code longestBlock} (another reader's block).
     */
    RedisKeyClient openForBlockingReads(int connections, Duration longestBlock) {
        return open(connections, longestBlock);
    }

    private RedisKeyClient open(int poolSize, Duration longestBlock) {
        DefaultJedisClientConfig.Builder config = clientConfig(clientName);
        if (!longestBlock.isZero()) {
            // a blocking command's socket timeout; Jedis's default, 0, would wait forever on a dead server.
            // Only on the blocking-read pool: elsewhere 0 stays what a subscriber connection needs
            config.blockingSocketTimeoutMillis(Math.toIntExact(readTimeout.plus(longestBlock).toMillis()));
        }
        ConnectionPoolConfig pool = new ConnectionPoolConfig();
        pool.setMaxTotal(poolSize);
        pool.setMaxIdle(poolSize);
        pool.setBlockWhenExhausted(true);
        // waiting for a free connection is bounded like connecting: a stuck pool costs a timeout, not forever
        pool.setMaxWait(connectTimeout.plus(readTimeout).plus(longestBlock));
        if (!cluster) {
            RedisEndpoint e = endpoints.get(0);
            config.database(e.database());
            return RedisKeyClient.standalone(RedisClient.builder().hostAndPort(e.host(), e.port())
                    .clientConfig(config.build()).poolConfig(pool).build());
        }
        Set<HostAndPort> nodes = new LinkedHashSet<>();
        for (RedisEndpoint e : endpoints) {
            nodes.add(new HostAndPort(e.host(), e.port()));
        }
        return RedisKeyClient.cluster(RedisClusterClient.builder().nodes(nodes).clientConfig(config.build())
                .poolConfig(pool).maxAttempts(2)
                .maxTotalRetriesDuration(connectTimeout.plus(readTimeout).multipliedBy(2)).build());
    }

    /**
     * The client settings every connection gets: timeouts, client name, no {@code CLIENT SETINFO}
     * (unknown before Redis 7.2), TLS and credentials as configured. A TLS connection always verifies
     * that the server's certificate names the host it was reached by (as HTTPS does; Jedis checks a
     * certificate's chain only, unless given such parameters): a certificate of another host, even one
     * from a trusted CA, is refused during the handshake.
     */
    DefaultJedisClientConfig.Builder clientConfig(String name) {
        DefaultJedisClientConfig.Builder config = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(Math.toIntExact(connectTimeout.toMillis()))
                .socketTimeoutMillis(Math.toIntExact(readTimeout.toMillis()))
                .clientName(name)
                // CLIENT SETINFO is unknown before Redis 7.2: skip it rather than provoke two errors per connection
                .clientSetInfoConfig(ClientSetInfoConfig.DISABLED)
                .ssl(endpoints.get(0).ssl());
        if (endpoints.get(0).ssl()) {
            SSLParameters tls = new SSLParameters();
            tls.setEndpointIdentificationAlgorithm("HTTPS");
            config.sslParameters(tls);
            if (sslContext != null) {
                config.sslSocketFactory(sslContext.getSocketFactory());
            }
        }
        if (user != null) {
            config.user(user);
        }
        if (password != null) {
            config.password(password);
        }
        return config;
    }

    /**
     * Opens one connection outside any pool — for a pub/sub subscriber, which holds its connection for
     * as long as it listens — to the endpoint {@code index} (modulo the number of endpoints: a cluster's
     * seeds in turn; every node of a cluster delivers every {@code PUBLISH}).
     *
     * @param index which endpoint
     * @param name  the connection's {@code CLIENT SETNAME}
     * @return a connected connection; the caller closes it
     */
    Connection connect(int index, String name) {
        RedisEndpoint e = endpoints.get(Math.floorMod(index, endpoints.size()));
        DefaultJedisClientConfig.Builder config = clientConfig(name);
        if (!cluster) {
            config.database(e.database());
        }
        Connection c = new Connection(new HostAndPort(e.host(), e.port()), config.build());
        try {
            c.connect();
        } catch (RuntimeException ex) {
            c.close();
            throw ex;
        }
        return c;
    }

    /** Where Redis is, for messages and logs: without credentials. */
    String endpointText() {
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

    /** A failure's class and message, with the configured password (if any) masked out. */
    String describe(Throwable e) {
        String message = e.getClass().getSimpleName() + ": " + e.getMessage();
        if (password != null && !password.isEmpty()) {
            message = message.replace(password, "***");
        }
        return message;
    }

    /** The settings without credentials (a record's default would print the password). */
    @Override
    public String toString() {
        return endpointText() + (user != null ? ", user=" + user : "") + (password != null ? ", password=***" : "")
                + ", connectTimeout=" + connectTimeout + ", readTimeout=" + readTimeout + ", maxConnections="
                + maxConnections;
    }
}
