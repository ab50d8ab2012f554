package io.modularddd.cache;

import io.modularddd.core.cache.CacheInvalidation;
import io.modularddd.core.cache.CacheInvalidationBus;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An invalidation bus inside one process, for tests of two caches ("nodes"): a publish reaches every
 * subscriber, the sender included, synchronously, in the publisher's thread; {@link #gap()} tells every
 * subscriber that messages may have been lost.
 */
final class InProcessBus implements CacheInvalidationBus {

    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    final List<CacheInvalidation> published = new CopyOnWriteArrayList<>();
    volatile boolean down;

    @Override
    public void publish(CacheInvalidation invalidation) {
        if (down) {
            throw new IllegalStateException("the bus is down");
        }
        published.add(invalidation);
        for (Listener listener : listeners) {
            listener.onInvalidation(invalidation);
        }
    }

    @Override
    public AutoCloseable subscribe(Listener listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    /** The connection dropped: every subscriber may have missed messages. */
    void gap() {
        for (Listener listener : listeners) {
            listener.onGap();
        }
    }

    int subscribers() {
        return listeners.size();
    }

    @Override
    public void close() {
        listeners.clear();
    }
}
