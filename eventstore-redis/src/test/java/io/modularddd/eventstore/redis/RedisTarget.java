package io.modularddd.eventstore.redis;

import io.modularddd.testkit.ServiceFixtures;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import redis.clients.jedis.ClientSetInfoConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.ScanIteration;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.ClientKillParams;

/**
 * Where a suite runs: the shared Redis (found by {@link ServiceFixtures#redis()}), a server the test
 * started itself, or a local cluster. Gives hot-tier builders pointed at it, a client to inspect
 * keys directly, and cleanup by SCAN with an escaped MATCH pattern plus UNLINK (never KEYS or FLUSH*).
 * Public (in eventstore-redis's test-jar) for the integration tests of the cache across nodes.
 */
public final class RedisTarget implements AutoCloseable {

    private final String description;
    private final String uri;
    private final String[] seeds;
    private final String user;
    private final String password;
    private final UnifiedJedis inspector;

    private RedisTarget(String description, String uri, String[] seeds, String user, String password,
                        UnifiedJedis inspector) {
        this.description = description;
        this.uri = uri;
        this.seeds = seeds;
        this.user = user;
        this.password = password;
        this.inspector = inspector;
    }

    /** The shared server; skips or fails the test as {@code modddd.requireServices} says when there is none. */
    public static RedisTarget shared() {
        ServiceFixtures.RedisService s = ServiceFixtures.redis();
        String password = s.password().isEmpty() ? null : s.password();
        DefaultJedisClientConfig.Builder config = inspectorConfig();
        if (password != null) {
            config.password(password);
        }
        RedisClient client = RedisClient.builder().hostAndPort(s.host(), s.port()).clientConfig(config.build()).build();
        return new RedisTarget("shared " + s, s.uri(), null, null, password, client);
    }

    static RedisTarget local(LocalRedis server) {
        RedisClient client = RedisClient.builder().hostAndPort("127.0.0.1", server.port())
                .clientConfig(inspectorConfig().build()).build();
        return new RedisTarget("local redis-server :" + server.port(), server.uri(), null, null, null, client);
    }

    /**
     * A server the test started, used by the builders as an ACL user; the inspector stays the default user.
     */
    static RedisTarget local(LocalRedis server, String user, String password) {
        RedisClient client = RedisClient.builder().hostAndPort("127.0.0.1", server.port())
                .clientConfig(inspectorConfig().build()).build();
        return new RedisTarget("local redis-server :" + server.port() + " as " + user, server.uri(), null, user,
                password, client);
    }

    static RedisTarget cluster(LocalRedisCluster cluster) {
        Set<HostAndPort> nodes = new LinkedHashSet<>();
        for (LocalRedis n : cluster.nodes()) {
            nodes.add(new HostAndPort("127.0.0.1", n.port()));
        }
        RedisClusterClient client = RedisClusterClient.builder().nodes(nodes).clientConfig(inspectorConfig().build())
                .build();
        return new RedisTarget("local cluster " + nodes, null, cluster.seedUris(), null, null, client);
    }

    /** No CLIENT SETINFO: Redis 7.0 does not know it, and the hardened suite asserts no command was unknown. */
    private static DefaultJedisClientConfig.Builder inspectorConfig() {
        return DefaultJedisClientConfig.builder().clientSetInfoConfig(ClientSetInfoConfig.DISABLED);
    }

    boolean isCluster() {
        return seeds != null;
    }

