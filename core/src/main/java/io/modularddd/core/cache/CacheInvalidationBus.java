package io.modularddd.core.cache;

/**
 * Carries invalidations between nodes (SPI), so each node's in-process tier drops what another node
 * invalidated. The Redis implementation (pub/sub) is in {@code modular-ddd-eventstore-redis}.
 *
 * <p>Delivery is best effort while connected; when the connection is lost the bus tells its listeners
 * through {@link Listener#onGap()} — they may have missed messages and must flush what they hold — and
 * reconnects by itself. A message published by a node also reaches that node's own listeners, who
 * ignore it by its {@link CacheInvalidation#origin()}. Thread-safe.
 */
public interface CacheInvalidationBus extends AutoCloseable {

    /**
     * Sends an invalidation to every subscribed node. Failure to send is thrown as the adapter's
     * exception; the caller decides whether to flush.
     *
     * @param invalidation the invalidation
     */
    void publish(CacheInvalidation invalidation);

    /**
     * Starts delivering invalidations to a listener, on the bus's own thread.
     *
     * @param listener the listener
     * @return a handle that stops the delivery when closed
     */
    AutoCloseable subscribe(Listener listener);

    /** Stops every subscription and releases the connection. Idempotent. */
    @Override
    void close();

    /** Receives invalidations from other nodes. Called on the bus's thread; must not block for long. */
    interface Listener {
        /**
         * An invalidation arrived.
         *
         * @param invalidation the invalidation
         */
        void onInvalidation(CacheInvalidation invalidation);

        /**
         * Messages may have been missed (the connection dropped, or the subscription was just
         * (re)established): drop everything held locally.
         */
        void onGap();
    }
}
