package io.modularddd.core.metrics;

/**
 * What a {@link MetricsCollector} knows of one command or query type over its window.
 *
 * @param type       the command or query type (usually its class name), or {@link MetricsCollector#OVERFLOW_TYPE}
 *                   for the types beyond the collector's cap
 * @param count      executions recorded, successful or not
 * @param failures   executions that failed
 * @param totalNanos the summed duration of all executions
 * @param maxNanos   the longest execution
 */
public record ExecutionSummary(String type, long count, long failures, long totalNanos, long maxNanos) {

    /**
     * Returns the mean duration of an execution.
     *
     * @return nanoseconds; 0 when nothing was recorded
     */
    public double meanNanos() {
        return count == 0 ? 0 : (double) totalNanos / count;
    }

    /**
     * Returns the share of executions that failed.
     *
     * @return from 0 to 1; 0 when nothing was recorded
     */
    public double failureRate() {
        return count == 0 ? 0 : (double) failures / count;
    }
}
