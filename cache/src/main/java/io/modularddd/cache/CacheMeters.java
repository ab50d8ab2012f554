package io.modularddd.cache;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.List;

/**
 * The cache's Micrometer meters, registered up front with bounded tags: {@code tier} (the tiers' names,
 * a handful), {@code query} (the query type's simple name: one per query class in the code, never a
 * query's values or key), and a reason from a closed set. See {@code docs/cache.md} for the list.
 */
final class CacheMeters {

    static final String PREFIX = "modularddd.cache.";

    /** Operations on a tier that can fail. */
    enum Operation {
        LOOKUP, PUT, INVALIDATE;

        String tag() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final MeterRegistry registry;
    private final List<String> tiers;
    private final Counter[][] failures;
    private final Counter[] undecodable;
    final Counter invalidationsReceived;
    final Counter invalidationGaps;
    final Counter publishFailures;

    CacheMeters(MeterRegistry registry, List<String> tiers) {
        this.registry = registry;
        this.tiers = tiers;
        this.failures = new Counter[tiers.size()][Operation.values().length];
        this.undecodable = new Counter[tiers.size()];
        for (int t = 0; t < tiers.size(); t++) {
            for (Operation op : Operation.values()) {
                failures[t][op.ordinal()] = Counter.builder(PREFIX + "failures").tag("tier", tiers.get(t))
                        .tag("operation", op.tag())
                        .description("tier operations that threw; the engine treated them as misses or skipped them")
                        .register(registry);
            }
            undecodable[t] = evictions(registry, tiers.get(t), "undecodable");
        }
        invalidationsReceived = Counter.builder(PREFIX + "invalidations.received")
                .description("invalidations from other nodes applied to the in-process tier").register(registry);
        invalidationGaps = Counter.builder(PREFIX + "invalidations.gaps")
                .description("times the invalidation bus lost its connection and the in-process tier was flushed")
                .register(registry);
        publishFailures = Counter.builder(PREFIX + "invalidations.publish.failures")
                .description("invalidations that could not be sent to the other nodes").register(registry);
    }

    static Counter evictions(MeterRegistry registry, String tier, String cause) {
        return Counter.builder(PREFIX + "evictions").tag("tier", tier).tag("cause", cause)
                .description("entries removed by the cache itself: size, expired, undecodable").register(registry);
    }

    void failed(int tier, Operation op) {
        failures[tier][op.ordinal()].increment();
    }

    void undecodable(int tier) {
        undecodable[tier].increment();
    }

    QueryMeters forQuery(String queryType) {
        return new QueryMeters(queryType);
    }

    /** The meters of one query type: per tier hits, misses, promotions, refused puts; loads. */
    final class QueryMeters {
        final Counter[] hits;
        final Counter[] misses;
        final Counter[] promotions;
        final Counter[] refused;
        final Timer loads;
        final Timer failedLoads;
        final Counter uncacheable;

        QueryMeters(String queryType) {
            int n = tiers.size();
            hits = new Counter[n];
            misses = new Counter[n];
            promotions = new Counter[n];
            refused = new Counter[n];
            for (int t = 0; t < n; t++) {
                String tier = tiers.get(t);
                hits[t] = counter("hits", tier, queryType, "lookups that found the entry in this tier");
                misses[t] = counter("misses", tier, queryType, "lookups that did not find the entry in this tier");
                promotions[t] = counter("promotions", tier, queryType,
                        "entries copied into this tier from a lower one after a hit there");
                refused[t] = counter("puts.refused", tier, queryType,
                        "puts the tier refused because an invalidation raced the load");
            }
            loads = Timer.builder(PREFIX + "load").tag("query", queryType).tag("outcome", "success")
                    .description("time the loader took on a miss in every tier").register(registry);
            failedLoads = Timer.builder(PREFIX + "load").tag("query", queryType).tag("outcome", "failure")
                    .description("time the loader took on a miss in every tier").register(registry);
            uncacheable = Counter.builder(PREFIX + "uncacheable").tag("query", queryType)
                    .description("loaded results that could not be encoded or read back into the result type")
                    .register(registry);
        }

        private Counter counter(String name, String tier, String queryType, String description) {
            return Counter.builder(PREFIX + name).tag("tier", tier).tag("query", queryType).description(description)
                    .register(registry);
        }
    }
}
