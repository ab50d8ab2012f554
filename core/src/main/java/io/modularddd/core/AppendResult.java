package io.modularddd.core;

/**
 * Where an append put its events: versions {@code firstVersion..lastVersion} in the stream and global
 * positions {@code firstPosition..lastPosition}, both ranges contiguous and of equal length, so the
 * event at index {@code i} of the request has version {@code firstVersion + i} and position
 * {@code firstPosition + i}.
 *
 * @param aggregateId   the stream
 * @param firstVersion  the version of the first event
 * @param lastVersion   the version of the last event, the stream's version after the append
 * @param firstPosition the global position of the first event
 * @param lastPosition  the global position of the last event
 */
public record AppendResult(AggregateId aggregateId, long firstVersion, long lastVersion, long firstPosition,
                           long lastPosition) {

    /**
     * Validates the ranges.
     *
     * @param aggregateId the stream
     * @param firstVersion the version of the first event
     * @param lastVersion the version of the last event, the stream's version after the append
     * @param firstPosition the global position of the first event
     * @param lastPosition the global position of the last event
     * @throws IllegalArgumentException when the ranges are empty, unequal or start below 1
     */
    public AppendResult {
        if (aggregateId == null || firstVersion < 1 || firstPosition < 1 || lastVersion < firstVersion
                || lastPosition - firstPosition != lastVersion - firstVersion) {
            throw new IllegalArgumentException("inconsistent AppendResult: " + aggregateId + " versions "
                    + firstVersion + ".." + lastVersion + " positions " + firstPosition + ".." + lastPosition);
        }
    }

    /**
     * Returns the number of events appended.
     *
     * @return the count
     */
    public int eventCount() {
        return Math.toIntExact(lastVersion - firstVersion + 1);
    }

    /**
     * Returns the condition for the next append that builds on this one.
     *
     * @return {@code ExpectedVersion.exactly(lastVersion)}
     */
    public ExpectedVersion nextExpectedVersion() {
        return ExpectedVersion.exactly(lastVersion);
    }
}
