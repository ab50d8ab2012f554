package io.modularddd.profiles;

import io.modularddd.core.internal.BuilderChecks;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A performance profile: every setting the one-call bootstrap needs to size and wire the toolkit, with the four
 * presets of the performance guide. Immutable; each {@code with…} method returns a copy with one setting
 * overridden and remembers that it was (so {@code describe()} can say where each value came from).
 *
 * <table>
 *   <caption>The four presets</caption>
 *   <tr><th>setting</th><th>{@link #STARTUP}</th><th>{@link #GROWTH}</th><th>{@link #SCALE}</th>
 *       <th>{@link #ENTERPRISE}</th></tr>
 *   <tr><td>{@value #SNAPSHOT_STRATEGY}</td><td>simple</td><td>simple</td><td>adaptive</td><td>adaptive</td></tr>
 *   <tr><td>{@value #SNAPSHOT_THRESHOLD}</td><td>10</td><td>10</td><td>10 (unused)</td><td>10 (unused)</td></tr>
 *   <tr><td>{@value #HOT_TIER_ENABLED}</td><td>false</td><td>false</td><td>true</td><td>true</td></tr>
 *   <tr><td>{@value #HOT_STORAGE_TTL}</td><td>3600 s</td><td>86400 s</td><td>86400 s</td><td>172800 s</td></tr>
 *   <tr><td>{@value #QUERY_CACHE_TTL}</td><td>300 s</td><td>900 s</td><td>1800 s</td><td>3600 s</td></tr>
 *   <tr><td>{@value #L1_MAX_ENTRIES}</td><td>100</td><td>500</td><td>2000</td><td>5000</td></tr>
 *   <tr><td>{@value #L1_MAX_MEMORY_MB}</td><td>32</td><td>64</td><td>256</td><td>512</td></tr>
 *   <tr><td>{@value #ASYNC_STRATEGY}</td><td>sync</td><td>queue</td><td>queue</td><td>queue</td></tr>
 *   <tr><td>{@value #ASYNC_QUEUE}</td><td>default (unused)</td><td>default</td><td>default</td>
 *       <td>high-priority</td></tr>
 *   <tr><td>{@value #PROJECTION_STRATEGIES}</td><td>realtime</td><td>realtime, async</td><td>async, batched</td>
 *       <td>async, batched</td></tr>
 *   <tr><td>{@value #METRICS_COLLECTOR}</td><td>in-memory</td><td>in-memory</td><td>in-memory</td>
 *       <td>redis</td></tr>
 * </table>
 *
 * <p>The hot tier and the Redis metrics collector need Redis; {@link #settingsNeedingRedis()} lists which of a
 * profile's settings do. Every setting is validated by its {@code with…} method with an
 * {@link IllegalArgumentException} naming the setting, the allowed range and the value.
 */
public final class Profile {

    /** Setting name: how snapshots are decided. */
    public static final String SNAPSHOT_STRATEGY = "snapshots.strategy";
    /** Setting name: events between snapshots under the simple strategy. */
    public static final String SNAPSHOT_THRESHOLD = "snapshots.threshold";
    /** Setting name: whether recent streams are served from the Redis hot tier. */
    public static final String HOT_TIER_ENABLED = "storage-tiers.hot.enabled";
    /** Setting name: how long a stream stays in the hot tier after its last write. */
    public static final String HOT_STORAGE_TTL = "hot-storage-ttl";
    /** Setting name: the time to live of cached query results. */
    public static final String QUERY_CACHE_TTL = "query-cache-ttl";
    /** Setting name: the most entries the in-process (L1) query cache holds. */
    public static final String L1_MAX_ENTRIES = "memory-limits.l1-max-entries";
    /** Setting name: the most memory, in MiB, the in-process (L1) query cache's entries may weigh. */
    public static final String L1_MAX_MEMORY_MB = "memory-limits.max-memory-mb";
    /** Setting name: how commands are dispatched. */
    public static final String ASYNC_STRATEGY = "async.strategy";
    /** Setting name: the durable queue commands go to under the queue strategy. */
    public static final String ASYNC_QUEUE = "async.queue";
    /** Setting name: the projection strategies the profile runs projections with. */
    public static final String PROJECTION_STRATEGIES = "projections.strategies";
    /** Setting name: where command and aggregate metrics are collected. */
    public static final String METRICS_COLLECTOR = "monitoring.metrics-collector";

    /** The longest TTL a profile accepts for the hot tier and the query cache: 365 days. */
    public static final Duration MAX_TTL = Duration.ofDays(365);
    /** The most L1 entries a profile accepts. */
    public static final int MAX_L1_ENTRIES = 10_000_000;
    /** The most L1 memory, in MiB, a profile accepts. */
    public static final int MAX_L1_MEMORY_MB = 64 * 1024;
    /** The most events between snapshots a profile accepts. */
    public static final int MAX_SNAPSHOT_THRESHOLD = 1_000_000;

    private static final Pattern QUEUE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    /** How snapshots are decided. */
    public enum SnapshotMode {
        /** A snapshot every {@link #snapshotThreshold()} events. */
        SIMPLE,
        /** A cost model over each aggregate's measured loads and appends (the adaptive snapshot strategy). */
        ADAPTIVE
    }

    /** How commands are dispatched. */
    public enum AsyncMode {
        /** On the caller's thread: {@code dispatch} returns the handler's result. */
        SYNC,
        /** Through the durable command queue ({@link #queue()}), handled by queue workers. */
        QUEUE
    }

    /** A projection strategy a profile runs projections with. */
    public enum ProjectionMode {
        /** After the append commits, on the appending thread, so the caller reads its own write. */
        REALTIME,
        /** A tracking processor per projection reading the global log from its checkpoint. */
        ASYNC,
        /** As async, with handlers receiving batches and one checkpoint commit per batch. */
        BATCHED
    }

    /** Where command and aggregate metrics are collected. */
    public enum MetricsCollectorKind {
        /** In this process's memory. */
        IN_MEMORY,
        /** In Redis, shared by every process of the application. */
        REDIS
    }

    /** Small applications, minimal resource usage. */
    public static final Profile STARTUP = new Profile("startup", "Minimal resource usage for small applications",
            SnapshotMode.SIMPLE, 10, false, Duration.ofSeconds(3600), Duration.ofSeconds(300), 100, 32,
            AsyncMode.SYNC, "default", EnumSet.of(ProjectionMode.REALTIME), MetricsCollectorKind.IN_MEMORY,
            Set.of());

    /** Growing applications with moderate load. */
    public static final Profile GROWTH = new Profile("growth", "Balanced performance for growing applications",
            SnapshotMode.SIMPLE, 10, false, Duration.ofSeconds(86400), Duration.ofSeconds(900), 500, 64,
            AsyncMode.QUEUE, "default", EnumSet.of(ProjectionMode.REALTIME, ProjectionMode.ASYNC),
            MetricsCollectorKind.IN_MEMORY, Set.of());

    /** High-traffic applications. */
    public static final Profile SCALE = new Profile("scale", "High performance for large-scale applications",
            SnapshotMode.ADAPTIVE, 10, true, Duration.ofSeconds(86400), Duration.ofSeconds(1800), 2000, 256,
            AsyncMode.QUEUE, "default", EnumSet.of(ProjectionMode.ASYNC, ProjectionMode.BATCHED),
            MetricsCollectorKind.IN_MEMORY, Set.of());

    /** Enterprise-level applications with maximum performance. */
    public static final Profile ENTERPRISE = new Profile("enterprise",
            "Maximum performance for enterprise applications",
            SnapshotMode.ADAPTIVE, 10, true, Duration.ofSeconds(172800), Duration.ofSeconds(3600), 5000, 512,
            AsyncMode.QUEUE, "high-priority", EnumSet.of(ProjectionMode.ASYNC, ProjectionMode.BATCHED),
            MetricsCollectorKind.REDIS, Set.of());

    private static final Profile[] PRESETS = {STARTUP, GROWTH, SCALE, ENTERPRISE};

    private final String name;
    private final String description;
    private final SnapshotMode snapshotStrategy;
    private final int snapshotThreshold;
    private final boolean hotTierEnabled;
    private final Duration hotStorageTtl;
    private final Duration queryCacheTtl;
    private final int l1MaxEntries;
    private final int l1MaxMemoryMb;
    private final AsyncMode asyncStrategy;
    private final String queue;
    private final Set<ProjectionMode> projectionStrategies;
    private final MetricsCollectorKind metricsCollector;
    private final Set<String> overridden;

    private Profile(String name, String description, SnapshotMode snapshotStrategy, int snapshotThreshold,
                    boolean hotTierEnabled, Duration hotStorageTtl, Duration queryCacheTtl, int l1MaxEntries,
                    int l1MaxMemoryMb, AsyncMode asyncStrategy, String queue, Set<ProjectionMode> projectionStrategies,
                    MetricsCollectorKind metricsCollector, Set<String> overridden) {
        this.name = name;
        this.description = description;
        this.snapshotStrategy = snapshotStrategy;
        this.snapshotThreshold = snapshotThreshold;
        this.hotTierEnabled = hotTierEnabled;
        this.hotStorageTtl = hotStorageTtl;
        this.queryCacheTtl = queryCacheTtl;
        this.l1MaxEntries = l1MaxEntries;
        this.l1MaxMemoryMb = l1MaxMemoryMb;
        this.asyncStrategy = asyncStrategy;
        this.queue = queue;
        this.projectionStrategies = Collections.unmodifiableSet(EnumSet.copyOf(projectionStrategies));
        this.metricsCollector = metricsCollector;
        this.overridden = Collections.unmodifiableSet(new TreeSet<>(overridden));
    }

    /**
     * The preset of that name, ignoring case: {@code startup}, {@code growth}, {@code scale} or {@code enterprise}.
     *
     * @param name the profile's name
     * @return the preset
     * @throws IllegalArgumentException when no preset has that name; the message lists the valid ones
     */
    public static Profile named(String name) {
        BuilderChecks.notNull("profile name", name, "give one of " + presetNames());
        String wanted = name.trim().toLowerCase(Locale.ROOT);
        for (Profile p : PRESETS) {
            if (p.name.equals(wanted)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown profile '" + name + "'; the profiles are " + presetNames());
    }

    /**
     * The four presets, smallest first.
     *
     * @return STARTUP, GROWTH, SCALE, ENTERPRISE
     */
    public static Profile[] presets() {
        return PRESETS.clone();
    }

    private static String presetNames() {
        return Arrays.stream(PRESETS).map(Profile::name).collect(Collectors.joining(", "));
    }

    /** @return the preset's name, lower case ({@code growth}); a copy keeps the name of the preset it came from */
    public String name() {
        return name;
    }

    /** @return what the profile is for */
    public String description() {
        return description;
    }

    /** @return how snapshots are decided ({@value #SNAPSHOT_STRATEGY}) */
    public SnapshotMode snapshotStrategy() {
        return snapshotStrategy;
    }

    /** @return events between snapshots under {@link SnapshotMode#SIMPLE} ({@value #SNAPSHOT_THRESHOLD}) */
    public int snapshotThreshold() {
        return snapshotThreshold;
    }

    /** @return whether the Redis hot tier serves recent streams ({@value #HOT_TIER_ENABLED}) */
    public boolean hotTierEnabled() {
        return hotTierEnabled;
    }

    /** @return how long a stream stays in the hot tier after its last write ({@value #HOT_STORAGE_TTL}) */
    public Duration hotStorageTtl() {
        return hotStorageTtl;
    }

    /** @return the time to live of cached query results ({@value #QUERY_CACHE_TTL}) */
    public Duration queryCacheTtl() {
        return queryCacheTtl;
    }

    /** @return the most entries the L1 query cache holds ({@value #L1_MAX_ENTRIES}) */
    public int l1MaxEntries() {
        return l1MaxEntries;
    }

    /** @return the most MiB the L1 query cache's entries may weigh ({@value #L1_MAX_MEMORY_MB}) */
    public int l1MaxMemoryMb() {
        return l1MaxMemoryMb;
    }

    /** @return how commands are dispatched ({@value #ASYNC_STRATEGY}) */
    public AsyncMode asyncStrategy() {
        return asyncStrategy;
    }

    /** @return the queue commands go to under {@link AsyncMode#QUEUE} ({@value #ASYNC_QUEUE}) */
    public String queue() {
        return queue;
    }

    /** @return the projection strategies, in declaration order ({@value #PROJECTION_STRATEGIES}) */
    public Set<ProjectionMode> projectionStrategies() {
        return projectionStrategies;
    }

    /** @return where command and aggregate metrics are collected ({@value #METRICS_COLLECTOR}) */
    public MetricsCollectorKind metricsCollector() {
        return metricsCollector;
    }

    /**
     * Whether a setting was overridden by a {@code with…} copy rather than taken from the preset.
     *
     * @param setting a setting name, one of this class's constants
     * @return true when a {@code with…} method set it
     */
    public boolean isOverridden(String setting) {
        return overridden.contains(setting);
    }

    /**
     * The settings of this profile that need Redis: {@value #HOT_TIER_ENABLED} when the hot tier is on and
     * {@value #METRICS_COLLECTOR} when metrics are collected in Redis.
     *
     * @return the names of those settings, empty when the profile runs without Redis
     */
    public Set<String> settingsNeedingRedis() {
        Set<String> needs = new TreeSet<>();
        if (hotTierEnabled) {
            needs.add(HOT_TIER_ENABLED);
        }
        if (metricsCollector == MetricsCollectorKind.REDIS) {
            needs.add(METRICS_COLLECTOR);
        }
        return Collections.unmodifiableSet(needs);
    }

    /**
     * Every setting by name, in the order of the table above, with its value as {@code describe()} shows it
     * (durations in seconds, enums in lower case).
     *
     * @return an ordered, unmodifiable map
     */
    public Map<String, String> settings() {
        Map<String, String> s = new LinkedHashMap<>();
        s.put(SNAPSHOT_STRATEGY, lower(snapshotStrategy));
        s.put(SNAPSHOT_THRESHOLD, Integer.toString(snapshotThreshold));
        s.put(HOT_TIER_ENABLED, Boolean.toString(hotTierEnabled));
        s.put(HOT_STORAGE_TTL, hotStorageTtl.toSeconds() + "s");
        s.put(QUERY_CACHE_TTL, queryCacheTtl.toSeconds() + "s");
        s.put(L1_MAX_ENTRIES, Integer.toString(l1MaxEntries));
        s.put(L1_MAX_MEMORY_MB, Integer.toString(l1MaxMemoryMb));
        s.put(ASYNC_STRATEGY, lower(asyncStrategy));
        s.put(ASYNC_QUEUE, queue);
        s.put(PROJECTION_STRATEGIES, projectionStrategies.stream().map(Profile::lower).collect(Collectors.joining(", ")));
        s.put(METRICS_COLLECTOR, lower(metricsCollector).replace('_', '-'));
        return Collections.unmodifiableMap(s);
    }

    private static String lower(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }

    /**
     * A copy with another snapshot strategy.
     *
     * @param strategy simple or adaptive
     * @return the copy
     */
    public Profile withSnapshotStrategy(SnapshotMode strategy) {
        BuilderChecks.notNull(SNAPSHOT_STRATEGY, strategy);
        return copy(SNAPSHOT_STRATEGY, strategy, snapshotThreshold, hotTierEnabled, hotStorageTtl, queryCacheTtl,
                l1MaxEntries, l1MaxMemoryMb, asyncStrategy, queue, projectionStrategies, metricsCollector);
    }

    /**
     * A copy with another threshold for the simple snapshot strategy.
     *
     * @param events events between snapshots, 1 to {@value #MAX_SNAPSHOT_THRESHOLD}
     * @return the copy
     */
    public Profile withSnapshotThreshold(int events) {
        BuilderChecks.inRange(SNAPSHOT_THRESHOLD, events, 1, MAX_SNAPSHOT_THRESHOLD);
        return copy(SNAPSHOT_THRESHOLD, snapshotStrategy, events, hotTierEnabled, hotStorageTtl, queryCacheTtl,
                l1MaxEntries, l1MaxMemoryMb, asyncStrategy, queue, projectionStrategies, metricsCollector);
    }

    /**
     * A copy with the Redis hot tier switched on or off.
     *
     * @param enabled whether recent streams are served from Redis
     * @return the copy
     */
    public Profile withHotTier(boolean enabled) {
        return copy(HOT_TIER_ENABLED, snapshotStrategy, snapshotThreshold, enabled, hotStorageTtl, queryCacheTtl,
                l1MaxEntries, l1MaxMemoryMb, asyncStrategy, queue, projectionStrategies, metricsCollector);
    }

    /**
     * A copy with another hot tier TTL.
     *
     * @param ttl 1 second to {@link #MAX_TTL}
     * @return the copy
     */
    public Profile withHotStorageTtl(Duration ttl) {
        BuilderChecks.inRange(HOT_STORAGE_TTL, ttl, Duration.ofSeconds(1), MAX_TTL);
        return copy(HOT_STORAGE_TTL, snapshotStrategy, snapshotThreshold, hotTierEnabled, ttl, queryCacheTtl,
                l1MaxEntries, l1MaxMemoryMb, asyncStrategy, queue, projectionStrategies, metricsCollector);
    }

    /**
     * A copy with another query cache TTL.
     *
     * @param ttl 1 second to {@link #MAX_TTL}
     * @return the copy
     */
    public Profile withQueryCacheTtl(Duration ttl) {
        BuilderChecks.inRange(QUERY_CACHE_TTL, ttl, Duration.ofSeconds(1), MAX_TTL);
        return copy(QUERY_CACHE_TTL, snapshotStrategy, snapshotThreshold, hotTierEnabled, hotStorageTtl, ttl,
                l1MaxEntries, l1MaxMemoryMb, asyncStrategy, queue, projectionStrategies, metricsCollector);
    }

    /**
     * A copy with another L1 entry limit.
     *
     * @param entries 1 to {@value #MAX_L1_ENTRIES}
     * @return the copy
     */
    public Profile withL1MaxEntries(int entries) {
        BuilderChecks.inRange(L1_MAX_ENTRIES, entries, 1, MAX_L1_ENTRIES);
        return copy(L1_MAX_ENTRIES, snapshotStrategy, snapshotThreshold, hotTierEnabled, hotStorageTtl,
                queryCacheTtl, entries, l1MaxMemoryMb, asyncStrategy, queue, projectionStrategies, metricsCollector);
    }

    /**
     * A copy with another L1 memory limit.
     *
     * @param megabytes MiB, 1 to {@value #MAX_L1_MEMORY_MB}
     * @return the copy
     */
    public Profile withL1MaxMemoryMb(int megabytes) {
        BuilderChecks.inRange(L1_MAX_MEMORY_MB, megabytes, 1, MAX_L1_MEMORY_MB);
        return copy(L1_MAX_MEMORY_MB, snapshotStrategy, snapshotThreshold, hotTierEnabled, hotStorageTtl,
                queryCacheTtl, l1MaxEntries, megabytes, asyncStrategy, queue, projectionStrategies, metricsCollector);
    }

    /**
     * A copy with another dispatch strategy.
     *
     * @param strategy sync or queue
     * @return the copy
     */
    public Profile withAsyncStrategy(AsyncMode strategy) {
        BuilderChecks.notNull(ASYNC_STRATEGY, strategy);
        return copy(ASYNC_STRATEGY, snapshotStrategy, snapshotThreshold, hotTierEnabled, hotStorageTtl,
                queryCacheTtl, l1MaxEntries, l1MaxMemoryMb, strategy, queue, projectionStrategies, metricsCollector);
    }

    /**
     * A copy with another command queue name.
     *
     * @param name letters, digits, {@code .}, {@code _} and {@code -}, starting with a letter or digit, at most 64
     * @return the copy
     */
    public Profile withQueue(String name) {
        BuilderChecks.notNull(ASYNC_QUEUE, name);
        if (!QUEUE_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(ASYNC_QUEUE + " must be 1 to 64 letters, digits, '.', '_' or '-', "
                    + "starting with a letter or digit, but was '" + name + "'");
        }
        return copy(ASYNC_QUEUE, snapshotStrategy, snapshotThreshold, hotTierEnabled, hotStorageTtl, queryCacheTtl,
                l1MaxEntries, l1MaxMemoryMb, asyncStrategy, name, projectionStrategies, metricsCollector);
    }

    /**
     * A copy with other projection strategies.
     *
     * @param strategies at least one
     * @return the copy
     */
    public Profile withProjectionStrategies(ProjectionMode... strategies) {
        BuilderChecks.notNull(PROJECTION_STRATEGIES, strategies);
        if (strategies.length == 0 || Arrays.asList(strategies).contains(null)) {
            throw new IllegalArgumentException(PROJECTION_STRATEGIES + " must name at least one strategy and no "
                    + "null but was " + Arrays.toString(strategies));
        }
        return copy(PROJECTION_STRATEGIES, snapshotStrategy, snapshotThreshold, hotTierEnabled, hotStorageTtl,
                queryCacheTtl, l1MaxEntries, l1MaxMemoryMb, asyncStrategy, queue,
                EnumSet.copyOf(Arrays.asList(strategies)), metricsCollector);
    }

    /**
     * A copy with another metrics collector.
     *
     * @param collector in-memory or redis
     * @return the copy
     */
    public Profile withMetricsCollector(MetricsCollectorKind collector) {
        BuilderChecks.notNull(METRICS_COLLECTOR, collector);
        return copy(METRICS_COLLECTOR, snapshotStrategy, snapshotThreshold, hotTierEnabled, hotStorageTtl,
                queryCacheTtl, l1MaxEntries, l1MaxMemoryMb, asyncStrategy, queue, projectionStrategies, collector);
    }

    private Profile copy(String setting, SnapshotMode snapshots, int threshold, boolean hot, Duration hotTtl,
                         Duration queryTtl, int entries, int memoryMb, AsyncMode async, String queueName,
                         Set<ProjectionMode> projections, MetricsCollectorKind collector) {
        Set<String> over = new TreeSet<>(overridden);
        over.add(setting);
        return new Profile(name, description, snapshots, threshold, hot, hotTtl, queryTtl, entries, memoryMb, async,
                queueName, projections, collector, over);
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof Profile)) {
            return false;
        }
        Profile p = (Profile) o;
        return name.equals(p.name) && settings().equals(p.settings()) && overridden.equals(p.overridden);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, settings(), overridden);
    }

    /** @return the name, with the overridden settings when there are any: {@code growth (overridden: ...)} */
    @Override
    public String toString() {
        return overridden.isEmpty() ? name : name + " (overridden: " + String.join(", ", overridden) + ")";
    }
}
