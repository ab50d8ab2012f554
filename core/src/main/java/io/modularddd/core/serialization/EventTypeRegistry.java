package io.modularddd.core.serialization;

import io.modularddd.core.UnknownEventTypeException;
import io.modularddd.core.internal.BuilderChecks;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Maps stable event type names ({@code "order.placed.v1"}) to event classes and back.
 *
 * <p>The name, not the class name, is what is stored, so classes can be renamed or moved freely.
 * Registration is explicit: only registered classes are ever serialized, and only registered names
 * are ever turned into objects — a class name found in storage is never loaded. A renamed type keeps
 * its old name readable through {@link Builder#alias(String, Class)}.
 *
 * <p>Names match {@code [A-Za-z0-9][A-Za-z0-9._:/$-]*}, at most {@value #MAX_NAME_LENGTH}
 * characters. Instances are immutable and thread-safe.
 */
public final class EventTypeRegistry {

    /** The longest type name, in characters. */
    public static final int MAX_NAME_LENGTH = 100;

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:/$-]*");

    private final Map<String, Class<?>> classByName;
    private final Map<Class<?>, String> nameByClass;
    private final Map<String, UpcastChain> upcasts;

    private EventTypeRegistry(Builder builder) {
        this.classByName = Map.copyOf(builder.classByName);
        this.nameByClass = Collections.unmodifiableMap(new IdentityHashMap<>(builder.nameByClass));
        this.upcasts = UpcastChains.compose(builder.steps, builder.classByName);
    }

    /**
     * Starts a registry.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns the stable name of an event class.
     *
     * @param eventClass the payload's class (exact class; subclasses are not matched)
     * @return the registered name
     * @throws UnknownEventTypeException when the class is not registered
     */
    public String typeNameOf(Class<?> eventClass) {
        String name = nameByClass.get(eventClass);
        if (name == null) {
            throw UnknownEventTypeException.forClass(eventClass);
        }
        return name;
    }

    /**
     * Returns the class registered under a name (or alias).
     *
     * @param typeName the stored name
     * @return the class
     * @throws UnknownEventTypeException when the name is not registered
     */
    public Class<?> classOf(String typeName) {
        Class<?> type = classByName.get(typeName);
        if (type == null) {
            throw UnknownEventTypeException.forName(typeName);
        }
        return type;
    }

    /**
     * Tells whether a class is registered.
     *
     * @param eventClass the class
     * @return {@code true} when it has a name
     */
    public boolean isRegistered(Class<?> eventClass) {
        return nameByClass.containsKey(eventClass);
    }

    /**
     * Tells whether a name (or alias) is registered.
     *
     * @param typeName the name
     * @return {@code true} when it maps to a class
     */
    public boolean isRegistered(String typeName) {
        return classByName.containsKey(typeName);
    }

    /**
     * Returns every registered name, aliases included, sorted.
     *
     * @return the names
     */
    public Set<String> typeNames() {
        return Collections.unmodifiableSet(new TreeSet<>(classByName.keySet()));
    }

    /**
     * Returns the composed upcasters that read a stored type name as a registered one.
     *
     * @param storedTypeName the type name an event was stored under
     * @return the chain, or empty when the name is read as it is (registered, or unknown)
     */
    public java.util.Optional<UpcastChain> upcastOf(String storedTypeName) {
        return java.util.Optional.ofNullable(upcasts.get(storedTypeName));
    }

    /**
     * Returns every stored type name an upcaster chain starts from (names events may still be stored under,
     * read as newer types), sorted.
     *
     * @return the names
     */
    public Set<String> upcastTypeNames() {
        return Collections.unmodifiableSet(new TreeSet<>(upcasts.keySet()));
    }

    /**
     * Returns the type name an event stored under {@code storedTypeName} is read as: the end of its
     * upcaster chain, or the name itself.
     *
     * @param storedTypeName the type name an event was stored under
     * @return the type name readers see
     */
    public String currentTypeName(String storedTypeName) {
        UpcastChain chain = upcasts.get(storedTypeName);
        return chain == null ? storedTypeName : chain.targetType();
    }

    /**
     * Tells whether events stored under this name can be read: the name is registered, or an upcaster
     * chain leads from it to a registered name.
     *
     * @param storedTypeName the stored type name
     * @return {@code true} when readable
     */
    public boolean isReadable(String storedTypeName) {
        return classByName.containsKey(storedTypeName) || upcasts.containsKey(storedTypeName);
    }

    @Override
    public String toString() {
        return "EventTypeRegistry" + new TreeSet<>(classByName.keySet());
    }

    /**
     * Collects registrations. Each method checks its arguments at once, with the vocabulary of every
     * builder of the library ({@link IllegalArgumentException} naming the argument and the value). A name
     * or class registered twice is an {@link IllegalArgumentException} too: registrations are entries of
     * a collection, not settings, so the builders' rule for a setting given twice does not apply.
     */
    public static final class Builder {
        private final Map<String, Class<?>> classByName = new HashMap<>();
        private final Map<Class<?>, String> nameByClass = new HashMap<>();
        private final Map<String, UpcastChains.Step> steps = new HashMap<>();

        private Builder() {
        }

        /**
         * Registers one upcaster step: events stored under {@code fromTypeName} are read by running
         * {@code step} on their JSON, then as {@code toTypeName} — which is registered, or the source of
         * a further step. Steps chain ({@code v1 -> v2 -> v3}) and are composed once, by {@link #build()},
         * which refuses a cycle, a chain ending in an unregistered name, and a source that is also
         * registered for a class. Events are never rewritten in storage by reading.
         *
         * @param fromTypeName the old stored type name, e.g. {@code "account.opened.v1"}
         * @param toTypeName   the newer type name, e.g. {@code "account.opened.v2"}
         * @param step         turns the old JSON into the new one
         * @return this builder
         * @throws IllegalArgumentException when a name is invalid, the two names are equal, the step is
         *                                  null, or another step already starts at {@code fromTypeName}
         */
        public Builder upcast(String fromTypeName, String toTypeName, Upcaster step) {
            checkName(fromTypeName, "fromTypeName");
            checkName(toTypeName, "toTypeName");
            if (step == null) {
                throw new IllegalArgumentException("the upcaster step from '" + fromTypeName + "' to '" + toTypeName
                        + "' must not be null");
            }
            if (fromTypeName.equals(toTypeName)) {
                throw new IllegalArgumentException("an upcaster step must lead to another type name, but both are '"
                        + fromTypeName + "'");
            }
            UpcastChains.Step existing = steps.get(fromTypeName);
            if (existing != null) {
                throw new IllegalArgumentException("two upcaster steps start at '" + fromTypeName + "': to '"
                        + existing.to() + "' and to '" + toTypeName + "'; a stored type name is read one way only.");
            }
            steps.put(fromTypeName, new UpcastChains.Step(fromTypeName, toTypeName, step));
            return this;
        }

        /**
         * Registers a class under its stable name, used for writing and reading.
         *
         * @param typeName  the stable name, e.g. {@code "order.placed.v1"}
         * @param eventClass the class
         * @return this builder
         * @throws IllegalArgumentException when the class is null, the name is malformed, or the name or class
         *                                  is registered already
         */
        public Builder register(String typeName, Class<?> eventClass) {
            checkName(typeName, eventClass);
            if (nameByClass.containsKey(eventClass)) {
                throw new IllegalArgumentException(eventClass.getName() + " is already registered as '"
                        + nameByClass.get(eventClass) + "'; a class has one name for writing. Use alias(\"" + typeName
                        + "\", " + eventClass.getSimpleName() + ".class) to also read an older name.");
            }
            classByName.put(typeName, eventClass);
            nameByClass.put(eventClass, typeName);
            return this;
        }

        /**
         * Registers an extra name that is read as {@code eventClass} but never written, for types
         * that were renamed.
         *
         * @param oldTypeName the name found in older events
         * @param eventClass  the class it now stands for
         * @return this builder
         * @throws IllegalArgumentException when the class is null, or the name is malformed or registered already
         */
        public Builder alias(String oldTypeName, Class<?> eventClass) {
            checkName(oldTypeName, eventClass);
            classByName.put(oldTypeName, eventClass);
            return this;
        }

        /**
         * Builds the immutable registry.
         *
         * @return the registry
         * @throws IllegalStateException when an alias names a class that has no primary name
         */
        public EventTypeRegistry build() {
            for (Map.Entry<String, Class<?>> e : classByName.entrySet()) {
                if (!nameByClass.containsKey(e.getValue())) {
                    throw new IllegalStateException("alias '" + e.getKey() + "' reads as " + e.getValue().getName()
                            + ", which has no primary name; register(name, " + e.getValue().getSimpleName()
                            + ".class) too.");
                }
            }
            return new EventTypeRegistry(this);
        }

        private static void checkName(String typeName, String setting) {
            if (typeName == null || typeName.length() > MAX_NAME_LENGTH || !NAME.matcher(typeName).matches()) {
                throw new IllegalArgumentException(setting + " " + (typeName == null ? "null" : "'" + typeName + "'")
                        + " is not a valid event type name: use 1 to " + MAX_NAME_LENGTH + " characters of letters, "
                        + "digits and . _ : / $ -, starting with a letter or digit, e.g. \"order.placed.v1\".");
            }
        }

        private void checkName(String typeName, Class<?> eventClass) {
            BuilderChecks.notNull("eventClass", eventClass);
            if (typeName == null || typeName.length() > MAX_NAME_LENGTH || !NAME.matcher(typeName).matches()) {
                throw new IllegalArgumentException("event type name " + (typeName == null ? "null" : "'" + typeName + "'")
                        + " for " + eventClass.getName() + " is invalid: use 1 to " + MAX_NAME_LENGTH
                        + " characters of letters, digits and . _ : / $ -, starting with a letter or digit, "
                        + "e.g. \"order.placed.v1\".");
            }
            if (eventClass.isPrimitive() || eventClass.isArray() || eventClass.isInterface()
                    || java.lang.reflect.Modifier.isAbstract(eventClass.getModifiers())) {
                throw new IllegalArgumentException(eventClass.getName() + " cannot be an event type: register a "
                        + "concrete class or record.");
            }
            Class<?> existing = classByName.get(typeName);
            if (existing != null) {
                throw new IllegalArgumentException("event type name '" + typeName + "' is already registered for "
                        + existing.getName() + "; each name stands for one class.");
            }
        }
    }
}
