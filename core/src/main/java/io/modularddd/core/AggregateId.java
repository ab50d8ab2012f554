package io.modularddd.core;

import io.modularddd.core.internal.Checks;
import java.io.Serializable;
import java.util.UUID;

/**
 * The id of an aggregate, which is also the id of its event stream.
 *
 * <p>Valid ids are not blank, at most {@value #MAX_LENGTH} characters (Unicode code points), carry
 * no control characters or lone surrogates, and do not start or end with whitespace. Any other
 * character is allowed, including {@code :}, {@code *}, spaces and emoji; stores must keep such ids
 * apart exactly (binary comparison, no case folding).
 *
 * @param value the id's text
 */
public record AggregateId(String value) implements Comparable<AggregateId>, Serializable {

    /** The longest id, in Unicode code points. */
    public static final int MAX_LENGTH = 128;

    /**
     * Validates the id.
     *
     * @param value the id's text
     * @throws InvalidInputException when the value breaks a rule above
     */
    public AggregateId {
        Checks.identifier("aggregateId", value, MAX_LENGTH, "order-42");
    }

    /**
     * Creates an id from its text.
     *
     * @param value the id's text
     * @return the id
     * @throws InvalidInputException when the value is not a valid id
     */
    public static AggregateId of(String value) {
        return new AggregateId(value);
    }

    /**
     * Creates a new random id (a UUID).
     *
     * @return a fresh id
     */
    public static AggregateId random() {
        return new AggregateId(UUID.randomUUID().toString());
    }

    @Override
    public int compareTo(AggregateId other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
