package io.modularddd.eventstore.redis;

import io.modularddd.core.AggregateId;

/**
 * The Redis key of a stream, for tests outside this package that inspect Redis directly (in
 * eventstore-redis's test-jar). The key is no public API: {@code RedisHotTier.keyOf} is
 * package-private, and this class, in the same package, is the tests' one way to it.
 */
public final class HotTierTestKeys {

    private HotTierTestKeys() {
    }

    /**
     * Returns the key of a stream's sorted set in a tiered store's hot tier.
     *
     * @param store the tiered store
     * @param id    the stream
     * @return the key, e.g. {@code modularddd:hot:{order-42}:s}
     */
    public static String keyOf(TieredEventStore store, AggregateId id) {
        return store.hot().keyOf(id);
    }
}
