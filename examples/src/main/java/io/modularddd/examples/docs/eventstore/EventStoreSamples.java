package io.modularddd.examples.docs.eventstore;

import io.modularddd.core.AggregateId;
import io.modularddd.core.AppendRequest;
import io.modularddd.core.AppendResult;
import io.modularddd.core.EventStore;
import io.modularddd.core.ExpectedVersion;
import io.modularddd.core.NewEvent;
import io.modularddd.core.aggregate.AggregateRepository;
import io.modularddd.core.aggregate.EventSourcedRepository;
import io.modularddd.core.serialization.EventSerializer;
import io.modularddd.core.serialization.EventTypeRegistry;
import io.modularddd.core.serialization.JacksonEventSerializer;
import io.modularddd.examples.docs.eventstore.Order.LinePlaced;
import io.modularddd.examples.docs.eventstore.Order.OrderPlaced;

/** The samples of docs/event-store.md: the code between the tag markers is what the page shows. */
public final class EventStoreSamples {

    private EventStoreSamples() {
    }

    /**
     * Registers the order events under stable names.
     *
     * @return a serializer for them
     */
    public static EventSerializer serializer() {
        // tag::registry[]
        EventTypeRegistry types = EventTypeRegistry.builder()
                .register("order.placed.v1", OrderPlaced.class)
                .alias("order-placed", OrderPlaced.class)          // an older name, still readable
                .build();
        EventSerializer serializer = JacksonEventSerializer.json(types);
        // end::registry[]
        return serializer;
    }

    /**
     * Starts a new order stream with two events.
     *
     * @param store   the store
     * @param orderId the new order's id
     * @return the append's result
     */
    public static AppendResult placeOrder(EventStore store, AggregateId orderId) {
        // tag::append[]
        AppendResult r = store.append(AppendRequest.of(orderId, "Order", ExpectedVersion.noStream(),
                NewEvent.of(new OrderPlaced("Ada")), NewEvent.of(new LinePlaced("sku-1", 2))));
        // end::append[]
        return r;
    }

    /**
     * A repository of the sample account.
     *
     * @param store the store
     * @return the repository
     */
    public static AggregateRepository<Account> accounts(EventStore store) {
        // tag::repository[]
        AggregateRepository<Account> accounts = EventSourcedRepository.create(store, "Account", Account::new);
        // end::repository[]
        return accounts;
    }
}
