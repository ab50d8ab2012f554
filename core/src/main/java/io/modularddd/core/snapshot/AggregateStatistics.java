package io.modularddd.core.snapshot;

/**
 * What {@link AggregateStats} knows of one aggregate.
 *
 * @param loads             loads recorded in the window
 * @param averageLoadNanos  the mean duration of those loads
 * @param averageReplayed   the mean number of events a load replayed
 * @param averageEventBytes the mean serialized size of its appended events (0 when unknown)
 * @param loadsPerSecond    how often it is loaded: loads over the window's length
 */
public record AggregateStatistics(long loads, double averageLoadNanos, double averageReplayed,
                                  double averageEventBytes, double loadsPerSecond) {

    /** Nothing recorded. */
    public static final AggregateStatistics NONE = new AggregateStatistics(0, 0, 0, 0, 0);
}
