package io.modularddd.cqrs.projection;

import io.micrometer.core.instrument.MeterRegistry;
import io.modularddd.core.EventStore;
import io.modularddd.core.internal.BuilderChecks;
import io.modularddd.core.internal.ProjectionTypes;
import io.modularddd.core.projection.AppendSignal;
import io.modularddd.core.projection.CheckpointStore;
import io.modularddd.core.projection.Projection;
import io.modularddd.core.serialization.EventSerializer;
import io.modularddd.core.serialization.EventTypeRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadFactory;

/**
 * Configures a {@link ProjectionEngine}. Each setter checks its value at once
 * ({@link IllegalArgumentException}); a setting given twice, or a projection name registered twice, is an
 * {@link IllegalStateException}.
 */
public final class ProjectionEngineBuilder {

    private final EventStore store;
    private final CheckpointStore checkpoints;
    private final Map<String, Projection> projections = new LinkedHashMap<>();
    private final Map<String, ProjectionStrategy> strategies = new LinkedHashMap<>();
    private String owner;
    private AppendSignal signal;
    private Duration leaseTime;
    private Duration pollInterval;
    private Duration claimInterval;
    private Integer pageSize;
    private Integer maxSegments;
    private Integer readAhead;
    private Boolean typeFilteredReads;
    private MeterRegistry meterRegistry;
    private ThreadFactory threadFactory;
    private Clock clock;
    private EventTypeRegistry registry;

    ProjectionEngineBuilder(EventStore store, CheckpointStore checkpoints) {
        this.store = store;
        this.checkpoints = checkpoints;
    }

    /**
     * Adds a projection.
     *
     * @param projection the projection
     * @param strategy   how to run it
     * @return this builder
     * @throws IllegalArgumentException when an argument is null
     * @throws IllegalStateException    when a projection of that name is registered already
     */
    public ProjectionEngineBuilder register(Projection projection, ProjectionStrategy strategy) {
        BuilderChecks.notNull("projection", projection);
        BuilderChecks.notNull("strategy", strategy);
        String name = BuilderChecks.notNull("projection.name()", projection.name());
        BuilderChecks.noConflict(projections.containsKey(name), "a projection named '" + name + "' is "
                + "registered already; names key checkpoints, so each must be unique");
        projections.put(name, projection);
        strategies.put(name, strategy);
        return this;
    }

    /**
     * Sets this process's id in leases. Default: the process id and a random UUID, new for each engine.
     *
     * @param owner 1 to 100 characters, unique among the processes running the projections
     * @return this builder
     * @throws IllegalArgumentException when the value is null or out of range
     * @throws IllegalStateException    when set before
     */
    public ProjectionEngineBuilder owner(String owner) {
        BuilderChecks.notNull("owner", owner);
        BuilderChecks.inRange("owner's length", owner.length(), 1, 100);
        BuilderChecks.setOnce("owner", this.owner != null, this.owner);
        this.owner = owner;
        return this;
    }

    /**
     * Sets the signal that carries append announcements between processes (e.g. Redis pub/sub). Without one,
     * only appends through {@link ProjectionEngine#eventStore()} wake this engine's processors; others are found by
     * polling.
     *
     * @param signal the signal (the caller closes it)
     * @return this builder
     * @throws IllegalArgumentException when the value is null or out of range
     * @throws IllegalStateException    when set before
     */
    public ProjectionEngineBuilder signal(AppendSignal signal) {
        BuilderChecks.notNull("signal", signal);
        BuilderChecks.setOnce("signal", this.signal != null, this.signal);
        this.signal = signal;
        return this;
    }

    /**
     * Sets how long a segment's lease lasts unless renewed (renewed at half of it). A process that stalls for
     * longer loses its segments to others. Default 30 s.
     *
     * @param leaseTime 100 ms to 1 hour
     * @return this builder
     * @throws IllegalArgumentException when the value is null or out of range
     * @throws IllegalStateException    when set before
     */
    public ProjectionEngineBuilder leaseTime(Duration leaseTime) {
        BuilderChecks.inRange("leaseTime", leaseTime, Duration.ofMillis(100), Duration.ofHours(1));
        BuilderChecks.setOnce("leaseTime", this.leaseTime != null, this.leaseTime);
        this.leaseTime = leaseTime;
        return this;
    }

