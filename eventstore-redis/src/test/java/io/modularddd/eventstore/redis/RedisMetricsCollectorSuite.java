package io.modularddd.eventstore.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.modularddd.core.metrics.ExecutionSummary;
import io.modularddd.core.metrics.MetricsCollector;
import io.modularddd.testkit.MetricsCollectorContract;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * {@link RedisMetricsCollector} on one {@link RedisTarget}: the testkit's contract, two nodes sharing the
 * summaries, the key layout and the window as the keys' TTL.
 */
abstract class RedisMetricsCollectorSuite extends MetricsCollectorContract {

    private final List<RedisMetricsCollector> opened = new ArrayList<>();

    /** The Redis the suite runs on. */
    protected abstract RedisTarget target();

    /** The key prefix the suite's keys live under (deleted by the enclosing test class). */
    protected abstract String prefix();

    @AfterEach
    void closeCollectors() {
        opened.forEach(RedisMetricsCollector::close);
    }

    private RedisMetricsCollector open(RedisMetricsCollectorBuilder builder) {
        RedisMetricsCollector c = builder.build();
        opened.add(c);
        return c;
    }

    private String freshPrefix() {
        return prefix() + ":" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Override
    protected MetricsCollector createCollector(int maxTypes) {
        return open(target().metrics(freshPrefix()).maxTypes(maxTypes));
    }

    @Test
    void a_node_sees_the_executions_another_node_recorded() {
        // given: two nodes with one prefix
        String prefix = freshPrefix();
        RedisMetricsCollector nodeA = open(target().metrics(prefix));
        RedisMetricsCollector nodeB = open(target().metrics(prefix));
        // when
        nodeA.recordCommandExecution("com.example.Deposit", 2_000, true);
        nodeB.recordCommandExecution("com.example.Deposit", 9_000, false);
        nodeB.recordQueryExecution("com.example.Balance", 30, true);
        // then
        for (RedisMetricsCollector node : List.of(nodeA, nodeB)) {
            assertThat(node.commandSummaries()).containsExactly(java.util.Map.entry("com.example.Deposit",
                    new ExecutionSummary("com.example.Deposit", 2, 1, 11_000, 9_000)));
            assertThat(node.querySummaries().get("com.example.Balance").count()).isEqualTo(1);
            assertThat(node.droppedSamples()).isZero();
        }
    }

    @Test
    void both_keys_of_a_kind_share_a_slot_and_live_one_window_from_the_first_sample() throws InterruptedException {
        // given
        RedisMetricsCollector metrics = open(target().metrics(freshPrefix()).window(Duration.ofMinutes(2)));
        metrics.recordCommandExecution("com.example.Deposit", 5, true);
        List<String> keys = metrics.keysOf(true);
        long first = target().inspector().pttl(keys.get(0));
        // when
        Thread.sleep(30);
        metrics.recordCommandExecution("com.example.Deposit", 6, true);
        // then
        assertThat(keys.get(0)).isEqualTo(metrics.keyPrefix() + ":{commands}:counts");
        assertThat(keys.get(1)).isEqualTo(metrics.keyPrefix() + ":{commands}:max");
        assertThat(JedisClusterCRC16.getSlot(keys.get(0))).isEqualTo(JedisClusterCRC16.getSlot(keys.get(1)));
        assertThat(target().inspector().type(keys.get(0))).isEqualTo("hash");
        assertThat(target().inspector().type(keys.get(1))).isEqualTo("zset");
        assertThat(first).isBetween(1L, Duration.ofMinutes(2).toMillis());
        assertThat(target().inspector().pttl(keys.get(0))).as("later samples do not push the window out")
                .isLessThan(first);
        assertThat(target().inspector().pttl(keys.get(1))).isBetween(1L, first);
        assertThat(target().inspector().hgetAll(keys.get(0))).containsOnlyKeys("c:com.example.Deposit",
                "t:com.example.Deposit");
    }

    @Test
    void when_the_window_ends_the_summaries_start_again() throws InterruptedException {
        RedisMetricsCollector metrics = open(target().metrics(freshPrefix()).window(Duration.ofSeconds(1)));
        metrics.recordCommandExecution("com.example.Deposit", 5, true);
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (target().inspector().exists(metrics.keysOf(true).get(0)) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(metrics.commandSummaries()).isEmpty();
        metrics.recordCommandExecution("com.example.Deposit", 7, true);
        assertThat(metrics.commandSummaries().get("com.example.Deposit").totalNanos()).isEqualTo(7);
    }
}
