package io.modularddd.core.internal;

import io.modularddd.core.StoredEvent;
import java.util.function.Predicate;

/**
 * Reaches what {@link StoredEvent} keeps off its public surface: whether a lazily decoded payload has
 * been decoded yet. For tests and benchmarks that check where decoding happens; application code has
 * no use for it.
 *
 * <p>Internal API: may change without notice.
 */
public final class StoredEventAccess {

    private static volatile Predicate<StoredEvent> payloadDecoded;

    private StoredEventAccess() {
    }

    /**
     * Called once by {@link StoredEvent}'s class initializer.
     *
     * @param test tells whether an event's payload is held decoded
     */
    public static void install(Predicate<StoredEvent> test) {
        if (payloadDecoded != null) {
            throw new IllegalStateException("already installed");
        }
        payloadDecoded = test;
    }

    /**
     * Tells whether the event holds its payload decoded: always for eagerly decoded events; for lazy
     * ones, once {@code payload()} has succeeded. Decodes nothing.
     *
     * @param event the event
     * @return {@code true} when {@code payload()} would return without decoding
     */
    public static boolean isPayloadDecoded(StoredEvent event) {
        return payloadDecoded.test(Checks.notNull("event", event));
    }
}
