/**
 * The metrics collector (SPI): {@link io.modularddd.core.metrics.MetricsCollector} records how long commands and
 * queries took and whether they failed, summarises them per type ({@link io.modularddd.core.metrics.ExecutionSummary}),
 * and carries the per-aggregate statistics the adaptive snapshot strategy reads. An in-memory implementation
 * lives in {@code modular-ddd-snapshots} ({@code InMemoryMetricsCollector}), a shared one in Redis in
 * {@code modular-ddd-eventstore-redis} ({@code RedisMetricsCollector}); ADR 0601 gives the reasons.
 */
package io.modularddd.core.metrics;
