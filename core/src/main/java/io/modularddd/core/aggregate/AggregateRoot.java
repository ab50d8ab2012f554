package io.modularddd.core.aggregate;

import io.modularddd.core.AggregateId;
import io.modularddd.core.AppendResult;
import io.modularddd.core.EventMetadata;
import io.modularddd.core.NewEvent;
import io.modularddd.core.StoredEvent;
import io.modularddd.core.internal.Checks;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Base class of event-sourced aggregates.
 *
 * <p>State changes only by events: a command method checks its rules, then calls
 * {@link #raise(Object)}, which applies the event through the class's {@link EventHandlers} and
 * records it as uncommitted. Loading replays stored events through the same handlers. Each raised
 * event gets its id when raised, so saving the same aggregate twice after an
 * {@code AppendOutcomeUnknownException} is idempotent.
 *
 * <pre>{@code
 * public final class Account extends AggregateRoot<Account> {
 *     private static final EventHandlers<Account> HANDLERS = EventHandlers.<Account>builder()
 *             .on(AccountOpened.class, (a, e) -> a.balance = 0)
 *             .on(MoneyDeposited.class, (a, e) -> a.balance += e.amount())
 *             .build();
 *     private long balance;
 *
 *     public Account(AggregateId id) { super(id, HANDLERS); }
 *
 *     public void deposit(long amount) {
 *         if (amount <= 0) throw new IllegalArgumentException("amount must be positive");
 *         raise(new MoneyDeposited(amount));
 *     }
 * }
 * }</pre>
 *
 * <p>Its public methods are the ones domain code needs. What only a repository does — replaying
 * stored events, restoring a snapshot, marking events persisted — is not on the aggregate's surface;
 * repositories (in any module) drive it through {@link AggregateAccess}.
 *
 * <p>Not thread-safe: an instance belongs to one command at a time.
 *
 * @param <A> the concrete aggregate class
 */
public abstract class AggregateRoot<A extends AggregateRoot<A>> {

    private final AggregateId id;
    private final EventHandlers<A> handlers;
    private final List<NewEvent> uncommitted = new ArrayList<>();
    private long version;
    private long persistedVersion;
    private Clock clock = Clock.systemUTC();

    /**
     * Creates an empty aggregate (version 0).
     *
     * @param id       the aggregate's id
     * @param handlers the handler table of the concrete class
     */
    protected AggregateRoot(AggregateId id, EventHandlers<A> handlers) {
        this.id = Checks.notNull("id", id);
        this.handlers = Checks.notNull("handlers", handlers);
    }

    /**
     * Returns the id.
     *
     * @return the aggregate id
     */
    public final AggregateId id() {
        return id;
    }

    /**
     * Returns the version of the state: the version of the last applied event, counting uncommitted ones.
     *
     * @return the version, 0 for a new aggregate
     */
    public final long version() {
        return version;
    }

    /**
     * Returns the version of the last stored event: the expected version of the next save.
     *
     * @return the persisted version, 0 when nothing is stored
     */
    public final long persistedVersion() {
        return persistedVersion;
    }

    /**
     * Returns the events raised since the last save, in order.
     *
     * @return an unmodifiable view
     */
    public final List<NewEvent> uncommittedEvents() {
        return Collections.unmodifiableList(uncommitted);
    }

    /**
     * Applies an event to the state and records it for the next save.
     *
     * @param event the event; its class needs a handler and a registered type name
     */
    @SuppressWarnings("unchecked")
    protected final void raise(Object event) {
        Checks.notNull("event", event);
        handlers.apply((A) this, event);
        uncommitted.add(NewEvent.of(event, EventMetadata.empty(), clock));
        version++;
    }

    /**
     * Sets the clock that stamps raised events (tests use a fixed clock).
     *
     * @param clock the clock
     */
    public final void useClock(Clock clock) {
        this.clock = Checks.notNull("clock", clock);
    }

    /**
     * Applies a stored event while loading. Repositories reach it through {@link AggregateAccess}.
     *
     * @param event the next stored event of this aggregate's stream
     * @throws IllegalStateException when the event is not the next version or events are uncommitted
     */
    @SuppressWarnings("unchecked")
    final void replay(StoredEvent event) {
        if (!uncommitted.isEmpty()) {
            throw new IllegalStateException("cannot replay stored events into " + id + " while it has "
                    + uncommitted.size() + " uncommitted event(s)");
        }
        if (!event.aggregateId().equals(id) || event.version() != version + 1) {
            throw new IllegalStateException("stored event " + event.aggregateId() + "@" + event.version()
                    + " does not follow " + id + "@" + version);
        }
        handlers.apply((A) this, event.payload());
        version = event.version();
        persistedVersion = version;
    }

    /**
     * Restores state from a snapshot taken at {@code snapshotVersion}. Repositories reach it through
     * {@link AggregateAccess}.
     *
     * @param snapshot        the captured state
     * @param snapshotVersion the version the snapshot was taken at
     * @param <S>             the snapshot type
     * @throws IllegalStateException when the aggregate is not {@link Snapshotable} or not fresh
     */
    @SuppressWarnings("unchecked")
    final <S> void restoreSnapshot(S snapshot, long snapshotVersion) {
        if (!(this instanceof Snapshotable)) {
            throw new IllegalStateException(getClass().getName() + " does not implement Snapshotable");
        }
        if (version != 0 || !uncommitted.isEmpty()) {
            throw new IllegalStateException("a snapshot can only be restored into a fresh aggregate");
        }
        Checks.positive("snapshotVersion", snapshotVersion, "a snapshot covers at least one event.");
        ((Snapshotable<S>) this).restore(snapshot);
        version = snapshotVersion;
        persistedVersion = snapshotVersion;
    }

    /**
     * Starts a fresh aggregate at {@code version} without state: the stream's current life begins after
     * it (a stream started again after a delete). Repositories reach it through {@link AggregateAccess}.
     *
     * @param startedAfter the last version of the stream's previous life
     * @throws IllegalStateException when the aggregate is not fresh
     */
    final void startAfter(long startedAfter) {
        if (version != 0 || !uncommitted.isEmpty()) {
            throw new IllegalStateException("only a fresh aggregate can start after version " + startedAfter);
        }
        version = startedAfter;
        persistedVersion = startedAfter;
    }

    /**
     * Marks the uncommitted events as stored, after a successful append. Repositories reach it through
     * {@link AggregateAccess}.
     *
     * @param result the store's result for those events
     * @throws IllegalStateException when the result does not match the uncommitted events
     */
    final void markPersisted(AppendResult result) {
        if (persistedVersion == 0 && result.aggregateId().equals(id) && result.firstVersion() > 1
                && result.lastVersion() - result.firstVersion() + 1 == uncommitted.size()) {
            // a new aggregate stored as the next life of a deleted stream: versions continue the old life
            uncommitted.clear();
            version = result.lastVersion();
            persistedVersion = version;
            return;
        }
        if (result.firstVersion() != persistedVersion + 1 || result.lastVersion() != version
                || !result.aggregateId().equals(id)) {
            throw new IllegalStateException("append result " + result + " does not match " + id + " at persisted "
                    + "version " + persistedVersion + " with " + uncommitted.size() + " uncommitted event(s)");
        }
        uncommitted.clear();
        persistedVersion = version;
    }
}
