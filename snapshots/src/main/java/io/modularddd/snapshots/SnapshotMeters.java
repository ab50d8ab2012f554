package io.modularddd.snapshots;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * The repository's meters, all registered up front with bounded tags: the aggregate type and a reason
 * from a closed set — never an aggregate id.
 */
final class SnapshotMeters {

    static final String PREFIX = "modularddd.snapshots.";

    /** Why a stored snapshot was not used by a load. */
    enum Ignored {
        SCHEMA_VERSION, UNREADABLE, AHEAD_OF_STREAM, AGGREGATE_TYPE, EARLIER_LIFE, BEFORE_TRUNCATION, STORE_FAILED
    }

    /** Why a snapshot the strategy asked for was not written. */
    enum Skipped {
        ERASED, STALE
    }

    /** Why a cache entry left the cache. */
    enum Eviction {
        SIZE, CONFLICT, FAILED_SAVE, LIFECYCLE, UNREADABLE, CLEARED, REQUESTED
    }

    private final Counter written;
    private final Counter failed;
    private final Counter hits;
    private final Counter misses;
    private final Map<Ignored, Counter> ignored = new EnumMap<>(Ignored.class);
    private final Map<Skipped, Counter> skipped = new EnumMap<>(Skipped.class);
    private final Map<Eviction, Counter> evictions = new EnumMap<>(Eviction.class);

    SnapshotMeters(MeterRegistry registry, String aggregateType) {
        written = Counter.builder(PREFIX + "written").tag("aggregate_type", aggregateType)
                .description("snapshots written").register(registry);
        failed = Counter.builder(PREFIX + "failed").tag("aggregate_type", aggregateType)
                .description("snapshots that could not be decided, serialized or written (the save succeeded)")
                .register(registry);
        hits = Counter.builder(PREFIX + "cache.hits").tag("aggregate_type", aggregateType)
                .description("loads that started from the aggregate cache").register(registry);
        misses = Counter.builder(PREFIX + "cache.misses").tag("aggregate_type", aggregateType)
                .description("loads that found no usable cache entry").register(registry);
        for (Ignored r : Ignored.values()) {
            ignored.put(r, Counter.builder(PREFIX + "ignored").tag("aggregate_type", aggregateType)
                    .tag("reason", tag(r)).description("stored snapshots a load could not use").register(registry));
        }
        for (Skipped r : Skipped.values()) {
            skipped.put(r, Counter.builder(PREFIX + "skipped").tag("aggregate_type", aggregateType)
                    .tag("reason", tag(r)).description("snapshots not written because the stream changed")
                    .register(registry));
        }
        for (Eviction r : Eviction.values()) {
            evictions.put(r, Counter.builder(PREFIX + "cache.evictions").tag("aggregate_type", aggregateType)
                    .tag("cause", tag(r)).description("aggregate cache entries removed").register(registry));
        }
    }

    static String tag(Enum<?> reason) {
        return reason.name().toLowerCase(Locale.ROOT);
    }

    void written() {
        written.increment();
    }

    void failed() {
        failed.increment();
    }

    void hit() {
        hits.increment();
    }

    void miss() {
        misses.increment();
    }

    void ignored(Ignored reason) {
        ignored.get(reason).increment();
    }

    void skipped(Skipped reason) {
        skipped.get(reason).increment();
    }

    void evicted(Eviction cause) {
        evictions.get(cause).increment();
    }
}
