package io.modularddd.benchmarks.cli;

/**
 * Counts, per thread, how often a cached query's handler ran: the benchmark wraps the handler it registers, so a
 * workload can tell after each ask whether it was a miss (the handler ran on this thread to load the result) or a
 * hit — by what happened, not by what was planned. A thread-local is fine here: this is the benchmark, not a path
 * of the library.
 */
final class LoadCounter {

    private final ThreadLocal<long[]> loads = ThreadLocal.withInitial(() -> new long[1]);

    /** Notes that the handler ran on this thread. */
    void loaded() {
        loads.get()[0]++;
    }

    /** @return how often the handler ran on this thread so far */
    long onThisThread() {
        return loads.get()[0];
    }
}
