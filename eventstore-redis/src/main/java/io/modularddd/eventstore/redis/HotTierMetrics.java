package io.modularddd.eventstore.redis;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The hot tier's meters. Every name starts with {@value #PREFIX}; every tag value comes from a small
 * fixed set (operation, reason, outcome), never from an aggregate id or a key. Every meter also
 * carries {@code tier=<keyPrefix>}, so several hot tiers can share one registry (a prefix is
 * configuration, so its cardinality is that of the application's tiers).
 *
 * <ul>
 *   <li>{@code modularddd.hot_tier.hits{operation}} — pages of events served from Redis.</li>
 *   <li>{@code modularddd.hot_tier.misses{operation,reason}} — pages Redis could not serve
 *       ({@code absent}, {@code gap}, {@code anomaly}), read from the warm tier instead.</li>
 *   <li>{@code modularddd.hot_tier.fallbacks{operation,reason}} — reads sent straight to the warm tier
 *       because Redis was not usable ({@code redis_error}, {@code unavailable}, {@code pending_drop}).</li>
 *   <li>{@code modularddd.hot_tier.writes{outcome}} — post-commit writes ({@code written},
 *       {@code skipped} while Redis is unavailable).</li>
 *   <li>{@code modularddd.hot_tier.write_failures{operation}} — failed Redis writes
 *       ({@code append}, {@code backfill}, {@code drop}).</li>
 *   <li>{@code modularddd.hot_tier.encode_failures{operation}} — writes given up because an event could
 *       not be encoded for Redis ({@code append}, {@code backfill}); no Redis failure, so no back-off.</li>
 *   <li>{@code modularddd.hot_tier.drops{reason}} — stream keys dropped ({@code conflict},
 *       {@code write_failure}, {@code unencodable}, {@code anomaly}, {@code outcome_unknown},
 *       {@code invalidate}, {@code deferred}, {@code purge}, {@code lifecycle} — a {@code delete},
 *       {@code truncateBefore} or {@code erase} through the {@link TieredEventStore}, dropped right after
 *       the warm store ran it, whether it succeeded or threw).</li>
 *   <li>{@code modularddd.hot_tier.backfills{outcome}} — backfills ({@code written},
 *       {@code epoch_changed}, {@code would_create_tail}, {@code aborted}, {@code skipped}).</li>
 *   <li>{@code modularddd.hot_tier.payload_fallbacks{outcome}} — lazily decoded payloads whose Redis copy
 *       did not decode, read from the warm tier instead ({@code served}) or not ({@code failed}).</li>
 *   <li>{@code modularddd.hot_tier.redis_round_trips{operation}} — round trips to Redis.</li>
 *   <li>{@code modularddd.hot_tier.pending_drops} (gauge) — keys waiting to be dropped once Redis answers.</li>
 * </ul>
 */
final class HotTierMetrics {

    static final String PREFIX = "modularddd.hot_tier.";

    private final MeterRegistry registry;
    private final String tier;
    private final ConcurrentHashMap<String, Counter> counters = new ConcurrentHashMap<>();

    HotTierMetrics(MeterRegistry registry, String tier, Supplier<Number> pendingDrops) {
        this.registry = registry;
        this.tier = tier;
        Gauge.builder(PREFIX + "pending_drops", pendingDrops, s -> s.get().doubleValue())
                .tag("tier", tier)
                .description("stream keys the hot tier could not drop yet and will drop once Redis answers")
                .strongReference(true)
                .register(registry);
    }

    void hit(String operation) {
        count("hits", "operation", operation);
    }

    void miss(String operation, String reason) {
        count("misses", "operation", operation, "reason", reason);
    }

    void fallback(String operation, String reason) {
        count("fallbacks", "operation", operation, "reason", reason);
    }

    void write(String outcome) {
        count("writes", "outcome", outcome);
    }

    void writeFailure(String operation) {
        count("write_failures", "operation", operation);
    }

    void encodeFailure(String operation) {
        count("encode_failures", "operation", operation);
    }

    void drop(String reason) {
        count("drops", "reason", reason);
    }

    void backfill(String outcome) {
        count("backfills", "outcome", outcome);
    }

    void payloadFallback(String outcome) {
        count("payload_fallbacks", "outcome", outcome);
    }

    void roundTrip(String operation) {
        count("redis_round_trips", "operation", operation);
    }

    private void count(String name, String... tags) {
        String id = name + String.join(",", tags);
        Counter c = counters.get(id);
        if (c == null) {
            c = counters.computeIfAbsent(id, k -> Counter.builder(PREFIX + name).tags(tags).tag("tier", tier)
                    .register(registry));
        }
        c.increment();
    }
}
