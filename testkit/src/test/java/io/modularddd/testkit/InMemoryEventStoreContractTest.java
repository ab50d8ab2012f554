package io.modularddd.testkit;

import io.modularddd.core.EventStore;
import io.modularddd.core.InMemoryEventStore;
import io.modularddd.core.serialization.EventSerializer;

class InMemoryEventStoreContractTest extends EventStoreContract {

    @Override
    protected EventStore createStore(EventSerializer serializer) {
        return InMemoryEventStore.create(serializer);
    }

    @Override
    protected EventStore sameEvents(EventStore store, EventSerializer serializer) {
        return ((InMemoryEventStore) store).withSerializer(serializer);
    }
}
