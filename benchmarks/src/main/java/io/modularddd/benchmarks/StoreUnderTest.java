package io.modularddd.benchmarks;

import java.util.List;
import org.openjdk.jmh.infra.Blackhole;

/**
 * One event store implementation in a benchmark: the same three operations for every contender, so
 * results compare as ratios within one JMH run.
 */
public interface StoreUnderTest extends AutoCloseable {

    /**
     * Appends one event in its own transaction, expecting the stream to be at {@code version}.
     *
     * @param aggregateId the stream
     * @param version     the stream's current version (0 = new stream)
     * @param event       the event
     */
    void appendOne(String aggregateId, long version, BenchEvent event);

    /**
     * Appends events to one stream in one transaction, expecting the stream to be at {@code version}.
     *
     * @param aggregateId the stream
     * @param version     the stream's current version (0 = new stream)
     * @param events      the events
     */
    void appendBatch(String aggregateId, long version, List<BenchEvent> events);

    /**
     * Loads a whole stream and deserializes every payload.
     *
     * @param aggregateId the stream
     * @param blackhole   consumes the payloads
     * @return the number of events read
     */
    int load(String aggregateId, Blackhole blackhole);

    @Override
    void close();
}
