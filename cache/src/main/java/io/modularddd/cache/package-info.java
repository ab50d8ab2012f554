/**
 * The query cache: {@link io.modularddd.cache.TieredCache}, the engine that implements core's
 * {@link io.modularddd.core.cache.QueryCache} over ordered {@link io.modularddd.core.cache.CacheTier tiers}
 * (single flight, promotion, tickets against stale repopulation, cross-node L1 invalidation, metrics),
 * and {@link io.modularddd.cache.CaffeineTier}, the in-process L1 tier. Keys are made from a canonical
 * encoding of the query's components and a 128-bit hash; see {@code docs/cache.md}.
 *
 * <p>The L2 (Redis) and L3 (database) tiers are in {@code modular-ddd-eventstore-redis} and
 * {@code modular-ddd-eventstore-jdbc}; this module depends on neither.
 */
package io.modularddd.cache;
