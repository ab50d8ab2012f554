package io.modularddd.core.internal;

import io.modularddd.core.ErasedEvent;
import io.modularddd.core.StoredEvent;
import io.modularddd.core.projection.Projection;
import io.modularddd.core.serialization.EventTypeRegistry;
import java.util.HashSet;
import java.util.Set;

/**
 * Which events of the log a {@link Projection} handles, by type name: the names (and aliases) its declared
 * classes are registered under, {@link ErasedEvent#TYPE} for {@code ErasedEvent.class}; every name when it
 * declares none. The projection engine and the projection test fixture both filter with it, so a projection
 * meets the same events under both.
 *
 * <p>Internal API: may change without notice.
 */
public final class ProjectionTypes {

    private final Set<String> names; // null: every type
    private final EventTypeRegistry registry;
    private final Set<String> storedNames; // null: no stored-type filter selects exactly these events

    private ProjectionTypes(Set<String> names, EventTypeRegistry registry) {
        this.names = names;
        this.registry = registry;
        this.storedNames = storedNames(names, registry);
    }

    /** The names, plus every stored name an upcaster chain reads as one of them. */
    private static Set<String> storedNames(Set<String> names, EventTypeRegistry registry) {
        if (names == null || names.contains(ErasedEvent.TYPE) || registry == null) {
            return null; // every type; or erased events, which are stored under any type
        }
        Set<String> stored = new HashSet<>(names);
        for (String old : registry.upcastTypeNames()) {
            if (names.contains(registry.currentTypeName(old))) {
                stored.add(old);
            }
        }
        return Set.copyOf(stored);
    }

    /**
     * Returns the stored type names to ask the store for ({@code EventStore.readAll(from, limit, types)}): every
     * event the projection handles is stored under one of them. Events of these names the projection does not
     * handle (an erased one of a declared type) are few and still filtered by {@link #accepts}.
     *
     * @return the names; empty when the projection handles every type or {@code ErasedEvent} (erased events are
     *         stored under any type), so only reading every type finds all its events
     */
    public java.util.Optional<Set<String>> storedTypeNames() {
        return java.util.Optional.ofNullable(storedNames);
    }

    /**
     * Resolves a projection's classes to type names.
     *
     * @param projection the projection
     * @param registry   the store's registry; may be null when the projection declares no class or only
     *                   {@code ErasedEvent}
     * @return the filter
     * @throws IllegalArgumentException when a class is not registered, or there is no registry to look it up
     */
    public static ProjectionTypes of(Projection projection, EventTypeRegistry registry) {
        Set<Class<?>> classes = projection.eventTypes();
        if (classes == null || classes.isEmpty()) {
            return new ProjectionTypes(null, registry);
        }
        Set<String> names = new HashSet<>();
        for (Class<?> type : classes) {
            if (type == ErasedEvent.class) {
                names.add(ErasedEvent.TYPE);
                continue;
            }
            if (registry == null) {
                throw new IllegalArgumentException("projection '" + projection.name() + "' handles " + type.getName()
                        + " but the event store has no serializer to name its type; give the engine the store's "
                        + "EventTypeRegistry");
            }
            if (!registry.isRegistered(type)) {
                throw new IllegalArgumentException("projection '" + projection.name() + "' handles " + type.getName()
                        + ", which the store's EventTypeRegistry does not register (it has " + registry.typeNames()
                        + "); register it, or remove it from the projection");
            }
            for (String name : registry.typeNames()) {
                if (registry.classOf(name) == type) {
                    names.add(name);
                }
            }
        }
        return new ProjectionTypes(Set.copyOf(names), registry);
    }

    /**
     * Tells whether the projection handles every type.
     *
     * @return {@code true} when it declared no class
     */
    public boolean handlesEveryType() {
        return names == null;
    }

    /**
     * Tells whether the projection handles an event read from the log.
     *
     * @param event the event
     * @return {@code true} when its type name is one of the projection's
     */
    public boolean accepts(StoredEvent event) {
        return names == null || names.contains(event.eventType());
    }

    /**
     * Tells whether the projection would handle an event that could not be read, by the type name it is
     * stored under (read as the end of its upcaster chain). A name no registry knows is handled only by
     * projections of every type.
     *
     * @param storedTypeName the stored type name, or null when unknown
     * @return {@code true} when the projection must deal with the event
     */
    public boolean acceptsStored(String storedTypeName) {
        if (names == null) {
            return true;
        }
        if (storedTypeName == null) {
            return false;
        }
        String current = registry == null ? storedTypeName : registry.currentTypeName(storedTypeName);
        return names.contains(current) || names.contains(storedTypeName);
    }
}
