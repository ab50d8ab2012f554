package io.modularddd.core;

/**
 * A lifecycle operation ({@code delete}, {@code truncateBefore}, {@code erase}) named a stream that
 * has no events — it never had any, or (for {@code delete}) it is deleted already. Nothing was changed.
 */
public class StreamNotFoundException extends ModularDddException {

    private static final long serialVersionUID = 1L;

    private final AggregateId aggregateId;

    /**
     * Creates the exception.
     *
     * @param aggregateId the stream
     * @param operation   what was asked, e.g. {@code "delete"}
     * @param detail      why the stream counts as absent, e.g. "it has no events"
     */
    public StreamNotFoundException(AggregateId aggregateId, String operation, String detail) {
        super("Cannot " + operation + " stream '" + aggregateId.value() + "': " + detail + ". Check the id; nothing "
                + "was changed.");
        this.aggregateId = aggregateId;
    }

    /**
     * Returns the stream that was not found.
     *
     * @return the aggregate id
     */
    public AggregateId aggregateId() {
        return aggregateId;
    }
}
