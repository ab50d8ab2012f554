package io.modularddd.core.aggregate;

import io.modularddd.core.AppendResult;
import io.modularddd.core.StoredEvent;
import io.modularddd.core.internal.Checks;

/**
 * What a repository does to an {@link AggregateRoot} and domain code never should: replay stored
 * events into it, restore it from a snapshot, mark its events persisted after an append.
 *
 * <p>These steps used to be public methods of every aggregate, where any command method could call
 * them and corrupt the aggregate's version bookkeeping. They now live here, beside
 * {@link AggregateRoot}, so an aggregate's own surface shows only its domain operations while
 * repositories in other modules ({@link EventSourcedRepository} here, the snapshotting repository of
 * {@code modular-ddd-snapshots}, a user's own) can still drive it. Application code does not need
 * this class.
 *
 * <p>Each method checks its arguments ({@code InvalidInputException} for nulls) and the aggregate's
 * state ({@link IllegalStateException} when the step does not fit, with the versions involved).
 */
public final class AggregateAccess {

    private AggregateAccess() {
    }

    /**
     * Applies the next stored event of the aggregate's stream to it, while loading.
     *
     * @param aggregate the aggregate
     * @param event     the event at version {@code aggregate.version() + 1} of its stream
     * @param <A>       the aggregate class
     * @throws io.modularddd.core.InvalidInputException when an argument is null
     * @throws IllegalStateException when the event is not the next one, or the aggregate has uncommitted events
     */
    public static <A extends AggregateRoot<A>> void replay(AggregateRoot<A> aggregate, StoredEvent event) {
        Checks.notNull("aggregate", aggregate);
        aggregate.replay(Checks.notNull("event", event));
    }

    /**
     * Restores a fresh aggregate from a snapshot taken at {@code snapshotVersion}; events after that
     * version are then {@linkplain #replay replayed}.
     *
     * @param aggregate       a fresh aggregate (version 0) that implements {@link Snapshotable}
     * @param snapshot        the captured state
     * @param snapshotVersion the version the snapshot was taken at, at least 1
     * @param <A>             the aggregate class
     * @param <S>             the snapshot type
     * @throws io.modularddd.core.InvalidInputException when an argument is null or the version below 1
     * @throws IllegalStateException when the aggregate is not {@link Snapshotable} or not fresh
     */
    public static <A extends AggregateRoot<A>, S> void restoreSnapshot(AggregateRoot<A> aggregate, S snapshot,
                                                                      long snapshotVersion) {
        Checks.notNull("aggregate", aggregate);
        aggregate.restoreSnapshot(Checks.notNull("snapshot", snapshot), snapshotVersion);
    }

    /**
     * Starts a fresh aggregate after the last version of its stream's previous life, so that the first
     * event of its current life ({@code StreamState.startVersion()}) can be {@linkplain #replay replayed}:
     * for a stream started again after a soft delete, whose versions continue.
     *
     * @param aggregate    a fresh aggregate
     * @param startedAfter the version the stream was deleted at ({@code startVersion() - 1}), at least 0
     * @param <A>          the aggregate class
     * @throws io.modularddd.core.InvalidInputException when the aggregate is null or the version negative
     * @throws IllegalStateException when the aggregate is not fresh
     */
    public static <A extends AggregateRoot<A>> void startAfter(AggregateRoot<A> aggregate, long startedAfter) {
        Checks.notNull("aggregate", aggregate);
        if (startedAfter < 0) {
            throw new io.modularddd.core.InvalidInputException("startedAfter", "startedAfter must be at least 0 but was "
                    + startedAfter);
        }
        aggregate.startAfter(startedAfter);
    }

    /**
     * Marks the aggregate's uncommitted events as stored, after the append that stored them.
     *
     * @param aggregate the aggregate
     * @param result    the store's result for exactly its uncommitted events
     * @param <A>       the aggregate class
     * @throws io.modularddd.core.InvalidInputException when an argument is null
     * @throws IllegalStateException when the result does not match the uncommitted events
     */
    public static <A extends AggregateRoot<A>> void markPersisted(AggregateRoot<A> aggregate, AppendResult result) {
        Checks.notNull("aggregate", aggregate);
        aggregate.markPersisted(Checks.notNull("result", result));
    }
}
