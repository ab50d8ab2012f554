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
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.ScanIteration;
import redis.clients.jedis.UnifiedJedis;

/**
 * Where a suite runs: the shared Redis (found by {@link ServiceFixtures#redis()}), a server the test
 * started itself, or a local cluster. Gives hot-tier builders pointed at it, a client to inspect
 * keys directly, and cleanup by SCAN with an escaped MATCH pattern plus UNLINK (never KEYS or FLUSH*).
 */
final class RedisTarget implements AutoCloseable {

    private final String description;
    private final String uri;
    private final String[] seeds;
    private final String password;
    private final UnifiedJedis inspector;

    private RedisTarget(String description, String uri, String[] seeds, String password, UnifiedJedis inspector) {
        this.description = description;
        this.uri = uri;
        this.seeds = seeds;
        this.password = password;
        this.inspector = inspector;
    }

    /** The shared server; skips or fails the test as {@code modddd.requireServices} says when there is none. */
    static RedisTarget shared() {
        ServiceFixtures.RedisService s = ServiceFixtures.redis();
        String password = s.password().isEmpty() ? null : s.password();
        DefaultJedisClientConfig.Builder config = inspectorConfig();
        if (password != null) {
            config.password(password);
        }
        RedisClient client = RedisClient.builder().hostAndPort(s.host(), s.port()).clientConfig(config.build()).build();
        return new RedisTarget("shared " + s, s.uri(), null, password, client);
    }

    static RedisTarget local(LocalRedis server) {
        RedisClient client = RedisClient.builder().hostAndPort("127.0.0.1", server.port())
                .clientConfig(inspectorConfig().build()).build();
        return new RedisTarget("local redis-server :" + server.port(), server.uri(), null, null, client);
    }

    static RedisTarget cluster(LocalRedisCluster cluster) {
        Set<HostAndPort> nodes = new LinkedHashSet<>();
        for (LocalRedis n : cluster.nodes()) {
            nodes.add(new HostAndPort("127.0.0.1", n.port()));
        }
        RedisClusterClient client = RedisClusterClient.builder().nodes(nodes).clientConfig(inspectorConfig().build())
                .build();
        return new RedisTarget("local cluster " + nodes, null, cluster.seedUris(), null, client);
    }

    /** No CLIENT SETINFO: Redis 7.0 does not know it, and the hardened suite asserts no command was unknown. */
    private static DefaultJedisClientConfig.Builder inspectorConfig() {
        return DefaultJedisClientConfig.builder().clientSetInfoConfig(ClientSetInfoConfig.DISABLED);
    }

    boolean isCluster() {
        return seeds != null;
    }

    /** A fresh, random key prefix for one test class. */
    static String randomPrefix(String name) {
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
            b.credentials(null, password);
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
            b.credentials(null, password);
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
            b.credentials(null, password);
        }
        return b;
    }

    UnifiedJedis inspector() {
        return inspector;
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
    void deleteKeys(String prefix) {
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