    /**
     * Sets the longest a processor waits without a wake-up before it looks at the log again. Default 1 s.
     *
     * @param pollInterval 1 ms to 5 minutes
     * @return this builder
     * @throws IllegalArgumentException when the value is null or out of range
     * @throws IllegalStateException    when set before
     */
    public ProjectionEngineBuilder pollInterval(Duration pollInterval) {
        BuilderChecks.inRange("pollInterval", pollInterval, Duration.ofMillis(1), Duration.ofMinutes(5));
        BuilderChecks.setOnce("pollInterval", this.pollInterval != null, this.pollInterval);
        this.pollInterval = pollInterval;
        return this;
    }

    /**
     * Sets how often a processor tries to claim segments it does not hold (taking over those whose lease ran
     * out). Default 5 s.
     *
     * @param claimInterval 1 ms to 1 hour
     * @return this builder
     * @throws IllegalArgumentException when the value is null or out of range
     * @throws IllegalStateException    when set before
     */
    public ProjectionEngineBuilder claimInterval(Duration claimInterval) {
        BuilderChecks.inRange("claimInterval", claimInterval, Duration.ofMillis(1), Duration.ofHours(1));
        BuilderChecks.setOnce("claimInterval", this.claimInterval != null, this.claimInterval);
        this.claimInterval = claimInterval;
        return this;
    }

    /**
     * Sets how many events a processor reads at once, which is also the most events per checkpoint commit
     * while catching up (a rebuild). Default 1,000.
     *
     * @param pageSize 1 to 100,000
     * @return this builder
     * @throws IllegalArgumentException when the value is null or out of range
     * @throws IllegalStateException    when set before
     */
    public ProjectionEngineBuilder pageSize(int pageSize) {
        BuilderChecks.inRange("pageSize", pageSize, 1, 100_000);
        BuilderChecks.setOnce("pageSize", this.pageSize != null, this.pageSize);
        this.pageSize = pageSize;
        return this;
    }

    /**
     * Sets how many pages a catching-up segment reads ahead, on the engine's read-ahead threads, while it applies
     * the page in hand (reading and decoding overlap handling and committing). 0 turns it off. Default 2.
     *
     * @param pages 0 to 16
     * @return this builder
     * @throws IllegalArgumentException when out of range
     * @throws IllegalStateException    when set before
     */
    public ProjectionEngineBuilder readAhead(int pages) {
        BuilderChecks.inRange("readAhead", pages, 0, 16);
        BuilderChecks.setOnce("readAhead", this.readAhead != null, this.readAhead);
        this.readAhead = pages;
        return this;
    }

    /**
     * Sets whether a projection that declares its event types asks the store for those types only
     * ({@code EventStore.readAll(from, limit, types)}: on a JDBC store, an index range per page instead of every
     * row), moving its checkpoint over the events of other types it never receives. Projections of every type, or
     * of {@code ErasedEvent}, always read every event. Turn it off only to compare. Default on.
     *
     * @param enabled whether to read by type
     * @return this builder
     * @throws IllegalStateException when set before
     */
    public ProjectionEngineBuilder typeFilteredReads(boolean enabled) {
        BuilderChecks.setOnce("typeFilteredReads", this.typeFilteredReads != null, this.typeFilteredReads);
        this.typeFilteredReads = enabled;
        return this;
    }

    /**
     * Sets how many segments of each projection this process holds at most, so that several processes share
     * them. Default: all.
     *
     * @param maxSegments 1 to 1,024
     * @return this builder
     * @throws IllegalArgumentException when the value is null or out of range
     * @throws IllegalStateException    when set before
     */
    public ProjectionEngineBuilder maxSegments(int maxSegments) {
        BuilderChecks.inRange("maxSegments", maxSegments, 1, 1024);
        BuilderChecks.setOnce("maxSegments", this.maxSegments != null, this.maxSegments);
        this.maxSegments = maxSegments;
        return this;
    }

