package io.modularddd.core.snapshot;

import io.modularddd.core.AggregateId;

/**
 * Per-aggregate load and append statistics, the inputs of an adaptive {@link SnapshotStrategy} (SPI):
 * how often an aggregate is loaded, how many events a load replays and how long it takes, how large
 * its events are. An in-memory implementation serves one process; a Redis one (in
 * {@code modular-ddd-eventstore-redis}) lets every node of a cluster see the same access frequency.
 *
 * <p>Recording must be cheap and must never fail the caller: an implementation that cannot record
 * (Redis down) drops the sample, logs and counts it. Bad arguments — a null id or type, a negative
 * count — are {@link io.modularddd.core.InvalidInputException}s everywhere. The
 * {@code AggregateStatsContract} in {@code modular-ddd-testkit} checks every implementation.
 * Implementations are thread-safe.
 */
public interface AggregateStats {

    /**
     * Records one load of an aggregate.
     *
     * @param aggregateId    the aggregate
     * @param aggregateType  its type
     * @param eventsReplayed how many events the load applied (after a snapshot: only those after it)
     * @param loadNanos      how long the load took
     */
    void recordLoad(AggregateId aggregateId, String aggregateType, long eventsReplayed, long loadNanos);

    /**
     * Records events appended to an aggregate, with their serialized size.
     *
     * @param aggregateId   the aggregate
     * @param aggregateType its type
     * @param events        how many events were appended
     * @param bytes         their total serialized size
     */
    void recordAppend(AggregateId aggregateId, String aggregateType, long events, long bytes);

    /**
     * Returns what is known of an aggregate, over the window the implementation keeps.
     *
     * @param aggregateId the aggregate
     * @return its statistics; {@link AggregateStatistics#NONE} when nothing was recorded
     */
    AggregateStatistics statistics(AggregateId aggregateId);
}
