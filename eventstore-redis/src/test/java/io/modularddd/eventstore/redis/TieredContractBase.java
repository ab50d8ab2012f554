package io.modularddd.eventstore.redis;

import io.modularddd.core.EventStore;
import io.modularddd.core.InMemoryEventStore;
import io.modularddd.core.serialization.EventSerializer;
import io.modularddd.testkit.EventStoreContract;

/**
 * The testkit's {@link EventStoreContract}, run against {@link TieredEventStore} with an
 * {@link InMemoryEventStore} as the warm tier and Redis from {@link #target()}. The same suite runs
 * over H2 and MariaDB in the integration-tests module.
 */
abstract class TieredContractBase extends EventStoreContract {

    /** Where Redis is. */
    protected abstract RedisTarget target();

    /** The key prefix of this run. */
    protected abstract String prefix();

    /** Further settings of this run (format, compression, page size). */
    protected void configure(RedisHotTierBuilder builder) {
    }

    @Override
    protected EventStore createStore(EventSerializer serializer) {
        RedisHotTierBuilder builder = target().tier(prefix()).serializer(serializer);
        configure(builder);
        return TieredEventStore.of(InMemoryEventStore.create(serializer), builder.build());
    }

    /** The same warm events through a view, and a second hot tier on the same keys: both with {@code serializer}. */
    @Override
    protected EventStore sameEvents(EventStore store, EventSerializer serializer) {
        InMemoryEventStore warm = ((InMemoryEventStore) ((TieredEventStore) store).warm()).withSerializer(serializer);
        if (!(serializer instanceof io.modularddd.core.serialization.JacksonEventSerializer)) {
            return warm; // an untyped reader reads the warm tier: the hot tier encodes with Jackson types only
        }
        RedisHotTierBuilder builder = target().tier(prefix()).serializer(serializer);
        configure(builder);
        return TieredEventStore.of(warm, builder.build());
    }
}
