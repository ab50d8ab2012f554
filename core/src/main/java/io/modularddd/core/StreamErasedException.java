package io.modularddd.core;

/**
 * An aggregate's stream was {@linkplain EventStore#erase erased}: its events no longer hold their
 * data, so the aggregate cannot be rebuilt from them.
 */
public class StreamErasedException extends ModularDddException {

    private static final long serialVersionUID = 1L;

    private final AggregateId aggregateId;

    /**
     * Creates the exception.
     *
     * @param aggregateId the erased stream
     */
    public StreamErasedException(AggregateId aggregateId) {
        super("Stream '" + aggregateId.value() + "' was erased: its events hold no data any more, so the aggregate "
                + "cannot be rebuilt. Treat it as gone; new events may start it again.");
        this.aggregateId = aggregateId;
    }

    /**
     * Returns the erased stream.
     *
     * @return the aggregate id
     */
    public AggregateId aggregateId() {
        return aggregateId;
    }
}
