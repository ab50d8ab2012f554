package io.modularddd.eventstore.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modularddd.core.EventStoreException;
import io.modularddd.core.cache.CacheEntry;
import io.modularddd.core.cache.CacheKey;
import io.modularddd.core.cache.CacheLookup;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * The cache tier's suite (contract included) and the invalidation bus's suite on a local Redis Cluster
 * of three masters, started with {@code redis-cli --cluster create} and stopped afterwards; and the
 * cluster rule itself: a namespace's sixteen shards spread over every node, an entry with all its keys
 * stays on its shard's node, and a tag invalidation reaches entries on every node.
 */
class RedisCacheClusterTest {

    static LocalRedisCluster cluster;
    static RedisTarget target;
    static final String PREFIX = RedisTarget.randomPrefix("cache-cluster");

    @BeforeAll
    static void start() {
        cluster = LocalRedisCluster.start(3);
        target = RedisTarget.cluster(cluster);
    }

    @AfterAll
    static void stop() {
        try {
            if (target != null) {
                target.deleteKeys(PREFIX);
                target.close();
            }
        } finally {
            if (cluster != null) {
                cluster.close();
            }
        }
    }

    /** Which node serves a key's slot, by the slot ranges each node lists for itself in {@code CLUSTER NODES}. */
    private static int nodeOf(byte[] key) {
        int slot = JedisClusterCRC16.getSlot(key);
        for (int i = 0; i < cluster.nodes().size(); i++) {
            try (Jedis node = LocalRedis.jedis(cluster.nodes().get(i).port())) {
                String myself = node.clusterNodes().lines().filter(l -> l.contains("myself")).findFirst().orElseThrow();
                String[] fields = myself.split(" ");
                for (int f = 8; f < fields.length; f++) {
                    String[] bounds = fields[f].split("-");
                    int from = Integer.parseInt(bounds[0]);
                    int to = bounds.length > 1 ? Integer.parseInt(bounds[1]) : from;
                    if (slot >= from && slot <= to) {
                        return i;
                    }
                }
            }
        }
        return -1;
    }

    @Test
    void the_shards_spread_over_every_node_and_a_tag_is_invalidated_on_all_of_them() {
        try (RedisCacheTier tier = target.cacheTier(PREFIX + ":spread").build()) {
            // given: sixteen shards, whose slots fall on all three masters
            CacheLayout layout = tier.layout();
            assertThat(layout.shards()).isEqualTo(CacheLayout.CLUSTER_SHARDS);
            Set<Integer> nodes = new HashSet<>();
            for (int shard = 0; shard < layout.shards(); shard++) {
                nodes.add(nodeOf(layout.clock(shard)));
            }
            assertThat(nodes).containsExactlyInAnyOrder(0, 1, 2);
            // and entries under one tag stored on every node
            String tag = "account:" + UUID.randomUUID();
            Set<Integer> entryNodes = new HashSet<>();
            Set<CacheKey> keys = new HashSet<>();
            for (int i = 0; i < 60; i++) {
                CacheKey key = CacheKey.of("query:{Spread}:" + i + ":" + UUID.randomUUID(), "Spread(" + i + ")");
                CacheEntry entry = CacheEntry.of(key, ("v" + i).getBytes(StandardCharsets.UTF_8),
                        Instant.now().plusSeconds(60), Set.of(tag));
                assertThat(tier.put(key, entry, tier.lookup(key))).isTrue();
                keys.add(key);
                int shard = layout.shardOf(key.storageKey());
                int node = nodeOf(layout.value(shard, key.storageKey()));
                assertThat(nodeOf(layout.tagSet(shard, tag))).isEqualTo(node);
                entryNodes.add(node);
            }
            assertThat(entryNodes).hasSize(3);
            // when
            tier.invalidateTags(Set.of(tag));
            // then
            for (CacheKey key : keys) {
                assertThat(tier.lookup(key).isHit()).isFalse();
            }
        }
    }

    @Test
    void a_shard_whose_slot_moved_is_read_invalidated_and_written_on_its_new_node() {
        try (RedisCacheTier tier = target.cacheTier(PREFIX + ":moved").build()) {
            // given: an entry, and the slot of its shard moved to another node behind the client's back
            CacheLayout layout = tier.layout();
            String tag = "account:" + UUID.randomUUID();
            CacheKey key = CacheKey.of("query:{Moved}:" + UUID.randomUUID(), "Moved(1)");
            CacheEntry entry = CacheEntry.of(key, "v".getBytes(StandardCharsets.UTF_8), Instant.now().plusSeconds(60),
                    Set.of(tag));
            assertThat(tier.put(key, entry, tier.lookup(key))).isTrue();
            byte[] clock = layout.clock(layout.shardOf(key.storageKey()));
            int from = nodeOf(clock);
            int to = (from + 1) % cluster.nodes().size();
            cluster.migrateSlot(JedisClusterCRC16.getSlot(clock), from, to);
            assertThat(nodeOf(clock)).isEqualTo(to);
            // when / then: a lookup follows the redirection, and an invalidation is retried on the new owner
            assertThat(tier.lookup(key).isHit()).isTrue();
            tier.invalidateTags(Set.of(tag));
            assertThat(tier.lookup(key).isHit()).isFalse();
            // when the slot moves back while a load runs, that load's put fails as a transient error ...
            CacheLookup miss = tier.lookup(key);
            cluster.migrateSlot(JedisClusterCRC16.getSlot(clock), to, from);
            assertThatThrownBy(() -> tier.put(key, entry, miss)).isInstanceOfSatisfying(EventStoreException.class,
                    e -> assertThat(e.isTransient()).isTrue());
            // ... and the next one is stored on the node that now serves the slot
            assertThat(tier.put(key, entry, tier.lookup(key))).isTrue();
            assertThat(tier.lookup(key).isHit()).isTrue();
            assertThat(nodeOf(layout.value(layout.shardOf(key.storageKey()), key.storageKey()))).isEqualTo(from);
        }
    }

    @Nested
    class Tier extends RedisCacheTierSuite {
        @Override
        protected RedisTarget target() {
            return target;
        }

        @Override
        protected String prefix() {
            return PREFIX;
        }
    }

    @Nested
    class Bus extends RedisCacheBusSuite {
        @Override
        protected RedisTarget target() {
            return target;
        }

        @Override
        protected String prefix() {
            return PREFIX;
        }
    }
}
