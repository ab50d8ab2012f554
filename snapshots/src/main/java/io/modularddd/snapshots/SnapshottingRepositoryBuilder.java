package io.modularddd.snapshots;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.benmanes.caffeine.cache.Ticker;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.modularddd.core.AggregateId;
import io.modularddd.core.AppendRequest;
import io.modularddd.core.EventStore;
import io.modularddd.core.aggregate.AggregateRoot;
import io.modularddd.core.aggregate.Snapshotable;
import io.modularddd.core.internal.BuilderChecks;
import io.modularddd.core.serialization.JacksonEventSerializer;
import io.modularddd.core.snapshot.AggregateStats;
import io.modularddd.core.snapshot.SnapshotStore;
import io.modularddd.core.snapshot.SnapshotStrategy;
import java.time.Clock;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.function.Function;

/**
 * Configures a {@link SnapshottingRepository}; start with
 * {@link SnapshottingRepository#builder(EventStore, String, Function, Class)}. Every setter validates
 * at once (an {@link IllegalArgumentException} for a bad value, an {@link IllegalStateException} for a
 * setting given twice); {@link #build()} checks what is missing.
 *
 * @param <A> the aggregate type
 */
public final class SnapshottingRepositoryBuilder<A extends AggregateRoot<A> & Snapshotable<?>> {

    /** The default size of the aggregate cache: 32 MiB of serialized state. */
    public static final long DEFAULT_CACHE_MAXIMUM_BYTES = 32L * 1024 * 1024;

    final EventStore store;
    final String aggregateType;
    final Function<AggregateId, A> factory;
    final Class<?> stateClass;
    SnapshotStore snapshotStore;
    SnapshotStrategy strategy = SimpleSnapshotStrategy.create();
    Executor executor = ForkJoinPool.commonPool();
    ObjectMapper objectMapper;
    AggregateStats stats;
    long cacheMaximumBytes = DEFAULT_CACHE_MAXIMUM_BYTES;
    long admitVersionAbove = 5;
    double admitLoadsPerSecondAbove = 0.1;
    boolean singleWriter;
    MeterRegistry meterRegistry;
    Ticker ticker = Ticker.systemTicker();
    Clock clock = Clock.systemUTC();
    private final Set<String> set = new HashSet<>();

    SnapshottingRepositoryBuilder(EventStore store, String aggregateType, Function<AggregateId, A> factory,
                                  Class<?> stateClass) {
        this.store = BuilderChecks.notNull("store", store);
        BuilderChecks.notNull("aggregateType", aggregateType);
        if (aggregateType.isBlank() || aggregateType.length() > AppendRequest.MAX_TYPE_LENGTH) {
            throw new IllegalArgumentException("aggregateType must be 1 to " + AppendRequest.MAX_TYPE_LENGTH
                    + " characters and not blank but was '" + aggregateType + "'");
        }
        this.aggregateType = aggregateType;
        this.factory = BuilderChecks.notNull("factory", factory);
        this.stateClass = BuilderChecks.notNull("stateClass", stateClass);
    }

    private void once(String setting, Object current) {
        BuilderChecks.setOnce(setting, !set.add(setting), current);
    }

    private static String shown(Object o) {
        return o == null ? null : "a " + o.getClass().getName();
    }

    /**
     * Sets where snapshots are kept. Required.
     *
     * @param snapshotStore e.g. {@code InMemorySnapshotStore.create()}, or the JDBC or Redis store
     * @return this builder
     * @throws IllegalArgumentException when null
     * @throws IllegalStateException    when set twice
     */
    public SnapshottingRepositoryBuilder<A> snapshotStore(SnapshotStore snapshotStore) {
        BuilderChecks.notNull("snapshotStore", snapshotStore);
        once("snapshotStore", shown(this.snapshotStore));
        this.snapshotStore = snapshotStore;
        return this;
    }

