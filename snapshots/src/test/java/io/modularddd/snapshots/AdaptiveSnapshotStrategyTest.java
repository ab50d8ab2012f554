package io.modularddd.snapshots;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modularddd.core.AggregateId;
import io.modularddd.core.InvalidInputException;
import io.modularddd.core.snapshot.AggregateStatistics;
import io.modularddd.core.snapshot.AggregateStats;
import io.modularddd.core.snapshot.SnapshotContext;
import io.modularddd.snapshots.AdaptiveSnapshotStrategy.Decision;
import io.modularddd.snapshots.AdaptiveSnapshotStrategy.Rule;
import io.modularddd.snapshots.Fixtures.ManualTicker;
import java.time.Duration;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** One test per rule of the cost model (defaults: 5 ms per snapshot, a 300 s horizon, 20 µs + 5 ns/B per event). */
class AdaptiveSnapshotStrategyTest {

    /** A fake that answers what the test set and counts the reads. */
    static final class FixedStats implements AggregateStats {
        AggregateStatistics answer = AggregateStatistics.NONE;
        int reads;

        @Override
        public void recordLoad(AggregateId aggregateId, String aggregateType, long eventsReplayed, long loadNanos) {
        }

        @Override
        public void recordAppend(AggregateId aggregateId, String aggregateType, long events, long bytes) {
        }

        @Override
        public AggregateStatistics statistics(AggregateId aggregateId) {
            reads++;
            return answer;
        }
    }

    final FixedStats stats = new FixedStats();
    final ManualTicker ticker = new ManualTicker();
    final AggregateId id = AggregateId.of("wallet-1");

    AdaptiveSnapshotStrategy strategy() {
        return AdaptiveSnapshotStrategy.builder(stats).ticker(ticker).build();
    }

    SnapshotContext since(long events) {
        return new SnapshotContext(id, "Wallet", 5_000, events);
    }

    @Nested
    class Rules {

        @Test
        void nothing_new_is_never_snapshotted_and_costs_no_statistics_read() {
            Decision d = strategy().decide(since(0));
            assertThat(d.rule()).isEqualTo(Rule.NOTHING_NEW);
            assertThat(d.snapshot()).isFalse();
            assertThat(stats.reads).isZero();
        }

        @Test
        void the_event_ceiling_snapshots_an_aggregate_nobody_loads() {
            AdaptiveSnapshotStrategy s = strategy();
            assertThat(s.decide(since(999)).rule()).isEqualTo(Rule.NO_STATISTICS);
            Decision d = s.decide(since(1_000));
            assertThat(d.rule()).isEqualTo(Rule.EVENT_CEILING);
            assertThat(d.snapshot()).isTrue();
        }

        @Test
        void the_byte_ceiling_snapshots_when_the_replay_would_read_a_mebibyte() {
            // given 200 events of 6,000 bytes: 1.2 MB to replay
            stats.answer = new AggregateStatistics(0, 0, 0, 6_000, 0);
            // when
            Decision d = strategy().decide(since(200));
            // then
            assertThat(d.rule()).isEqualTo(Rule.BYTE_CEILING);
            assertThat(d.snapshot()).isTrue();
            assertThat(strategy().decide(since(100)).rule()).isEqualTo(Rule.NO_STATISTICS);
        }

        @Test
        void without_recorded_loads_the_fallback_threshold_decides() {
            AdaptiveSnapshotStrategy s = strategy();
            assertThat(s.decide(since(99))).extracting(Decision::rule, Decision::snapshot)
                    .containsExactly(Rule.NO_STATISTICS, false);
            assertThat(s.decide(since(100))).extracting(Decision::rule, Decision::snapshot)
                    .containsExactly(Rule.NO_STATISTICS, true);
        }

        @Test
        void measured_replay_cost_times_access_rate_against_the_write_cost() {
            // given loads of 1 ms replaying 10 events: 100 µs per event; 0.01 loads/s
            stats.answer = new AggregateStatistics(3, 1_000_000, 10, 50, 0.01);
            AdaptiveSnapshotStrategy s = strategy();
            // when 1 event: 1 × 100 µs × 0.01/s × 300 s = 0.3 ms < 5 ms
            Decision small = s.decide(since(1));
            // when 20 events: 6 ms ≥ 5 ms
            Decision large = s.decide(since(20));
            // then
            assertThat(small).extracting(Decision::rule, Decision::snapshot).containsExactly(Rule.COST_MODEL, false);
            assertThat(small.replayNanosPerEvent()).isEqualTo(100_000);
            assertThat(small.benefitNanos()).isCloseTo(300_000, org.assertj.core.data.Offset.offset(1.0));
            assertThat(large).extracting(Decision::rule, Decision::snapshot).containsExactly(Rule.COST_MODEL, true);
            assertThat(large.costNanos()).isEqualTo(5_000_000);
        }

