package io.modularddd.cqrs.projection;

import io.modularddd.core.AggregateId;
import io.modularddd.core.AppendRequest;
import io.modularddd.core.AppendResult;
import io.modularddd.core.EventStore;
import io.modularddd.core.ExpectedVersion;
import io.modularddd.core.InMemoryEventStore;
import io.modularddd.core.NewEvent;
import io.modularddd.core.serialization.EventTypeRegistry;
import io.modularddd.core.serialization.JacksonEventSerializer;

/** The projection tests' events and stores. */
final class Ledger {

    private Ledger() {
    }

    record Credited(long amount) {
    }

    record Noted(String text) {
    }

    /** Known to {@link #WRITER} only: in a store read with {@link #TYPES}, its events cannot be read. */
    record Secret(String text) {
    }

    static final EventTypeRegistry TYPES = EventTypeRegistry.builder()
            .register("ledger.credited.v1", Credited.class)
            .register("ledger.noted.v1", Noted.class)
            .build();

    static final EventTypeRegistry WRITER = EventTypeRegistry.builder()
            .register("ledger.credited.v1", Credited.class)
            .register("ledger.noted.v1", Noted.class)
            .register("ledger.secret.v1", Secret.class)
            .build();

    static InMemoryEventStore newStore() {
        return InMemoryEventStore.create(JacksonEventSerializer.json(TYPES));
    }

    /** A view of the same events through a registry that also knows {@link Secret}, to write them. */
    static InMemoryEventStore writer(InMemoryEventStore store) {
        return store.withSerializer(JacksonEventSerializer.json(WRITER));
    }

    static AppendResult append(EventStore store, String stream, Object... events) {
        NewEvent[] news = new NewEvent[events.length];
        for (int i = 0; i < events.length; i++) {
            news[i] = NewEvent.of(events[i]);
        }
        return store.append(AppendRequest.of(AggregateId.of(stream), "Ledger", ExpectedVersion.any(), news));
    }

    /** Appends {@code count} credits round-robin over {@code streams} streams; amounts count from 1. */
    static long credits(EventStore store, int count, int streams) {
        long last = 0;
        for (int i = 1; i <= count; i++) {
            last = append(store, "acc-" + (i % streams), new Credited(i)).lastPosition();
        }
        return last;
    }
}
