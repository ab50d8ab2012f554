package io.modularddd.core.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modularddd.core.InvalidInputException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class HealthReportTest {

    private static HealthIndicator indicator(String name, Supplier<Health> check) {
        return new HealthIndicator() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Health check() {
                return check.get();
            }
        };
    }

    @Test
    void the_report_is_up_when_every_indicator_is_and_keeps_their_order() {
        HealthReport report = HealthReport.check(List.of(
                indicator("database", () -> Health.up(Map.of("headPosition", "42"))),
                indicator("redis", () -> Health.up(Map.of()))), Duration.ofSeconds(5));

        assertThat(report.status()).isEqualTo(Health.Status.UP);
        assertThat(report.isUp()).isTrue();
        assertThat(report.components()).containsOnlyKeys("database", "redis");
        assertThat(report.components().keySet()).containsExactly("database", "redis");
        assertThat(report.components().get("database").detail()).containsEntry("headPosition", "42");
    }

    @Test
    void one_down_indicator_makes_the_report_down() {
        HealthReport report = HealthReport.check(List.of(
                indicator("database", () -> Health.up(Map.of())),
                indicator("queue:default", () -> Health.down(Map.of("depth", "9000")))), Duration.ofSeconds(5));

        assertThat(report.status()).isEqualTo(Health.Status.DOWN);
        assertThat(report.components().get("database").isUp()).isTrue();
        assertThat(report.components().get("queue:default").detail()).containsEntry("depth", "9000");
    }

    @Test
    void a_hung_indicator_is_down_after_the_timeout_and_does_not_hang_the_check() throws InterruptedException {
        CountDownLatch release = new CountDownLatch(1);
        try {
            HealthIndicator hung = indicator("hung", () -> {
                try {
                    release.await(1, TimeUnit.MINUTES);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return Health.up(Map.of());
            });
            long start = System.nanoTime();

            HealthReport report = HealthReport.check(List.of(hung, indicator("fine", () -> Health.up(Map.of()))),
                    Duration.ofMillis(300));

            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
            assertThat(report.status()).isEqualTo(Health.Status.DOWN);
            assertThat(report.components().get("hung").detail()).containsEntry("timedOut", "true")
                    .containsEntry("error", "no answer within 300 ms");
            assertThat(report.components().get("fine").isUp()).isTrue();
        } finally {
            release.countDown();
        }
    }

    @Test
    void a_throwing_or_null_answering_indicator_is_down_without_its_message() {
        HealthReport report = HealthReport.check(List.of(
                indicator("throws", () -> {
                    throw new IllegalStateException("jdbc:mariadb://db/app?password=hunter2");
                }),
                indicator("null", () -> null)), Duration.ofSeconds(5));

        assertThat(report.status()).isEqualTo(Health.Status.DOWN);
        assertThat(report.components().get("throws").detail())
                .containsEntry("error", IllegalStateException.class.getName());
        assertThat(report.toString()).doesNotContain("hunter2");
        assertThat(report.components().get("null").detail().get("error")).contains("null");
    }

    @Test
    void a_refused_task_is_down() {
        HealthReport report = HealthReport.check(List.of(indicator("x", () -> Health.up(Map.of()))),
                Duration.ofSeconds(1), task -> {
                    throw new RejectedExecutionException("full");
                });
        assertThat(report.components().get("x").detail().get("error")).contains("refused");
    }

    @Test
    void bad_arguments_are_typed_errors() {
        HealthIndicator a = indicator("a", () -> Health.up(Map.of()));
        assertThatThrownBy(() -> HealthReport.check(List.of(a, a), Duration.ofSeconds(1)))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("'a'");
        assertThatThrownBy(() -> HealthReport.check(List.of(a), Duration.ZERO))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("timeout");
        assertThatThrownBy(() -> HealthReport.check(null, Duration.ofSeconds(1)))
                .isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> Health.up(Map.of("k", "v")).detail().put("x", "y"))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> new Health(null, Map.of())).isInstanceOf(InvalidInputException.class);
    }
}
