package io.modularddd.eventstore.redis;

import io.modularddd.core.internal.BuilderChecks;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import javax.net.ssl.SSLContext;

/**
 * The connection settings that every Redis builder of the library shares ({@link RedisHotTierBuilder},
 * {@link RedisSnapshotStoreBuilder}, {@link RedisAggregateStatsBuilder}, the cache tier, bus, queue, signal,
 * metrics collector and health indicator) — server or cluster seeds, credentials, TLS context, timeouts,
 * pool size —
 * with the rules of every builder
 * of the library (ADR 0103): each value is checked at once, each setting may be given once. The
 * builders delegate to one instance and register their own settings with {@link #once}, so "set
 * once" covers all of a builder's settings alike.
 */
final class RedisConnectionOptions {

    private final String component;
    private final Set<String> set = new HashSet<>();
    private final List<RedisEndpoint> endpoints = new ArrayList<>();
    private boolean cluster;
    private String user;
    private String password;
    private Duration connectTimeout;
    private Duration readTimeout;
    private int maxConnections;
    private SSLContext sslContext;

    /**
     * @param component      what is configured, for messages, e.g. {@code "a Redis snapshot store"}
     * @param connectTimeout the default connect timeout
     * @param readTimeout    the default read timeout
     * @param maxConnections the default pool size
     */
    RedisConnectionOptions(String component, Duration connectTimeout, Duration readTimeout, int maxConnections) {
        this.component = component;
        this.connectTimeout = connectTimeout;
        this.readTimeout = readTimeout;
        this.maxConnections = maxConnections;
    }

    /** Refuses a second call of {@code setting}; {@code shown} is how its first value is shown (never a secret). */
    void once(String setting, Object shown) {
        BuilderChecks.setOnce(setting, !set.add(setting), shown);
    }

    private String shownEndpoints() {
        return endpoints.stream().map(RedisEndpoint::display).toList().toString();
    }

    void uri(String uri) {
        RedisEndpoint endpoint = RedisEndpoint.parse("uri", uri);
        BuilderChecks.noConflict(set.contains("cluster"), "uri cannot be combined with cluster(...): " + component
                + " talks to one standalone server or to one cluster");
        once("uri", shownEndpoints());
        endpoints.add(endpoint);
        credentialsFrom(endpoint, "uri");
    }

    void cluster(String... seedUris) {
        BuilderChecks.notNull("cluster", seedUris);
        if (seedUris.length == 0) {
            throw new IllegalArgumentException("cluster needs at least one seed URI such as "
                    + "\"redis://127.0.0.1:7000\"");
        }
        BuilderChecks.noConflict(set.contains("uri"), "cluster cannot be combined with uri(...): " + component
                + " talks to one standalone server or to one cluster");
        List<RedisEndpoint> parsed = new ArrayList<>();
        for (int i = 0; i < seedUris.length; i++) {
            RedisEndpoint e = RedisEndpoint.parse("cluster[" + i + "]", seedUris[i]);
            if (e.database() != 0) {
                throw new IllegalArgumentException("cluster[" + i + "] names database " + e.database()
                        + ", but Redis Cluster has only database 0: \"" + e.display() + "\"");
            }
            if (!parsed.isEmpty() && (e.ssl() != parsed.get(0).ssl()
                    || !Objects.equals(e.user(), parsed.get(0).user())
                    || !Objects.equals(e.password(), parsed.get(0).password()))) {
                throw new IllegalArgumentException("cluster[" + i + "] (" + e.display() + ") differs from "
                        + "cluster[0] in TLS or credentials; all seeds of one cluster must agree");
            }
            parsed.add(e);
        }
        once("cluster", shownEndpoints());
        endpoints.addAll(parsed);
        cluster = true;
        credentialsFrom(parsed.get(0), "cluster");
    }

    private void credentialsFrom(RedisEndpoint e, String setting) {
        if (e.password() == null && e.user() == null) {
            return;
        }
        BuilderChecks.noConflict(set.contains("credentials"), setting + " carries credentials, but "
                + "credentials(...) was already set; give them once");
        set.add("credentials");
        user = e.user();
        password = e.password();
    }

    void credentials(String user, String password) {
        if (password == null || password.isEmpty()) {
            throw new IllegalArgumentException("credentials needs a non-empty password");
        }
        once("credentials", "***");
        this.user = user;
        this.password = password;
    }

    void connectTimeout(Duration timeout) {
        BuilderChecks.inRange("connectTimeout", timeout, Duration.ofMillis(1), Duration.ofSeconds(60));
        once("connectTimeout", connectTimeout);
        connectTimeout = timeout;
    }

    void readTimeout(Duration timeout) {
        BuilderChecks.inRange("readTimeout", timeout, Duration.ofMillis(1), Duration.ofSeconds(60));
        once("readTimeout", readTimeout);
        readTimeout = timeout;
    }

    void maxConnections(int connections) {
        BuilderChecks.inRange("maxConnections", connections, 1, 1024);
        once("maxConnections", maxConnections);
        maxConnections = connections;
    }

    /** The TLS context of {@code rediss://} connections instead of the JVM default (host names are verified either way). */
    void sslContext(SSLContext context) {
        BuilderChecks.notNull("sslContext", context);
        once("sslContext", sslContext == null ? "the JVM default" : "an SSLContext (" + sslContext.getProtocol() + ")");
        sslContext = context;
    }

    /** Whether a server or a cluster was given. */
    boolean hasEndpoints() {
        return !endpoints.isEmpty();
    }

    /**
     * The immutable connection settings.
     *
     * @param clientName the {@code CLIENT SETNAME} of every connection
     * @throws IllegalStateException when neither a server nor a cluster was given
     */
    RedisConnection build(String clientName) {
        if (endpoints.isEmpty()) {
            throw new IllegalStateException(component + " needs a Redis: call uri(\"redis://host:port\") or "
                    + "cluster(\"redis://host:7000\", ...)");
        }
        return settings(clientName);
    }

    /**
     * The immutable connection settings as given, possibly without any server: for a hot tier, which
     * may be disabled and then never connects (its builder checks for a server only when enabled).
     *
     * @param clientName the {@code CLIENT SETNAME} of every connection
     */
    RedisConnection settings(String clientName) {
        if (sslContext != null && !endpoints.isEmpty() && !endpoints.get(0).ssl()) {
            throw new IllegalStateException("sslContext was given, but " + component + " connects without TLS to "
                    + endpoints.get(0).display() + "; use a rediss:// URI for TLS, or leave sslContext out");
        }
        return new RedisConnection(endpoints, cluster, user, password, connectTimeout, readTimeout, maxConnections,
                clientName, sslContext);
    }
}