    /**
     * Sets when to snapshot.
     *
     * @param strategy default {@link SimpleSnapshotStrategy#create()} (every 10 events)
     * @return this builder
     * @throws IllegalArgumentException when null
     * @throws IllegalStateException    when set twice
     */
    public SnapshottingRepositoryBuilder<A> strategy(SnapshotStrategy strategy) {
        BuilderChecks.notNull("strategy", strategy);
        once("strategy", this.strategy);
        this.strategy = strategy;
        return this;
    }

    /**
     * Sets where snapshots are serialized and written, after the save that asked for them returned.
     *
     * @param executor default {@link ForkJoinPool#commonPool()}
     * @return this builder
     * @throws IllegalArgumentException when null
     * @throws IllegalStateException    when set twice
     */
    public SnapshottingRepositoryBuilder<A> executor(Executor executor) {
        BuilderChecks.notNull("executor", executor);
        once("executor", shown(this.executor));
        this.executor = executor;
        return this;
    }

    /**
     * Sets the mapper that writes and reads snapshot state. Without it, the store's serializer's mapper
     * is used when the store has a {@link JacksonEventSerializer}.
     *
     * @param objectMapper a mapper without default typing, e.g. from
     *                     {@link JacksonEventSerializer#newObjectMapper(com.fasterxml.jackson.core.JsonFactory)}
     * @return this builder
     * @throws IllegalArgumentException when null, or default typing is activated on it
     * @throws IllegalStateException    when set twice
     */
    public SnapshottingRepositoryBuilder<A> objectMapper(ObjectMapper objectMapper) {
        BuilderChecks.notNull("objectMapper", objectMapper);
        if (objectMapper.getSerializationConfig().getDefaultTyper(null) != null
                || objectMapper.getDeserializationConfig().getDefaultTyper(null) != null) {
            throw new IllegalArgumentException("the ObjectMapper has default typing activated, which lets stored "
                    + "data name the classes to instantiate. Call objectMapper.deactivateDefaultTyping(); snapshot "
                    + "state is read only into the class given to SnapshottingRepository.builder(...).");
        }
        once("objectMapper", shown(this.objectMapper));
        this.objectMapper = objectMapper;
        return this;
    }

    /**
     * Sets where loads and appends are recorded: give the same instance to an
     * {@link AdaptiveSnapshotStrategy}. When set, the size of appended events is measured too (serialized
     * once more, on the executor). Without it, the repository keeps its own {@link InMemoryAggregateStats}
     * of loads, for the cache's admission rule.
     *
     * @param stats the statistics
     * @return this builder
     * @throws IllegalArgumentException when null
     * @throws IllegalStateException    when set twice
     */
    public SnapshottingRepositoryBuilder<A> aggregateStats(AggregateStats stats) {
        BuilderChecks.notNull("aggregateStats", stats);
        once("aggregateStats", shown(this.stats));
        this.stats = stats;
        return this;
    }

    /**
     * Bounds the aggregate cache by the size of the serialized state it holds; 0 turns the cache off.
     *
     * @param bytes 0 to 64 GiB; default 32 MiB
     * @return this builder
     * @throws IllegalArgumentException when out of range
     * @throws IllegalStateException    when set twice
     */
    public SnapshottingRepositoryBuilder<A> cacheMaximumBytes(long bytes) {
        BuilderChecks.inRange("cacheMaximumBytes", bytes, 0, 64L << 30);
        once("cacheMaximumBytes", this.cacheMaximumBytes);
        this.cacheMaximumBytes = bytes;
        return this;
    }

