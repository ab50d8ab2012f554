package io.modularddd.core.aggregate;

import io.modularddd.core.AggregateId;
import io.modularddd.core.AggregateNotFoundException;
import io.modularddd.core.AppendResult;
import io.modularddd.core.ConcurrencyConflictException;
import io.modularddd.core.EventMetadata;
import io.modularddd.core.NewEvent;
import java.util.List;
import java.util.Optional;

/**
 * Loads and saves aggregates of one type.
 *
 * <p>{@link EventSourcedRepository} rebuilds aggregates from their events; other implementations
 * add snapshots and caching behind the same interface.
 *
 * @param <A> the aggregate type
 */
public interface AggregateRepository<A extends AggregateRoot<A>> {

    /**
     * Loads an aggregate that must exist.
     *
     * @param id the aggregate's id
     * @return the aggregate at its latest version
     * @throws AggregateNotFoundException when it has no events
     */
    A load(AggregateId id);

    /**
     * Loads an aggregate if it exists.
     *
     * @param id the aggregate's id
     * @return the aggregate, or empty when it has no events
     */
    Optional<A> find(AggregateId id);

    /**
     * Appends the aggregate's uncommitted events, expecting the stream to be at its persisted version.
     *
     * @param aggregate the aggregate
     * @return where the events were stored; empty when there was nothing to save
     * @throws ConcurrencyConflictException when another writer saved first
     */
    default Optional<AppendResult> save(A aggregate) {
        return save(aggregate, EventMetadata.empty());
    }

    /**
     * Appends the aggregate's uncommitted events with metadata (e.g. a correlation id) added to each.
     *
     * @param aggregate the aggregate
     * @param metadata  entries merged into every event's metadata
     * @return where the events were stored; empty when there was nothing to save
     * @throws ConcurrencyConflictException when another writer saved first
     */
    Optional<AppendResult> save(A aggregate, EventMetadata metadata);

    /**
     * Tells the repository that one of its aggregates' events were appended on its behalf — by a unit of work,
     * which appends the saves of a command in one batch after the handler returns — and the aggregate was marked
     * persisted. A repository that caches aggregates or takes snapshots does here what it does after a save of its
     * own; the default does nothing. The events are stored when this is called: a caller must not let its failure
     * fail the commit.
     *
     * @param aggregate the aggregate, now at the appended version
     * @param events    the events that were appended, with the metadata they were stored with
     * @param result    where they were stored
     */
    default void committed(A aggregate, List<NewEvent> events, AppendResult result) {
    }
}
