package io.modularddd.core;

/**
 * The versions of a stream that were asked for are no longer in the store: they were archived (for
 * instance the oldest partitions of the JDBC store's partitioned layout were dropped), so the stream now
 * starts at {@link #firstAvailableVersion()}.
 *
 * <p>A store throws this instead of returning a stream that silently starts later than asked. Load from
 * the first available version on, starting from state that covers the archived part — typically a
 * snapshot taken at or after {@code firstAvailableVersion() - 1}.
 */
public class StreamArchivedException extends EventStoreException {

    private static final long serialVersionUID = 1L;

    private final AggregateId aggregateId;
    private final long requestedVersion;
    private final long firstAvailableVersion;

    /**
     * Creates the exception.
     *
     * @param aggregateId           the stream
     * @param requestedVersion      the first version the caller asked for
     * @param firstAvailableVersion the stream's first version still stored, above {@code requestedVersion}
     */
    public StreamArchivedException(AggregateId aggregateId, long requestedVersion, long firstAvailableVersion) {
        super("Stream '" + aggregateId.value() + "' was asked for from version " + requestedVersion
                + ", but its versions " + requestedVersion + " to " + (firstAvailableVersion - 1)
                + " are no longer stored (archived); its first available version is " + firstAvailableVersion
                + ". Load from version " + firstAvailableVersion + " on, starting from a snapshot that covers the "
                + "versions before it.");
        this.aggregateId = aggregateId;
        this.requestedVersion = requestedVersion;
        this.firstAvailableVersion = firstAvailableVersion;
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
     * Returns the first version the caller asked for.
     *
     * @return the requested version
     */
    public long requestedVersion() {
        return requestedVersion;
    }

    /**
     * Returns the stream's first version that is still stored.
     *
     * @return the first available version
     */
    public long firstAvailableVersion() {
        return firstAvailableVersion;
    }
}