    /**
     * Sets which loaded aggregates enter the cache: those whose version is above {@code versionAbove}
     * and whose loads per second (from the statistics) are above {@code loadsPerSecondAbove}. The seed's
     * rule, the default, is {@code (5, 0.1)}; {@code (0, -1)} admits every aggregate.
     *
     * @param versionAbove        0 to {@code Long.MAX_VALUE - 1}
     * @param loadsPerSecondAbove -1 to 1,000,000 (a negative value admits aggregates never loaded before)
     * @return this builder
     * @throws IllegalArgumentException when out of range
     * @throws IllegalStateException    when set twice
     */
    public SnapshottingRepositoryBuilder<A> cacheAdmission(long versionAbove, double loadsPerSecondAbove) {
        BuilderChecks.inRange("cacheAdmission.versionAbove", versionAbove, 0, Long.MAX_VALUE - 1);
        if (!(loadsPerSecondAbove >= -1 && loadsPerSecondAbove <= 1_000_000)) {
            throw new IllegalArgumentException("cacheAdmission.loadsPerSecondAbove must be between -1 and 1000000 but "
                    + "was " + loadsPerSecondAbove);
        }
        once("cacheAdmission", "(" + admitVersionAbove + ", " + admitLoadsPerSecondAbove + ")");
        this.admitVersionAbove = versionAbove;
        this.admitLoadsPerSecondAbove = loadsPerSecondAbove;
        return this;
    }

    /**
     * Declares this repository the only writer of its aggregates: a cache hit is then returned without
     * asking the store for newer events. Only when nothing else — another node, another repository, a
     * tool — appends to, deletes, truncates or erases these streams; after doing so yourself, call
     * {@link SnapshottingRepository#evict(AggregateId)}.
     *
     * @return this builder
     * @throws IllegalStateException when set twice
     */
    public SnapshottingRepositoryBuilder<A> singleWriter() {
        once("singleWriter", singleWriter);
        this.singleWriter = true;
        return this;
    }

    /**
     * Sets where the meters go.
     *
     * @param registry default a private {@code SimpleMeterRegistry}
     * @return this builder
     * @throws IllegalArgumentException when null
     * @throws IllegalStateException    when set twice
     */
    public SnapshottingRepositoryBuilder<A> meterRegistry(MeterRegistry registry) {
        BuilderChecks.notNull("meterRegistry", registry);
        once("meterRegistry", shown(this.meterRegistry));
        this.meterRegistry = registry;
        return this;
    }

    /**
     * Sets the time source of load timings and the cache (tests use a manual one).
     *
     * @param ticker default {@link Ticker#systemTicker()}
     * @return this builder
     * @throws IllegalArgumentException when null
     * @throws IllegalStateException    when set twice
     */
    public SnapshottingRepositoryBuilder<A> ticker(Ticker ticker) {
        BuilderChecks.notNull("ticker", ticker);
        once("ticker", shown(this.ticker));
        this.ticker = ticker;
        return this;
    }

    /**
     * Sets the clock that stamps snapshots' {@code createdAt}.
     *
     * @param clock default {@link Clock#systemUTC()}
     * @return this builder
     * @throws IllegalArgumentException when null
     * @throws IllegalStateException    when set twice
     */
    public SnapshottingRepositoryBuilder<A> clock(Clock clock) {
        BuilderChecks.notNull("clock", clock);
        once("clock", this.clock);
        this.clock = clock;
        return this;
    }

    /**
     * Builds the repository.
     *
     * @return the repository
     * @throws IllegalStateException when no snapshot store is set, or no mapper is set and the event
     *                               store's serializer is not a {@link JacksonEventSerializer}
     */
    public SnapshottingRepository<A> build() {
        BuilderChecks.noConflict(snapshotStore == null, "snapshotStore is not set: give snapshotStore(...), e.g. "
                + "InMemorySnapshotStore.create() or the JDBC or Redis snapshot store");
        if (objectMapper == null) {
            objectMapper = store.serializer().filter(JacksonEventSerializer.class::isInstance)
                    .map(s -> ((JacksonEventSerializer) s).objectMapper()).orElse(null);
            BuilderChecks.noConflict(objectMapper == null, "objectMapper is not set and the event store's "
                    + "serializer is not a JacksonEventSerializer: give objectMapper(JacksonEventSerializer"
                    + ".newObjectMapper(new JsonFactory())) or a mapper of your own without default typing");
        }
        if (meterRegistry == null) {
            meterRegistry = new SimpleMeterRegistry();
        }
        return new SnapshottingRepository<>(this);
    }
}
