package io.modularddd.profiles;

import io.modularddd.core.health.HealthIndicator;
import io.modularddd.core.health.HealthReport;
import io.modularddd.core.snapshot.AggregateStats;
import io.modularddd.cqrs.QueueDepthIndicator;
import io.modularddd.cqrs.projection.ProjectionLagIndicator;
import io.modularddd.eventstore.jdbc.JdbcHealthIndicator;
import io.modularddd.eventstore.redis.RedisAggregateStats;
import io.modularddd.eventstore.redis.RedisHealthIndicator;
import io.modularddd.eventstore.redis.RedisMetricsCollector;
import io.modularddd.profiles.Profile.MetricsCollectorKind;
import io.modularddd.profiles.Profile.SnapshotMode;
import io.modularddd.snapshots.InMemoryAggregateStats;
import io.modularddd.snapshots.InMemoryMetricsCollector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The metrics collector and aggregate statistics a profile asks for, and the health check over the parts. */
final class Monitoring {

    /** How often the Redis collector sends the samples it summed in this process: no round trip per command or query. */
    static final Duration METRICS_BATCH = Duration.ofSeconds(1);

    private Monitoring() {
    }

    /**
     * Opens the profile's metrics collector and, for the adaptive snapshot strategy, the aggregate statistics: in
     * Redis when the collector is (enterprise) — the collector's own — or when Redis is given, else in this process.
     */
    static void openCollector(ModularDddBuilder b, Parts p) {
        boolean adaptive = p.profile.snapshotStrategy() == SnapshotMode.ADAPTIVE;
        if (p.profile.metricsCollector() == MetricsCollectorKind.REDIS) {
            RedisMetricsCollector collector = p.closer.add("metrics collector", RedisMetricsCollector.builder()
                    .uri(p.redisUri).keyPrefix(b.redisKeyPrefix + ":metrics").meterRegistry(p.meterRegistry)
                    .batchEvery(METRICS_BATCH).build());
            p.metrics = collector;
            p.metricsDescription = "in Redis (" + b.redisKeyPrefix + ":metrics), shared by every node";
            p.stats = adaptive ? collector.aggregateStats() : null;
            return;
        }
        InMemoryMetricsCollector.Builder collector = InMemoryMetricsCollector.builder();
        if (adaptive) {
            AggregateStats stats = p.redisUri != null
                    ? p.closer.add("aggregate statistics", RedisAggregateStats.builder().uri(p.redisUri)
                            .keyPrefix(b.redisKeyPrefix + ":stats").meterRegistry(p.meterRegistry).build())
                    : InMemoryAggregateStats.create();
            collector.aggregateStats(stats);
            p.stats = stats;
        }
        p.metrics = collector.build();
        p.metricsDescription = "in this process";
    }

    /** The indicators of the parts a toolkit runs. */
    static List<HealthIndicator> indicators(Parts p, long maxProjectionLag, long maxQueueDepth) {
        List<HealthIndicator> indicators = new ArrayList<>();
        indicators.add(JdbcHealthIndicator.of(p.jdbc));
        if (p.redisUri != null) {
            indicators.add(RedisHealthIndicator.builder().uri(p.redisUri).build());
        }
        if (p.engine != null) {
            indicators.add(ProjectionLagIndicator.of(p.engine, maxProjectionLag));
        }
        if (p.queue != null) {
            indicators.add(QueueDepthIndicator.of(p.queue, p.profile.queue(), maxQueueDepth));
        }
        return indicators;
    }

    static HealthReport check(Parts p, long maxProjectionLag, long maxQueueDepth, Duration timeout) {
        return HealthReport.check(indicators(p, maxProjectionLag, maxQueueDepth), timeout);
    }
}
