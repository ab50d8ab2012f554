/**
 * The Redis hot tier: {@link io.modularddd.eventstore.redis.TieredEventStore} keeps recently used
 * streams in Redis (one sorted set per stream) in front of any warm
 * {@link io.modularddd.core.EventStore}, which stays the source of truth.
 *
 * <p>Public types: {@link io.modularddd.eventstore.redis.RedisHotTier} (the connection pool and the
 * operations {@code invalidate} and {@code purge}), its
 * {@link io.modularddd.eventstore.redis.RedisHotTierBuilder} (from
 * {@link io.modularddd.eventstore.redis.RedisHotTier#builder()}),
 * {@link io.modularddd.eventstore.redis.TieredEventStore} (the {@code EventStore} that composes the
 * two tiers), and the encoding choices the builder takes
 * ({@link io.modularddd.eventstore.redis.HotTierFormat},
 * {@link io.modularddd.eventstore.redis.HotTierCompression}). Everything else — the codec, the key
 * layout, the failure policy, the reader and writer, the Redis commands — is package-private; the
 * benchmarks that measure internals live in this package name in the benchmarks module (ADR 0205).
 * See {@code docs/redis-hot-tier.md} for the layout and the consistency argument.
 *
 * <p>Beside the hot tier: {@link io.modularddd.eventstore.redis.RedisSnapshotStore} (core's
 * {@code SnapshotStore} in Redis, one key per aggregate, compare-and-set by WATCH/MULTI/EXEC) and
 * {@link io.modularddd.eventstore.redis.RedisAggregateStats} (core's {@code AggregateStats}, counters
 * shared by every node), each with its builder; see {@code docs/redis-snapshots.md}.
 *
 * <p>The durable command queue: {@link io.modularddd.eventstore.redis.RedisCommandQueue} (core's
 * {@code CommandQueue} on Redis Streams with a consumer group: named queues, idempotent sends, leases taken
 * over with {@code XAUTOCLAIM}, dead letters) and its
 * {@link io.modularddd.eventstore.redis.RedisCommandQueueBuilder}; see {@code docs/cqrs.md} ("Durable queues").
 *
 * <p>The query cache's shared tier: {@link io.modularddd.eventstore.redis.RedisCacheTier} (core's
 * {@code CacheTier}, the L2 tier: values with their canonical keys, tags as sets, invalidation markers
 * and clocks, no Lua) and {@link io.modularddd.eventstore.redis.RedisCacheInvalidationBus} (core's
 * {@code CacheInvalidationBus} over pub/sub, which keeps the nodes' in-process tiers coherent), each with
 * its builder; see {@code docs/cache-l2-redis.md}.
 */
package io.modularddd.eventstore.redis;
