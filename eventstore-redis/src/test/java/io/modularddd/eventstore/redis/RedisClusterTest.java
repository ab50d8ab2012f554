package io.modularddd.eventstore.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.modularddd.core.AggregateId;
import io.modularddd.core.AppendRequest;
import io.modularddd.core.EventStream;
import io.modularddd.core.ExpectedVersion;
import io.modularddd.core.InMemoryEventStore;
import io.modularddd.core.NewEvent;
import io.modularddd.testkit.ContractEvents;
import io.modularddd.testkit.ContractEvents.Happened;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.util.JedisClusterCRC16;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * The contract and the hot-tier suite on a local Redis Cluster of three masters, started with
 * {@code redis-cli --cluster create} and stopped afterwards.
 */
class RedisClusterTest {

    static LocalRedisCluster cluster;
    static RedisTarget target;
    static final String PREFIX = RedisTarget.randomPrefix("cluster");

    @BeforeAll
    static void start() {
        cluster = LocalRedisCluster.start(3);
        target = RedisTarget.cluster(cluster);
    }

    @AfterAll
    static void stop() {
        try {
            if (target != null) {
                target.close();
            }
        } finally {
            if (cluster != null) {
                cluster.close();
            }
        }
    }

    @Test
    void streams_spread_over_the_nodes_and_each_stream_stays_on_one() {
        // given
        String prefix = PREFIX + ":spread";
        List<AggregateId> ids = new ArrayList<>();
        try (TieredEventStore store = TieredEventStore.of(InMemoryEventStore.create(ContractEvents.serializer()),
                target.tier(prefix).serializer(ContractEvents.serializer()).build())) {
            // when
            for (int i = 0; i < 30; i++) {
                AggregateId id = AggregateId.of("spread {*} " + java.util.UUID.randomUUID());
                store.append(AppendRequest.of(id, "Thing", ExpectedVersion.noStream(), NewEvent.of(new Happened("x", i))));
                store.hot().invalidate(id); // writes the epoch key too
                store.append(AppendRequest.of(id, "Thing", ExpectedVersion.exactly(1), NewEvent.of(new Happened("y", i))));
                ids.add(id);
            }
            // then: every node holds some streams, and both keys of a stream are on the same node
            Set<Integer> nodesUsed = new HashSet<>();
            for (AggregateId id : ids) {
                String set = store.hot().keyOf(id);
                String epoch = set.substring(0, set.length() - 1) + "e";
                int setNode = nodeHolding(set);
                assertThat(setNode).as(set).isGreaterThanOrEqualTo(0);
                assertThat(nodeHolding(epoch)).as(epoch).isEqualTo(setNode);
                nodesUsed.add(setNode);
            }
            assertThat(nodesUsed).hasSize(3);
            Map<AggregateId, EventStream> all = store.loadBatch(ids, 1, Long.MAX_VALUE);
            for (AggregateId id : ids) {
                assertThat(all.get(id).toList()).hasSize(2);
            }
        } finally {
            target.deleteKeys(prefix);
        }
    }

    @Test
    void a_stream_whose_slot_moved_to_another_node_is_written_there_after_one_failed_write() {
        // given: a stream in Redis, and a tier whose client knows the current slot map
        String prefix = PREFIX + ":moved";
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (TieredEventStore store = TieredEventStore.of(InMemoryEventStore.create(ContractEvents.serializer()),
                target.tier(prefix).serializer(ContractEvents.serializer()).meterRegistry(meters).build())) {
            AggregateId id = AggregateId.of("moving {slot} " + java.util.UUID.randomUUID());
            store.append(AppendRequest.of(id, "Thing", ExpectedVersion.noStream(), NewEvent.of(new Happened("a", 1)),
                    NewEvent.of(new Happened("b", 2))));
            String key = store.hot().keyOf(id);
            int from = nodeHolding(key);
            int to = (from + 1) % cluster.nodes().size();

            // when: the stream's slot is migrated to another node behind the client's back
            cluster.migrateSlot(JedisClusterCRC16.getSlot(key), from, to);
            store.append(AppendRequest.of(id, "Thing", ExpectedVersion.exactly(2), NewEvent.of(new Happened("c", 3))));
            store.append(AppendRequest.of(id, "Thing", ExpectedVersion.exactly(3), NewEvent.of(new Happened("d", 4))));

            // then: the first write met MOVED and dropped the key on its new node; the next went there
            assertThat(meters.find(HotTierMetrics.PREFIX + "write_failures").counters().stream()
                    .mapToDouble(io.micrometer.core.instrument.Counter::count).sum()).isEqualTo(1);
            assertThat(nodeHolding(key)).isEqualTo(to);
            try (EventStream s = store.load(id)) {
                assertThat(s.toList()).extracting(e -> e.version()).containsExactly(1L, 2L, 3L, 4L);
            }
            try (EventStream s = store.load(id)) {
                assertThat(s.toList()).hasSize(4);
            }
            assertThat(meters.find(HotTierMetrics.PREFIX + "hits").counters().stream()
                    .mapToDouble(io.micrometer.core.instrument.Counter::count).sum()).isPositive();
        } finally {
            target.deleteKeys(prefix);
        }
    }

    /** Which node holds a key (SCAN on each node with the escaped key as pattern), or -1. */
    private static int nodeHolding(String key) {
        for (int i = 0; i < cluster.nodes().size(); i++) {
            try (Jedis node = LocalRedis.jedis(cluster.nodes().get(i).port())) {
                String cursor = ScanParams.SCAN_POINTER_START;
                do {
                    ScanResult<String> r = node.scan(cursor, new ScanParams().match(StreamKeys.globEscape(key))
                            .count(1000));
                    if (r.getResult().contains(key)) {
                        return i;
                    }
                    cursor = r.getCursor();
                } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
            }
        }
        return -1;
    }

    @Nested
    class Contract extends TieredContractBase {
        @Override
        protected RedisTarget target() {
            return target;
        }

        @Override
        protected String prefix() {
            return PREFIX;
        }

        @Override
        protected void configure(RedisHotTierBuilder builder) {
            builder.readPageSize(200);
        }
    }

    @Nested
    class HotTier extends HotTierSuite {
        @Override
        protected RedisTarget target() {
            return target;
        }

        @Override
        protected String prefix() {
            return PREFIX + ":tier";
        }
    }

    @Nested
    class Snapshots extends RedisSnapshotStoreSuite {
        @Override
        protected RedisTarget target() {
            return target;
        }

        @Override
        protected String prefix() {
            return PREFIX + ":snap";
        }
    }

    @Nested
    class Stats extends RedisAggregateStatsSuite {
        @Override
        protected RedisTarget target() {
            return target;
        }

        @Override
        protected String prefix() {
            return PREFIX + ":stats";
        }
    }

    @Nested
    class Metrics extends RedisMetricsCollectorSuite {
        @Override
        protected RedisTarget target() {
            return target;
        }

        @Override
        protected String prefix() {
            return PREFIX + ":metrics";
        }
    }
}
