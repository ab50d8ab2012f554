/**
 * The projection engine: {@link io.modularddd.cqrs.projection.ProjectionEngine} runs
 * {@link io.modularddd.core.projection.Projection}s from an event store's global log with a
 * {@link io.modularddd.cqrs.projection.ProjectionStrategy} — realtime (on the appending thread, after the commit),
 * async (a tracking processor per projection) or batched — keeping checkpoints, leases and dead letters in a
 * {@link io.modularddd.core.projection.CheckpointStore}. See {@code docs/projections.md}.
 */
package io.modularddd.cqrs.projection;
