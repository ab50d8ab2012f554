package io.modularddd.profiles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modularddd.profiles.Profile.AsyncMode;
import io.modularddd.profiles.Profile.MetricsCollectorKind;
import io.modularddd.profiles.Profile.ProjectionMode;
import io.modularddd.profiles.Profile.SnapshotMode;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProfileTest {

    /** Every value of the performance guide's four profiles, pinned one by one. */
    @Test
    void the_presets_carry_exactly_the_guides_settings() {
        assertPreset(Profile.STARTUP, "startup", "Minimal resource usage for small applications",
                SnapshotMode.SIMPLE, false, 3600, 300, 100, 32, AsyncMode.SYNC, "default",
                MetricsCollectorKind.IN_MEMORY, ProjectionMode.REALTIME);
        assertPreset(Profile.GROWTH, "growth", "Balanced performance for growing applications",
                SnapshotMode.SIMPLE, false, 86400, 900, 500, 64, AsyncMode.QUEUE, "default",
                MetricsCollectorKind.IN_MEMORY, ProjectionMode.REALTIME, ProjectionMode.ASYNC);
        assertPreset(Profile.SCALE, "scale", "High performance for large-scale applications",
                SnapshotMode.ADAPTIVE, true, 86400, 1800, 2000, 256, AsyncMode.QUEUE, "default",
                MetricsCollectorKind.IN_MEMORY, ProjectionMode.ASYNC, ProjectionMode.BATCHED);
        assertPreset(Profile.ENTERPRISE, "enterprise", "Maximum performance for enterprise applications",
                SnapshotMode.ADAPTIVE, true, 172800, 3600, 5000, 512, AsyncMode.QUEUE, "high-priority",
                MetricsCollectorKind.REDIS, ProjectionMode.ASYNC, ProjectionMode.BATCHED);
        for (Profile p : Profile.presets()) {
            assertThat(p.snapshotThreshold()).as("%s threshold", p).isEqualTo(10);
        }
    }

    private static void assertPreset(Profile p, String name, String description, SnapshotMode snapshots,
                                     boolean hot, long hotTtlSeconds, long queryTtlSeconds, int entries,
                                     int memoryMb, AsyncMode async, String queue, MetricsCollectorKind collector,
                                     ProjectionMode... projections) {
        assertThat(p.name()).isEqualTo(name);
        assertThat(p.description()).isEqualTo(description);
        assertThat(p.snapshotStrategy()).as("%s snapshots", name).isEqualTo(snapshots);
        assertThat(p.hotTierEnabled()).as("%s hot tier", name).isEqualTo(hot);
        assertThat(p.hotStorageTtl()).as("%s hot ttl", name).isEqualTo(Duration.ofSeconds(hotTtlSeconds));
        assertThat(p.queryCacheTtl()).as("%s query ttl", name).isEqualTo(Duration.ofSeconds(queryTtlSeconds));
        assertThat(p.l1MaxEntries()).as("%s l1 entries", name).isEqualTo(entries);
        assertThat(p.l1MaxMemoryMb()).as("%s l1 memory", name).isEqualTo(memoryMb);
        assertThat(p.asyncStrategy()).as("%s async", name).isEqualTo(async);
        assertThat(p.queue()).as("%s queue", name).isEqualTo(queue);
        assertThat(p.metricsCollector()).as("%s metrics", name).isEqualTo(collector);
        assertThat(p.projectionStrategies()).as("%s projections", name).containsExactly(projections);
    }

    @Test
    void redis_is_needed_by_the_hot_tier_and_the_redis_collector_only() {
        assertThat(Profile.STARTUP.settingsNeedingRedis()).isEmpty();
        assertThat(Profile.GROWTH.settingsNeedingRedis()).isEmpty();
        assertThat(Profile.SCALE.settingsNeedingRedis()).containsExactly(Profile.HOT_TIER_ENABLED);
        assertThat(Profile.ENTERPRISE.settingsNeedingRedis())
                .containsExactly(Profile.METRICS_COLLECTOR, Profile.HOT_TIER_ENABLED);
        assertThat(Profile.ENTERPRISE.withHotTier(false).withMetricsCollector(MetricsCollectorKind.IN_MEMORY)
                .settingsNeedingRedis()).isEmpty();
    }

    @Test
    void named_ignores_case_and_lists_the_profiles_for_an_unknown_name() {
        assertThat(Profile.named("growth")).isSameAs(Profile.GROWTH);
        assertThat(Profile.named(" SCALE ")).isSameAs(Profile.SCALE);
        assertThat(Profile.named("Enterprise")).isSameAs(Profile.ENTERPRISE);
        assertThat(Profile.named("startup")).isSameAs(Profile.STARTUP);
        assertThatThrownBy(() -> Profile.named("huge"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown profile 'huge'; the profiles are startup, growth, scale, enterprise");
        assertThatThrownBy(() -> Profile.named(null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("startup, growth, scale, enterprise");
    }

    @Test
    void with_copies_override_one_setting_and_leave_the_original_alone() {
        Profile p = Profile.GROWTH.withL1MaxEntries(50).withQueryCacheTtl(Duration.ofSeconds(60));
        assertThat(p.l1MaxEntries()).isEqualTo(50);
        assertThat(p.queryCacheTtl()).isEqualTo(Duration.ofSeconds(60));
        assertThat(p.l1MaxMemoryMb()).isEqualTo(64);
        assertThat(p.name()).isEqualTo("growth");
        assertThat(p.isOverridden(Profile.L1_MAX_ENTRIES)).isTrue();
        assertThat(p.isOverridden(Profile.QUERY_CACHE_TTL)).isTrue();
        assertThat(p.isOverridden(Profile.L1_MAX_MEMORY_MB)).isFalse();
        assertThat(p).hasToString("growth (overridden: memory-limits.l1-max-entries, query-cache-ttl)");
        assertThat(Profile.GROWTH.l1MaxEntries()).isEqualTo(500);
        assertThat(Profile.GROWTH.isOverridden(Profile.L1_MAX_ENTRIES)).isFalse();
        assertThat(p).isNotEqualTo(Profile.GROWTH);
        assertThat(Profile.GROWTH.withL1MaxEntries(50)).isEqualTo(Profile.GROWTH.withL1MaxEntries(50));

        Profile all = Profile.STARTUP.withSnapshotStrategy(SnapshotMode.ADAPTIVE).withSnapshotThreshold(25)
                .withHotTier(true).withHotStorageTtl(Duration.ofSeconds(10)).withL1MaxMemoryMb(8)
                .withAsyncStrategy(AsyncMode.QUEUE).withQueue("orders.high_1")
                .withProjectionStrategies(ProjectionMode.BATCHED, ProjectionMode.REALTIME)
                .withMetricsCollector(MetricsCollectorKind.REDIS);
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put(Profile.SNAPSHOT_STRATEGY, "adaptive");
        expected.put(Profile.SNAPSHOT_THRESHOLD, "25");
        expected.put(Profile.HOT_TIER_ENABLED, "true");
        expected.put(Profile.HOT_STORAGE_TTL, "10s");
        expected.put(Profile.QUERY_CACHE_TTL, "300s");
        expected.put(Profile.L1_MAX_ENTRIES, "100");
        expected.put(Profile.L1_MAX_MEMORY_MB, "8");
        expected.put(Profile.ASYNC_STRATEGY, "queue");
        expected.put(Profile.ASYNC_QUEUE, "orders.high_1");
        expected.put(Profile.PROJECTION_STRATEGIES, "realtime, batched");
        expected.put(Profile.METRICS_COLLECTOR, "redis");
        assertThat(all.settings()).containsExactlyEntriesOf(expected);
        assertThat(all.isOverridden(Profile.QUERY_CACHE_TTL)).isFalse();
    }

    @Test
    void every_setting_is_validated_with_a_message_naming_it() {
        Profile p = Profile.GROWTH;
        assertThatThrownBy(() -> p.withL1MaxEntries(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("memory-limits.l1-max-entries must be between 1 and 10000000 but was 0");
        assertThatThrownBy(() -> p.withL1MaxMemoryMb(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("memory-limits.max-memory-mb must be between 1 and 65536");
        assertThatThrownBy(() -> p.withSnapshotThreshold(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("snapshots.threshold must be between 1 and 1000000");
        assertThatThrownBy(() -> p.withHotStorageTtl(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("hot-storage-ttl must be between PT1S and PT8760H but was PT0S");
        assertThatThrownBy(() -> p.withQueryCacheTtl(Duration.ofDays(400)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("query-cache-ttl must be");
        assertThatThrownBy(() -> p.withQueryCacheTtl(null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("query-cache-ttl must not be null");
        assertThatThrownBy(() -> p.withQueue("bad queue")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("async.queue must be 1 to 64 letters");
        assertThatThrownBy(() -> p.withQueue("")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("async.queue");
        assertThatThrownBy(() -> p.withProjectionStrategies()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("projections.strategies must name at least one");
        assertThatThrownBy(() -> p.withAsyncStrategy(null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("async.strategy must not be null");
        assertThatThrownBy(() -> p.withSnapshotStrategy(null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("snapshots.strategy must not be null");
        assertThatThrownBy(() -> p.withMetricsCollector(null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("monitoring.metrics-collector must not be null");
    }
}
