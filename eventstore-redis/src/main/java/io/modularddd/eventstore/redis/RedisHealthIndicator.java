package io.modularddd.eventstore.redis;

import io.modularddd.core.health.Health;
import io.modularddd.core.health.HealthIndicator;
import io.modularddd.core.internal.BuilderChecks;
import io.modularddd.core.internal.Checks;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.net.ssl.SSLContext;
import redis.clients.jedis.Connection;
import redis.clients.jedis.Jedis;

/**
 * A {@link HealthIndicator} for a Redis server or cluster: {@code PING} on a fresh connection with short
 * timeouts, then the server's version and role from {@code INFO}. Start with {@link #builder()}.
 *
 * <pre>{@code
 * HealthIndicator redis = RedisHealthIndicator.builder().uri("redis://cache:6379").build();
 * // UP   {endpoint=redis://cache:6379, version=7.2.4, role=master, pingMillis=0}
 * // DOWN {endpoint=redis://cache:6379, error=JedisConnectionException: Failed to connect to any host resolved ...}
 * }</pre>
 *
 * <p>Each check opens one connection per endpoint (a standalone server, or every seed of a cluster, where
 * {@code CLUSTER INFO} must also say {@code cluster_state:ok}) and closes it: no pool, no thread, nothing held
 * between checks, so a check costs at most connect timeout + 3 × read timeout per endpoint (250 ms each by
 * default). Down when any endpoint fails. The detail names endpoints without credentials
 * ({@code redis://host:port}); an error's text has the password masked. Only PING, INFO and CLUSTER INFO
 * are sent: it works on a hardened server. Thread-safe.
 */
public final class RedisHealthIndicator implements HealthIndicator {

    /** Default connect and read timeout: 250 ms. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMillis(250);

    private final String name;
    private final RedisConnection connection;

    private RedisHealthIndicator(String name, RedisConnection connection) {
        this.name = name;
        this.connection = connection;
    }

    /**
     * Starts configuring an indicator.
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Health check() {
        Map<String, String> detail = new LinkedHashMap<>();
        boolean up = true;
        int n = connection.endpoints().size();
        for (int i = 0; i < n; i++) {
            String at = connection.endpoints().get(i).display();
            String key = n == 1 ? "" : at + ".";
            if (n == 1) {
                detail.put("endpoint", at);
            }
            up &= checkOne(i, key, detail);
        }
        return up ? Health.up(detail) : Health.down(detail);
    }

    private boolean checkOne(int index, String key, Map<String, String> detail) {
        long start = System.nanoTime();
        try (Connection c = connection.connect(index, "modularddd-health");
             Jedis jedis = new Jedis(c)) {
            String pong = jedis.ping();
            detail.put(key + "pingMillis", Long.toString((System.nanoTime() - start) / 1_000_000));
            detail.put(key + "version", field(jedis.info("server"), "redis_version"));
            detail.put(key + "role", field(jedis.info("replication"), "role"));
            if (!"PONG".equals(pong)) {
                detail.put(key + "error", "PING answered " + Checks.show(pong));
                return false;
            }
            if (connection.cluster()) {
                String state = field(jedis.clusterInfo(), "cluster_state");
                detail.put(key + "clusterState", state);
                return "ok".equals(state);
            }
            return true;
        } catch (RuntimeException e) {
            detail.put(key + "error", connection.describe(e));
            return false;
        }
    }

    /** The value of {@code name:value} in an INFO-style reply, or {@code "unknown"}. */
    private static String field(String info, String field) {
        for (String line : info.split("\r?\n")) {
            if (line.startsWith(field + ":")) {
                return line.substring(field.length() + 1).trim();
            }
        }
        return "unknown";
    }

    /** The settings, without credentials. */
    @Override
    public String toString() {
        return "RedisHealthIndicator[" + name + ", " + connection + "]";
    }

    /**
     * Configures a {@link RedisHealthIndicator}: the Redis, credentials, timeouts, a name. Each setting may be
     * given once; a password is never shown.
     */
    public static final class Builder {
        private final RedisConnectionOptions connection = new RedisConnectionOptions("a Redis health indicator",
                DEFAULT_TIMEOUT, DEFAULT_TIMEOUT, 1);
        private String name = "redis";

        private Builder() {
        }

        /**
         * Checks one standalone server: {@code redis[s]://[[user]:password@]host[:port][/database]}.
         *
         * @param uri the server's URI
         * @return this builder
         * @throws IllegalArgumentException when the URI is malformed (shown without its credentials)
         * @throws IllegalStateException    when a server or cluster was already set
         */
        public Builder uri(String uri) {
            connection.uri(uri);
            return this;
        }

        /**
         * Checks every seed node of a Redis Cluster.
         *
         * @param seedUris the seeds' URIs ({@code redis[s]://host:port}), at least one
         * @return this builder
         * @throws IllegalArgumentException when there is no seed or a URI is malformed
         * @throws IllegalStateException    when a server or cluster was already set
         */
        public Builder cluster(String... seedUris) {
            connection.cluster(seedUris);
            return this;
        }

        /**
         * Sets the ACL user and password, as an alternative to putting them in the URI.
         *
         * @param user     the ACL user, or null for the default user
         * @param password the password
         * @return this builder
         * @throws IllegalArgumentException when the password is empty
         * @throws IllegalStateException    when credentials were already given
         */
        public Builder credentials(String user, String password) {
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
        public Builder sslContext(SSLContext context) {
            connection.sslContext(context);
            return this;
        }

        /**
         * Sets the connect timeout.
         *
         * @param timeout from 1 ms to 60 s; default 250 ms
         * @return this builder
         * @throws IllegalArgumentException when out of range
         * @throws IllegalStateException    when set twice
         */
        public Builder connectTimeout(Duration timeout) {
            connection.connectTimeout(timeout);
            return this;
        }

        /**
         * Sets the read timeout of each command.
         *
         * @param timeout from 1 ms to 60 s; default 250 ms
         * @return this builder
         * @throws IllegalArgumentException when out of range
         * @throws IllegalStateException    when set twice
         */
        public Builder readTimeout(Duration timeout) {
            connection.readTimeout(timeout);
            return this;
        }

        /**
         * Sets the indicator's name in a health report.
         *
         * @param name default {@code "redis"}
         * @return this builder
         * @throws IllegalArgumentException when null or blank
         * @throws IllegalStateException    when set twice
         */
        public Builder name(String name) {
            BuilderChecks.notNull("name", name);
            if (name.isBlank()) {
                throw new IllegalArgumentException("name must not be blank; pass e.g. \"redis-cache\"");
            }
            connection.once("name", this.name);
            this.name = name;
            return this;
        }

        /**
         * Builds the indicator; it connects only when checked.
         *
         * @return the indicator
         * @throws IllegalStateException when neither {@link #uri} nor {@link #cluster} was called
         */
        public RedisHealthIndicator build() {
            return new RedisHealthIndicator(name, connection.build("modularddd-health"));
        }
    }
}
