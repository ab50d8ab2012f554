package io.modularddd.eventstore.redis;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.modularddd.core.InvalidInputException;
import io.modularddd.core.internal.Checks;
import io.modularddd.core.metrics.ExecutionSummary;
import io.modularddd.core.metrics.MetricsCollector;
import io.modularddd.core.snapshot.AggregateStats;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.CommandArguments;
import redis.clients.jedis.Connection;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.Response;
import redis.clients.jedis.args.ExpiryOption;
import redis.clients.jedis.exceptions.JedisRedirectionException;
import redis.clients.jedis.params.ZAddParams;
import redis.clients.jedis.resps.Tuple;

/**
 * A {@link MetricsCollector} kept in Redis, so that every node of a cluster adds to, and reads, the same
 * summaries (the {@code enterprise} profile's {@code metrics collector: redis}). Its aggregate statistics are a
 * {@link RedisAggregateStats} on the same server and prefix. Start with {@link #builder()}.
 *
 * <h2>Layout and window</h2>
 * Per kind ({@code commands}, {@code queries}) two keys, hash-tagged by the kind so both live in one slot of a
 * cluster: the hash {@code <prefix>:{commands}:counts} with the fields {@code c:<type>} (executions),
 * {@code f:<type>} (failures) and {@code t:<type>} (summed nanoseconds), and the sorted set
 * {@code <prefix>:{commands}:max} whose score of member {@code <type>} is the longest execution
 * ({@code ZADD ... GT}). A sample is one pipelined {@code MULTI; HINCRBY ...; ZADD GT; PEXPIRE NX (both keys);
 * EXEC}: one round trip, in the caller's thread — or, with {@code batchEvery}, summed in this process and sent
 * by a daemon thread at that interval ({@link #flush()}). The first sample of a window gives both keys the window as
 * their TTL; when it runs out, the next sample starts a new window (a tumbling window shared by all nodes). The
 * aggregate statistics use {@code <prefix>:{<aggregate id>}:stats} (see {@link RedisAggregateStats}). Redis 7.0
 * or later ({@code PEXPIRE ... NX}); no Lua, no KEYS, no FLUSH: it works on a hardened server and on Redis
 * Cluster.
 *
 * <h2>Bounds</h2>
 * Each node admits at most {@link #maxTypes()} distinct types per kind and window (its own count, reset with
 * its window); executions of further types are recorded under {@link MetricsCollector#OVERFLOW_TYPE}. Redis
 * therefore holds at most {@code nodes × maxTypes} types per kind — in practice {@code maxTypes}, as nodes run
 * the same code — and three hash fields plus one sorted-set member each.
 *
 * <h2>Never failing the caller</h2>
 * As {@link RedisAggregateStats}: a Redis failure drops the sample, counts it ({@link #droppedSamples()}, meter
 * {@code modularddd.metrics.dropped}) and logs the first failure of an outage at WARN; after a connection
 * failure Redis is left alone for {@code retryAfterFailure}. A summary that cannot be read is empty (logged and
 * counted). Bad arguments are {@link InvalidInputException}s. Thread-safe.
 */
