package io.modularddd.profiles;

import io.micrometer.core.instrument.MeterRegistry;
import io.modularddd.core.AggregateId;
import io.modularddd.core.command.Command;
import io.modularddd.core.command.CommandValidator;
import io.modularddd.core.internal.BuilderChecks;
import io.modularddd.core.projection.Projection;
import io.modularddd.core.serialization.EventTypeRegistry;
import io.modularddd.cqrs.CommandValidation;
import io.modularddd.cqrs.InvalidationRules;
import io.modularddd.cqrs.projection.ProjectionStrategy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * Configures a {@link ModularDdd}; start with {@link ModularDdd#builder()}. Every setting is optional except
 * {@link #eventTypes(EventTypeRegistry)}. Each setter checks its value at once ({@link IllegalArgumentException}
 * naming the setting); a setting given twice, or two kinds of database, is an {@link IllegalStateException}.
 * {@link #build()} opens the connections and starts the threads; nothing is opened before.
 *
 * <p>The database is one of: a {@link #dataSource(DataSource) DataSource} the application manages, a
 * {@link #jdbcUrl(String, String, String) JDBC URL} (the toolkit creates and closes the pools), or — when neither
 * is given — the embedded default, H2 in memory (or in a {@link #embeddedFile(Path) file}).
 */
public final class ModularDddBuilder {

    /** The default table name of the event store (and the prefix of its other tables). */
    public static final String DEFAULT_TABLE_NAME = "event_store";
    /** The default prefix of every Redis key and channel the toolkit uses. */
    public static final String DEFAULT_REDIS_KEY_PREFIX = "modularddd";
    /** The default threshold of the slow-command log. */
    public static final Duration DEFAULT_SLOW_COMMAND_THRESHOLD = Duration.ofMillis(500);
    /** The default number of runs of a command that meets a concurrency conflict. */
    public static final int DEFAULT_CONFLICT_ATTEMPTS = 3;
    /** The default maximum batch of a batched projection that was registered without a strategy. */
    public static final int DEFAULT_PROJECTION_BATCH = 500;

    /** The default projection lag, in events, above which {@link ModularDdd#health()} reports projections down. */
    public static final long DEFAULT_MAX_PROJECTION_LAG = 10_000;
    /** The default queue depth above which {@link ModularDdd#health()} reports the command queue down. */
    public static final long DEFAULT_MAX_QUEUE_DEPTH = 10_000;

    private static final Pattern PREFIX = Pattern.compile("[A-Za-z0-9_.-]{1,40}(:[A-Za-z0-9_.-]{1,40}){0,3}");

    private final Set<String> set = new HashSet<>();
    Profile profile = Profile.STARTUP;
    DataSource dataSource;
    String jdbcUrl;
    String username;
    String password;
    Path embeddedFile;
    String redisUri;
    String redisKeyPrefix = DEFAULT_REDIS_KEY_PREFIX;
    EventTypeRegistry eventTypes;
    boolean createSchema;
    MeterRegistry meterRegistry;
    boolean allowDegraded;
    String tableName = DEFAULT_TABLE_NAME;
    Duration slowCommandThreshold = DEFAULT_SLOW_COMMAND_THRESHOLD;
    int conflictAttempts = DEFAULT_CONFLICT_ATTEMPTS;
    int queueWorkers = 1;
    long maxProjectionLag = DEFAULT_MAX_PROJECTION_LAG;
    long maxQueueDepth = DEFAULT_MAX_QUEUE_DEPTH;
    final Map<String, Class<?>> commandTypes = new LinkedHashMap<>();
    final CommandValidation.Builder validation = CommandValidation.builder();
    final InvalidationRules.Builder invalidation = InvalidationRules.builder();
    int invalidationRules;
    final List<ProjectionEntry> projections = new ArrayList<>();

    /** A projection and its strategy (null: the profile's default). */
    record ProjectionEntry(Projection projection, ProjectionStrategy strategy) {
    }

    ModularDddBuilder() {
    }

    private void once(String setting) {
        BuilderChecks.noConflict(!set.add(setting), setting + " was already set; set it once");
    }

    private void oneDatabase(String setting) {
        once(setting);
        long databases = set.stream().filter(s -> s.equals("dataSource") || s.equals("jdbcUrl")
                || s.equals("embeddedFile")).count();
        BuilderChecks.noConflict(databases > 1, "give one database: dataSource(...), jdbcUrl(...) or embeddedFile(...), "
                + "or none for the in-memory H2 default; " + setting + " came after another");
    }

    /**
     * Sets the profile that sizes and wires the toolkit.
     *
     * @param value a preset ({@link Profile#SCALE}) or a copy with overrides; default {@link Profile#STARTUP}
     * @return this builder
     */
    public ModularDddBuilder profile(Profile value) {
        BuilderChecks.notNull("profile", value, "e.g. Profile.STARTUP or Profile.named(\"growth\")");
        once("profile");
        this.profile = value;
        return this;
    }

    /**
     * Stores events (and snapshots, checkpoints, the L3 cache and, without Redis, the command queue) through a
     * {@link DataSource} the application manages: the toolkit never closes it.
     *
     * @param value the data source
     * @return this builder
     */
    public ModularDddBuilder dataSource(DataSource value) {
        BuilderChecks.notNull("dataSource", value);
        oneDatabase("dataSource");
        this.dataSource = value;
        return this;
    }

    /**
     * Stores events in the database at a JDBC URL; the toolkit creates the connection pools and closes them. The
     * driver must be on the class path. A password in the URL is masked wherever the URL is shown.
     *
     * @param url      e.g. {@code jdbc:mariadb://127.0.0.1:3306/app}
     * @param user     the user, may be null when the URL carries it
     * @param password the password, may be null; never shown
     * @return this builder
     */
    public ModularDddBuilder jdbcUrl(String url, String user, String password) {
        BuilderChecks.notNull("jdbcUrl", url, "e.g. jdbc:mariadb://127.0.0.1:3306/app");
        if (!url.startsWith("jdbc:")) {
            throw new IllegalArgumentException("jdbcUrl must start with jdbc: but was '" + Secrets.maskUrl(url) + "'");
        }
        oneDatabase("jdbcUrl");
        this.jdbcUrl = url;
        this.username = user;
        this.password = password;
        return this;
    }

    /**
     * Runs on the embedded H2 database kept in a file instead of in memory, so events survive a restart.
     *
     * @param file the database file, without H2's {@code .mv.db} suffix
     * @return this builder
     */
    public ModularDddBuilder embeddedFile(Path file) {
        BuilderChecks.notNull("embeddedFile", file);
        oneDatabase("embeddedFile");
        this.embeddedFile = file.toAbsolutePath();
        return this;
    }

    /**
     * Uses a Redis server for the parts the profile puts there: the hot tier, the L2 query cache and its
     * invalidations between nodes, the command queue, aggregate statistics and append wake-ups. The password
     * is never shown.
     *
     * @param uri {@code redis[s]://[[user]:password@]host[:port][/database]}
     * @return this builder
     */
    public ModularDddBuilder redis(String uri) {
        BuilderChecks.notNull("redis", uri, "e.g. redis://127.0.0.1:6379");
        if (!uri.startsWith("redis://") && !uri.startsWith("rediss://")) {
            throw new IllegalArgumentException("redis must be a URI of the form redis[s]://[[user]:password@]host[:port]"
                    + " but was '" + Secrets.maskUrl(uri) + "'");
        }
        once("redis");
        this.redisUri = uri;
        return this;
    }

    /**
     * Sets the prefix of every Redis key and channel ({@code <prefix>:hot}, {@code :cache}, {@code :queue},
     * {@code :stats}, {@code :appended}), so several applications can share one server.
     *
     * @param prefix segments of {@code [A-Za-z0-9_.-]} joined by colons; default {@value #DEFAULT_REDIS_KEY_PREFIX}
     * @return this builder
     */
    public ModularDddBuilder redisKeyPrefix(String prefix) {
        BuilderChecks.notNull("redisKeyPrefix", prefix);
        if (!PREFIX.matcher(prefix).matches()) {
            throw new IllegalArgumentException("redisKeyPrefix must be 1 to 4 segments of 1 to 40 characters of "
                    + "[A-Za-z0-9_.-] joined by colons but was '" + prefix + "'");
        }
        once("redisKeyPrefix");
        this.redisKeyPrefix = prefix;
        return this;
    }

    /**
     * Sets the event types (required): the stable names events are stored under, read by a Jackson serializer.
     *
     * @param registry the registry
     * @return this builder
     */
    public ModularDddBuilder eventTypes(EventTypeRegistry registry) {
        BuilderChecks.notNull("eventTypes", registry, "build one with EventTypeRegistry.builder()");
        once("eventTypes");
        this.eventTypes = registry;
        return this;
    }

    /**
     * Creates the tables (events, snapshots, checkpoints, query cache, command queue) when they do not exist.
     * Idempotent. The embedded default always creates them.
     *
     * @param value default false for a given database
     * @return this builder
     */
    public ModularDddBuilder createSchema(boolean value) {
        once("createSchema");
        this.createSchema = value;
        return this;
    }

    /**
     * Sets where every part registers its meters.
     *
     * @param registry default a new {@code SimpleMeterRegistry}
     * @return this builder
     */
    public ModularDddBuilder meterRegistry(MeterRegistry registry) {
        BuilderChecks.notNull("meterRegistry", registry);
        once("meterRegistry");
        this.meterRegistry = registry;
        return this;
    }

    /**
     * Runs a profile that needs Redis without it: the settings that need Redis are switched off (the hot tier)
     * or fall back to this process (metrics), {@code describe()} marks them {@code degraded-off}, and one WARN
     * names them at build. Without this opt-in such a build fails.
     *
     * @return this builder
     */
    public ModularDddBuilder allowDegraded() {
        once("allowDegraded");
        this.allowDegraded = true;
        return this;
    }

    /**
     * Sets the event store's table name; the other tables are named after it ({@code <name>_snapshots},
     * {@code <name>_checkpoints}, ...; the command queue {@code <name>_command_queue}, or {@code command_queue}
     * with the default name).
     *
     * @param name default {@value #DEFAULT_TABLE_NAME}
     * @return this builder
     */
    public ModularDddBuilder tableName(String name) {
        BuilderChecks.notNull("tableName", name);
        once("tableName");
        this.tableName = name;
        return this;
    }

    /**
     * Sets the duration above which a command is logged at WARN by the slow-command log.
     *
     * @param threshold 1 ms to 1 hour; default 500 ms
     * @return this builder
     */
    public ModularDddBuilder slowCommandThreshold(Duration threshold) {
        BuilderChecks.inRange("slowCommandThreshold", threshold, Duration.ofMillis(1), Duration.ofHours(1));
        once("slowCommandThreshold");
        this.slowCommandThreshold = threshold;
        return this;
    }

    /**
     * Sets how many times in all a command runs when it meets a concurrency conflict.
     *
     * @param attempts 1 (no retry) to 100; default {@value #DEFAULT_CONFLICT_ATTEMPTS}
     * @return this builder
     */
    public ModularDddBuilder conflictAttempts(int attempts) {
        BuilderChecks.inRange("conflictAttempts", attempts, 1, 100);
        once("conflictAttempts");
        this.conflictAttempts = attempts;
        return this;
    }

    /**
     * Sets how many queue workers this process runs under the queue dispatch strategy.
     *
     * @param workers 0 (this process only sends) to 64; default 1
     * @return this builder
     */
    public ModularDddBuilder queueWorkers(int workers) {
        BuilderChecks.inRange("queueWorkers", workers, 0, 64);
        once("queueWorkers");
        this.queueWorkers = workers;
        return this;
    }

    /**
     * Sets the limits of {@link ModularDdd#health()}: projections lagging by more events, or a command queue
     * holding more commands, are reported down.
     *
     * @param maxProjectionLag events, 0 to 1,000,000,000; default {@value #DEFAULT_MAX_PROJECTION_LAG}
     * @param maxQueueDepth    commands, 0 to 1,000,000,000; default {@value #DEFAULT_MAX_QUEUE_DEPTH}
     * @return this builder
     */
    public ModularDddBuilder healthLimits(long maxProjectionLag, long maxQueueDepth) {
        BuilderChecks.inRange("maxProjectionLag", maxProjectionLag, 0, 1_000_000_000L);
        BuilderChecks.inRange("maxQueueDepth", maxQueueDepth, 0, 1_000_000_000L);
        once("healthLimits");
        this.maxProjectionLag = maxProjectionLag;
        this.maxQueueDepth = maxQueueDepth;
        return this;
    }

    /**
     * Registers a command type under a stable name, so it can travel through the durable command queue
     * ({@code dispatchAsync} under the queue strategy). Never use class names: they change with refactoring.
     *
     * @param typeName     e.g. {@code account.deposit.v1}
     * @param commandClass the command's class
     * @return this builder
     */
    public ModularDddBuilder commandType(String typeName, Class<? extends Command<?>> commandClass) {
        BuilderChecks.notNull("typeName", typeName);
        BuilderChecks.notNull("commandClass", commandClass);
        BuilderChecks.noConflict(commandTypes.containsKey(typeName), "command type name '" + typeName
                + "' is registered already");
        commandTypes.put(typeName, commandClass);
        return this;
    }

    /**
     * Adds a validator for a command type; a command with violations is refused before its handler runs.
     *
     * @param commandType the command class
     * @param validator   the validator
     * @param <C>         the command type
     * @return this builder
     */
    public <C extends Command<?>> ModularDddBuilder validate(Class<C> commandType,
                                                             CommandValidator<? super C> validator) {
        validation.validate(commandType, validator);
        return this;
    }

    /**
     * Declares which cached query results an event makes stale: after every append through the toolkit's
     * store, the tags its events map to are invalidated in the query cache, before the append returns.
     *
     * @param eventType the event class (exact)
     * @param tags      the tags, from the event and its aggregate's id
     * @param <E>       the event type
     * @return this builder
     */
    public <E> ModularDddBuilder invalidateOn(Class<E> eventType,
                                              BiFunction<? super E, AggregateId, Set<String>> tags) {
        invalidation.on(eventType, tags);
        invalidationRules++;
        return this;
    }

    /**
     * Registers a projection run with the profile's default strategy: the first of its
     * {@link Profile#projectionStrategies()} (realtime, async, or batched by {@value #DEFAULT_PROJECTION_BATCH}).
     *
     * @param projection the projection
     * @return this builder
     */
    public ModularDddBuilder projection(Projection projection) {
        BuilderChecks.notNull("projection", projection);
        projections.add(new ProjectionEntry(projection, null));
        return this;
    }

    /**
     * Registers a projection run with a strategy of its own.
     *
     * @param projection the projection
     * @param strategy   how to run it
     * @return this builder
     */
    public ModularDddBuilder projection(Projection projection, ProjectionStrategy strategy) {
        BuilderChecks.notNull("projection", projection);
        BuilderChecks.notNull("strategy", strategy);
        projections.add(new ProjectionEntry(projection, strategy));
        return this;
    }

    /**
     * Builds and starts the toolkit: connects to the database and Redis, creates the schema when asked, starts
     * the projections and the queue workers.
     *
     * @return the running toolkit; close it to stop everything it started
     * @throws IllegalStateException when the event types are missing, or the profile needs Redis and none was
     *                               given (the message names the settings and both fixes)
     * @throws io.modularddd.core.ModularDddException or {@link IllegalStateException} when the database or Redis
     *                               cannot be reached (passwords masked)
     */
    public ModularDdd build() {
        BuilderChecks.noConflict(eventTypes == null, "eventTypes is not set: give eventTypes(EventTypeRegistry) with "
                + "the stable names of your events, e.g. EventTypeRegistry.builder().register(\"account.opened.v1\", "
                + "AccountOpened.class).build()");
        Set<String> needRedis = profile.settingsNeedingRedis();
        if (redisUri == null && !needRedis.isEmpty() && !allowDegraded) {
            throw new IllegalStateException("profile '" + profile.name() + "' needs Redis for " + needRedis
                    + " but no Redis was given. Either pass a Redis URI with .redis(\"redis://host:6379\"), or "
                    + "override the setting" + (needRedis.size() > 1 ? "s" : "") + ", e.g. "
                    + overrideHint(needRedis) + " (or opt in to run without them with .allowDegraded())");
        }
        return Wiring.open(this);
    }

    private static String overrideHint(Set<String> settings) {
        List<String> hints = new ArrayList<>();
        if (settings.contains(Profile.HOT_TIER_ENABLED)) {
            hints.add("profile.withHotTier(false)");
        }
        if (settings.contains(Profile.METRICS_COLLECTOR)) {
            hints.add("profile.withMetricsCollector(Profile.MetricsCollectorKind.IN_MEMORY)");
        }
        return String.join(" and ", hints);
    }
}
