package io.modularddd.eventstore.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.modularddd.core.queue.CommandQueue;
import io.modularddd.core.queue.Delivery;
import io.modularddd.core.queue.QueuedCommand;
import io.modularddd.testkit.CommandQueueContract;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * The queue's contract and suite on a local Redis Cluster of three masters ({@code redis-cli --cluster
 * create}), plus the placement: all keys of a queue on one node, queues spread over the nodes.
 */
class RedisCommandQueueClusterTest {

    static LocalRedisCluster cluster;
    static RedisTarget target;
    static final String PREFIX = RedisTarget.randomPrefix("cluster-queue");

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
    void each_queue_lives_on_one_node_with_its_dead_letters_and_ids_and_queues_spread_over_the_nodes() {
        // given
        Set<Integer> nodesUsed = new HashSet<>();
        try (RedisCommandQueue queue = target.queue(PREFIX + ":placement").maxAttempts(1).build()) {
            for (int i = 0; i < 24; i++) {
                String name = "placed-" + i + "-" + UUID.randomUUID().toString().substring(0, 8);
                QueuedCommand sent = new QueuedCommand(UUID.randomUUID().toString(), "T",
                        "x".getBytes(StandardCharsets.UTF_8));
                // when: a send, a delivery and a failure that moves it to the dead letters
                queue.send(name, sent);
                List<Delivery> got = queue.poll(name, "c", 1, Duration.ofSeconds(2));
                assertThat(got).hasSize(1);
                queue.fail(got.get(0), "to the dead letters");
                // then: the stream, the dead-letter stream and the id key are on one node
                int node = nodeHolding(queue.keys().stream(name));
                assertThat(node).isNotNegative();
                assertThat(nodeHolding(queue.keys().dead(name))).isEqualTo(node);
                assertThat(nodeHolding(queue.keys().id(name, sent.commandId()))).isEqualTo(node);
                nodesUsed.add(node);
            }
        }
        assertThat(nodesUsed).hasSize(3);
    }

    /** Which node holds a key (EXISTS on each master: a node answers only for its own keys), or -1. */
    private static int nodeHolding(String key) {
        for (int i = 0; i < cluster.nodes().size(); i++) {
            try (Jedis node = LocalRedis.jedis(cluster.nodes().get(i).port())) {
                try {
                    if (node.exists(key)) {
                        return i;
                    }
                } catch (RuntimeException movedElsewhere) {
                    // MOVED: not this node
                }
            }
        }
        return -1;
    }

    @Nested
    class Contract extends CommandQueueContract {
        @Override
        protected CommandQueue createQueue(Duration leaseTime, int maxAttempts) {
            return target.queue(PREFIX).leaseTime(leaseTime).maxAttempts(maxAttempts).build();
        }

        @Override
        protected void kill(CommandQueue queue) {
            RedisCommandQueueContractTest.killConnections(target, queue);
        }
    }

    @Nested
    class Suite extends RedisCommandQueueSuite {
        @Override
        protected RedisTarget target() {
            return target;
        }

        @Override
        protected String prefix() {
            return PREFIX + ":suite";
        }
    }
}