public final class RedisMetricsCollector implements MetricsCollector, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RedisMetricsCollector.class);

    /** Default key prefix. */
    public static final String DEFAULT_KEY_PREFIX = "modularddd:metrics";
    /** Default window: 5 minutes. */
    public static final Duration DEFAULT_WINDOW = Duration.ofMinutes(5);
    /** Default cap of distinct types per kind. */
    public static final int DEFAULT_MAX_TYPES = 1000;
    /** The largest cap accepted. */
    public static final int MAX_MAX_TYPES = 10_000;
    /** The name of the counter of dropped samples. */
    public static final String DROPPED_METER = "modularddd.metrics.dropped";


    private final RedisConnection connection;
    private final String keyPrefix;
    private final Duration window;
    private final int maxTypes;
    private final Duration retryAfterFailure;
    private final Clock clock;
    private final RedisKeyClient redis;
    private final RedisAggregateStats aggregateStats;
    private final Kind commands;
    private final Kind queries;
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicBoolean failing = new AtomicBoolean();
    private final AtomicLong skipUntilMillis = new AtomicLong(Long.MIN_VALUE);
    private final Counter droppedRecords;
    private final Counter failedReads;
    private final ScheduledExecutorService flusher;

    /** One kind's keys and this node's admitted types. */
    private final class Kind {
        final String name;
        final String counts;
        final String max;
        final byte[] countsKey;
        final byte[] maxKey;
        final AtomicReference<Admitted> admitted;
        final PendingSamples pending = new PendingSamples();

        Kind(String name) {
            this.name = name;
            this.counts = keyPrefix + ":{" + name + "}:counts";
            this.max = keyPrefix + ":{" + name + "}:max";
            this.countsKey = counts.getBytes(StandardCharsets.UTF_8);
            this.maxKey = max.getBytes(StandardCharsets.UTF_8);
            this.admitted = new AtomicReference<>(new Admitted(clock.millis()));
        }

        /** The type a sample is recorded under: itself when admitted, else the overflow type. */
        String admit(String type) {
            long now = clock.millis();
            Admitted a = admitted.get();
            while (now - a.start >= window.toMillis()) {
                Admitted fresh = new Admitted(now);
                a = admitted.compareAndSet(a, fresh) ? fresh : admitted.get();
            }
            return a.admit(type, maxTypes) ? type : OVERFLOW_TYPE;
        }
    }

    /** The types one node admitted in its current window. */
    private static final class Admitted {
        final long start;
        final ConcurrentHashMap<String, Boolean> types = new ConcurrentHashMap<>();
        final AtomicInteger count = new AtomicInteger();

        Admitted(long start) {
            this.start = start;
        }

        boolean admit(String type, int cap) {
            if (types.containsKey(type)) {
                return true;
            }
            return types.computeIfAbsent(type, t -> {
                if (count.incrementAndGet() > cap) {
                    count.decrementAndGet();
                    return null; // not admitted: recorded under the overflow type
                }
                return Boolean.TRUE;
            }) != null;
        }
    }

    RedisMetricsCollector(RedisConnection connection, String keyPrefix, Duration window, int maxTypes,
                          Duration retryAfterFailure, Clock clock, MeterRegistry meters, Duration batchEvery) {
        this.connection = connection;
        this.keyPrefix = keyPrefix;
        this.window = window;
        this.maxTypes = maxTypes;
        this.retryAfterFailure = retryAfterFailure;
        this.clock = clock;
        this.commands = new Kind("commands");
        this.queries = new Kind("queries");
        this.droppedRecords = Counter.builder(DROPPED_METER).tag("collector", keyPrefix).tag("operation", "record")
                .description("executions not recorded and summaries not read because Redis failed").register(meters);
        this.failedReads = Counter.builder(DROPPED_METER).tag("collector", keyPrefix).tag("operation", "summaries")
                .description("executions not recorded and summaries not read because Redis failed").register(meters);
        this.redis = connection.open();
        RedisAggregateStats stats;
        try {
            stats = new RedisAggregateStats(connection, keyPrefix, window, retryAfterFailure, clock, meters);
        } catch (RuntimeException e) {
            redis.close();
            throw e;
        }
        this.aggregateStats = stats;
        if (batchEvery == null) {
            this.flusher = null;
        } else {
            this.flusher = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "modularddd-metrics-flush");
                t.setDaemon(true);
                return t;
            });
            flusher.scheduleWithFixedDelay(this::flushQuietly, batchEvery.toMillis(), batchEvery.toMillis(),
                    TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Starts configuring a collector in Redis.
     *
     * @return a builder
     */
    public static RedisMetricsCollectorBuilder builder() {
        return new RedisMetricsCollectorBuilder();
    }

    /**
     * {@inheritDoc}
     *
     * <p>Never throws for a Redis failure: the sample is dropped, logged and counted.
     *
     * @throws InvalidInputException when the type is null, blank or too long, or the duration negative
     */
    @Override
    public void recordCommandExecution(String commandType, long durationNanos, boolean success) {
        record(commands, "commandType", commandType, durationNanos, success);
    }

    /**
     * {@inheritDoc}
     *
     * <p>Never throws for a Redis failure: the sample is dropped, logged and counted.
     *
     * @throws InvalidInputException when the type is null, blank or too long, or the duration negative
     */
    @Override
    public void recordQueryExecution(String queryType, long durationNanos, boolean success) {
        record(queries, "queryType", queryType, durationNanos, success);
    }

    private void record(Kind kind, String argument, String type, long nanos, boolean success) {
        Checks.identifier(argument, type, MAX_TYPE_CHARS, "com.example.Deposit");
        if (nanos < 0) {
            throw new InvalidInputException("durationNanos", "durationNanos must not be negative but was " + nanos);
        }
        String recorded = kind.admit(type);
        if (flusher != null) {
            kind.pending.add(recorded, nanos, success);
            return;
        }
        write(kind, List.of(new PendingSamples.Sum(recorded, 1, success ? 0 : 1, nanos, nanos)), 1);
    }

    /** Adds sums to Redis in one pipelined {@code MULTI ... EXEC}; on a failure drops and counts the samples. */
    private void write(Kind kind, List<PendingSamples.Sum> sums, long samples) {
        if (clock.millis() < skipUntilMillis.get()) {
            drop(droppedRecords, samples);
            return;
        }
        try {
            Connection c = redis.connection(kind.countsKey);
            try (Pipeline p = new Pipeline(c, false)) {
                p.sendCommand(new CommandArguments(Protocol.Command.MULTI));
                for (PendingSamples.Sum sum : sums) {
                    p.hincrBy(kind.countsKey, field("c:", sum.type()), sum.count());
                    if (sum.failures() > 0) {
                        p.hincrBy(kind.countsKey, field("f:", sum.type()), sum.failures());
                    }
                    p.hincrBy(kind.countsKey, field("t:", sum.type()), sum.nanos());
                    p.zadd(kind.maxKey, sum.maxNanos(), sum.type().getBytes(StandardCharsets.UTF_8),
                            ZAddParams.zAddParams().gt());
                }
                p.pexpire(kind.countsKey, window.toMillis(), ExpiryOption.NX);
                p.pexpire(kind.maxKey, window.toMillis(), ExpiryOption.NX);
                Response<Object> exec = p.sendCommand(new CommandArguments(Protocol.Command.EXEC));
                p.sync();
                if (exec.get() instanceof List<?> results) {
                    for (Object r : results) {
                        if (r instanceof RuntimeException e) {
                            throw e;
                        }
                    }
                }
            } finally {
                c.close();
            }
            succeeded();
        } catch (RuntimeException e) {
            if (e instanceof JedisRedirectionException) {
                redis.reroute(kind.countsKey);
            }
            failed(e, "recording " + kind.name.substring(0, kind.name.length() - 1) + " executions");
            drop(droppedRecords, samples);
        }
    }

    /**
     * Sends the samples this process recorded since the last flush, when the collector batches
     * ({@code RedisMetricsCollectorBuilder.batchEvery}); a no-op otherwise. Summaries flush first, so a node
     * reads its own samples. Never throws for a Redis failure: the samples are dropped and counted.
     */
    public void flush() {
        for (Kind kind : new Kind[] {commands, queries}) {
            List<PendingSamples.Sum> sums = kind.pending.drain();
            if (!sums.isEmpty()) {
                write(kind, sums, sums.stream().mapToLong(PendingSamples.Sum::count).sum());
            }
        }
    }

    private void flushQuietly() {
        try {
            flush();
        } catch (RuntimeException e) {
            LOG.warn("Metrics in Redis at {}: a flush failed: {}", connection.endpointText(), e.toString());
        }
    }

    private static byte[] field(String prefix, String type) {
        return (prefix + type).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * {@inheritDoc}
     *
     * <p>Every node's executions in the current window. Empty when Redis fails (logged and counted).
     */
    @Override
    public Map<String, ExecutionSummary> commandSummaries() {
        return summaries(commands);
    }

    /**
     * {@inheritDoc}
     *
     * <p>Every node's executions in the current window. Empty when Redis fails (logged and counted).
     */
    @Override
    public Map<String, ExecutionSummary> querySummaries() {
        return summaries(queries);
    }

    private Map<String, ExecutionSummary> summaries(Kind kind) {
        flush();
        if (clock.millis() < skipUntilMillis.get()) {
            drop(failedReads);
            return Map.of();
        }
        Map<String, String> counts;
        List<Tuple> max;
        try {
            counts = redis.jedis().hgetAll(kind.counts);
            max = redis.jedis().zrangeWithScores(kind.max, 0, -1);
            succeeded();
        } catch (RuntimeException e) {
            failed(e, "reading the " + kind.name + " summaries");
            drop(failedReads);
            return Map.of();
        }
        Map<String, long[]> byType = new TreeMap<>();
        try {
            counts.forEach((field, value) -> {
                if (field.length() > 2 && field.charAt(1) == ':') {
                    long[] v = byType.computeIfAbsent(field.substring(2), t -> new long[4]);
                    int slot = "cft".indexOf(field.charAt(0));
                    if (slot >= 0) {
                        v[slot] = Long.parseLong(value);
                    }
                }
            });
        } catch (NumberFormatException e) {
            LOG.warn("Metrics in Redis at {}: the hash {} holds a value that is not a number; it is ignored until "
                    + "its window ends", connection.endpointText(), kind.counts);
            drop(failedReads);
            return Map.of();
        }
        for (Tuple t : max) {
            long[] v = byType.get(t.getElement());
            if (v != null) {
                v[3] = (long) t.getScore();
            }
        }
        Map<String, ExecutionSummary> out = new java.util.LinkedHashMap<>();
        byType.forEach((type, v) -> {
            if (v[0] > 0) {
                out.put(type, new ExecutionSummary(type, v[0], v[1], v[2], v[3]));
            }
        });
        return Collections.unmodifiableMap(out);
    }

    private void succeeded() {
        if (failing.compareAndSet(true, false)) {
            LOG.info("Metrics in Redis at {} answer again", connection.endpointText());
        }
    }

    private void failed(RuntimeException e, String operation) {
        boolean transientFailure = RedisKeyClient.isTransient(e) && !(e instanceof JedisRedirectionException);
        if (transientFailure) {
            skipUntilMillis.set(clock.millis() + retryAfterFailure.toMillis());
            redis.clearIdleConnections();
        }
        if (failing.compareAndSet(false, true)) {
            LOG.warn("Metrics in Redis at {} (prefix '{}'): {} failed ({}); samples are dropped and counted until "
                    + "Redis answers{}", connection.endpointText(), keyPrefix, operation, connection.describe(e),
                    transientFailure ? ", Redis is left alone for " + retryAfterFailure : "");
        } else {
            LOG.debug("Metrics in Redis at {}: {} failed again: {}", connection.endpointText(), operation,
                    connection.describe(e));
        }
    }

    private void drop(Counter counter) {
        drop(counter, 1);
    }

    private void drop(Counter counter, long samples) {
        dropped.addAndGet(samples);
        counter.increment(samples);
    }

    /**
     * Returns the aggregate statistics: a {@link RedisAggregateStats} on the same server, prefix and window,
     * closed with this collector.
     *
     * @return the statistics
     */
    @Override
    public AggregateStats aggregateStats() {
        return aggregateStats;
    }

    @Override
    public int maxTypes() {
        return maxTypes;
    }

    /**
     * Returns how many executions were not recorded, and summaries not read, because Redis failed or was being
     * left alone after a failure (the aggregate statistics count theirs apart).
     *
     * @return the count since this instance was built
     */
    public long droppedSamples() {
        return dropped.get();
    }

    /**
     * Returns the window: how long the summaries are kept from their first sample.
     *
     * @return the window
     */
    public Duration window() {
        return window;
    }

    /**
     * Returns the key prefix.
     *
     * @return the prefix
     */
    public String keyPrefix() {
        return keyPrefix;
    }

    /** The keys of one kind, for tests: counts hash, then max sorted set. */
    List<String> keysOf(boolean commandsKind) {
        Kind k = commandsKind ? commands : queries;
        return List.of(k.counts, k.max);
    }

    /** Stops the flusher (sending what is pending), then closes both connection pools. */
    @Override
    public void close() {
        try {
            if (flusher != null && !flusher.isShutdown()) {
                flusher.shutdown();
                try {
                    flusher.awaitTermination(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                flush();
            }
            redis.close();
        } finally {
            aggregateStats.close();
        }
    }

    /** The settings, without credentials. */
    @Override
    public String toString() {
        return "RedisMetricsCollector[" + connection + ", prefix=" + keyPrefix + ", window=" + window + ", maxTypes="
                + maxTypes + "]";
    }
}
