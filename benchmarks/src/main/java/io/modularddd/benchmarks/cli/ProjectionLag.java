package io.modularddd.benchmarks.cli;

import org.HdrHistogram.Histogram;

/**
 * How far a projection trailed the appends during a run: for each event, the time from its append's commit (the
 * moment the append returned) to the moment the projection applied it; and, when the measured phase ended, how
 * many committed events it had not applied yet.
 *
 * @param strategy      how the projection ran (realtime, async, batched)
 * @param events        events whose lag was measured
 * @param p50Nanos      the median lag
 * @param p99Nanos      the 99th percentile lag
 * @param maxNanos      the largest lag
 * @param finalLagEvents committed events not yet applied when the measured phase ended
 * @param catchUpNanos  how long the projection then took to apply them
 * @param histogram     the lags in nanoseconds
 */
record ProjectionLag(String strategy, long events, long p50Nanos, long p99Nanos, long maxNanos, long finalLagEvents,
                     long catchUpNanos, Histogram histogram) {

    static ProjectionLag of(String strategy, Histogram lags, long finalLagEvents, long catchUpNanos) {
        long n = lags.getTotalCount();
        return new ProjectionLag(strategy, n, n == 0 ? 0 : lags.getValueAtPercentile(50),
                n == 0 ? 0 : lags.getValueAtPercentile(99), n == 0 ? 0 : lags.getMaxValue(), finalLagEvents,
                catchUpNanos, lags.copy());
    }
}