        @Test
        void the_event_size_models_the_replay_cost_while_no_load_replayed_events() {
            // given loads that replayed nothing (all from snapshots): r = 20 µs + 100 B × 5 ns = 20.5 µs
            stats.answer = new AggregateStatistics(4, 300_000, 0, 100, 1.0);
            // when 1 event at 1 load/s over 300 s: 6.15 ms ≥ 5 ms
            Decision d = strategy().decide(since(1));
            // then
            assertThat(d.replayNanosPerEvent()).isEqualTo(20_500);
            assertThat(d.snapshot()).isTrue();
        }

        @Test
        void the_complexity_score_weighs_the_replay_cost() {
            // given 0.5 loads/s: 1 event is worth 3.075 ms, below 5 ms
            stats.answer = new AggregateStatistics(4, 300_000, 0, 100, 0.5);
            assertThat(strategy().decide(since(1)).snapshot()).isFalse();
            // when the aggregate type is scored twice as costly to replay
            AdaptiveSnapshotStrategy weighted = AdaptiveSnapshotStrategy.builder(stats).ticker(ticker)
                    .complexity(ctx -> ctx.aggregateType().equals("Wallet") ? 2.0 : 1.0).build();
            // then
            Decision d = weighted.decide(since(1));
            assertThat(d.complexity()).isEqualTo(2.0);
            assertThat(d.snapshot()).isTrue();
        }

        @Test
        void a_complexity_that_is_not_a_finite_non_negative_number_is_refused_by_name() {
            stats.answer = new AggregateStatistics(4, 300_000, 0, 100, 0.5);
            AdaptiveSnapshotStrategy bad = AdaptiveSnapshotStrategy.builder(stats).complexity(ctx -> Double.NaN)
                    .build();
            assertThatThrownBy(() -> bad.shouldSnapshot(since(1))).isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("complexity").hasMessageContaining("NaN");
        }

        @Test
        void should_snapshot_answers_the_decision() {
            stats.answer = new AggregateStatistics(3, 1_000_000, 10, 50, 0.01);
            AdaptiveSnapshotStrategy s = strategy();
            assertThat(s.shouldSnapshot(since(1))).isFalse();
            assertThat(s.shouldSnapshot(since(20))).isTrue();
        }
    }

    @Nested
    class Statistics {

        @Test
        void are_read_once_per_aggregate_for_300_seconds() {
            // given
            AdaptiveSnapshotStrategy s = strategy();
            s.decide(since(5));
            ticker.advance(Duration.ofSeconds(299));
            s.decide(since(6));
            assertThat(stats.reads).isEqualTo(1);
            // when the 300 s are over
            ticker.advance(Duration.ofSeconds(2));
            s.decide(since(7));
            // then
            assertThat(stats.reads).isEqualTo(2);
        }

        @Test
        void a_cached_reading_is_used_until_it_expires() {
            AdaptiveSnapshotStrategy s = strategy();
            assertThat(s.decide(since(20)).rule()).isEqualTo(Rule.NO_STATISTICS);
            stats.answer = new AggregateStatistics(3, 1_000_000, 10, 50, 0.01);
            assertThat(s.decide(since(20)).rule()).isEqualTo(Rule.NO_STATISTICS);
            ticker.advance(Duration.ofSeconds(301));
            assertThat(s.decide(since(20)).rule()).isEqualTo(Rule.COST_MODEL);
        }
    }

    @Nested
    class Builder {

        @Test
        void validates_each_setting_at_once_and_refuses_a_second_one() {
            assertThatThrownBy(() -> AdaptiveSnapshotStrategy.builder(null)).isInstanceOf(
                    IllegalArgumentException.class).hasMessage("stats must not be null");
            assertThatThrownBy(() -> AdaptiveSnapshotStrategy.builder(stats).horizon(Duration.ZERO))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("horizon must be between");
            assertThatThrownBy(() -> AdaptiveSnapshotStrategy.builder(stats).replayNanosPerByte(-1))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-1");
            assertThatThrownBy(() -> AdaptiveSnapshotStrategy.builder(stats).fallbackThreshold(5).fallbackThreshold(6))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("fallbackThreshold was already set to 5; set each setting once");
        }
    }
}
