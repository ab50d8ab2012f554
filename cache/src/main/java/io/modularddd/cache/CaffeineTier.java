package io.modularddd.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.modularddd.core.InvalidInputException;
import io.modularddd.core.cache.CacheEntry;
import io.modularddd.core.cache.CacheKey;
import io.modularddd.core.cache.CacheLookup;
import io.modularddd.core.cache.CacheTier;
import io.modularddd.core.internal.Checks;
import java.lang.reflect.Type;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The in-process L1 tier, on Caffeine (W-TinyLFU admission and eviction). Build one with
 * {@link #builder()}; it passes the {@code CacheTierContract}.
 *
 * <h2>Two limits at once</h2>
 * The profile gives both a number of entries ({@code l1_max_entries}) and a memory budget
 * ({@code max_memory_mb}). Caffeine bounds either a count or a total weight, not both, so every entry
 * weighs {@code max(estimated bytes, budget / max entries)} against a maximum weight of the budget: the
 * estimated bytes held never exceed the budget, and since no entry weighs less than
 * {@code budget / max entries}, the count never exceeds max entries. The estimate counts the encoded
 * value, the decoded object (taken as twice the encoded size), the keys, the tags and a fixed overhead per
 * entry; it is an estimate, not a heap measurement.
 *
 * <h2>Keys</h2>
 * Entries stored through the {@link CacheTier} methods are keyed by {@link CacheKey#storageKey()} and
 * checked against the canonical key on every hit. The {@code TieredCache} engine may also key an entry by
 * the query value itself (when the query type's {@code equals} is exact, see {@code docs/cache.md}), so an
 * L1 hit needs no key encoding; such entries are indexed by storage key too, so an invalidation by key —
 * from this node or, through the invalidation bus, from another — reaches them.
 *
 * <h2>Expiry</h2>
 * Each entry expires at its own {@link CacheEntry#expiresAt()}, read on the tier's clock at every hit (an
 * expired entry is removed when found, and every put checks a few more entries for expiry, so entries
 * that expired unread leave without waiting for eviction). Caffeine's own per-entry expiry is not used:
 * its timer wheel roughly doubled the cost of a hit.
 *
 * <p>Invalidations are recorded for {@link #maxLoadTime()} so that a put whose load began before one is
 * refused (see {@link InvalidationLog}). Thread-safe; Caffeine's maintenance (eviction, its read buffer)
 * runs on the builder's executor, as Caffeine's own default on {@code ForkJoinPool.commonPool()}; the
 * tier starts no thread of its own.
 */
public final class CaffeineTier implements CacheTier {

    /** Fixed per-entry overhead in the weight estimate: Caffeine's node, the map nodes, the entry objects. */
    static final int ENTRY_OVERHEAD_BYTES = 200;

    /** How many entries each put checks for expiry, continuing a sweep over the whole map. */
    static final int SWEEP_PER_PUT = 8;

    /** One stored entry, with what the tier needs to find, weigh, expire and forget it. */
    static final class Node {
        final Object localKey;
        final String storageKey;
        final CacheEntry entry;
        final Type decodedAs;
        final int estimatedBytes;
        final int weight;
        final long expiresAtMillis;

        Node(Object localKey, String storageKey, CacheEntry entry, Type decodedAs, int estimatedBytes, int weight) {
            this.localKey = localKey;
            this.storageKey = storageKey;
            this.entry = entry;
            this.decodedAs = decodedAs;
            this.estimatedBytes = estimatedBytes;
            this.weight = weight;
            this.expiresAtMillis = entry.expiresAt().toEpochMilli();
        }
    }

    private final String name;
    private final Duration promotionTtl;
    private final Duration maxLoadTime;
    private final int maxValueBytes;
    private final int floorWeight;
    private final Clock clock;
    private final Cache<Object, Node> cache;
    private final InvalidationLog log;
    private final Map<String, Set<Node>> byTag = new ConcurrentHashMap<>();
    private final Map<String, Set<Node>> valueKeyedByStorageKey = new ConcurrentHashMap<>();
    private final ReentrantLock sweeping = new ReentrantLock();
    private Iterator<Node> sweep;
    private volatile Counter evictedForSize;
    private volatile Counter evictedExpired;

    CaffeineTier(CaffeineTierBuilder b) {
        this.name = b.name;
        this.promotionTtl = b.promotionTtl;
        this.maxLoadTime = b.maxLoadTime;
        this.maxValueBytes = b.maxValueBytes;
        this.clock = b.clock;
        long maxBytes = b.maxBytes();
        this.floorWeight = (int) Math.min(Integer.MAX_VALUE, (maxBytes + b.maxEntries - 1) / b.maxEntries);
        this.log = new InvalidationLog(b.maxLoadTime.toNanos(), b.maxMarks);
        this.cache = Caffeine.newBuilder()
                .maximumWeight(maxBytes)
                .weigher((Object k, Node n) -> n.weight)
                .executor(b.executor)
                // synchronous, inside the eviction: the indexes never point at a node Caffeine dropped for
                // size; expiry, explicit removals and replacements unindex in this class's own code
                .evictionListener((Object k, Node n, RemovalCause cause) -> evicted(n, cause))
                .build();
    }

    /**
     * Starts configuring a tier.
     *
     * @return a builder
     */
    public static CaffeineTierBuilder builder() {
        return new CaffeineTierBuilder();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Duration promotionTtl() {
        return promotionTtl;
    }

    @Override
    public Duration maxLoadTime() {
        return maxLoadTime;
    }

    @Override
    public int maxValueBytes() {
        return maxValueBytes;
    }

    @Override
    public CacheLookup lookup(CacheKey key) {
        Checks.notNull("key", key);
        long ticket = log.ticket();
        Node node = findByKey(key);
        return node != null ? CacheLookup.hit(node.entry) : CacheLookup.miss(ticket);
    }

    @Override
    public boolean put(CacheKey key, CacheEntry entry, CacheLookup miss) {
        return store(null, key, entry, null, miss);
    }

    @Override
    public void invalidate(CacheKey key) {
        Checks.notNull("key", key);
        invalidateStorageKeys(List.of(key.storageKey()));
    }

    @Override
    public void invalidateTags(Set<String> tags) {
        Checks.notNull("tags", tags);
        for (String tag : tags) {
            Checks.identifier("tags[]", tag, CacheEntry.MAX_TAG_CHARS, "account:42");
        }
        if (tags.isEmpty()) {
            return;
        }
        log.mark(List.of(), tags);
        for (String tag : tags) {
            removeAll(byTag.get(tag));
        }
    }

    /** Removes every entry, and refuses every put whose load began before (it may carry what was missed). */
    @Override
    public void clear() {
        log.raiseFloor();
        removeAll(cache.asMap().values());
    }

    /** Drops the entries; the tier stays usable (there is nothing to release). */
    @Override
    public void close() {
        removeAll(cache.asMap().values());
    }

    // ---- the engine's paths (package-private) --------------------------------------------------------------

    /**
     * Finds an entry keyed by a query value (the fast path): one Caffeine lookup, no canonical key.
     *
     * @param localKey the query value, or the query with its scope
     * @return the node, or {@code null}
     */
    Node find(Object localKey) {
        Node node = cache.getIfPresent(localKey);
        return node == null || live(node) ? node : null;
    }

    /** Finds an entry stored under a storage key whose canonical key is the key's; not expired. */
    Node findByKey(CacheKey key) {
        Node node = cache.getIfPresent(key.storageKey());
        return node == null || !node.entry.canonicalKey().equals(key.canonical()) || !live(node) ? null : node;
    }

    /** Tells whether a node may be served; removes it when it has expired. */
    private boolean live(Node node) {
        if (clock.millis() < node.expiresAtMillis) {
            return true;
        }
        expire(node);
        return false;
    }

    private void expire(Node node) {
        if (cache.asMap().remove(node.localKey, node)) {
            unindex(node);
            Counter c = evictedExpired;
            if (c != null) {
                c.increment();
            }
        }
    }

    /**
     * Removes the expired entries among the next few of the map, continuing where the previous sweep
     * stopped: each put pays for {@value #SWEEP_PER_PUT}, so entries that expired unread leave within
     * about {@code size / SWEEP_PER_PUT} puts instead of waiting for eviction.
     */
    private void sweepSome() {
        if (!sweeping.tryLock()) {
            return;
        }
        try {
            long now = clock.millis();
            for (int i = 0; i < SWEEP_PER_PUT; i++) {
                if (sweep == null || !sweep.hasNext()) {
                    sweep = cache.asMap().values().iterator();
                    if (!sweep.hasNext()) {
                        return;
                    }
                }
                Node node = sweep.next();
                if (now >= node.expiresAtMillis) {
                    expire(node);
                }
            }
        } finally {
            sweeping.unlock();
        }
    }

    /** A miss with a ticket taken now. */
    CacheLookup miss() {
        return CacheLookup.miss(log.ticket());
    }

    /**
     * Stores an entry unless its load is stale.
     *
     * @param valueKey  the query value (or query with scope) to key it by, or {@code null} to key by storage key
     * @param key       the entry's key
     * @param entry     the entry
     * @param decodedAs the type the entry's decoded value was read into, or {@code null}
     * @param miss      this tier's miss for the key, taken before the value was loaded
     * @return whether it was stored
     */
    boolean store(Object valueKey, CacheKey key, CacheEntry entry, Type decodedAs, CacheLookup miss) {
        Checks.notNull("key", key);
        Checks.notNull("entry", entry);
        Checks.notNull("miss", miss);
        if (!entry.canonicalKey().equals(key.canonical())) {
            throw new InvalidInputException("entry", "the entry's canonical key differs from the key's canonical "
                    + "form; make the entry with CacheEntry.of(key, ...) for the same key");
        }
        int size = entry.bytes().length;
        if (size > maxValueBytes) {
            throw new InvalidInputException("entry", "a value of " + size + " bytes is larger than the " + name
                    + " tier's limit of " + maxValueBytes + " bytes; raise CaffeineTier.builder().maxValueBytes(...) "
                    + "within its memory budget, or cache smaller results");
        }
        if (!miss.hasTicket() || miss.ticketAgeNanos() > maxLoadTime.toNanos()
                || entry.isExpired(clock.instant())) {
            return false;
        }
        int estimated = estimate(key.storageKey(), entry);
        Node node = new Node(valueKey != null ? valueKey : key.storageKey(), key.storageKey(), entry, decodedAs,
                estimated, Math.max(estimated, floorWeight));
        long stamp = log.readLock();
        try {
            if (log.stale(miss.ticket(), key.storageKey(), entry.tags())) {
                return false;
            }
            index(node);
            Node replaced = cache.asMap().put(node.localKey, node);
            if (replaced != null && replaced != node) {
                unindex(replaced);
            }
        } finally {
            log.unlockRead(stamp);
        }
        sweepSome();
        return true;
    }

    /** Removes one node, if it is still the one stored (a value that no longer decodes). */
    void evict(Node node) {
        remove(node);
    }

    /**
     * Invalidates by storage key: every entry under those keys, whether keyed by storage key or by value.
     *
     * @param storageKeys the storage keys
     */
    void invalidateStorageKeys(Collection<String> storageKeys) {
        if (storageKeys.isEmpty()) {
            return;
        }
        log.mark(storageKeys, List.of());
        for (String storageKey : storageKeys) {
            Node node = cache.getIfPresent(storageKey);
            if (node != null) {
                remove(node);
            }
            removeAll(valueKeyedByStorageKey.get(storageKey));
        }
    }

    /** Counts evictions for size and expiry under {@code modularddd.cache.evictions}. */
    void meterEvictions(MeterRegistry registry) {
        evictedForSize = CacheMeters.evictions(registry, name, "size");
        evictedExpired = CacheMeters.evictions(registry, name, "expired");
    }

    /** Runs pending maintenance (for tests). */
    void cleanUp() {
        cache.cleanUp();
    }

    /** How many entries are held (for tests; call {@link #cleanUp()} first). */
    long entryCount() {
        return cache.estimatedSize();
    }

    /** The estimated bytes held (for tests). */
    long estimatedBytes() {
        long sum = 0;
        for (Node n : cache.asMap().values()) {
            sum += n.estimatedBytes;
        }
        return sum;
    }

    /** The total weight Caffeine accounts (for tests). */
    long weightedSize() {
        return cache.policy().eviction().orElseThrow().weightedSize().orElseThrow();
    }

    /** How many index sets are kept (for tests: they go when their entries go). */
    int indexSize() {
        return byTag.size() + valueKeyedByStorageKey.size();
    }

    InvalidationLog log() {
        return log;
    }

    // ---- internals ------------------------------------------------------------------------------------------

    static int estimate(String storageKey, CacheEntry entry) {
        long bytes = ENTRY_OVERHEAD_BYTES + 3L * entry.bytes().length + 2L * entry.canonicalKey().length()
                + 2L * storageKey.length();
        for (String tag : entry.tags()) {
            bytes += 2L * tag.length() + 96;
        }
        return (int) Math.min(Integer.MAX_VALUE, bytes);
    }

    private void index(Node node) {
        for (String tag : node.entry.tags()) {
            byTag.compute(tag, (t, set) -> {
                Set<Node> s = set != null ? set : ConcurrentHashMap.newKeySet();
                s.add(node);
                return s;
            });
        }
        if (!(node.localKey instanceof String)) {
            valueKeyedByStorageKey.compute(node.storageKey, (k, set) -> {
                Set<Node> s = set != null ? set : ConcurrentHashMap.newKeySet();
                s.add(node);
                return s;
            });
        }
    }

    private void unindex(Node node) {
        for (String tag : node.entry.tags()) {
            byTag.computeIfPresent(tag, (t, set) -> set.remove(node) && set.isEmpty() ? null : set);
        }
        if (!(node.localKey instanceof String)) {
            valueKeyedByStorageKey.computeIfPresent(node.storageKey,
                    (k, set) -> set.remove(node) && set.isEmpty() ? null : set);
        }
    }

    private void removeAll(Collection<Node> nodes) {
        if (nodes != null) {
            for (Node node : nodes.toArray(new Node[0])) {
                remove(node);
            }
        }
    }

    private void remove(Node node) {
        if (cache.asMap().remove(node.localKey, node)) {
            unindex(node);
        }
    }

    private void evicted(Node node, RemovalCause cause) {
        if (node == null) {
            return;
        }
        unindex(node);
        if (cause == RemovalCause.SIZE) {
            Counter c = evictedForSize;
            if (c != null) {
                c.increment();
            }
        }
    }
}