    /**
     * Sets where lag, throughput, failures and dead letters are metered. Default: not metered.
     *
     * @param registry the registry
     * @return this builder
     * @throws IllegalArgumentException when the value is null or out of range
     * @throws IllegalStateException    when set before
     */
    public ProjectionEngineBuilder meterRegistry(MeterRegistry registry) {
        BuilderChecks.notNull("registry", registry);
        BuilderChecks.setOnce("meterRegistry", this.meterRegistry != null, this.meterRegistry);
        this.meterRegistry = registry;
        return this;
    }

    /**
     * Sets what makes the processors' threads. Default: daemon threads.
     *
     * @param threadFactory the factory
     * @return this builder
     * @throws IllegalArgumentException when the value is null or out of range
     * @throws IllegalStateException    when set before
     */
    public ProjectionEngineBuilder threadFactory(ThreadFactory threadFactory) {
        BuilderChecks.notNull("threadFactory", threadFactory);
        BuilderChecks.setOnce("threadFactory", this.threadFactory != null, this.threadFactory);
        this.threadFactory = threadFactory;
        return this;
    }

    /**
     * Sets the clock that dates dead letters. Default: the system clock (UTC).
     *
     * @param clock the clock
     * @return this builder
     * @throws IllegalArgumentException when the value is null or out of range
     * @throws IllegalStateException    when set before
     */
    public ProjectionEngineBuilder clock(Clock clock) {
        BuilderChecks.notNull("clock", clock);
        BuilderChecks.setOnce("clock", this.clock != null, this.clock);
        this.clock = clock;
        return this;
    }

    /**
     * Sets the registry that names the projections' event classes. Default: the store's serializer's.
     *
     * @param registry the registry
     * @return this builder
     * @throws IllegalArgumentException when the value is null or out of range
     * @throws IllegalStateException    when set before
     */
    public ProjectionEngineBuilder registry(EventTypeRegistry registry) {
        BuilderChecks.notNull("registry", registry);
        BuilderChecks.setOnce("registry", this.registry != null, this.registry);
        this.registry = registry;
        return this;
    }

    /**
     * Builds the engine (not started).
     *
     * @return the engine
     * @throws IllegalStateException    when no projection is registered
     * @throws IllegalArgumentException when a projection handles a class the registry does not register
     */
    public ProjectionEngine build() {
        BuilderChecks.noConflict(projections.isEmpty(), "no projection is registered; add one with "
                + "register(projection, strategy)");
        EventTypeRegistry types = registry != null ? registry
                : store.serializer().map(EventSerializer::registry).orElse(null);
        Duration lease = leaseTime == null ? Duration.ofSeconds(30) : leaseTime;
        EngineSettings settings = new EngineSettings(store, checkpoints,
                owner == null ? ProcessHandle.current().pid() + "-" + UUID.randomUUID() : owner, lease,
                pageSize == null ? 1000 : pageSize, pollInterval == null ? Duration.ofSeconds(1) : pollInterval,
                claimInterval == null ? Duration.ofSeconds(5) : claimInterval,
                maxSegments == null ? 1024 : maxSegments, readAhead == null ? 2 : readAhead,
                typeFilteredReads == null || typeFilteredReads, clock == null ? Clock.systemUTC() : clock);
        Map<String, Registered> regs = new LinkedHashMap<>();
        for (Map.Entry<String, Projection> p : projections.entrySet()) {
            regs.put(p.getKey(), new Registered(p.getValue(), strategies.get(p.getKey()),
                    ProjectionTypes.of(p.getValue(), types), settings));
        }
        if (threadFactory == null) {
            threadFactory = r -> {
                Thread t = new Thread(r);
                t.setDaemon(true);
                return t;
            };
        }
        return new ProjectionEngine(signal, meterRegistry, threadFactory, settings, Map.copyOf(regs));
    }
}
