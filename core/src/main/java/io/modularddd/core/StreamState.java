package io.modularddd.core;

/**
 * Where a stream stands in its lifecycle, as {@link EventStore#streamState(AggregateId)} reports it.
 *
 * <p>Versions never restart: after a {@linkplain EventStore#delete soft delete} at version 5 the stream
 * reads as absent ({@code version} 0), and an append starts it again at version 6
 * ({@code startVersion} 6). {@link EventStore#truncateBefore} hides older events from {@code load}
 * without ending the stream.
 *
 * @param aggregateId     the stream
 * @param version         the version readers and writers see: the last event's version, or 0 when the
 *                        stream has no events or is deleted (this is what {@code currentVersion} returns)
 * @param storedVersion   the version of the last stored event, deleted or not (0 when none)
 * @param startVersion    the first version of the stream's current life: 1, or the version after the
 *                        last delete
 * @param truncatedBefore {@code load} returns no event below this version (1 when nothing is truncated)
 * @param deleted         whether the stream is deleted and not started again
 * @param erased          whether the stream was erased: its events read as {@link ErasedEvent}
 */
public record StreamState(AggregateId aggregateId, long version, long storedVersion, long startVersion,
                          long truncatedBefore, boolean deleted, boolean erased) {

    /**
     * The state of a stream with no events and no history.
     *
     * @param aggregateId the stream
     * @return the state
     */
    public static StreamState absent(AggregateId aggregateId) {
        return new StreamState(aggregateId, 0, 0, 1, 1, false, false);
    }

    /**
     * The first version {@code load} can return: where the current life starts, or the truncation point
     * when that is later.
     *
     * @return the first visible version
     */
    public long firstVisibleVersion() {
        return Math.max(startVersion, truncatedBefore);
    }

    /**
     * Tells whether the stream has events that readers see.
     *
     * @return {@code true} when {@code version > 0}
     */
    public boolean exists() {
        return version > 0;
    }
}
