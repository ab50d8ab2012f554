/**
 * The query side's interfaces: {@link io.modularddd.core.query.Query} (a query and the type of its answer),
 * {@link io.modularddd.core.query.QueryHandler}, {@link io.modularddd.core.query.QueryBus}, the per-type
 * {@link io.modularddd.core.query.QueryCaching} rule that sends results through a
 * {@link io.modularddd.core.cache.QueryCache}, and the typed errors a bus throws.
 *
 * <p>{@code modular-ddd-cqrs} implements the bus ({@code SimpleQueryBus}) and the event-driven
 * invalidation of cached results ({@code InvalidationRules}).
 */
package io.modularddd.core.query;
