package io.modularddd.snapshots;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modularddd.core.AggregateId;
import io.modularddd.core.InvalidInputException;
import io.modularddd.core.snapshot.SnapshotContext;
import org.junit.jupiter.api.Test;

class SimpleSnapshotStrategyTest {

    private static SnapshotContext since(long events) {
        return new SnapshotContext(AggregateId.of("a-1"), "Wallet", 100, events);
    }

    @Test
    void the_seed_default_snapshots_every_ten_events() {
        SimpleSnapshotStrategy strategy = SimpleSnapshotStrategy.create();
        assertThat(strategy.threshold()).isEqualTo(10);
        assertThat(strategy.shouldSnapshot(since(9))).isFalse();
        assertThat(strategy.shouldSnapshot(since(10))).isTrue();
        assertThat(strategy.shouldSnapshot(since(11))).isTrue();
    }

    @Test
    void a_threshold_of_one_snapshots_after_every_save() {
        SimpleSnapshotStrategy strategy = SimpleSnapshotStrategy.everyEvents(1);
        assertThat(strategy.shouldSnapshot(since(0))).isFalse();
        assertThat(strategy.shouldSnapshot(since(1))).isTrue();
    }

    @Test
    void bad_thresholds_and_null_contexts_are_refused_by_name() {
        assertThatThrownBy(() -> SimpleSnapshotStrategy.everyEvents(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("threshold must be between 1 and 1000000 but was 0");
        assertThatThrownBy(() -> SimpleSnapshotStrategy.create().shouldSnapshot(null))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("context");
    }
}