    /** A fresh, random key prefix for one test class. */
    public static String randomPrefix(String name) {
        return "mddt:" + name + ":" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** A command-queue builder already pointed at this target, with the given key prefix. */
    RedisCommandQueueBuilder queue(String prefix) {
        RedisCommandQueueBuilder b = RedisCommandQueue.builder().keyPrefix(prefix);
        if (seeds != null) {
            b.cluster(seeds);
        } else {
            b.uri(uri);
        }
        if (password != null) {
            b.credentials(null, password);
        }
        return b;
    }

    /** A builder already pointed at this target, with the given key prefix. */
    RedisHotTierBuilder tier(String prefix) {
        RedisHotTierBuilder b = RedisHotTier.builder().keyPrefix(prefix);
        if (seeds != null) {
            b.cluster(seeds);
        } else {
            b.uri(uri);
        }
        if (password != null) {
            b.credentials(user, password);
        }
        return b;
    }

    /** A snapshot-store builder already pointed at this target, with the given key prefix. */
    RedisSnapshotStoreBuilder snapshots(String prefix) {
        RedisSnapshotStoreBuilder b = RedisSnapshotStore.builder().keyPrefix(prefix);
        if (seeds != null) {
            b.cluster(seeds);
        } else {
            b.uri(uri);
        }
        if (password != null) {
            b.credentials(user, password);
        }
        return b;
    }

    /** An aggregate-statistics builder already pointed at this target, with the given key prefix. */
    RedisAggregateStatsBuilder stats(String prefix) {
        RedisAggregateStatsBuilder b = RedisAggregateStats.builder().keyPrefix(prefix);
        if (seeds != null) {
            b.cluster(seeds);
        } else {
            b.uri(uri);
        }
        if (password != null) {
            b.credentials(user, password);
        }
        return b;
    }

    /** A metrics-collector builder already pointed at this target, with the given key prefix. */
    RedisMetricsCollectorBuilder metrics(String prefix) {
        RedisMetricsCollectorBuilder b = RedisMetricsCollector.builder().keyPrefix(prefix);
        if (seeds != null) {
            b.cluster(seeds);
        } else {
            b.uri(uri);
        }
        if (password != null) {
            b.credentials(user, password);
        }
        return b;
    }

    /** A cache-tier builder already pointed at this target, with the given key prefix. */
    public RedisCacheTierBuilder cacheTier(String prefix) {
        RedisCacheTierBuilder b = RedisCacheTier.builder().keyPrefix(prefix);
        if (seeds != null) {
            b.cluster(seeds);
        } else {
            b.uri(uri);
        }
        if (password != null) {
            b.credentials(user, password);
        }
        return b;
    }

    /** A cache invalidation bus builder already pointed at this target, with the given key prefix. */
    public RedisCacheInvalidationBusBuilder cacheBus(String prefix) {
        RedisCacheInvalidationBusBuilder b = RedisCacheInvalidationBus.builder().keyPrefix(prefix);
        if (seeds != null) {
            b.cluster(seeds);
        } else {
            b.uri(uri);
        }
        if (password != null) {
            b.credentials(user, password);
        }
        return b;
    }

    public UnifiedJedis inspector() {
        return inspector;
    }

    /**
     * Kills the first connection named {@code clientName} found ({@code CLIENT LIST}, then {@code CLIENT
     * KILL ID}), looking on every node of a cluster; it stops there, as a client that reconnects at once
     * may already be on the next node.
     *
     * @return whether one was killed
     */
    public boolean killClient(String clientName) {
        return clients(clientName, true) > 0;
    }

    /** How many connections named {@code clientName} the server (every node of a cluster) has. */
    public int countClients(String clientName) {
        return clients(clientName, false);
    }

    private int clients(String clientName, boolean kill) {
        int found = 0;
        for (String node : seeds != null ? seeds : new String[] {uri}) {
            java.net.URI u = java.net.URI.create(node);
            DefaultJedisClientConfig.Builder config = inspectorConfig();
            if (password != null && user == null) { // an ACL user's password is not the administrator's
                config.password(password);
            }
            try (Jedis jedis = new Jedis(new HostAndPort(u.getHost(), u.getPort()), config.build())) {
                for (String line : jedis.clientList().split("\n")) {
                    if (line.contains(" name=" + clientName + " ")) {
                        String id = line.substring(line.indexOf("id=") + 3, line.indexOf(' ', line.indexOf("id=")));
                        found++;
                        if (kill) {
                            jedis.clientKill(ClientKillParams.clientKillParams().id(id));
                            return found;
                        }
                    }
                }
            }
        }
        return found;
    }

    /** Every key under a prefix. */
    List<String> keys(String prefix) {
        List<String> keys = new ArrayList<>();
        ScanIteration scan = inspector.scanIteration(500, StreamKeys.globEscape(prefix) + ":*");
        while (!scan.isIterationCompleted()) {
            Collection<String> batch = scan.nextBatchList();
            keys.addAll(batch);
        }
        return keys;
    }

    /** Deletes every key under a prefix: SCAN with an escaped MATCH pattern, then UNLINK. */
    public void deleteKeys(String prefix) {
        for (String k : keys(prefix)) {
            inspector.unlink(k);
        }
    }

    @Override
    public void close() {
        inspector.close();
    }

    @Override
    public String toString() {
        return description;
    }
}
