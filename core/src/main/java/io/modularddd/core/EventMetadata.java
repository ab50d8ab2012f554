package io.modularddd.core;

import io.modularddd.core.internal.Checks;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * String entries stored beside an event: a correlation id, a causation id, and any keys of the
 * application's own (tenant, user, request id...).
 *
 * <p>The correlation and causation ids are ordinary entries under the reserved keys
 * {@value #CORRELATION_ID} and {@value #CAUSATION_ID}. Keys follow the rules of an identifier (not
 * blank, no control characters, at most {@value #MAX_KEY_LENGTH} characters); values are any
 * well-formed text of at most {@value #MAX_VALUE_LENGTH} characters; at most
 * {@value #MAX_ENTRIES} entries. Entries are kept sorted by key, so equal metadata always
 * serializes to equal bytes. Instances are immutable.
 *
 * @param entries the entries, sorted by key; unmodifiable
 */
public record EventMetadata(Map<String, String> entries) {

    /** Reserved key of the correlation id. */
    public static final String CORRELATION_ID = "correlation_id";
    /** Reserved key of the causation id. */
    public static final String CAUSATION_ID = "causation_id";
    /** The most entries one event's metadata may have. */
    public static final int MAX_ENTRIES = 256;
    /** The longest key, in characters. */
    public static final int MAX_KEY_LENGTH = 128;
    /** The longest value, in characters. */
    public static final int MAX_VALUE_LENGTH = 4096;

    private static final EventMetadata EMPTY = new EventMetadata(Map.of());

    /**
     * Validates and copies the entries.
     *
     * @param entries the entries, sorted by key; unmodifiable
     * @throws InvalidInputException when a key or value breaks the rules above
     */
    public EventMetadata {
        Checks.notNull("metadata", entries);
        if (entries.size() > MAX_ENTRIES) {
            throw new InvalidInputException("metadata", "metadata must have at most " + MAX_ENTRIES
                    + " entries but has " + entries.size() + "; keep bulky context in the event payload.");
        }
        TreeMap<String, String> copy = new TreeMap<>();
        for (Map.Entry<String, String> e : entries.entrySet()) {
            String key = Checks.identifier("metadata key", e.getKey(), MAX_KEY_LENGTH, "tenant_id");
            copy.put(key, Checks.text("metadata['" + key + "']", e.getValue(), MAX_VALUE_LENGTH));
        }
        entries = Collections.unmodifiableMap(copy);
    }

    /**
     * Returns metadata with no entries.
     *
     * @return the empty metadata
     */
    public static EventMetadata empty() {
        return EMPTY;
    }

    /**
     * Returns metadata with the given entries.
     *
     * @param entries the entries
     * @return the metadata
     * @throws InvalidInputException when a key or value is invalid
     */
    public static EventMetadata of(Map<String, String> entries) {
        return entries.isEmpty() ? EMPTY : new EventMetadata(entries);
    }

    /**
     * Returns a copy with one entry added or replaced.
     *
     * @param key   the key
     * @param value the value
     * @return the new metadata
     * @throws InvalidInputException when the key or value is invalid
     */
    public EventMetadata with(String key, String value) {
        TreeMap<String, String> copy = new TreeMap<>(entries);
        copy.put(Checks.notNull("metadata key", key), value);
        return new EventMetadata(copy);
    }

    /**
     * Returns a copy with all entries of {@code other} added, replacing equal keys.
     *
     * @param other the entries to add
     * @return the merged metadata
     */
    public EventMetadata merge(EventMetadata other) {
        if (other.entries.isEmpty()) {
            return this;
        }
        if (entries.isEmpty()) {
            return other;
        }
        TreeMap<String, String> copy = new TreeMap<>(entries);
        copy.putAll(other.entries);
        return new EventMetadata(copy);
    }

    /**
     * Returns a copy with the correlation id set.
     *
     * @param correlationId the id of the conversation this event belongs to
     * @return the new metadata
     */
    public EventMetadata withCorrelationId(String correlationId) {
        return with(CORRELATION_ID, correlationId);
    }

    /**
     * Returns a copy with the causation id set.
     *
     * @param causationId the id of the message that caused this event
     * @return the new metadata
     */
    public EventMetadata withCausationId(String causationId) {
        return with(CAUSATION_ID, causationId);
    }

    /**
     * Returns the correlation id, if set.
     *
     * @return the correlation id
     */
    public Optional<String> correlationId() {
        return get(CORRELATION_ID);
    }

    /**
     * Returns the causation id, if set.
     *
     * @return the causation id
     */
    public Optional<String> causationId() {
        return get(CAUSATION_ID);
    }

    /**
     * Returns the value of a key, if present.
     *
     * @param key the key
     * @return the value
     */
    public Optional<String> get(String key) {
        return Optional.ofNullable(entries.get(key));
    }

    /**
     * Tells whether there are no entries.
     *
     * @return {@code true} when empty
     */
    public boolean isEmpty() {
        return entries.isEmpty();
    }
}
