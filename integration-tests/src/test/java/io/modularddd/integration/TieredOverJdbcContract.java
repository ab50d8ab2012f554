package io.modularddd.integration;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.modularddd.core.EventStore;
import io.modularddd.core.serialization.EventSerializer;
import io.modularddd.eventstore.jdbc.JdbcEventStore;
import io.modularddd.eventstore.redis.RedisHotTier;
import io.modularddd.eventstore.redis.TieredEventStore;
import io.modularddd.testkit.EventStoreContract;
import io.modularddd.testkit.ServiceFixtures;
import io.modularddd.testkit.ServiceFixtures.RedisService;
import org.junit.jupiter.api.AfterEach;

/**
 * The testkit's {@link EventStoreContract} against {@link TieredEventStore}: a {@link RedisHotTier} on
 * the shared Redis in front of a fresh {@link JdbcEventStore} for every test (issue 4: "passes
 * EventStoreContract over H2 and over MariaDB with the local Redis"). Subclasses choose the database.
 *
 * <p>A tiered store that cannot reach Redis falls back to the warm store and would pass the contract
 * without ever using the hot tier, so every subclass also checks, once all its tests ran, that Redis
 * served pages ({@link HotTierUse#assertRedisServed()}).
 */
abstract class TieredOverJdbcContract extends EventStoreContract {

    private SimpleMeterRegistry meters;

    /**
     * A fresh warm store on an empty, uniquely named table, its schema created.
     *
     * @param serializer the contract's serializer
     * @return the store
     */
    protected abstract JdbcEventStore createWarm(EventSerializer serializer);

    /**
     * A second warm store on the same table as the last {@link #createWarm}, with another serializer.
     *
     * @param serializer the other serializer
     * @return the store
     */
    protected abstract JdbcEventStore sameWarm(EventSerializer serializer);

    /** The Redis key prefix of the test class. */
    protected abstract String prefix();

    /** Where the test class sums up what its hot tiers did. */
    protected abstract HotTierUse use();

    @Override
    protected EventStore createStore(EventSerializer serializer) {
        meters = null;
        RedisService redis = ServiceFixtures.redis();
        JdbcEventStore warm = createWarm(serializer);
        try {
            meters = new SimpleMeterRegistry();
            RedisHotTier hot = Services.hotTier(redis, prefix()).serializer(serializer)
                    .meterRegistry(meters).build();
            return TieredEventStore.of(warm, hot);
        } catch (RuntimeException e) {
            warm.close();
            throw e;
        }
    }

    /** The same warm events and the same Redis keys, read with {@code serializer}. */
    @Override
    protected EventStore sameEvents(EventStore store, EventSerializer serializer) {
        JdbcEventStore warm = sameWarm(serializer);
        if (!(serializer instanceof io.modularddd.core.serialization.JacksonEventSerializer)) {
            return warm; // an untyped reader reads the warm tier: the hot tier encodes with Jackson types only
        }
        try {
            return TieredEventStore.of(warm, Services.hotTier(ServiceFixtures.redis(), prefix()).serializer(serializer)
                    .build());
        } catch (RuntimeException e) {
            warm.close();
            throw e;
        }
    }

    @AfterEach
    void recordHotTierUse() {
        if (meters != null) {
            use().add(meters);
        }
    }
}
