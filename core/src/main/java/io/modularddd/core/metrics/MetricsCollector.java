package io.modularddd.core.metrics;

import io.modularddd.core.snapshot.AggregateStats;
import java.util.Map;

/**
 * Collects what the application and the library want to know about their own work (SPI): command and query
 * executions, summarised per type, and the per-aggregate load and append statistics that an adaptive
 * snapshot strategy decides from. The command bus feeds it through the {@code PerformanceProfiler}'s
 * middleware ({@code modular-ddd-cqrs}); an application may record its own executions and read the summaries,
 * e.g. for an admin page.
 *
 * <pre>{@code
 * MetricsCollector metrics = InMemoryMetricsCollector.create();           // or RedisMetricsCollector.builder()...
 * AdaptiveSnapshotStrategy strategy = AdaptiveSnapshotStrategy.builder(metrics.aggregateStats()).build();
 * metrics.recordCommandExecution("com.example.Deposit", 1_200_000, true);
 * ExecutionSummary deposits = metrics.commandSummaries().get("com.example.Deposit");
 * }</pre>
 *
 * <h2>What every implementation does</h2>
 * <ul>
 *   <li><b>Cheap and never failing the caller.</b> Recording runs on the command's path; a collector that
 *       cannot record (its Redis is down) drops the sample, logs and counts it. Bad arguments — a null or
 *       blank type, a negative duration — are {@link io.modularddd.core.InvalidInputException}s.</li>
 *   <li><b>Bounded.</b> At most a configured number of distinct types are tracked per kind (commands,
 *       queries); executions of further types are summed under {@link #OVERFLOW_TYPE}, so a flood of
 *       generated type names cannot grow memory or storage without limit.</li>
 *   <li><b>Windowed.</b> Summaries cover a window (a tumbling one: counters start at a type's first sample
 *       and are forgotten when the window ends), so a summary says how things go now, not since start.</li>
 * </ul>
 * Implementations are thread-safe.
 */
public interface MetricsCollector {

    /**
     * The type executions are summed under once the cap of distinct types is reached: parentheses, so it
     * can never be a class name.
     */
    String OVERFLOW_TYPE = "(other)";

    /** The longest type name recorded, in characters. */
    int MAX_TYPE_CHARS = 256;

    /**
     * Records one command execution.
     *
     * @param commandType   the command type, usually its class name
     * @param durationNanos how long it took
     * @param success       whether it completed without an exception
     * @throws io.modularddd.core.InvalidInputException when the type is null, blank, longer than
     *                                                  {@value #MAX_TYPE_CHARS} characters or the duration negative
     */
    void recordCommandExecution(String commandType, long durationNanos, boolean success);

    /**
     * Records one query execution.
     *
     * @param queryType     the query type, usually its class name
     * @param durationNanos how long it took
     * @param success       whether it completed without an exception
     * @throws io.modularddd.core.InvalidInputException when the type is null, blank, longer than
     *                                                  {@value #MAX_TYPE_CHARS} characters or the duration negative
     */
    void recordQueryExecution(String queryType, long durationNanos, boolean success);

    /**
     * Returns the summaries of the command types recorded in the current window.
     *
     * @return summaries by type (including {@link #OVERFLOW_TYPE} when the cap was reached); empty when
     *         nothing was recorded or the storage cannot be read
     */
    Map<String, ExecutionSummary> commandSummaries();

    /**
     * Returns the summaries of the query types recorded in the current window.
     *
     * @return summaries by type (including {@link #OVERFLOW_TYPE} when the cap was reached); empty when
     *         nothing was recorded or the storage cannot be read
     */
    Map<String, ExecutionSummary> querySummaries();

    /**
     * Returns the per-aggregate statistics this collector keeps, for an adaptive snapshot strategy and the
     * repositories that feed it.
     *
     * @return the statistics, the same instance on every call
     */
    AggregateStats aggregateStats();

    /**
     * Returns the most distinct types tracked per kind before further ones go to {@link #OVERFLOW_TYPE}.
     *
     * @return the cap
     */
    int maxTypes();
}
