package io.modularddd.examples.docs.monitoring;

import io.micrometer.core.instrument.MeterRegistry;
import io.modularddd.core.health.HealthReport;
import io.modularddd.core.metrics.ExecutionSummary;
import io.modularddd.core.metrics.MetricsCollector;
import io.modularddd.core.queue.CommandQueue;
import io.modularddd.cqrs.CommandMetrics;
import io.modularddd.cqrs.PerformanceProfiler;
import io.modularddd.cqrs.QueueDepthIndicator;
import io.modularddd.cqrs.SimpleCommandBus;
import io.modularddd.cqrs.SimpleQueryBus;
import io.modularddd.cqrs.SlowCommandLog;
import io.modularddd.cqrs.projection.ProjectionEngine;
import io.modularddd.cqrs.projection.ProjectionLagIndicator;
import io.modularddd.eventstore.jdbc.JdbcEventStore;
import io.modularddd.eventstore.jdbc.JdbcHealthIndicator;
import io.modularddd.eventstore.redis.RedisHealthIndicator;
import io.modularddd.eventstore.redis.RedisMetricsCollector;
import io.modularddd.snapshots.AdaptiveSnapshotStrategy;
import io.modularddd.snapshots.InMemoryMetricsCollector;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The samples of docs/monitoring.md. */
public final class MonitoringSamples {

    private static final Logger log = LoggerFactory.getLogger(MonitoringSamples.class);

    private MonitoringSamples() {
    }

    /**
     * A collector for one process, and the adaptive snapshot strategy on its aggregate statistics.
     *
     * @return the collector
     */
    public static MetricsCollector inMemory() {
        // tag::in-memory[]
        MetricsCollector metrics = InMemoryMetricsCollector.create();               // modular-ddd-snapshots
        AdaptiveSnapshotStrategy strategy = AdaptiveSnapshotStrategy.builder(metrics.aggregateStats()).build();
        // end::in-memory[]
        log.debug("strategy {}", strategy);
        return metrics;
    }

    /**
     * A collector every node shares, in Redis.
     *
     * @param registry where its dropped-sample counter goes
     * @return the collector; the caller closes it
     */
    public static RedisMetricsCollector shared(MeterRegistry registry) {
        // tag::redis[]
        RedisMetricsCollector metrics = RedisMetricsCollector.builder()          // modular-ddd-eventstore-redis
                .uri("redis://127.0.0.1:6379").keyPrefix("shop:metrics")
                .window(Duration.ofMinutes(5)).maxTypes(1000)
                .meterRegistry(registry)
                .build();
        // end::redis[]
        return metrics;
    }

    /**
     * Records a query execution and reads a command summary back.
     *
     * @param metrics the collector
     * @param nanos   how long the query took
     * @return the deposits' summary, or null when none was recorded
     */
    public static ExecutionSummary readBack(MetricsCollector metrics, long nanos) {
        // tag::read-back[]
        metrics.recordQueryExecution("com.example.AccountBalance", nanos, true);
        ExecutionSummary deposits = metrics.commandSummaries().get("com.example.Deposit");
        // deposits.count(), failures(), meanNanos(), maxNanos(), failureRate()
        // end::read-back[]
        return deposits;
    }

    /**
     * Times a piece of work with a named timer.
     *
     * @param runImport the work
     * @return what the timer measured
     */
    public static PerformanceProfiler.Measurement timer(Runnable runImport) {
        // tag::timer[]
        PerformanceProfiler profiler = PerformanceProfiler.create();
        profiler.start("nightly-import");
        runImport.run();
        PerformanceProfiler.Measurement m = profiler.stop("nightly-import");
        // m.durationNanos(), m.allocatedBytes() (the starting thread's; -1 where the JVM does not tell),
        // m.peakHeapBytes() (JVM-wide peak of the heap pools), m.heapUsedBytes()
        // end::timer[]
        return m;
    }

    /**
     * A command bus whose commands are profiled, and a query bus whose queries are collected.
     *
     * @param metrics  the collector
     * @param registry the meters
     * @return the command bus
     */
    public static SimpleCommandBus buses(MetricsCollector metrics, MeterRegistry registry) {
        // tag::buses[]
        SimpleCommandBus commands = SimpleCommandBus.builder()
                .middleware(PerformanceProfiler.commandProfiling(metrics,
                        SlowCommandLog.threshold(Duration.ofMillis(200))))
                .middleware(CommandMetrics.of(registry))
                .build();
        SimpleQueryBus queries = SimpleQueryBus.builder().metricsCollector(metrics).meterRegistry(registry).build();
        // end::buses[]
        log.debug("query bus {}", queries);
        return commands;
    }

    /**
     * Checks the database, Redis, the projections and a queue.
     *
     * @param eventStore       the event store
     * @param projectionEngine the projections
     * @param commandQueue     the command queue
     * @return the report
     */
    public static HealthReport health(JdbcEventStore eventStore, ProjectionEngine projectionEngine,
            CommandQueue commandQueue) {
        // tag::health[]
        HealthReport report = HealthReport.check(List.of(
                JdbcHealthIndicator.of(eventStore),                                // "database": head position
                RedisHealthIndicator.builder().uri("redis://127.0.0.1:6379").build(), // "redis": PING, version
                ProjectionLagIndicator.of(projectionEngine, 10_000),               // "projections": lag of each
                QueueDepthIndicator.of(commandQueue, "high-priority", 5_000)),    // "queue:high-priority": depth
                Duration.ofSeconds(2));
        if (!report.isUp()) {
            log.warn("unhealthy: {}", report.components());
        }
        // end::health[]
        return report;
    }
}
