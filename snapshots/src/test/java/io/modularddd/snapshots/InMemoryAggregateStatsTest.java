package io.modularddd.snapshots;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.modularddd.core.AggregateId;
import io.modularddd.core.snapshot.AggregateStatistics;
import io.modularddd.snapshots.Fixtures.ManualTicker;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class InMemoryAggregateStatsTest {

    final ManualTicker ticker = new ManualTicker();
    final InMemoryAggregateStats stats = InMemoryAggregateStats.builder().ticker(ticker).build();
    final AggregateId id = AggregateId.of("wallet-1");

    @Test
    void an_aggregate_never_sampled_has_no_statistics() {
        assertThat(stats.statistics(id)).isEqualTo(AggregateStatistics.NONE);
    }

    @Test
    void averages_loads_replays_and_event_sizes() {
        // given
        stats.recordLoad(id, "Wallet", 10, 1_000_000);
        stats.recordLoad(id, "Wallet", 20, 3_000_000);
        stats.recordAppend(id, "Wallet", 3, 300);
        // when
        AggregateStatistics s = stats.statistics(id);
        // then
        assertThat(s.loads()).isEqualTo(2);
        assertThat(s.averageLoadNanos()).isEqualTo(2_000_000);
        assertThat(s.averageReplayed()).isEqualTo(15);
        assertThat(s.averageEventBytes()).isEqualTo(100);
    }

    @Test
    void a_burst_of_first_loads_is_spread_over_at_least_one_bucket_of_30_seconds() {
        for (int i = 0; i < 3; i++) {
            stats.recordLoad(id, "Wallet", 1, 1);
        }
        assertThat(stats.statistics(id).loadsPerSecond()).isCloseTo(3 / 30.0, within(1e-9));
    }

    @Test
    void a_steady_rate_is_measured_over_the_window() {
        // given a load every 10 s for 10 minutes
        for (int i = 0; i < 60; i++) {
            stats.recordLoad(id, "Wallet", 1, 1);
            ticker.advance(Duration.ofSeconds(10));
        }
        // then about 0.1 loads/s (the window holds 27 to 30 of them, as buckets roll)
        assertThat(stats.statistics(id).loadsPerSecond()).isBetween(0.089, 0.1001);
    }

    @Test
    void samples_older_than_the_window_are_forgotten() {
        // given
        stats.recordLoad(id, "Wallet", 100, 5_000_000);
        ticker.advance(Duration.ofSeconds(200));
        stats.recordLoad(id, "Wallet", 2, 1_000_000);
        // when the first sample is more than 5 minutes old
        ticker.advance(Duration.ofSeconds(150));
        // then only the second counts
        AggregateStatistics s = stats.statistics(id);
        assertThat(s.loads()).isEqualTo(1);
        assertThat(s.averageReplayed()).isEqualTo(2);
    }

    @Test
    void an_aggregate_idle_for_a_whole_window_is_dropped() {
        stats.recordLoad(id, "Wallet", 1, 1);
        ticker.advance(Duration.ofMinutes(6));
        assertThat(stats.statistics(id)).isEqualTo(AggregateStatistics.NONE);
    }

    @Test
    void watches_a_bounded_number_of_aggregates() {
        InMemoryAggregateStats small = InMemoryAggregateStats.builder().maximumAggregates(2).ticker(ticker).build();
        for (int i = 0; i < 50; i++) {
            small.recordLoad(AggregateId.of("a-" + i), "Wallet", 1, 1);
        }
        assertThat(small.watchedAggregates()).isLessThanOrEqualTo(2);
    }
}
