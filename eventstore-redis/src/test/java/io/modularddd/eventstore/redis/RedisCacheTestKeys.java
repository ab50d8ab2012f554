package io.modularddd.eventstore.redis;

import io.modularddd.core.cache.CacheKey;
import java.nio.charset.StandardCharsets;

/**
 * What tests outside this package need to look at the cache's Redis state directly (in eventstore-redis's
 * test-jar): the Redis key of an L2 entry, and the client name of an invalidation bus's subscription
 * connection (to find it in {@code CLIENT LIST} and kill it). Neither is public API: both are
 * package-private, and this class, in the same package, is the tests' one way to them.
 */
public final class RedisCacheTestKeys {

    private RedisCacheTestKeys() {
    }

    /**
     * Returns the Redis key under which an L2 tier keeps the value of a cache key.
     *
     * @param tier the tier
     * @param key  the cache key
     * @return the key, e.g. {@code modularddd:cache:{0.0}:v:query:{FindAccount}:0f...}
     */
    public static String valueKeyOf(RedisCacheTier tier, CacheKey key) {
        CacheLayout layout = tier.layout();
        return new String(layout.value(layout.shardOf(key.storageKey()), key.storageKey()), StandardCharsets.UTF_8);
    }

    /**
     * Returns the {@code CLIENT SETNAME} of a bus's subscription connection; it is unique per bus.
     *
     * @param bus the bus
     * @return the name, {@code modularddd-cache-bus-<random>}
     */
    public static String subscriberName(RedisCacheInvalidationBus bus) {
        return bus.subscriberName();
    }
}
