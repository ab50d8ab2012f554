package io.modularddd.testkit;

import io.modularddd.core.EventPage;
import io.modularddd.core.EventStore;
import io.modularddd.core.ForwardingEventStore;
import io.modularddd.core.InMemoryEventStore;
import io.modularddd.core.internal.StoreChecks;
import io.modularddd.core.internal.TypeFilteredRead;
import io.modularddd.core.serialization.EventSerializer;
import java.util.Set;

/**
 * The contract for a store that does not override the type-filtered read: its filtered reads are the interface's
 * default (read {@code readAll}, keep the wanted types), which every store without its own must get right.
 */
class DefaultTypeFilteredReadContractTest extends EventStoreContract {

    /** A store whose filtered read is {@code EventStore}'s default, over the in-memory store's {@code readAll}. */
    private static final class DefaultFiltering extends ForwardingEventStore {
        DefaultFiltering(EventStore delegate) {
            super(delegate);
        }

        InMemoryEventStore inMemory() {
            return (InMemoryEventStore) delegate();
        }

        @Override
        public EventPage readAll(long fromPosition, int limit, Set<String> eventTypes) {
            // what EventStore's default does (EventStore.super is not reachable through ForwardingEventStore)
            return TypeFilteredRead.read(this, fromPosition, limit,
                    StoreChecks.readAll(fromPosition, limit, eventTypes));
        }
    }

    @Override
    protected EventStore createStore(EventSerializer serializer) {
        return new DefaultFiltering(InMemoryEventStore.create(serializer));
    }

    @Override
    protected EventStore sameEvents(EventStore store, EventSerializer serializer) {
        return new DefaultFiltering(((DefaultFiltering) store).inMemory().withSerializer(serializer));
    }
}
