package io.modularddd.cqrs;

import io.modularddd.core.cache.CacheLoadException;
import io.modularddd.core.cache.CachePolicy;
import io.modularddd.core.cache.QueryCache;
import java.lang.reflect.Type;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small, honest {@link QueryCache} for the bus tests: entries keyed by query value and scope, with tags,
 * and the guarantee the real cache gives — an invalidation drops every entry carrying one of its tags, and
 * refuses the result of any load that began before it. No TTL clock (entries live until invalidated), no
 * encoding (values are kept as they are), no single flight.
 */
final class InMemoryQueryCache implements QueryCache {

    record Key(Object query, String scope) {
    }

    record Entry(Object value, Set<String> tags) {
    }

    /** Called after a load, before its result is offered to the cache: tests hold a load there. */
    @FunctionalInterface
    interface BeforePut {
        void run(Object query);
    }

    private final Map<Key, Entry> entries = new ConcurrentHashMap<>();
    /** The invalidation clock when each tag was last invalidated. */
    private final Map<String, Long> tagInvalidated = new HashMap<>();
    private final Map<Key, Long> keyInvalidated = new HashMap<>();
    private long clock;
    private volatile BeforePut beforePut = q -> { };
    final AtomicInteger refused = new AtomicInteger();
    final AtomicInteger invalidations = new AtomicInteger();

    void beforePut(BeforePut hook) {
        beforePut = hook;
    }

    @Override
    public <R> R get(Object query, CachePolicy policy, Type resultType, Loader<R> loader) {
        Key key = new Key(query, policy.scope());
        Entry found = entries.get(key);
        if (found != null) {
            @SuppressWarnings("unchecked")
            R value = (R) found.value();
            return value;
        }
        long ticket;
        synchronized (this) {
            ticket = clock;
        }
        R value;
        try {
            value = loader.load();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Exception e) {
            throw new CacheLoadException(query.getClass().getName(), e);
        }
        if (value == null) {
            return null;
        }
        beforePut.run(query);
        synchronized (this) {
            boolean stale = keyInvalidated.getOrDefault(key, -1L) >= ticket
                    || policy.tags().stream().anyMatch(t -> tagInvalidated.getOrDefault(t, -1L) >= ticket);
            if (stale) {
                refused.incrementAndGet();
            } else {
                entries.put(key, new Entry(value, policy.tags()));
            }
        }
        return value;
    }

    @Override
    public synchronized void invalidate(Object query, String scope) {
        Key key = new Key(query, scope);
        keyInvalidated.put(key, clock);
        clock++;
        entries.remove(key);
    }

    @Override
    public synchronized void invalidateTags(Set<String> tags) {
        invalidations.incrementAndGet();
        for (String tag : tags) {
            tagInvalidated.put(tag, clock);
        }
        clock++;
        entries.values().removeIf(e -> e.tags().stream().anyMatch(tags::contains));
    }

    int size() {
        return entries.size();
    }
}
