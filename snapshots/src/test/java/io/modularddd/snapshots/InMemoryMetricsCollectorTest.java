package io.modularddd.snapshots;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modularddd.core.metrics.MetricsCollector;
import io.modularddd.testkit.MetricsCollectorContract;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class InMemoryMetricsCollectorTest extends MetricsCollectorContract {

    @Override
    protected MetricsCollector createCollector(int maxTypes) {
        return InMemoryMetricsCollector.builder().maxTypes(maxTypes).build();
    }

    @Test
    void a_new_window_starts_empty_and_has_room_for_new_types_again() {
        // given
        AtomicLong now = new AtomicLong();
        InMemoryMetricsCollector metrics = InMemoryMetricsCollector.builder().window(Duration.ofSeconds(10))
                .maxTypes(1).ticker(now::get).build();
        metrics.recordCommandExecution("com.example.A", 5, true);
        metrics.recordCommandExecution("com.example.B", 5, true);
        assertThat(metrics.commandSummaries()).containsOnlyKeys("com.example.A", MetricsCollector.OVERFLOW_TYPE);

        // when
        now.addAndGet(Duration.ofSeconds(10).toNanos());

        // then
        assertThat(metrics.commandSummaries()).as("the window ended").isEmpty();
        metrics.recordCommandExecution("com.example.B", 7, false);
        assertThat(metrics.commandSummaries()).containsOnlyKeys("com.example.B");
        assertThat(metrics.commandSummaries().get("com.example.B").failures()).isEqualTo(1);
    }

    @Test
    void the_aggregate_statistics_given_are_the_ones_handed_out() {
        InMemoryAggregateStats stats = InMemoryAggregateStats.create();
        assertThat(InMemoryMetricsCollector.builder().aggregateStats(stats).build().aggregateStats()).isSameAs(stats);
        assertThat(InMemoryMetricsCollector.create().aggregateStats()).isInstanceOf(InMemoryAggregateStats.class);
    }

    @Test
    void builder_settings_are_checked_at_once() {
        assertThatThrownBy(() -> InMemoryMetricsCollector.builder().maxTypes(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxTypes");
        assertThatThrownBy(() -> InMemoryMetricsCollector.builder().window(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("window");
        assertThatThrownBy(() -> InMemoryMetricsCollector.builder().maxTypes(5).maxTypes(6))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("maxTypes");
    }
}
