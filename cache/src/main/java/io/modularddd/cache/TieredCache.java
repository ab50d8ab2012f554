package io.modularddd.cache;

import io.modularddd.cache.CacheMeters.Operation;
import io.modularddd.cache.CacheMeters.QueryMeters;
import io.modularddd.cache.ResultCodecs.Codec;
import io.modularddd.cache.ResultCodecs.Undecoded;
import io.modularddd.core.InvalidInputException;
import io.modularddd.core.cache.CacheEntry;
import io.modularddd.core.cache.CacheInvalidation;
import io.modularddd.core.cache.CacheInvalidationBus;
import io.modularddd.core.cache.CacheKey;
import io.modularddd.core.cache.CacheLoadException;
import io.modularddd.core.cache.CacheLookup;
import io.modularddd.core.cache.CachePolicy;
import io.modularddd.core.cache.CacheTier;
import io.modularddd.core.cache.QueryCache;
import io.modularddd.core.internal.Checks;
import java.io.IOException;
import java.lang.reflect.Type;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The query cache over an ordered list of {@link CacheTier tiers} (L1 in-process, L2 Redis, L3 the
 * database); build one with {@link #builder()}.
 *
 * <h2>What {@link #get} does</h2>
 * <ol>
 *   <li>Looks the query up in L1. For a record query whose {@code equals} is exact, L1 is keyed by the
 *       query value itself: a hit costs one Caffeine lookup and no key encoding. Other queries are
 *       encoded into their {@link CacheKey} first and looked up by it.</li>
 *   <li>On a miss, makes the query's {@link CacheKey} and joins a load of the same key already running
 *       (single flight), or leads one: walks L2, L3 in order; a hit is decoded into the result type and
 *       promoted into the tiers above with each one's {@link CacheTier#promotionTtl()}, never past the
 *       entry's own expiry.</li>
 *   <li>On a miss everywhere, runs the loader, encodes the result with Jackson (no default typing), reads
 *       it back once (a result that does not read back into the declared type is returned but not
 *       cached), and puts it into every tier with the policy's TTL and tags, handing each tier the ticket
 *       of its own miss — so a tier refuses it when an invalidation raced the load.</li>
 * </ol>
 * A value that no longer decodes into the result type (its class changed) is a miss and is evicted. A
 * tier that throws is a miss on that tier (and is skipped for puts), logged at most every ten seconds and
 * counted; only the loader's own failure reaches the caller.
 *
 * <h2>Invalidation</h2>
 * {@link #invalidate} and {@link #invalidateTags} go through the tiers from the lowest to L1 — so a load
 * that read a lower tier before the invalidation cannot promote the old value into a tier above it after
 * — then detach loads in progress for those keys or tags, then publish the invalidation on the
 * {@link CacheInvalidationBus}, if there is one. Invalidations from other nodes are applied to L1 only
 * (the shared tiers were already invalidated by the sender); when the bus reports a gap, L1 is flushed.
 *
 * <p>Thread-safe. {@link #close()} stops listening to the bus; the tiers and the bus belong to the caller,
 * who closes them.
 */
public final class TieredCache implements QueryCache, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TieredCache.class);

    /** What a walk through the tiers found: the tiers' misses, or the tier that hit and its value. */
    private static final class Walk {
        final CacheLookup[] misses;
        int hitTier = -1;
        CacheEntry hitEntry;
        Object value;

        Walk(int tiers) {
            misses = new CacheLookup[tiers];
        }
    }

    /** A query type's key plan and meters, found once per class. */
    private record Plan(KeyPlan key, QueryMeters meters, boolean fast) {
    }

    private final CacheTier[] tiers;
    private final CaffeineTier[] caffeine;
    private final CaffeineTier fastL1;
    private final QueryKeys keys;
    private final Clock clock;
    private final String nodeId;
    private final CacheInvalidationBus bus;
    private final AutoCloseable subscription;
    private final CacheMeters meters;
    private final ThrottledLog warnings = new ThrottledLog(LOG, TimeUnit.SECONDS.toNanos(10));
    private final Map<CacheKey, Flight> flights = new ConcurrentHashMap<>();
    private final ResultCodecs codecs;
    private final AtomicInteger waiting = new AtomicInteger();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final ClassValue<Plan> plans = new ClassValue<>() {
        @Override
        protected Plan computeValue(Class<?> type) {
            KeyPlan key = keys.plan(type);
            return new Plan(key, meters.forQuery(type.getSimpleName().isEmpty() ? type.getName() : type.getSimpleName()),
                    fastL1 != null && key.valueKeyed);
        }
    };

    TieredCache(TieredCacheBuilder b) {
        this.tiers = b.tiers.toArray(new CacheTier[0]);
        this.caffeine = new CaffeineTier[tiers.length];
        for (int i = 0; i < tiers.length; i++) {
            caffeine[i] = tiers[i] instanceof CaffeineTier ? (CaffeineTier) tiers[i] : null;
        }
        this.fastL1 = caffeine[0];
        this.keys = new QueryKeys(b.hasher);
        this.codecs = new ResultCodecs(b.objectMapper);
        this.clock = b.clock;
        this.nodeId = b.nodeId;
        this.bus = b.bus;
        this.meters = new CacheMeters(b.meterRegistry, b.tiers.stream().map(CacheTier::name).toList());
        for (CaffeineTier c : caffeine) {
            if (c != null) {
                c.meterEvictions(b.meterRegistry);
            }
        }
        this.subscription = bus == null ? null : bus.subscribe(new RemoteInvalidations());
    }

    /**
     * Starts configuring a cache.
     *
     * @return a builder
     */
    public static TieredCacheBuilder builder() {
        return new TieredCacheBuilder();
    }

    @Override
    @SuppressWarnings("unchecked")
    public <R> R get(Object query, CachePolicy policy, Type resultType, Loader<R> loader) {
        Checks.notNull("query", query);
        Checks.notNull("policy", policy);
        Checks.notNull("resultType", resultType);
        Checks.notNull("loader", loader);
        Plan plan = plans.get(query.getClass());
        Object valueKey = null;
        CacheKey key = null;
        CaffeineTier.Node node = null;
        if (plan.fast) {
            String scope = policy.scope();
            valueKey = scope == null ? query : new ScopedQuery(query, scope);
            node = fastL1.find(valueKey);
        } else if (fastL1 != null) {
            key = keys.keyOf(plan.key, query, policy.scope());
            node = fastL1.findByKey(key);
        }
        if (node != null && (node.decodedAs == resultType || resultType.equals(node.decodedAs))) {
            plan.meters.hits[0].increment();
            return (R) node.entry.decoded();
        }
        if (key == null) {
            key = keys.keyOf(plan.key, query, policy.scope());
        }
        return (R) missed(plan, key, valueKey, policy, resultType, loader);
    }

    /**
     * Returns the key a query is cached under: {@code query:{SimpleTypeName}:<32 hex digits>}, with its
     * canonical form (see {@code docs/cache.md}).
     *
     * @param query the query
     * @param scope the scope, or {@code null}
     * @return the key
     * @throws InvalidInputException when the query is null, its type has no stable encoding (the message
     *                               names the component), or the scope is blank or too long
     */
    public CacheKey keyOf(Object query, String scope) {
        return keys.keyOf(query, scope);
    }

    @Override
    public void invalidate(Object query, String scope) {
        CacheKey key = keys.keyOf(query, scope);
        for (int i = tiers.length - 1; i >= 0; i--) {
            try {
                tiers[i].invalidate(key);
            } catch (RuntimeException e) {
                failed(i, Operation.INVALIDATE, e);
            }
        }
        flights.remove(key);
        publish(new CacheInvalidation(nodeId, Set.of(key.storageKey()), Set.of()));
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
        for (int i = tiers.length - 1; i >= 0; i--) {
            try {
                tiers[i].invalidateTags(tags);
            } catch (RuntimeException e) {
                failed(i, Operation.INVALIDATE, e);
            }
        }
        flights.values().removeIf(f -> f.carriesAny(tags));
        publish(new CacheInvalidation(nodeId, Set.of(), tags));
    }

    /** Stops listening to the invalidation bus. Idempotent. The tiers and the bus stay open. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true) && subscription != null) {
            try {
                subscription.close();
            } catch (Exception e) {
                LOG.warn("closing the invalidation bus subscription failed: {}", e.toString());
            }
        }
    }

    /** The node id this cache publishes its invalidations under. */
    String nodeId() {
        return nodeId;
    }

    /** How many callers are waiting for a load another caller leads (for tests). */
    int waitingForLoads() {
        return waiting.get();
    }

    // ---- the miss path ---------------------------------------------------------------------------------------

    private Object missed(Plan plan, CacheKey key, Object valueKey, CachePolicy policy, Type resultType,
                          Loader<?> loader) {
        Flight flight = new Flight(policy.tags(), resultType);
        Flight running = flights.putIfAbsent(key, flight);
        if (running != null) {
            if (running.owner == Thread.currentThread()) {
                throw new IllegalStateException("the loader of " + plan.key.type.getName() + " asked the cache for "
                        + "the same query; a load cannot wait for itself. Load the data directly inside the loader.");
            }
            if (running.resultType.equals(resultType)) {
                waiting.incrementAndGet();
                try {
                    return running.await(plan.key.type.getName());
                } finally {
                    waiting.decrementAndGet();
                }
            }
            flight = null; // another result type: load alone
        }
        try {
            Object result = lead(plan, key, valueKey, policy, resultType, loader);
            if (flight != null) {
                flight.complete(result);
            }
            return result;
        } catch (RuntimeException | Error e) {
            if (flight != null) {
                flight.fail(e);
            }
            throw e;
        } finally {
            if (flight != null) {
                flights.remove(key, flight);
            }
        }
    }

    private Object lead(Plan plan, CacheKey key, Object valueKey, CachePolicy policy, Type resultType,
                        Loader<?> loader) {
        Codec codec = codecs.of(resultType);
        Walk walk = new Walk(tiers.length);
        for (int i = 0; i < tiers.length; i++) {
            if (probe(i, plan, key, valueKey, codec, resultType, walk)) {
                plan.meters.hits[i].increment();
                promote(plan, key, valueKey, resultType, walk);
                return walk.value;
            }
            plan.meters.misses[i].increment();
        }
        Object value = load(plan, loader);
        if (value != null) {
            store(plan, key, valueKey, policy, resultType, codec, value, walk.misses);
        }
        return value;
    }

    /** Looks one tier up; on a hit fills the walk and answers {@code true}, on a miss records the ticket. */
    private boolean probe(int i, Plan plan, CacheKey key, Object valueKey, Codec codec, Type resultType, Walk walk) {
        CaffeineTier local = caffeine[i];
        if (local != null) {
            CaffeineTier.Node node = i == 0 && plan.fast ? local.find(valueKey) : local.findByKey(key);
            if (node != null) {
                Object value = node.entry.decoded() != null
                        && (node.decodedAs == resultType || resultType.equals(node.decodedAs))
                        ? node.entry.decoded() : codec.decode(node.entry.bytes());
                if (!(value instanceof Undecoded)) {
                    return hit(walk, i, node.entry, value);
                }
                local.evict(node);
                undecodable(i, plan, resultType, (Undecoded) value);
            }
            walk.misses[i] = local.miss();
            return false;
        }
        CacheTier tier = tiers[i];
        for (int attempt = 0; attempt < 2; attempt++) {
            CacheLookup lookup;
            try {
                lookup = tier.lookup(key);
            } catch (RuntimeException e) {
                failed(i, Operation.LOOKUP, e);
                walk.misses[i] = CacheLookup.unticketedMiss();
                return false;
            }
            if (!lookup.isHit()) {
                walk.misses[i] = lookup;
                return false;
            }
            Object value = codec.decode(lookup.entry().bytes());
            if (!(value instanceof Undecoded)) {
                return hit(walk, i, lookup.entry(), value);
            }
            undecodable(i, plan, resultType, (Undecoded) value);
            try {
                tier.invalidate(key);
            } catch (RuntimeException e) {
                failed(i, Operation.INVALIDATE, e);
                break;
            }
        }
        walk.misses[i] = CacheLookup.unticketedMiss(); // still undecodable: store nothing in this tier
        return false;
    }

    private static boolean hit(Walk walk, int tier, CacheEntry entry, Object value) {
        walk.hitTier = tier;
        walk.hitEntry = entry;
        walk.value = value;
        return true;
    }

    private void promote(Plan plan, CacheKey key, Object valueKey, Type resultType, Walk walk) {
        Instant now = clock.instant();
        for (int j = 0; j < walk.hitTier; j++) {
            CacheEntry promoted = walk.hitEntry.expiringNoLaterThan(now.plus(tiers[j].promotionTtl()));
            Boolean stored = put(j, plan, key, valueKey, promoted, walk.value, resultType, walk.misses[j], now);
            if (Boolean.TRUE.equals(stored)) {
                plan.meters.promotions[j].increment();
            }
        }
    }

    private Object load(Plan plan, Loader<?> loader) {
        long start = System.nanoTime();
        try {
            Object value = loader.load();
            plan.meters.loads.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            return value;
        } catch (RuntimeException | Error e) {
            plan.meters.failedLoads.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            throw e;
        } catch (Exception e) {
            plan.meters.failedLoads.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new CacheLoadException(plan.key.type.getName(), e);
        }
    }

    private void store(Plan plan, CacheKey key, Object valueKey, CachePolicy policy, Type resultType, Codec codec,
                       Object value, CacheLookup[] misses) {
        byte[] bytes;
        Object copy;
        try {
            bytes = codec.writer().writeValueAsBytes(value);
            copy = codec.reader().readValue(bytes);
        } catch (IOException | RuntimeException e) {
            plan.meters.uncacheable.increment();
            warnings.warn("encode:" + plan.key.type.getName(), "a result of " + plan.key.type.getName()
                    + " could not be written as " + resultType.getTypeName() + " and read back; it is returned "
                    + "but not cached", e, false);
            return;
        }
        if (copy == null) {
            plan.meters.uncacheable.increment();
            return;
        }
        Instant now = clock.instant();
        CacheEntry entry = CacheEntry.of(key, bytes, now.plus(policy.ttl()), policy.tags());
        for (int i = 0; i < tiers.length; i++) {
            put(i, plan, key, valueKey, entry, copy, resultType, misses[i], now);
        }
    }

    /** Puts into one tier; {@code null} when skipped (no ticket, too large) or failed, else whether stored. */
    private Boolean put(int i, Plan plan, CacheKey key, Object valueKey, CacheEntry entry, Object decoded,
                        Type resultType, CacheLookup miss, Instant now) {
        CacheTier tier = tiers[i];
        if (miss == null || !miss.hasTicket() || entry.bytes().length > tier.maxValueBytes() || entry.isExpired(now)) {
            return null;
        }
        boolean stored;
        try {
            stored = caffeine[i] != null
                    ? caffeine[i].store(i == 0 && plan.fast ? valueKey : null, key, entry.withDecoded(decoded),
                    resultType, miss)
                    : tier.put(key, entry, miss);
        } catch (RuntimeException e) {
            failed(i, Operation.PUT, e);
            return null;
        }
        if (!stored) {
            plan.meters.refused[i].increment();
        }
        return stored;
    }

    private void undecodable(int tier, Plan plan, Type resultType, Undecoded undecoded) {
        meters.undecodable(tier);
        warnings.warn("decode:" + tiers[tier].name() + ":" + plan.key.type.getName(), "a cached result of "
                + plan.key.type.getName() + " in tier " + tiers[tier].name() + " no longer reads as "
                + resultType.getTypeName() + "; it was evicted and treated as a miss", undecoded.cause(), false);
    }

    private void failed(int tier, Operation op, RuntimeException e) {
        meters.failed(tier, op);
        warnings.warn(tiers[tier].name() + ":" + op.tag(), "cache tier " + tiers[tier].name() + " failed to "
                + op.tag() + "; treated as a miss there", e);
    }

    private void publish(CacheInvalidation invalidation) {
        if (bus == null) {
            return;
        }
        try {
            bus.publish(invalidation);
        } catch (RuntimeException e) {
            meters.publishFailures.increment();
            warnings.warn("publish", "an invalidation could not be sent to the other nodes; their L1 may serve "
                    + "the old value until it expires", e);
        }
    }

    /** Applies other nodes' invalidations to L1; flushes L1 when messages may have been missed. */
    private final class RemoteInvalidations implements CacheInvalidationBus.Listener {

        @Override
        public void onInvalidation(CacheInvalidation invalidation) {
            if (nodeId.equals(invalidation.origin())) {
                return;
            }
            meters.invalidationsReceived.increment();
            try {
                if (fastL1 != null) {
                    fastL1.invalidateStorageKeys(invalidation.storageKeys());
                } else {
                    for (String storageKey : invalidation.storageKeys()) {
                        tiers[0].invalidate(CacheKey.of(storageKey, storageKey));
                    }
                }
                tiers[0].invalidateTags(invalidation.tags());
            } catch (RuntimeException e) {
                failed(0, Operation.INVALIDATE, e);
            }
            flights.keySet().removeIf(k -> invalidation.storageKeys().contains(k.storageKey()));
            flights.values().removeIf(f -> f.carriesAny(invalidation.tags()));
        }

        @Override
        public void onGap() {
            meters.invalidationGaps.increment();
            try {
                tiers[0].clear();
            } catch (RuntimeException e) {
                failed(0, Operation.INVALIDATE, e);
            }
            flights.clear();
        }
    }
}
