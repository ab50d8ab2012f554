package io.modularddd.profiles;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.modularddd.cache.CaffeineTier;
import io.modularddd.cache.TieredCache;
import io.modularddd.core.EventStore;
import io.modularddd.core.cache.CacheTier;
import io.modularddd.core.queue.CommandCodec;
import io.modularddd.core.queue.CommandQueue;
import io.modularddd.core.serialization.JacksonEventSerializer;
import io.modularddd.cqrs.CommandMetrics;
import io.modularddd.cqrs.CommandQueueWorker;
import io.modularddd.cqrs.ConflictRetry;
import io.modularddd.cqrs.DispatchStrategy;
import io.modularddd.cqrs.PerformanceProfiler;
import io.modularddd.cqrs.SimpleCommandBus;
import io.modularddd.cqrs.SimpleQueryBus;
import io.modularddd.cqrs.SlowCommandLog;
import io.modularddd.cqrs.UnitOfWork;
import io.modularddd.cqrs.projection.ProjectionEngine;
import io.modularddd.cqrs.projection.ProjectionEngineBuilder;
import io.modularddd.cqrs.projection.ProjectionStrategy;
import io.modularddd.eventstore.jdbc.JdbcCommandQueue;
import io.modularddd.eventstore.jdbc.JdbcCommandQueueBuilder;
import io.modularddd.eventstore.jdbc.JdbcEventStore;
import io.modularddd.eventstore.jdbc.JdbcEventStoreBuilder;
import io.modularddd.eventstore.redis.RedisAppendSignal;
import io.modularddd.eventstore.redis.RedisCacheInvalidationBus;
import io.modularddd.eventstore.redis.RedisCacheTier;
import io.modularddd.eventstore.redis.RedisCommandQueue;
import io.modularddd.eventstore.redis.RedisHotTier;
import io.modularddd.eventstore.redis.TieredEventStore;
import io.modularddd.profiles.Profile.MetricsCollectorKind;
import io.modularddd.profiles.Profile.SnapshotMode;
import io.modularddd.snapshots.AdaptiveSnapshotStrategy;
import io.modularddd.snapshots.SimpleSnapshotStrategy;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens the parts of a {@link ModularDdd} in order, each registered with the {@link Closer} as soon as it is open,
 * so a failure half way closes what was opened and {@link ModularDdd#close()} closes it all in reverse.
 */
final class Wiring {

    private static final Logger LOG = LoggerFactory.getLogger(ModularDdd.class);
    /** The longest promotion TTL the L2 tier accepts. */
    private static final Duration MAX_L2_TTL = Duration.ofDays(30);
    /** How long closing waits for a queue worker's thread to end. */
    private static final long WORKER_JOIN_MILLIS = 5_000;

    private Wiring() {
    }

    static ModularDdd open(ModularDddBuilder b) {
        Closer closer = new Closer();
        try {
            return wire(b, closer);
        } catch (RuntimeException | Error e) {
            closer.close();
            throw e;
        }
    }

    private static ModularDdd wire(ModularDddBuilder b, Closer closer) {
        Parts p = new Parts();
        p.closer = closer;
        p.nodeId = UUID.randomUUID().toString().substring(0, 8);
        p.meterRegistry = b.meterRegistry != null ? b.meterRegistry : new SimpleMeterRegistry();
        p.requested = b.profile;
        p.redisUri = b.redisUri;
        p.profile = degrade(b, p);
        Profile profile = p.profile;
        if (p.redisUri != null) {
            RedisCheck.reachable(p.redisUri);
        }
        p.serializer = JacksonEventSerializer.json(b.eventTypes);
        openDatabase(b, p);

        Monitoring.openCollector(b, p);
        p.snapshotStrategy = profile.snapshotStrategy() == SnapshotMode.ADAPTIVE
                ? AdaptiveSnapshotStrategy.builder(p.stats).build()
                : SimpleSnapshotStrategy.everyEvents(profile.snapshotThreshold());
        p.snapshotStore = p.jdbc.snapshotStore();

        EventStore store = p.jdbc;
        if (profile.hotTierEnabled()) {
            p.hot = closer.add("hot tier", RedisHotTier.builder().uri(p.redisUri).serializer(p.serializer)
                    .ttl(profile.hotStorageTtl()).keyPrefix(b.redisKeyPrefix + ":hot").meterRegistry(p.meterRegistry)
                    .build());
            store = TieredEventStore.of(p.jdbc, p.hot);
        }
        p.baseStore = store;

        openCache(b, p);

        EventStore appendStore = store;
        if (!b.projections.isEmpty()) {
            openProjections(b, p, store);
            appendStore = p.engine.eventStore();
        }
        if (b.invalidationRules > 0) {
            appendStore = b.invalidation.build().invalidating(appendStore, p.cache);
        }
        p.store = appendStore;
        p.unitOfWork = UnitOfWork.on(appendStore);

        openBuses(b, p);
        ModularDdd ddd = new ModularDdd(p, b.maxProjectionLag, b.maxQueueDepth);
        LOG.info("modular-ddd started:\n{}", ddd.describe());
        return ddd;
    }

    /** Starts the projection engine over the store, with the profile's default strategy where none is given. */
    private static void openProjections(ModularDddBuilder b, Parts p, EventStore store) {
        if (p.redisUri != null) {
            p.signal = p.closer.add("append signal", RedisAppendSignal.builder().uri(p.redisUri)
                    .channel(b.redisKeyPrefix + ":appended").build());
        }
        ProjectionEngineBuilder engine = ProjectionEngine.builder(store, p.jdbc.checkpointStore())
                .meterRegistry(p.meterRegistry).registry(b.eventTypes);
        if (p.signal != null) {
            engine.signal(p.signal);
        }
        for (ModularDddBuilder.ProjectionEntry e : b.projections) {
            ProjectionStrategy strategy = e.strategy() != null ? e.strategy() : defaultStrategy(p.profile);
            engine.register(e.projection(), strategy);
            p.projectionStrategies.add(e.projection().name() + ": " + strategy);
        }
        p.engine = p.closer.add("projections", engine.build());
        p.engine.start();
    }

    /** The profile the toolkit runs: the requested one, with the Redis settings off when degraded. */
    private static Profile degrade(ModularDddBuilder b, Parts p) {
        Profile profile = b.profile;
        if (b.redisUri != null || profile.settingsNeedingRedis().isEmpty()) {
            return profile;
        }
        // the builder refused this without allowDegraded()
        Set<String> off = new LinkedHashSet<>(profile.settingsNeedingRedis());
        if (profile.hotTierEnabled()) {
            profile = profile.withHotTier(false);
        }
        if (profile.metricsCollector() == MetricsCollectorKind.REDIS) {
            profile = profile.withMetricsCollector(MetricsCollectorKind.IN_MEMORY);
        }
        p.degradedOff.addAll(off);
        LOG.warn("running profile '{}' degraded, without Redis (allowDegraded()): {} off; pass .redis(\"redis://...\") "
                + "to run it whole", b.profile.name(), String.join(" and ", off));
        return profile;
    }

    private static void openDatabase(ModularDddBuilder b, Parts p) {
        JdbcEventStoreBuilder store = JdbcEventStore.builder().serializer(p.serializer).tableName(b.tableName)
                .meterRegistry(p.meterRegistry);
        boolean createSchema = b.createSchema;
        if (b.dataSource != null) {
            store.dataSource(b.dataSource);
            p.databaseUrl = "a DataSource of the application (" + b.dataSource.getClass().getName() + ")";
        } else {
            String url;
            if (b.jdbcUrl != null) {
                url = b.jdbcUrl;
            } else {
                p.embedded = true;
                createSchema = true;
                url = b.embeddedFile != null ? "jdbc:h2:file:" + b.embeddedFile
                        : "jdbc:h2:mem:modularddd-" + UUID.randomUUID();
                if (b.embeddedFile == null) {
                    p.closer.add("embedded H2 database", keepAlive(url));
                }
            }
            p.jdbcUrl = url;
            p.username = b.username;
            p.password = b.password;
            p.databaseUrl = Secrets.maskUrl(url);
            store.jdbcUrl(url);
            if (b.username != null) {
                store.username(b.username);
            }
            if (b.password != null) {
                store.password(b.password);
            }
        }
        p.dataSource = b.dataSource;
        p.createSchema = createSchema;
        p.jdbc = p.closer.add("event store", store.build());
        if (createSchema) {
            p.jdbc.createSchema();
        }
        p.databaseProduct = p.jdbc.dialect().toString();
        p.queueTable = ModularDddBuilder.DEFAULT_TABLE_NAME.equals(b.tableName)
                ? JdbcCommandQueueBuilder.DEFAULT_TABLE_NAME : b.tableName + "_command_queue";
    }

    /** An in-memory H2 database lives while a connection is open: this one, until the toolkit closes. */
    private static Connection keepAlive(String url) {
        try {
            return DriverManager.getConnection(url);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot open the embedded H2 database " + url + ": " + e.getMessage()
                    + "; is com.h2database:h2 on the class path?", e);
        }
    }

    private static void openCache(ModularDddBuilder b, Parts p) {
        Profile profile = p.profile;
        List<CacheTier> tiers = new ArrayList<>();
        p.l1 = p.closer.add("L1 query cache", CaffeineTier.builder().name("l1").maxEntries(profile.l1MaxEntries())
                .maxMemoryMb(profile.l1MaxMemoryMb()).promotionTtl(profile.queryCacheTtl()).build());
        tiers.add(p.l1);
        p.tierNames.add("L1 in-process (Caffeine, " + profile.l1MaxEntries() + " entries, " + profile.l1MaxMemoryMb()
                + " MiB)");
        RedisCacheInvalidationBus bus = null;
        if (p.redisUri != null) {
            Duration ttl = profile.queryCacheTtl().compareTo(MAX_L2_TTL) > 0 ? MAX_L2_TTL : profile.queryCacheTtl();
            tiers.add(p.closer.add("L2 query cache", RedisCacheTier.builder().uri(p.redisUri)
                    .keyPrefix(b.redisKeyPrefix + ":cache").promotionTtl(ttl).build()));
            bus = p.closer.add("cache invalidation bus", RedisCacheInvalidationBus.builder().uri(p.redisUri)
                    .keyPrefix(b.redisKeyPrefix + ":cache").build());
            p.tierNames.add("L2 Redis (" + b.redisKeyPrefix + ":cache, invalidations between nodes on pub/sub)");
        }
        if (!p.embedded) {
            tiers.add(p.closer.add("L3 query cache", p.jdbc.cacheTier()));
            p.tierNames.add("L3 database (" + b.tableName + "_query_cache)");
        }
        var cache = TieredCache.builder().tiers(tiers.toArray(CacheTier[]::new)).meterRegistry(p.meterRegistry);
        if (bus != null) {
            cache.invalidationBus(bus);
        }
        p.cache = p.closer.add("query cache", cache.build());
    }

    private static void openBuses(ModularDddBuilder b, Parts p) {
        Profile profile = p.profile;
        DispatchStrategy strategy = DispatchStrategy.sync();
        CommandCodec codec = null;
        if (profile.asyncStrategy() == Profile.AsyncMode.QUEUE) {
            CommandCodec.Builder codecs = CommandCodec.builder();
            b.commandTypes.forEach(codecs::register);
            codec = codecs.build();
            p.queue = openQueue(b, p);
            strategy = DispatchStrategy.queue(p.queue, codec, profile.queue());
        }
        p.commandBus = SimpleCommandBus.builder()
                .middleware(PerformanceProfiler.commandProfiling(p.metrics, SlowCommandLog.threshold(b.slowCommandThreshold)))
                .middleware(CommandMetrics.of(p.meterRegistry))
                .middleware(b.validation.build())
                .middleware(ConflictRetry.attempts(b.conflictAttempts))
                .middleware(p.unitOfWork)
                .strategy(strategy)
                .build();
        p.queryBus = SimpleQueryBus.builder().cache(p.cache).meterRegistry(p.meterRegistry)
                .metricsCollector(p.metrics).build();
        if (p.queue != null) {
            for (int i = 1; i <= b.queueWorkers; i++) {
                CommandQueueWorker worker = CommandQueueWorker.builder(p.queue, codec, p.commandBus)
                        .queueName(profile.queue()).consumer("modularddd-" + p.nodeId + "-" + i)
                        .pollWait(Duration.ofMillis(250)).build();
                Thread thread = new Thread(worker, "modularddd-queue-worker-" + i);
                thread.setDaemon(true);
                p.closer.add("queue worker " + i, () -> {
                    worker.stop();
                    thread.interrupt();
                    thread.join(WORKER_JOIN_MILLIS);
                });
                thread.start();
                p.workers++;
            }
        }
    }

    private static CommandQueue openQueue(ModularDddBuilder b, Parts p) {
        if (p.redisUri != null) {
            p.queueDescription = "Redis Streams (" + b.redisKeyPrefix + ":queue), queue '" + p.profile.queue() + "'";
            return p.closer.add("command queue", RedisCommandQueue.builder().uri(p.redisUri)
                    .keyPrefix(b.redisKeyPrefix + ":queue").build());
        }
        JdbcCommandQueueBuilder queue = JdbcCommandQueue.builder().tableName(p.queueTable);
        if (p.dataSource != null) {
            queue.dataSource(p.dataSource);
        } else {
            queue.jdbcUrl(p.jdbcUrl);
            if (p.username != null) {
                queue.username(p.username);
            }
            if (p.password != null) {
                queue.password(p.password);
            }
        }
        JdbcCommandQueue jdbcQueue = p.closer.add("command queue", queue.build());
        if (p.createSchema) {
            jdbcQueue.createSchema();
        }
        p.queueDescription = "database table " + p.queueTable + ", queue '" + p.profile.queue() + "'";
        return jdbcQueue;
    }

    /** The strategy of a projection registered without one: the profile's first. */
    static ProjectionStrategy defaultStrategy(Profile profile) {
        return switch (profile.projectionStrategies().iterator().next()) {
            case REALTIME -> ProjectionStrategy.realtime();
            case ASYNC -> ProjectionStrategy.async();
            case BATCHED -> ProjectionStrategy.batched(ModularDddBuilder.DEFAULT_PROJECTION_BATCH);
        };
    }
}
