package io.modularddd.core;

/**
 * An append's {@link ExpectedVersion} did not hold: another writer changed the stream first.
 *
 * <p>Nothing of the failed request was stored. The usual fix is to reload the aggregate, re-run
 * the command against the fresh state and save again.
 */
public class ConcurrencyConflictException extends ModularDddException {

    private static final long serialVersionUID = 1L;

    private final AggregateId aggregateId;
    private final transient ExpectedVersion expected;
    private final long actualVersion;

    /**
     * Creates the exception.
     *
     * @param aggregateId   the stream whose version did not match
     * @param expected      what the caller expected
     * @param actualVersion the stream's version when the append was checked ({@code 0} = no stream)
     */
    public ConcurrencyConflictException(AggregateId aggregateId, ExpectedVersion expected, long actualVersion) {
        super(message(aggregateId, expected, actualVersion));
        this.aggregateId = aggregateId;
        this.expected = expected;
        this.actualVersion = actualVersion;
    }

    private static String message(AggregateId id, ExpectedVersion expected, long actual) {
        String found = actual == 0 ? "the stream does not exist" : "the stream is at version " + actual;
        return "Concurrency conflict on stream '" + id.value() + "': expected " + expected.describe()
                + " but " + found + ". Reload the aggregate, re-apply the command and save again.";
    }

    /**
     * Returns the stream whose version did not match.
     *
     * @return the aggregate id
     */
    public AggregateId aggregateId() {
        return aggregateId;
    }

    /**
     * Returns the version the caller expected.
     *
     * @return the expected version
     */
    public ExpectedVersion expected() {
        return expected;
    }

    /**
     * Returns the stream's version at the time of the check.
     *
     * @return the actual version, {@code 0} when the stream did not exist
     */
    public long actualVersion() {
        return actualVersion;
    }
}
