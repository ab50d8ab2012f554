package io.modularddd.core.projection;

import io.modularddd.core.ErasedEvent;
import io.modularddd.core.StoredEvent;
import io.modularddd.core.internal.BuilderChecks;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A read model fed from the global event log: a name, the event types it handles, a handler and a reset hook.
 * The engine that runs it ({@code ProjectionEngine} in {@code modular-ddd-cqrs}) or the
 * {@code ProjectionTestFixture} ({@code modular-ddd-testkit}) reads the store's {@code readAll} from the
 * projection's checkpoint and calls {@link #handle} with the events of {@link #eventTypes()} only — others are
 * skipped by their type name, without decoding anything for the projection; the engine asks the store for the
 * declared types only ({@code EventStore.readAll(from, limit, types)}), so they are not even read.
 *
 * <pre>{@code
 * Projection balances = Projection.builder("account-balances")
 *         .on(MoneyDeposited.class, (deposited, event, tx) -> upsert(tx, event.aggregateId(), deposited.cents()))
 *         .on(MoneyWithdrawn.class, (withdrawn, event, tx) -> upsert(tx, event.aggregateId(), -withdrawn.cents()))
 *         .onReset(() -> truncate("account_balances"))
 *         .build();
 * Projection counts = Projection.builder("event-counts")
 *         .batch(Set.of(MoneyDeposited.class), (events, tx) -> insertAll(tx, events))   // up to N per call
 *         .build();
 * }</pre>
 *
 * <h2>What a handler is given</h2>
 * <ul>
 *   <li>Events in global position order, all of them of declared types; per aggregate, in version order.</li>
 *   <li>Each as its {@link StoredEvent}, read through the store's serializer: old shapes arrive upcast
 *       (the registry's upcasters), and an erased event arrives as {@link ErasedEvent} — declare
 *       {@code ErasedEvent.class} to receive erased events of any type ({@link StoredEvent#storedEventType()}
 *       names the original type).</li>
 *   <li>The {@link CheckpointTransaction} the checkpoint commits in: with a JDBC checkpoint store it unwraps to
 *       the {@code java.sql.Connection}, and a read model in the same database written through it commits with
 *       the checkpoint (each event's effect exactly once). Other read models get every event at least once:
 *       use {@link StoredEvent#position()} to make their writes idempotent.</li>
 * </ul>
 * A handler that throws makes the engine roll the batch back and retry it, then record a dead letter (or stop)
 * as its policy says. Implementations are called by one thread at a time per segment.
 */
public interface Projection {

    /**
     * Returns the projection's name: the key of its checkpoints and dead letters.
     *
     * @return letters, digits and {@code ._-}, at most 100 characters
     */
    String name();

    /**
     * Returns the event classes the projection handles (their registered type names are matched against the
     * log's); empty for every event.
     *
     * @return the classes, or an empty set
     */
    Set<Class<?>> eventTypes();

    /**
     * Applies events, in position order, inside the checkpoint's transaction.
     *
     * @param events      one or more events of the declared types
     * @param transaction the transaction the checkpoint commits in
     * @throws Exception when the read model could not be updated; nothing of this call is committed
     */
    void handle(List<StoredEvent> events, CheckpointTransaction transaction) throws Exception;

    /**
     * Clears the read model before a rebuild from position 1. Runs after the checkpoints were reset and while
     * this process handles nothing for the projection. The default does nothing.
     *
     * @throws Exception when the read model could not be cleared; the rebuild fails
     */
    default void reset() throws Exception {
    }

    /**
     * Starts a projection.
     *
     * @param name the projection's name: letters, digits and {@code ._-}, at most 100 characters
     * @return the builder
     * @throws IllegalArgumentException when the name is null or malformed
     */
    static Builder builder(String name) {
        return new Builder(name);
    }

    /**
     * Handles one event of a type.
     *
     * @param <E> the event class
     */
    @FunctionalInterface
    interface EventHandler<E> {
        /**
         * Handles the event.
         *
         * @param payload     the event, decoded (and upcast)
         * @param event       its envelope: position, stream, version, metadata
         * @param transaction the checkpoint's transaction
         * @throws Exception when the read model could not be updated
         */
        void handle(E payload, StoredEvent event, CheckpointTransaction transaction) throws Exception;
    }

    /** Handles a batch of events. */
    @FunctionalInterface
    interface BatchHandler {
        /**
         * Handles the events.
         *
         * @param events      the events, in position order
         * @param transaction the checkpoint's transaction
         * @throws Exception when the read model could not be updated
         */
        void handle(List<StoredEvent> events, CheckpointTransaction transaction) throws Exception;
    }

    /** Clears a read model. */
    @FunctionalInterface
    interface ResetHook {
        /**
         * Clears it.
         *
         * @throws Exception when it could not
         */
        void reset() throws Exception;
    }

    /**
     * Collects a projection's handlers: per event type ({@link #on}, {@link #onAny}) or per batch
     * ({@link #batch}), not both. Each setter checks its argument at once ({@link IllegalArgumentException});
     * a repeated or conflicting setting is an {@link IllegalStateException}.
     */
    final class Builder {

        private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,100}");

        private final String name;
        private final Map<Class<?>, EventHandler<Object>> handlers = new IdentityHashMap<>();
        private final List<Class<?>> order = new ArrayList<>();
        private EventHandler<Object> any;
        private BatchHandler batch;
        private Set<Class<?>> batchTypes;
        private ResetHook reset;

        private Builder(String name) {
            BuilderChecks.notNull("name", name);
            if (!NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("name must be 1 to 100 letters, digits, '.', '_' or '-' but was \""
                        + name.replaceAll("\\p{Cntrl}", "?") + "\"; it keys the projection's checkpoints");
            }
            this.name = name;
        }

        /**
         * Handles events of one class (the exact class of the payload).
         *
         * @param type    the event class (registered in the store's registry), or {@code ErasedEvent.class}
         * @param handler what to do with each event of it
         * @param <E>     the event class
         * @return this builder
         * @throws IllegalArgumentException when an argument is null
         * @throws IllegalStateException    when the class has a handler already, or the builder has a batch
         *                                  handler or a handler for every type
         */
        @SuppressWarnings("unchecked")
        public <E> Builder on(Class<E> type, EventHandler<? super E> handler) {
            BuilderChecks.notNull("type", type);
            BuilderChecks.notNull("handler", handler);
            BuilderChecks.setOnce("on(" + type.getSimpleName() + ")", handlers.containsKey(type), "a handler");
            noMix(batch != null || any != null, "on(" + type.getSimpleName() + ")");
            handlers.put(type, (EventHandler<Object>) handler);
            order.add(type);
            return this;
        }

        /**
         * Handles every event, of whatever type (an audit log, a search index). The projection then also meets
         * events it cannot read (a type not registered), which follow the engine's failure policy.
         *
         * @param handler what to do with each event
         * @return this builder
         * @throws IllegalArgumentException when the handler is null
         * @throws IllegalStateException    when another handler is set
         */
        public Builder onAny(EventHandler<Object> handler) {
            BuilderChecks.notNull("handler", handler);
            BuilderChecks.setOnce("onAny", any != null, "a handler");
            noMix(batch != null || !handlers.isEmpty(), "onAny");
            any = handler;
            return this;
        }

        /**
         * Handles events in batches: the batched strategy hands the handler up to its batch size at once.
         *
         * @param types   the event classes handled; empty for every event
         * @param handler what to do with each batch
         * @return this builder
         * @throws IllegalArgumentException when an argument is null or the set holds null
         * @throws IllegalStateException    when another handler is set
         */
        public Builder batch(Set<Class<?>> types, BatchHandler handler) {
            BuilderChecks.notNull("types", types);
            BuilderChecks.notNull("handler", handler);
            for (Class<?> t : types) {
                BuilderChecks.notNull("types' element", t);
            }
            BuilderChecks.setOnce("batch", batch != null, "a handler");
            noMix(any != null || !handlers.isEmpty(), "batch");
            batch = handler;
            batchTypes = Collections.unmodifiableSet(new LinkedHashSet<>(types));
            return this;
        }

        /**
         * Sets what clears the read model before a rebuild.
         *
         * @param hook the reset hook
         * @return this builder
         * @throws IllegalArgumentException when the hook is null
         * @throws IllegalStateException    when set before
         */
        public Builder onReset(ResetHook hook) {
            BuilderChecks.notNull("hook", hook);
            BuilderChecks.setOnce("onReset", reset != null, "a hook");
            reset = hook;
            return this;
        }

        /**
         * Builds the projection.
         *
         * @return the projection
         * @throws IllegalStateException when no handler was given
         */
        public Projection build() {
            if (batch == null && any == null && handlers.isEmpty()) {
                throw new IllegalStateException("projection '" + name + "' has no handler; add on(Type.class, "
                        + "handler), onAny(handler) or batch(types, handler)");
            }
            ResetHook hook = reset == null ? () -> { } : reset;
            if (batch != null) {
                return new BuiltProjection(name, batchTypes, batch, hook);
            }
            if (any != null) {
                EventHandler<Object> all = any;
                return new BuiltProjection(name, Set.of(), (events, tx) -> {
                    for (StoredEvent e : events) {
                        all.handle(e.payload(), e, tx);
                    }
                }, hook);
            }
            Map<Class<?>, EventHandler<Object>> byType = new IdentityHashMap<>(handlers);
            Set<Class<?>> types = Collections.unmodifiableSet(new LinkedHashSet<>(order));
            return new BuiltProjection(name, types, (events, tx) -> {
                for (StoredEvent e : events) {
                    Object payload = e.payload();
                    EventHandler<Object> h = byType.get(payload.getClass());
                    if (h == null) {
                        throw new IllegalStateException("projection '" + name + "' has no handler for "
                                + payload.getClass().getName() + " (event type '" + e.eventType() + "', position "
                                + e.position() + "); it handles " + types);
                    }
                    h.handle(payload, e, tx);
                }
            }, hook);
        }

        private static void noMix(boolean conflict, String setting) {
            BuilderChecks.noConflict(conflict, setting + " cannot be combined with the handlers already set: a "
                    + "projection has per-type handlers (on), one handler for every event (onAny), or one batch "
                    + "handler (batch)");
        }
    }
}
