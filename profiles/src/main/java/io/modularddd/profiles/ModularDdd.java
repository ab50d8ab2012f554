package io.modularddd.profiles;

import io.micrometer.core.instrument.MeterRegistry;
import io.modularddd.cache.TieredCache;
import io.modularddd.core.AggregateId;
import io.modularddd.core.EventStore;
import io.modularddd.core.aggregate.AggregateRepository;
import io.modularddd.core.aggregate.AggregateRoot;
import io.modularddd.core.aggregate.EventSourcedRepository;
import io.modularddd.core.aggregate.Snapshotable;
import io.modularddd.core.command.CommandBus;
import io.modularddd.core.health.HealthReport;
import io.modularddd.core.internal.BuilderChecks;
import io.modularddd.core.metrics.MetricsCollector;
import io.modularddd.core.query.Query;
import io.modularddd.core.query.QueryBus;
import io.modularddd.core.cache.QueryCache;
import io.modularddd.core.query.QueryCaching;
import io.modularddd.core.query.QueryHandler;
import io.modularddd.core.queue.CommandQueue;
import io.modularddd.core.snapshot.SnapshotStore;
import io.modularddd.cqrs.PerformanceProfiler;
import io.modularddd.cqrs.projection.ProjectionEngine;
import io.modularddd.snapshots.SnapshottingRepository;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * The running toolkit, built in one call from a {@link Profile} and the infrastructure at hand: event store,
 * snapshots, aggregate cache, command bus with the standard middleware and the profile's dispatch strategy, query
 * bus with the tiered cache sized from the profile, projections, metrics.
 *
 * <pre>{@code
 * try (ModularDdd ddd = ModularDdd.builder()
 *         .profile(Profile.SCALE)                                   // default Profile.STARTUP
 *         .jdbcUrl("jdbc:mariadb://127.0.0.1:3306/app", "app", pw)  // or .dataSource(ds); none: embedded H2
 *         .redis("redis://127.0.0.1:6379")                          // SCALE's hot tier needs it
 *         .eventTypes(AccountEvents.registry())
 *         .createSchema(true)
 *         .build()) {
 *     AggregateRepository<Account> accounts = ddd.repository("Account", Account::new);
 *     ddd.commandBus().register(Deposit.class, command -> { ... });
 *     long balance = ddd.commandBus().dispatch(new Deposit("acc-42", 100));
 * }
 * }</pre>
 *
 * <h2>What each profile setting wires</h2>
 * <ul>
 *   <li><b>Event store</b>: a {@code JdbcEventStore} on the given database (H2 in memory by default); with the hot
 *       tier on, a {@code TieredEventStore} whose Redis hot tier keeps streams for the profile's hot storage TTL.
 *       {@link #eventStore()} is the store to append through: it runs realtime projections and invalidates the
 *       query cache after each commit.</li>
 *   <li><b>Snapshots</b>: aggregates registered with a state class get a {@code SnapshottingRepository} (with its
 *       aggregate cache) taking snapshots every {@code snapshots.threshold} events (simple) or as the adaptive
 *       strategy decides from measured loads and appends (statistics in Redis when given, else in this process).
 *       Snapshots are kept in the database ({@code <table>_snapshots}), next to the events.</li>
 *   <li><b>Commands</b>: a {@code SimpleCommandBus} with metrics, the slow-command log, validation, conflict retry
 *       and the unit of work. {@code dispatch} always runs the command inline and returns its result. Under the
 *       {@code queue} strategy, {@code dispatchAsync} sends the command to the durable queue (Redis Streams when
 *       Redis is given, else the database table) and its future completes with {@code null} once the command is
 *       stored; queue workers in this process (and any other node) run it, and its effects are seen through
 *       queries, not through the future. Under {@code sync}, {@code dispatchAsync} runs inline.</li>
 *   <li><b>Queries</b>: a {@code SimpleQueryBus} over a {@code TieredCache}: L1 in-process (the profile's entries and
 *       memory), L2 Redis when given, L3 in the database unless it is the embedded H2; cached results live for the
 *       profile's query cache TTL.</li>
 *   <li><b>Projections</b>: a {@code ProjectionEngine} with checkpoints in the database; a projection registered
 *       without a strategy runs with the profile's first strategy; Redis pub/sub wakes processors when given.</li>
 *   <li><b>Monitoring</b>: Micrometer meters of every part in one registry; the profile's metrics collector
 *       ({@link #metrics()}) fed by the command profiling middleware and the query bus; {@link #health()}.</li>
 * </ul>
 *
 * <p>{@link #close()} stops the queue workers and projection threads and closes every pool and connection the
 * toolkit opened, in reverse order; a {@code DataSource} the application handed in stays open. Thread-safe.
 */
public final class ModularDdd implements AutoCloseable {

    /** How long {@link #health()} waits for the slowest part. */
    public static final Duration DEFAULT_HEALTH_TIMEOUT = Duration.ofSeconds(2);

    private final Parts parts;
    private final long maxProjectionLag;
    private final long maxQueueDepth;
    private final Set<String> aggregateTypes = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean closed = new AtomicBoolean();

    ModularDdd(Parts parts, long maxProjectionLag, long maxQueueDepth) {
        this.parts = parts;
        this.maxProjectionLag = maxProjectionLag;
        this.maxQueueDepth = maxQueueDepth;
    }

    /**
     * Starts configuring a toolkit.
     *
     * @return a new builder
     */
    public static ModularDddBuilder builder() {
        return new ModularDddBuilder();
    }

    /**
     * The profile the toolkit runs: the one given, with the settings that need Redis switched off when it runs
     * degraded ({@link ModularDddBuilder#allowDegraded()}).
     *
     * @return the effective profile
     */
    public Profile profile() {
        return parts.profile;
    }

    /**
     * The command bus: register handlers with {@code register}, send commands with {@code dispatch} (inline) or
     * {@code dispatchAsync} (the profile's dispatch strategy).
     *
     * @return the bus
     */
    public CommandBus commandBus() {
        return parts.commandBus;
    }

    /**
     * The query bus, answering through the tiered query cache; see {@link #registerCachedQuery}.
     *
     * @return the bus
     */
    public QueryBus queryBus() {
        return parts.queryBus;
    }

    /**
     * The event store to read and append through: appends through it run the realtime projections and invalidate
     * the query cache after they commit.
     *
     * @return the store
     */
    public EventStore eventStore() {
        return parts.store;
    }

    /**
     * The projection engine running the registered projections (status, rebuild, dead letters, catch-up waits).
     *
     * @return the engine, started
     * @throws IllegalStateException when no projection was registered ({@link ModularDddBuilder#projection})
     */
    public ProjectionEngine projections() {
        BuilderChecks.noConflict(parts.engine == null, "no projection was registered, so no projection engine "
                + "runs; register projections with ModularDdd.builder().projection(...)");
        return parts.engine;
    }

    /**
     * The tiered query cache the query bus uses.
     *
     * @return the cache
     */
    public QueryCache queryCache() {
        return parts.cache;
    }

    /**
     * Where snapshots are kept: the database's {@code <table>_snapshots} table.
     *
     * @return the snapshot store
     */
    public SnapshotStore snapshotStore() {
        return parts.snapshotStore;
    }

    /**
     * The durable command queue, under the profile's {@code queue} dispatch strategy.
     *
     * @return the queue, or empty under the {@code sync} strategy
     */
    public Optional<CommandQueue> commandQueue() {
        return Optional.ofNullable(parts.queue);
    }

    /**
     * The registry every part registers its meters in.
     *
     * @return the meter registry
     */
    public MeterRegistry meterRegistry() {
        return parts.meterRegistry;
    }

    /**
     * The profile's metrics collector ({@value Profile#METRICS_COLLECTOR}): every command (through the profiling
     * middleware) and every query is recorded in it; in Redis, shared by every node, under the enterprise profile,
     * else in this process. Applications may record and read their own executions too.
     *
     * @return the collector
     */
    public MetricsCollector metrics() {
        return parts.metrics;
    }

    /**
     * A profiler for the application's own named timers (duration, allocated memory, peak heap). Commands are
     * profiled already, by the command bus's middleware, into {@link #metrics()} and the slow-command log.
     *
     * @return the toolkit's profiler
     */
    public PerformanceProfiler profiler() {
        return parts.profiler;
    }

    /**
     * Checks the parts the toolkit runs, at once, each within two seconds: the database ({@code database}),
     * Redis when given ({@code redis}), the projections' lag when any are registered ({@code projections}) and
     * the command queue's depth under the queue strategy ({@code queue:<name>}), against the limits of
     * {@link ModularDddBuilder#healthLimits}.
     *
     * @return the report; {@link HealthReport#isUp()} when every part is up
     */
    public HealthReport health() {
        return health(DEFAULT_HEALTH_TIMEOUT);
    }

    /**
     * As {@link #health()}, waiting at most {@code timeout} for the slowest part.
     *
     * @param timeout 1 ms to 5 minutes
     * @return the report
     */
    public HealthReport health(Duration timeout) {
        return Monitoring.check(parts, maxProjectionLag, maxQueueDepth, timeout);
    }

    /**
     * A repository of event-sourced aggregates, for command handlers: inside a command its saves join the
     * command's unit of work (all aggregates saved by one command are appended atomically after the handler
     * returns); outside a command it appends at once.
     *
     * @param aggregateType the type name stored with the events, e.g. {@code "Account"}; once per toolkit
     * @param factory       creates an empty aggregate for an id
     * @param <A>           the aggregate type
     * @return the repository
     * @throws IllegalStateException when a repository of that type was created already
     */
    public <A extends AggregateRoot<A>> AggregateRepository<A> repository(String aggregateType,
                                                                          Function<AggregateId, A> factory) {
        claim(aggregateType);
        return parts.unitOfWork.repository(aggregateType,
                EventSourcedRepository.create(parts.store, aggregateType, factory));
    }

    /**
     * A repository of snapshotted aggregates: loads start from the newest snapshot, hot aggregates are kept in
     * the aggregate cache, and snapshots are taken by the profile's snapshot strategy. Saves join the command's
     * unit of work as with {@link #repository(String, Function)}.
     *
     * @param aggregateType the type name stored with the events and snapshots; once per toolkit
     * @param factory       creates an empty aggregate for an id
     * @param stateClass    the class of the aggregate's snapshot state
     * @param <A>           the aggregate type
     * @param <S>           its snapshot state
     * @return the repository
     * @throws IllegalStateException when a repository of that type was created already
     */
    public <A extends AggregateRoot<A> & Snapshotable<S>, S> AggregateRepository<A> repository(
            String aggregateType, Function<AggregateId, A> factory, Class<S> stateClass) {
        claim(aggregateType);
        var builder = SnapshottingRepository.builder(parts.store, aggregateType, factory, stateClass)
                .snapshotStore(parts.snapshotStore).strategy(parts.snapshotStrategy)
                .meterRegistry(parts.meterRegistry);
        if (parts.stats != null) {
            builder.aggregateStats(parts.stats);
        }
        return parts.unitOfWork.repository(aggregateType, builder.build());
    }

    private void claim(String aggregateType) {
        BuilderChecks.notNull("aggregateType", aggregateType);
        BuilderChecks.noConflict(!aggregateTypes.add(aggregateType), "a repository of aggregate type '"
                + aggregateType + "' was created already; create it once and share it");
    }

    /**
     * Registers a query handler whose results are cached for the profile's query cache TTL and dropped when
     * events mapped to its tags ({@link ModularDddBuilder#invalidateOn}) are appended.
     *
     * @param queryType the query class
     * @param handler   answers a query on a cache miss; must not change anything
     * @param tags      what a result was computed from, e.g. {@code q -> Set.of("account:" + q.accountId())}
     * @param <Q>       the query type
     * @param <R>       its result
     */
    public <Q extends Query<R>, R> void registerCachedQuery(Class<Q> queryType,
                                                            QueryHandler<? super Q, ? extends R> handler,
                                                            Function<? super Q, Set<String>> tags) {
        BuilderChecks.notNull("tags", tags);
        parts.queryBus.register(queryType, handler,
                QueryCaching.of(queryType, parts.profile.queryCacheTtl()).tags(tags));
    }

    /**
     * Describes the running configuration on several lines: the profile, every effective setting with where it
     * came from ({@code preset}, {@code override} or {@code degraded-off}), the infrastructure (database and Redis
     * with passwords masked) and the tiers in use. Logged at INFO when the toolkit starts.
     *
     * @return the description; never contains a password
     */
    public String describe() {
        return Description.of(parts);
    }

    /** The L1 tier, for tests. */
    TieredCache tieredCache() {
        return parts.cache;
    }

    Parts parts() {
        return parts;
    }

    /**
     * Stops the queue workers and projections and closes every connection, pool and thread the toolkit opened, in
     * reverse order of opening. A {@code DataSource} given to the builder is not closed. Idempotent.
     */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            parts.closer.close();
        }
    }

    @Override
    public String toString() {
        return "ModularDdd[" + parts.profile.name() + ", " + parts.databaseProduct + "]";
    }
}
