package io.modularddd.cache;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.modularddd.core.cache.CacheInvalidationBus;
import io.modularddd.core.cache.CacheTier;
import io.modularddd.core.internal.BuilderChecks;
import io.modularddd.core.serialization.JacksonEventSerializer;
import java.time.Clock;
import java.util.Arrays;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Configures a {@link TieredCache}; start with {@link TieredCache#builder()}. Every setter validates at
 * once (an {@link IllegalArgumentException} for a bad value, an {@link IllegalStateException} for a
 * setting given twice); {@link #build()} checks what is missing.
 *
 * <pre>{@code
 * TieredCache cache = TieredCache.builder()
 *         .tiers(CaffeineTier.builder().maxEntries(2_000).maxMemoryMb(256).build(), redisTier, jdbcTier)
 *         .invalidationBus(redisBus)
 *         .meterRegistry(registry)
 *         .build();
 * }</pre>
 */
public final class TieredCacheBuilder {

    List<CacheTier> tiers;
    CacheInvalidationBus bus;
    MeterRegistry meterRegistry;
    ObjectMapper objectMapper;
    Clock clock = Clock.systemUTC();
    String nodeId = UUID.randomUUID().toString();
    QueryKeys.Hasher hasher = QueryKeys.MURMUR3_128;
    private final Set<String> set = new HashSet<>();

    TieredCacheBuilder() {
    }

    private void once(String setting, Object current) {
        BuilderChecks.setOnce(setting, !set.add(setting), current);
    }

    private static String shown(Object o) {
        return o == null ? null : "a " + o.getClass().getName();
    }

    /**
     * Sets the tiers, from the first asked (L1) to the last (L3). Required. The first, when it is a
     * {@link CaffeineTier}, gets the value-keyed fast path and the invalidations of other nodes.
     *
     * @param orderedTiers one or more distinct tiers with distinct names
     * @return this builder
     * @throws IllegalArgumentException when empty, or a tier is null, repeated, or shares a name with another
     * @throws IllegalStateException    when set twice
     */
    public TieredCacheBuilder tiers(CacheTier... orderedTiers) {
        BuilderChecks.notNull("tiers", orderedTiers);
        List<CacheTier> list = Arrays.asList(orderedTiers);
        if (list.isEmpty()) {
            throw new IllegalArgumentException("tiers must name at least one tier, e.g. CaffeineTier.builder().build()");
        }
        Map<CacheTier, Boolean> seen = new IdentityHashMap<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < list.size(); i++) {
            CacheTier tier = list.get(i);
            if (tier == null) {
                throw new IllegalArgumentException("tiers[" + i + "] must not be null");
            }
            if (seen.put(tier, Boolean.TRUE) != null) {
                throw new IllegalArgumentException("tiers[" + i + "] (" + tier.name() + ") is given twice");
            }
            if (!names.add(tier.name())) {
                throw new IllegalArgumentException("tiers[" + i + "] is named '" + tier.name() + "' like an earlier "
                        + "tier; give each tier its own name (it tags the tier's metrics)");
            }
        }
        once("tiers", tiers);
        this.tiers = List.copyOf(list);
        return this;
    }

    /**
     * Sets the bus that carries invalidations to the other nodes' L1 and brings theirs to this one.
     * Without it the cache is local to this process (the right choice for a single node).
     *
     * @param invalidationBus e.g. the Redis pub/sub bus of {@code modular-ddd-eventstore-redis}
     * @return this builder
     * @throws IllegalArgumentException when null
     * @throws IllegalStateException    when set twice
     */
    public TieredCacheBuilder invalidationBus(CacheInvalidationBus invalidationBus) {
        BuilderChecks.notNull("invalidationBus", invalidationBus);
        once("invalidationBus", shown(bus));
        this.bus = invalidationBus;
        return this;
    }

    /**
     * Sets where the cache's meters go (see {@code docs/cache.md} for the list).
     *
     * @param registry default a private {@code SimpleMeterRegistry}
     * @return this builder
     * @throws IllegalArgumentException when null
     * @throws IllegalStateException    when set twice
     */
    public TieredCacheBuilder meterRegistry(MeterRegistry registry) {
        BuilderChecks.notNull("meterRegistry", registry);
        once("meterRegistry", shown(meterRegistry));
        this.meterRegistry = registry;
        return this;
    }

    /**
     * Sets the mapper that writes results and reads them back into their declared types.
     *
     * @param mapper a mapper without default typing; default
     *               {@link JacksonEventSerializer#newObjectMapper(JsonFactory)} (java.time, no default typing)
     * @return this builder
     * @throws IllegalArgumentException when null, or default typing is activated on it
     * @throws IllegalStateException    when set twice
     */
    public TieredCacheBuilder objectMapper(ObjectMapper mapper) {
        BuilderChecks.notNull("objectMapper", mapper);
        if (mapper.getSerializationConfig().getDefaultTyper(null) != null
                || mapper.getDeserializationConfig().getDefaultTyper(null) != null) {
            throw new IllegalArgumentException("the ObjectMapper has default typing activated, which lets cached "
                    + "data name the classes to instantiate. Call objectMapper.deactivateDefaultTyping(); results "
                    + "are read only into the result type the caller declares.");
        }
        once("objectMapper", shown(objectMapper));
        this.objectMapper = mapper;
        return this;
    }

    /**
     * Sets the clock that expiries are computed from.
     *
     * @param entryClock default {@link Clock#systemUTC()}
     * @return this builder
     * @throws IllegalArgumentException when null
     * @throws IllegalStateException    when set twice
     */
    public TieredCacheBuilder clock(Clock entryClock) {
        BuilderChecks.notNull("clock", entryClock);
        once("clock", clock);
        this.clock = entryClock;
        return this;
    }

    /**
     * Names this node on the invalidation bus, so it can ignore its own messages.
     *
     * @param id 1 to 100 characters, no control characters; default a random UUID
     * @return this builder
     * @throws IllegalArgumentException when invalid
     * @throws IllegalStateException    when set twice
     */
    public TieredCacheBuilder nodeId(String id) {
        BuilderChecks.notNull("nodeId", id);
        if (id.isBlank() || id.length() > 100 || id.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("nodeId must be 1 to 100 characters without control characters but "
                    + "was '" + id + "'");
        }
        once("nodeId", nodeId);
        this.nodeId = id;
        return this;
    }

    /** Replaces the key hash (tests force collisions with it). */
    TieredCacheBuilder hasher(QueryKeys.Hasher keyHasher) {
        this.hasher = keyHasher;
        return this;
    }

    /**
     * Builds the cache and, when there is a bus, subscribes to it.
     *
     * @return the cache
     * @throws IllegalStateException when no tiers were given
     */
    public TieredCache build() {
        BuilderChecks.noConflict(tiers == null, "tiers are required; call tiers(CaffeineTier.builder().build(), ...)");
        if (meterRegistry == null) {
            meterRegistry = new SimpleMeterRegistry();
        }
        if (objectMapper == null) {
            objectMapper = JacksonEventSerializer.newObjectMapper(new JsonFactory());
        }
        return new TieredCache(this);
    }
}
