package io.modularddd.eventstore.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.modularddd.core.AggregateId;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link RedisMetricsCollector} when its Redis (a server of the test's own) dies: recording never throws, the
 * samples are dropped and counted, summaries read empty; once the server is back the collector records again.
 */
class RedisMetricsCollectorFailureTest {

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

    @Test
    void a_dead_redis_drops_and_counts_samples_and_a_restarted_one_records_again() throws InterruptedException {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (RedisMetricsCollector metrics = RedisMetricsCollector.builder().uri(server.uri())
                .keyPrefix("mddt:metricsfail").retryAfterFailure(Duration.ofMillis(100)).meterRegistry(registry)
                .build()) {
            metrics.recordCommandExecution("com.example.Deposit", 10, true);
            assertThat(metrics.commandSummaries().get("com.example.Deposit").count()).isEqualTo(1);
            try {
                // when
                server.kill();
                long start = System.nanoTime();
                for (int i = 0; i < 50; i++) {
                    metrics.recordCommandExecution("com.example.Deposit", 10, true);
                }
                metrics.aggregateStats().recordLoad(AggregateId.of("a-1"), "Account", 1, 1);
                // then: no exception, bounded time (one timeout, then the back-off), all dropped and counted
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
                assertThat(metrics.droppedSamples()).isEqualTo(50);
                assertThat(registry.get(RedisMetricsCollector.DROPPED_METER).tag("operation", "record").counter()
                        .count()).isEqualTo(50.0);
                assertThat(metrics.commandSummaries()).isEmpty();
            } finally {
                server.restart();
            }
            // and once it is back (after the back-off), samples are recorded again
            Thread.sleep(150);
            metrics.recordCommandExecution("com.example.Deposit", 20, false);
            assertThat(metrics.commandSummaries().get("com.example.Deposit").failures()).isEqualTo(1);
        }
    }

    @Test
    void builder_settings_are_checked_at_once() {
        try (RedisMetricsCollector built = RedisMetricsCollector.builder().uri("redis://:pw-secret-9@127.0.0.1:1")
                .build()) {
            assertThat(built.toString()).doesNotContain("pw-secret-9");
        }
        assertThatThrownBy(() -> RedisMetricsCollector.builder().maxTypes(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxTypes");
        assertThatThrownBy(() -> RedisMetricsCollector.builder().maxTypes(RedisMetricsCollector.MAX_MAX_TYPES + 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxTypes");
        assertThatThrownBy(() -> RedisMetricsCollector.builder().keyPrefix("bad prefix"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RedisMetricsCollector.builder().build()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("metrics in Redis");
    }
}
