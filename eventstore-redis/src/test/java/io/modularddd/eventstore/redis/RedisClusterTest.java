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
import redis.clients.jedis.Jedis;
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
                target.tier(prefix).registry(ContractEvents.REGISTRY).build())) {
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
        protected void configure(RedisHotTier.Builder builder) {
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
}
