package io.modularddd.eventstore.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.modularddd.core.metrics.ExecutionSummary;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * {@link RedisMetricsCollector} with {@code batchEvery}: recording makes no round trip; a daemon thread sends
 * the per-type sums at the interval, summaries and {@code close()} send what is pending first, and a dead Redis
 * drops and counts the samples of the failed flush. On a Redis of the test's own.
 */
class RedisMetricsCollectorBatchingTest {

    private static LocalRedis server;

    @BeforeAll
    static void startServer() {
        LocalRedis.requireBinaries();
        server = LocalRedis.start();
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    private static long commandsRecordedInRedis(RedisMetricsCollector metrics, String type) {
        List<String> keys = metrics.keysOf(true);
        try (Jedis jedis = new Jedis("127.0.0.1", server.port())) {
            String value = jedis.hget(keys.get(0), "c:" + type);
            return value == null ? 0 : Long.parseLong(value);
        }
    }

    @Test
    void samples_are_summed_in_process_and_sent_by_the_flusher_summaries_and_close() throws InterruptedException {
        String prefix = "mddt:batch:" + System.nanoTime();
        RedisMetricsCollector metrics = RedisMetricsCollector.builder().uri(server.uri()).keyPrefix(prefix)
                .batchEvery(Duration.ofMillis(200)).build();
        try {
            // when: 1,000 executions, one failed, the longest 900
            for (int i = 1; i <= 1_000; i++) {
                metrics.recordCommandExecution("com.example.Deposit", i == 7 ? 900 : 10, i != 500);
            }
            // then: nothing reached Redis from the callers' threads
            assertThat(commandsRecordedInRedis(metrics, "com.example.Deposit")).isZero();
            // and the flusher sends them within its interval, as one sum
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (commandsRecordedInRedis(metrics, "com.example.Deposit") < 1_000 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(commandsRecordedInRedis(metrics, "com.example.Deposit")).isEqualTo(1_000);
            ExecutionSummary s = metrics.commandSummaries().get("com.example.Deposit");
            assertThat(s.count()).isEqualTo(1_000);
            assertThat(s.failures()).isEqualTo(1);
            assertThat(s.totalNanos()).isEqualTo(999 * 10 + 900);
            assertThat(s.maxNanos()).isEqualTo(900);

            // a summary sends this node's pending samples first: read your own records
            metrics.recordQueryExecution("com.example.BalanceOf", 5, true);
            assertThat(metrics.querySummaries().get("com.example.BalanceOf").count()).isEqualTo(1);
            // close sends what is pending
            metrics.recordCommandExecution("com.example.Withdraw", 3, true);
        } finally {
            metrics.close();
        }
        assertThat(commandsRecordedInRedis(metrics, "com.example.Withdraw")).isEqualTo(1);
        // and the flusher thread is gone
        assertThat(Thread.getAllStackTraces().keySet())
                .noneMatch(t -> t.getName().equals("modularddd-metrics-flush") && t.isAlive());
    }

    @Test
    void a_flush_to_a_dead_redis_drops_and_counts_its_samples_and_never_reaches_the_caller() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (RedisMetricsCollector metrics = RedisMetricsCollector.builder().uri(server.uri())
                .keyPrefix("mddt:batchfail:" + System.nanoTime()).batchEvery(Duration.ofMinutes(1))
                .retryAfterFailure(Duration.ofMillis(100)).meterRegistry(registry).build()) {
            try {
                server.kill();
                for (int i = 0; i < 50; i++) {
                    metrics.recordCommandExecution("com.example.Deposit", 10, true);
                }
                metrics.flush();
                assertThat(metrics.droppedSamples()).isEqualTo(50);
                assertThat(registry.get(RedisMetricsCollector.DROPPED_METER).tag("operation", "record").counter()
                        .count()).isEqualTo(50.0);
            } finally {
                server.restart();
            }
        }
    }

    @Test
    void batch_every_is_checked_at_once() {
        assertThatThrownBy(() -> RedisMetricsCollector.builder().batchEvery(Duration.ofMillis(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("batchEvery must be between");
        assertThatThrownBy(() -> RedisMetricsCollector.builder().batchEvery(Duration.ofSeconds(1))
                .batchEvery(Duration.ofSeconds(1))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("batchEvery");
    }
}
