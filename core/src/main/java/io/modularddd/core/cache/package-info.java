/**
 * The query cache's interfaces: {@link io.modularddd.core.cache.QueryCache}, what the query bus asks,
 * and the {@link io.modularddd.core.cache.CacheTier} SPI the tiers implement (L1 in-process in
 * {@code modular-ddd-cache}, L2 Redis in {@code modular-ddd-eventstore-redis}, L3 the database's
 * {@code query_cache} table in {@code modular-ddd-eventstore-jdbc}), plus the
 * {@link io.modularddd.core.cache.CacheInvalidationBus} SPI that carries invalidations to the other
 * nodes' in-process tiers.
 *
 * <p>Every tier keeps an entry's full canonical key beside its value and treats a stored key that
 * differs from the one asked for as a miss, so a hash collision costs a load, never another query's
 * data. Every tier refuses a value loaded before an invalidation of its key or one of its tags, so an
 * invalidation that has returned is never undone by a load that was already running (see
 * {@link io.modularddd.core.cache.CacheTier#put}).
 */
package io.modularddd.core.cache;
