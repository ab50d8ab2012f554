package io.modularddd.benchmarks.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * The seed's statistics of one part of a run — operations, total, avg, min, max, median, p95, p99 and ops/s —
 * read from an HdrHistogram of nanosecond latencies recorded with 3 significant digits (so each percentile is
 * within 0.1% of the exact value), never from a sorted array.
 *
 * <p>{@code total} is the exact sum of the latencies; {@code opsPerSecond} is operations over the wall-clock time
 * of the measured phase (with several threads, or several parts sharing one run, that is the part's throughput,
 * not {@code 1 / avg}).
 *
 * @param part         what was measured ({@code command}, {@code query hit}, ...)
 * @param operations   how many operations
 * @param totalNanos   the sum of their latencies
 * @param minNanos     the fastest
 * @param maxNanos     the slowest
 * @param medianNanos  the 50th percentile
 * @param p95Nanos     the 95th percentile
 * @param p99Nanos     the 99th percentile
 * @param opsPerSecond operations per wall-clock second of the measured phase
 * @param histogram    the recorded histogram (a copy; the percentiles for charts come from it)
 */
record LatencyStats(String part, long operations, long totalNanos, long minNanos, long maxNanos, long medianNanos,
                    long p95Nanos, long p99Nanos, double opsPerSecond, Histogram histogram) {

    /** The percentiles written for charts. */
    static final double[] CHART_PERCENTILES = {50, 75, 90, 95, 99, 99.9, 99.99};

    /** Significant digits of every histogram. */
    static final int DIGITS = 3;

    /** @return an empty histogram for nanosecond latencies, auto-resizing, 3 significant digits */
    static Histogram newHistogram() {
        return new Histogram(DIGITS);
    }

    /**
     * The statistics of a histogram.
     *
     * @param part       the part's name
     * @param histogram  the latencies in nanoseconds
     * @param totalNanos their exact sum
     * @param wallNanos  the wall-clock time of the measured phase
     * @return the statistics; all zero when nothing was recorded
     */
    static LatencyStats of(String part, Histogram histogram, long totalNanos, long wallNanos) {
        long n = histogram.getTotalCount();
        if (n == 0) {
            return new LatencyStats(part, 0, 0, 0, 0, 0, 0, 0, 0, histogram.copy());
        }
        double opsPerSecond = wallNanos <= 0 ? 0 : n * 1e9 / wallNanos;
        return new LatencyStats(part, n, totalNanos, histogram.getMinValue(), histogram.getMaxValue(),
                histogram.getValueAtPercentile(50), histogram.getValueAtPercentile(95),
                histogram.getValueAtPercentile(99), opsPerSecond, histogram.copy());
    }

    /** @return the mean latency in nanoseconds (the exact total over the count) */
    double avgNanos() {
        return operations == 0 ? 0 : (double) totalNanos / operations;
    }

    /** @return the chart percentiles ({@link #CHART_PERCENTILES}) in nanoseconds, in order */
    Map<Double, Long> chartPercentiles() {
        Map<Double, Long> out = new LinkedHashMap<>();
        for (double p : CHART_PERCENTILES) {
            out.put(p, operations == 0 ? 0 : histogram.getValueAtPercentile(p));
        }
        return out;
    }

    /**
     * Milliseconds from nanoseconds.
     *
     * @param nanos a latency
     * @return the latency in ms
     */
    static double ms(double nanos) {
        return nanos / 1e6;
    }
}
