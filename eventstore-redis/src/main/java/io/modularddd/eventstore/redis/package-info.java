/**
 * The Redis hot tier: {@link io.modularddd.eventstore.redis.TieredEventStore} keeps recently used
 * streams in Redis (one sorted set per stream) in front of any warm
 * {@link io.modularddd.core.EventStore}, which stays the source of truth.
 *
 * <p>Public types: {@link io.modularddd.eventstore.redis.RedisHotTier} (connection, key layout,
 * codec, failure handling; built with {@link io.modularddd.eventstore.redis.RedisHotTier#builder()}),
 * {@link io.modularddd.eventstore.redis.TieredEventStore} (the {@code EventStore} that composes the
 * two tiers), and the codec choice ({@link io.modularddd.eventstore.redis.HotTierFormat},
 * {@link io.modularddd.eventstore.redis.HotTierCompression},
 * {@link io.modularddd.eventstore.redis.HotTierCodec}). Everything else is package-private.
 * See {@code docs/redis-hot-tier.md} for the layout and the consistency argument.
 */
package io.modularddd.eventstore.redis;
