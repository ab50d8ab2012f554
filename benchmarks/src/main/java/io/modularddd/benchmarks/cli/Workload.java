package io.modularddd.benchmarks.cli;

import java.util.List;
import java.util.Optional;

/**
 * What the runner times: one operation at a time, from many threads. A workload names its parts (a blend reports
 * each separately), prepares its data before the clock starts, and says after each operation which part it was —
 * so a query that turned out to be a cache hit is counted as one, whatever was planned.
 */
interface Workload extends AutoCloseable {

    /** @return the parts, in report order; {@link #execute} returns an index into this list */
    List<String> parts();

    /**
     * Creates what the operations need (accounts to query, streams to read), before warm-up and measurement.
     *
     * @param operations the measured operations that will follow
     * @param threads    how many threads will run them
     * @throws Exception when the data cannot be created
     */
    void prepare(int operations, int threads) throws Exception;

    /** Called once between the warm-up and the measured phase. */
    default void startMeasuring() {
    }

    /**
     * Untimed preparation of operation number {@code i}, run on the same thread just before it (a query meant to
     * miss the cache first changes what it asks for).
     *
     * @param i the operation's number
     * @throws Exception when the preparation fails; the run stops
     */
    default void setUp(long i) throws Exception {
    }

    /**
     * Runs operation number {@code i}. Thread-safe: the runner calls it from every thread, each with its own
     * numbers.
     *
     * @param i the operation's number, from 0, unique across threads (warm-up operations count first)
     * @return the index of the part it was
     * @throws Exception when the operation fails; the run stops
     */
    int execute(long i) throws Exception;

    /**
     * Called once after the measured phase, before the results are read: a workload with a projection measures
     * how far behind it still is, then lets it catch up.
     *
     * @return the projection lag, when the workload runs a projection
     * @throws Exception when the measurement fails
     */
    default Optional<ProjectionLag> finish() throws Exception {
        return Optional.empty();
    }

    /** @return facts about the measured phase worth printing under the table (read after {@link #finish}) */
    default List<String> notes() {
        return List.of();
    }

    /** Releases what {@link #prepare} created. */
    @Override
    void close();
}
