package io.modularddd.core.aggregate;

import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiConsumer;

/**
 * The event handlers of one aggregate class: which method applies which event class to the state.
 *
 * <p>Build it once per aggregate class, in a {@code static final} field, and pass it to the
 * {@link AggregateRoot} constructor. Applying an event is then one map lookup by exact class and a
 * direct call — no reflection, no per-instance registration:
 *
 * <pre>{@code
 * private static final EventHandlers<Account> HANDLERS = EventHandlers.<Account>builder()
 *         .on(AccountOpened.class, Account::apply)
 *         .on(MoneyDeposited.class, Account::apply)
 *         .build();
 * }</pre>
 *
 * @param <A> the aggregate class
 */
public final class EventHandlers<A> {

    private final Map<Class<?>, BiConsumer<A, Object>> handlers;

    private EventHandlers(Map<Class<?>, BiConsumer<A, Object>> handlers) {
        this.handlers = handlers;
    }

    /**
     * Starts a handler table.
     *
     * @param <A> the aggregate class
     * @return a builder
     */
    public static <A> Builder<A> builder() {
        return new Builder<>();
    }

    /**
     * Applies an event to an aggregate.
     *
     * @param aggregate the aggregate
     * @param event     the event
     * @throws IllegalStateException when no handler is registered for the event's class
     */
    void apply(A aggregate, Object event) {
        BiConsumer<A, Object> handler = handlers.get(event.getClass());
        if (handler == null) {
            throw new IllegalStateException(aggregate.getClass().getSimpleName() + " has no handler for "
                    + event.getClass().getName() + "; add .on(" + event.getClass().getSimpleName()
                    + ".class, ...) to its EventHandlers.");
        }
        handler.accept(aggregate, event);
    }

    /**
     * Tells whether a handler exists for an event class.
     *
     * @param eventClass the event class
     * @return {@code true} when handled
     */
    public boolean handles(Class<?> eventClass) {
        return handlers.containsKey(eventClass);
    }

    /**
     * Collects handlers.
     *
     * @param <A> the aggregate class
     */
    public static final class Builder<A> {
        private final Map<Class<?>, BiConsumer<A, Object>> handlers = new IdentityHashMap<>();

        private Builder() {
        }

        /**
         * Registers the handler of one event class.
         *
         * @param eventClass the event's exact class
         * @param handler    applies the event to the aggregate's state; must not fail for valid events
         * @param <E>        the event type
         * @return this builder
         * @throws IllegalArgumentException when the class already has a handler
         */
        public <E> Builder<A> on(Class<E> eventClass, BiConsumer<A, ? super E> handler) {
            Objects.requireNonNull(eventClass, "eventClass");
            Objects.requireNonNull(handler, "handler");
            if (handlers.containsKey(eventClass)) {
                throw new IllegalArgumentException(eventClass.getName() + " already has a handler; register one "
                        + "handler per event class.");
            }
            handlers.put(eventClass, (aggregate, event) -> handler.accept(aggregate, eventClass.cast(event)));
            return this;
        }

        /**
         * Builds the immutable table.
         *
         * @return the handlers
         */
        public EventHandlers<A> build() {
            return new EventHandlers<>(new IdentityHashMap<>(handlers));
        }
    }
}
