package io.modularddd.core.aggregate;

import io.modularddd.core.AggregateId;
import io.modularddd.core.AggregateNotFoundException;
import io.modularddd.core.AppendRequest;
import io.modularddd.core.AppendResult;
import io.modularddd.core.EventMetadata;
import io.modularddd.core.EventStore;
import io.modularddd.core.ErasedEvent;
import io.modularddd.core.EventStream;
import io.modularddd.core.ExpectedVersion;
import io.modularddd.core.NewEvent;
import io.modularddd.core.StoredEvent;
import io.modularddd.core.StreamErasedException;
import io.modularddd.core.StreamState;
import io.modularddd.core.StreamTruncatedException;
import io.modularddd.core.internal.Checks;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * An {@link AggregateRepository} that rebuilds each aggregate by replaying its whole stream, and
 * saves with {@code ExpectedVersion} set to the version it loaded.
 *
 * <pre>{@code
 * AggregateRepository<Account> accounts = EventSourcedRepository.create(store, "Account", Account::new);
 * Account account = accounts.load(AggregateId.of("acc-1"));
 * account.deposit(100);
 * accounts.save(account);
 * }</pre>
 *
 * @param <A> the aggregate type
 */
public final class EventSourcedRepository<A extends AggregateRoot<A>> implements AggregateRepository<A> {

    private final EventStore store;
    private final String aggregateType;
    private final Function<AggregateId, A> factory;

    private EventSourcedRepository(EventStore store, String aggregateType, Function<AggregateId, A> factory) {
        this.store = Checks.notNull("store", store);
        this.aggregateType = Checks.identifier("aggregateType", aggregateType, AppendRequest.MAX_TYPE_LENGTH,
                "Order");
        this.factory = Checks.notNull("factory", factory);
    }

    /**
     * Creates the repository.
     *
     * @param store         where the events live
     * @param aggregateType the type name stored with every event, e.g. {@code "Account"}
     * @param factory       creates an empty aggregate for an id
     * @param <A>           the aggregate type
     * @return the repository
     */
    public static <A extends AggregateRoot<A>> EventSourcedRepository<A> create(EventStore store, String aggregateType,
                                                                              Function<AggregateId, A> factory) {
        return new EventSourcedRepository<>(store, aggregateType, factory);
    }

    @Override
    public A load(AggregateId id) {
        return find(id).orElseThrow(() -> new AggregateNotFoundException(aggregateType, id));
    }

    @Override
    public Optional<A> find(AggregateId id) {
        Checks.notNull("id", id);
        A aggregate = factory.apply(id);
        try (EventStream events = store.load(id)) {
            boolean first = true;
            for (StoredEvent event : events) {
                if (event.payload() instanceof ErasedEvent) {
                    throw new StreamErasedException(id);
                }
                if (first && event.version() > 1) {
                    // not the stream's first event: a new life after a delete, or a truncated stream
                    StreamState state = store.streamState(id);
                    if (event.version() != state.startVersion()) {
                        throw new StreamTruncatedException(id, event.version());
                    }
                    AggregateAccess.startAfter(aggregate, state.startVersion() - 1);
                }
                first = false;
                AggregateAccess.replay(aggregate, event);
            }
        }
        return aggregate.version() == 0 ? Optional.empty() : Optional.of(aggregate);
    }

    @Override
    public Optional<AppendResult> save(A aggregate, EventMetadata metadata) {
        Checks.notNull("aggregate", aggregate);
        Checks.notNull("metadata", metadata);
        List<NewEvent> pending = aggregate.uncommittedEvents();
        if (pending.isEmpty()) {
            return Optional.empty();
        }
        List<NewEvent> events = pending;
        if (!metadata.isEmpty()) {
            events = new ArrayList<>(pending.size());
            for (NewEvent e : pending) {
                events.add(e.withMetadata(e.metadata().merge(metadata)));
            }
        }
        AppendResult result = store.append(new AppendRequest(aggregate.id(), aggregateType,
                ExpectedVersion.of(aggregate.persistedVersion()), events));
        AggregateAccess.markPersisted(aggregate, result);
        return Optional.of(result);
    }

    /**
     * Returns the aggregate type name this repository stores.
     *
     * @return the type name
     */
    public String aggregateType() {
        return aggregateType;
    }
}
