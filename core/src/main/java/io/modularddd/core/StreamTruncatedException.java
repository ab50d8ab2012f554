package io.modularddd.core;

/**
 * An aggregate's stream was {@linkplain EventStore#truncateBefore truncated}: its first events are no
 * longer returned by {@code load}, so replaying the stream alone cannot rebuild the aggregate. Load it
 * through a repository that starts from a snapshot taken at or after the truncation point.
 */
public class StreamTruncatedException extends ModularDddException {

    private static final long serialVersionUID = 1L;

    private final AggregateId aggregateId;
    private final long truncatedBefore;

    /**
     * Creates the exception.
     *
     * @param aggregateId     the stream
     * @param truncatedBefore the first version {@code load} still returns
     */
    public StreamTruncatedException(AggregateId aggregateId, long truncatedBefore) {
        super("Stream '" + aggregateId.value() + "' is truncated before version " + truncatedBefore + ": the events "
                + "below it are not loaded any more, so the aggregate cannot be rebuilt by replaying the stream. Load "
                + "it through a snapshotting repository whose snapshot is at version " + (truncatedBefore - 1)
                + " or later.");
        this.aggregateId = aggregateId;
        this.truncatedBefore = truncatedBefore;
    }

    /**
     * Returns the stream.
     *
     * @return the aggregate id
     */
    public AggregateId aggregateId() {
        return aggregateId;
    }

    /**
     * Returns the first version {@code load} still returns.
     *
     * @return the truncation point
     */
    public long truncatedBefore() {
        return truncatedBefore;
    }
}
