package io.modularddd.core.projection;

/**
 * Wakes projection processors when events are appended, so they need not poll the database often
 * (SPI). The in-process signal fires on local appends; the Redis one ({@code modular-ddd-eventstore-redis})
 * carries them between nodes through pub/sub. A signal is a hint, never the data: processors read the
 * store, and keep a bounded poll as the fallback for signals lost. Thread-safe.
 */
public interface AppendSignal extends AutoCloseable {

    /**
     * Announces that events up to a global position are committed.
     *
     * @param headPosition the highest committed position known to the caller
     */
    void appended(long headPosition);

    /**
     * Starts calling a listener on announcements (on the signal's own thread; it must not block).
     *
     * @param listener receives the announced head position
     * @return a handle that stops the calls when closed
     */
    AutoCloseable subscribe(java.util.function.LongConsumer listener);

    /** Stops every subscription. Idempotent. */
    @Override
    void close();
}
