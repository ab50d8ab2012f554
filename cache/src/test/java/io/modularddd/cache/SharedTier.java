package io.modularddd.cache;

import io.modularddd.core.cache.CacheEntry;
import io.modularddd.core.cache.CacheKey;
import io.modularddd.core.cache.CacheLookup;
import io.modularddd.core.cache.CacheTier;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A tier the engine sees only through the {@link CacheTier} interface — as it sees Redis or the database —
 * backed by a {@link CaffeineTier}. Several caches ("nodes") may share one. Tests can make it fail, or run a
 * hook between its answer and the engine's next step.
 */
final class SharedTier implements CacheTier {

    private final CaffeineTier store;
    volatile boolean down;
    volatile boolean putsFail;
    volatile Runnable afterLookup = () -> { };
    volatile Runnable beforeInvalidate = () -> { };
    final AtomicInteger lookups = new AtomicInteger();
    final AtomicInteger puts = new AtomicInteger();

    SharedTier(String name, Duration promotionTtl, MutableClock clock) {
        this.store = CaffeineTier.builder().name(name).promotionTtl(promotionTtl).clock(clock).build();
    }

    private void check() {
        if (down) {
            throw new IllegalStateException(name() + " is down (connection refused)");
        }
    }

    @Override
    public String name() {
        return store.name();
    }

    @Override
    public Duration promotionTtl() {
        return store.promotionTtl();
    }

    @Override
    public Duration maxLoadTime() {
        return store.maxLoadTime();
    }

    @Override
    public int maxValueBytes() {
        return store.maxValueBytes();
    }

    @Override
    public CacheLookup lookup(CacheKey key) {
        check();
        lookups.incrementAndGet();
        CacheLookup lookup = store.lookup(key);
        afterLookup.run();
        return lookup;
    }

    @Override
    public boolean put(CacheKey key, CacheEntry entry, CacheLookup miss) {
        check();
        if (putsFail) {
            throw new IllegalStateException(name() + " rejected the write (out of memory)");
        }
        puts.incrementAndGet();
        return store.put(key, entry, miss);
    }

    @Override
    public void invalidate(CacheKey key) {
        check();
        beforeInvalidate.run();
        store.invalidate(key);
    }

    @Override
    public void invalidateTags(Set<String> tags) {
        check();
        beforeInvalidate.run();
        store.invalidateTags(tags);
    }

    @Override
    public void clear() {
        check();
        store.clear();
    }

    @Override
    public void close() {
        store.close();
    }
}
