package io.modularddd.benchmarks.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class LatencyStatsTest {

    @Test
    void percentiles_of_a_known_uniform_input_are_within_a_tenth_of_a_percent() {
        // given 1..10_000 microseconds, once each
        Histogram h = LatencyStats.newHistogram();
        long sum = 0;
        for (long us = 1; us <= 10_000; us++) {
            h.recordValue(us * 1000);
            sum += us * 1000;
        }

        // when
        LatencyStats s = LatencyStats.of("command", h, sum, 2_000_000_000L);

        // then
        assertThat(s.operations()).isEqualTo(10_000);
        assertThat(s.totalNanos()).isEqualTo(sum);
        assertThat(s.avgNanos()).isEqualTo(5_000_500.0);
        assertThat((double) s.minNanos()).isCloseTo(1_000, within(1.0));
        assertThat((double) s.maxNanos()).isCloseTo(10_000_000, within(10_000.0));
        assertThat((double) s.medianNanos()).isCloseTo(5_000_000, within(5_000.0));
        assertThat((double) s.p95Nanos()).isCloseTo(9_500_000, within(9_500.0));
        assertThat((double) s.p99Nanos()).isCloseTo(9_900_000, within(9_900.0));
        assertThat(s.opsPerSecond()).isEqualTo(5_000.0); // 10_000 operations over 2 s of wall-clock time
    }

    @Test
    void a_skewed_input_shows_its_tail_in_p99_and_not_in_the_median() {
        // given 980 fast operations of 100 us and 20 slow ones of 50 ms
        Histogram h = LatencyStats.newHistogram();
        for (int i = 0; i < 980; i++) {
            h.recordValue(100_000);
        }
        for (int i = 0; i < 20; i++) {
            h.recordValue(50_000_000);
        }

        // when
        LatencyStats s = LatencyStats.of("query hit", h, 980 * 100_000L + 20 * 50_000_000L, 1_000_000_000L);

        // then
        assertThat((double) s.medianNanos()).isCloseTo(100_000, within(100.0));
        assertThat((double) s.p95Nanos()).isCloseTo(100_000, within(100.0));
        assertThat((double) s.p99Nanos()).isCloseTo(50_000_000, within(50_000.0));
        assertThat(s.avgNanos()).isEqualTo(1_098_000.0);
        assertThat(s.chartPercentiles()).containsKeys(50.0, 75.0, 90.0, 95.0, 99.0, 99.9, 99.99);
        assertThat((double) s.chartPercentiles().get(99.99)).isCloseTo(50_000_000, within(50_000.0));
    }

    @Test
    void an_empty_part_is_all_zero() {
        LatencyStats s = LatencyStats.of("read", LatencyStats.newHistogram(), 0, 1000);

        assertThat(s.operations()).isZero();
        assertThat(s.avgNanos()).isZero();
        assertThat(s.opsPerSecond()).isZero();
        assertThat(s.chartPercentiles().values()).containsOnly(0L);
    }

    @Test
    void histogram_buckets_double_in_width_and_hold_every_operation() {
        Histogram h = LatencyStats.newHistogram();
        h.recordValue(50_000);    // 50 us
        h.recordValue(60_000);
        h.recordValue(3_000_000); // 3 ms

        var buckets = JsonReport.buckets(h);

        assertThat(buckets.stream().mapToLong(b -> b[2]).sum()).isEqualTo(3);
        assertThat(buckets.get(0)[2]).isEqualTo(2);        // no empty buckets below the fastest
        assertThat(buckets.get(0)[0]).isEqualTo(32_000);   // 32..64 us
        assertThat(buckets.get(0)[1]).isEqualTo(64_000);
        for (int i = 1; i < buckets.size(); i++) {
            assertThat(buckets.get(i)[0]).isEqualTo(buckets.get(i - 1)[1]);
            assertThat(buckets.get(i)[1]).isEqualTo(buckets.get(i)[0] * 2);
        }
        assertThat(buckets.get(buckets.size() - 1)[1]).isGreaterThanOrEqualTo(3_000_000);
    }
}
