package io.modularddd.cache;

import io.modularddd.cache.Encoder.ObjectEncoder;
import io.modularddd.core.InvalidInputException;

/**
 * What {@link KeyPlanner} worked out once for a query type: the fixed parts of its keys, the encoder of
 * its components, whether the L1 tier may key it by value, or why the type is refused.
 */
final class KeyPlan {

    /** The longest part of a storage key taken from the query type's simple name. */
    private static final int MAX_NAME_IN_STORAGE_KEY = 100;

    final Class<?> type;
    /** {@code "v1 <binary type name> "}: the canonical form's start. */
    final String head;
    /** {@code "query:{SimpleName}:"}: the storage key's start. */
    final String storagePrefix;
    final ObjectEncoder body;
    /**
     * {@code true} when two queries of this type that are {@code equals} always have the same canonical
     * key and can never change: a record with the compiler's {@code equals} whose components are strings,
     * primitives and their boxes, enums, UUIDs, java.time values, Optionals and such records. Collections
     * (mutable, and sets with comparators compare loosely) and BigDecimal/BigInteger (not final) are not.
     */
    final boolean valueKeyed;
    private final String refusal;
    /** The capacity to start a canonical form with: the longest seen so far (a racy hint, never wrong). */
    int sizeHint = 128;

    private KeyPlan(Class<?> type, ObjectEncoder body, boolean valueKeyed, String refusal) {
        this.type = type;
        this.head = "v1 " + type.getName() + " ";
        String simple = type.getSimpleName().isEmpty() ? type.getName().substring(type.getName().lastIndexOf('.') + 1)
                : type.getSimpleName();
        if (simple.length() > MAX_NAME_IN_STORAGE_KEY) {
            simple = simple.substring(0, MAX_NAME_IN_STORAGE_KEY);
        }
        this.storagePrefix = "query:{" + simple + "}:";
        this.body = body;
        this.valueKeyed = valueKeyed;
        this.refusal = refusal;
    }

    static KeyPlan of(Class<?> type, ObjectEncoder body, boolean valueKeyed) {
        return new KeyPlan(type, body, valueKeyed, null);
    }

    static KeyPlan refused(Class<?> type, String message) {
        return new KeyPlan(type, null, false, message);
    }

    /** Throws the refusal of a refused type, a fresh exception each time. */
    KeyPlan orThrow() {
        if (refusal != null) {
            throw new InvalidInputException("query", refusal);
        }
        return this;
    }

    boolean refused() {
        return refusal != null;
    }
}
