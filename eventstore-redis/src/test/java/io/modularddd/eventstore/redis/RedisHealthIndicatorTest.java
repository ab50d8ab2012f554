package io.modularddd.eventstore.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modularddd.core.health.Health;
import io.modularddd.core.health.HealthReport;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link RedisHealthIndicator} against a redis-server of the test's own (on a spare port, with a password):
 * up with version and role, down when the server is killed, up again after its restart; never the password.
 */
class RedisHealthIndicatorTest {

    private static final String PASSWORD = "s3cret-health-pw";
    private static LocalRedis server;

    @BeforeAll
    static void startServer() {
        LocalRedis.requireBinaries();
        server = LocalRedis.start("--requirepass", PASSWORD);
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    private RedisHealthIndicator indicator() {
        return RedisHealthIndicator.builder().uri("redis://:" + PASSWORD + "@127.0.0.1:" + server.port()).build();
    }

    @Test
    void a_live_server_is_up_with_its_version_and_role() {
        Health health = indicator().check();

        assertThat(health.status()).isEqualTo(Health.Status.UP);
        assertThat(health.detail()).containsEntry("endpoint", "redis://127.0.0.1:" + server.port())
                .containsEntry("role", "master").containsKeys("version", "pingMillis");
        assertThat(health.detail().get("version")).matches("[0-9]+\\.[0-9]+.*");
        assertThat(health.toString()).doesNotContain(PASSWORD);
    }

    @Test
    void a_killed_server_is_down_within_the_timeout_and_up_again_after_a_restart() {
        RedisHealthIndicator indicator = indicator();
        try {
            // when
            server.kill();
            long start = System.nanoTime();
            HealthReport report = HealthReport.check(List.of(indicator), Duration.ofSeconds(5));
            // then
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
            Health health = report.components().get("redis");
            assertThat(report.isUp()).isFalse();
            assertThat(health.status()).isEqualTo(Health.Status.DOWN);
            assertThat(health.detail()).containsKey("error").doesNotContainKey("timedOut");
            assertThat(health.detail().toString()).doesNotContain(PASSWORD);
        } finally {
            server.restart();
        }
        assertThat(indicator.check().isUp()).as("after the restart").isTrue();
    }

    @Test
    void a_wrong_password_is_down_and_never_shown() {
        Health health = RedisHealthIndicator.builder().uri("redis://127.0.0.1:" + server.port())
                .credentials(null, "wrong-pw-123").name("cache").build().check();

        assertThat(health.isUp()).isFalse();
        assertThat(health.detail().get("error")).isNotBlank();
        assertThat(health.detail().toString()).doesNotContain("wrong-pw-123");
    }

    @Test
    void builder_settings_are_checked_at_once() {
        assertThatThrownBy(() -> RedisHealthIndicator.builder().build()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("uri");
        assertThatThrownBy(() -> RedisHealthIndicator.builder().name(" ")).isInstanceOf(
                IllegalArgumentException.class).hasMessageContaining("name");
        assertThatThrownBy(() -> RedisHealthIndicator.builder().readTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("readTimeout");
        assertThat(RedisHealthIndicator.builder().uri("redis://:pw-xyz@127.0.0.1:1").build().toString())
                .doesNotContain("pw-xyz");
    }
}
