/**
 * The command and query buses: {@link io.modularddd.cqrs.SimpleCommandBus} with its middleware composed
 * once per command type ({@link io.modularddd.cqrs.CommandMetrics}, {@link io.modularddd.cqrs.SlowCommandLog},
 * {@link io.modularddd.cqrs.CommandValidation}, {@link io.modularddd.cqrs.ConflictRetry},
 * {@link io.modularddd.cqrs.UnitOfWork}) and its {@link io.modularddd.cqrs.DispatchStrategy} (inline, an
 * executor, or a durable {@code CommandQueue} drained by {@link io.modularddd.cqrs.CommandQueueWorker}), and
 * {@link io.modularddd.cqrs.SimpleQueryBus} with cached query types invalidated by events
 * ({@link io.modularddd.cqrs.InvalidationRules}). See {@code docs/cqrs.md}.
 */
package io.modularddd.cqrs;
