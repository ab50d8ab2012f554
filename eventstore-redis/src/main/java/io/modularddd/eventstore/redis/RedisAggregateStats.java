package io.modularddd.eventstore.redis;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.modularddd.core.AggregateId;
import io.modularddd.core.InvalidInputException;
import io.modularddd.core.internal.Checks;
import io.modularddd.core.snapshot.AggregateStatistics;
import io.modularddd.core.snapshot.AggregateStats;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.CommandArguments;
import redis.clients.jedis.Connection;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.Response;
import redis.clients.jedis.args.ExpiryOption;
import redis.clients.jedis.exceptions.JedisRedirectionException;

/**
 * {@link AggregateStats} kept in Redis, so that every node of a cluster sees the same access frequency
 * of an aggregate. Start with {@link #builder()}.
 *
 * <h2>Layout and window</h2>
 * An aggregate's counters are the hash {@code <prefix>:{<encoded id>}:stats} (the id percent-encoded and
 * hash-tagged as the hot tier's and the snapshot store's keys are) with the fields {@code start} (when
 * the window began, epoch milliseconds), {@code loads}, {@code load_nanos}, {@code replayed},
 * {@code appended} and {@code appended_bytes}. A sample is one {@code MULTI; HSETNX start; HINCRBY ...;
 * PEXPIRE key window NX; EXEC}, pipelined into one round trip: the first sample of a window creates the
 * hash and gives it the window as its TTL, later samples only add to it, and when the TTL runs out the
 * next sample starts a new window. So the statistics cover at most one window (a tumbling window, started
 * by the first sample). {@code PEXPIRE ... NX} needs Redis 7.0 or later. No Lua, no KEYS.
 *
 * <h2>Never failing the caller</h2>
 * {@link #recordLoad} and {@link #recordAppend} never throw for a Redis failure: the sample is dropped and
 * counted ({@link #droppedSamples()}, meter {@code modularddd.aggregate_stats.dropped}); the first failure
 * after a success is logged at WARN, the rest of an outage at DEBUG. After a connection failure Redis is
 * left alone for {@code retryAfterFailure}, so a dead server costs one timeout, not one per call.
 * {@link #statistics} answers {@link AggregateStatistics#NONE} when Redis fails (logged and counted the
 * same way). Bad arguments (null id, negative counts) are {@link InvalidInputException}s. Thread-safe.
 */
public final class RedisAggregateStats implements AggregateStats, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RedisAggregateStats.class);

    /** Default length of a window, and the TTL of a statistics hash: 5 minutes. */
    public static final Duration DEFAULT_WINDOW = Duration.ofMinutes(5);
    /** Default key prefix. */
    public static final String DEFAULT_KEY_PREFIX = "modularddd:stats";
    /** Default connect timeout. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofMillis(250);
    /** Default read timeout. */
    public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofMillis(250);
    /** Default pool size (per node on a cluster). */
    public static final int DEFAULT_MAX_CONNECTIONS = 8;
    /** Default pause after a connection failure. */
    public static final Duration DEFAULT_RETRY_AFTER_FAILURE = Duration.ofSeconds(1);
    /**
     * The shortest span loads per second are computed over: one load just after a window began does not
     * read as a burst (or the whole window, when it is shorter).
     */
    public static final Duration MIN_RATE_SPAN = Duration.ofMinutes(1);
    /** Prefix of the meters. */
    public static final String METER_PREFIX = "modularddd.aggregate_stats.";

    static final String START = "start";
    static final String LOADS = "loads";
    static final String LOAD_NANOS = "load_nanos";
    static final String REPLAYED = "replayed";
    static final String APPENDED = "appended";
    static final String APPENDED_BYTES = "appended_bytes";
    private static final byte[][] FIELDS = fields(START, LOADS, LOAD_NANOS, REPLAYED, APPENDED, APPENDED_BYTES);

    private final RedisConnection connection;
    private final String keyPrefix;
    private final Duration window;
    private final Duration retryAfterFailure;
    private final Clock clock;
    private final RedisKeyClient redis;
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicBoolean failing = new AtomicBoolean();
    private final AtomicLong skipUntilMillis = new AtomicLong(Long.MIN_VALUE);
    private final Counter droppedLoads;
    private final Counter droppedAppends;
    private final Counter failedReads;

    RedisAggregateStats(RedisConnection connection, String keyPrefix, Duration window, Duration retryAfterFailure,
                        Clock clock, MeterRegistry meters) {
        this.connection = connection;
        this.keyPrefix = keyPrefix;
        this.window = window;
        this.retryAfterFailure = retryAfterFailure;
        this.clock = clock;
        this.droppedLoads = dropCounter(meters, keyPrefix, "record_load");
        this.droppedAppends = dropCounter(meters, keyPrefix, "record_append");
        this.failedReads = dropCounter(meters, keyPrefix, "statistics");
        this.redis = connection.open();
    }

    private static Counter dropCounter(MeterRegistry meters, String prefix, String operation) {
        return Counter.builder(METER_PREFIX + "dropped").tag("stats", prefix).tag("operation", operation)
                .description("samples dropped and statistics not read because Redis failed").register(meters);
    }

    private static byte[][] fields(String... names) {
        byte[][] bytes = new byte[names.length][];
        for (int i = 0; i < names.length; i++) {
            bytes[i] = names[i].getBytes(StandardCharsets.US_ASCII);
        }
        return bytes;
    }

    /**
     * Starts configuring aggregate statistics in Redis.
     *
     * @return a builder
     */
    public static RedisAggregateStatsBuilder builder() {
        return new RedisAggregateStatsBuilder();
    }

    /** The key of an aggregate's statistics hash; the layout is documented in {@code docs/redis-snapshots.md}. */
    String keyOf(AggregateId id) {
        return keyPrefix + ":{" + StreamKeys.encode(id.value()) + "}:stats";
    }

    /**
     * {@inheritDoc}
     *
     * <p>Never throws for a Redis failure: the sample is dropped, logged and counted.
     *
     * @throws InvalidInputException when the id or type is null, or a count is negative
     */
    @Override
    public void recordLoad(AggregateId aggregateId, String aggregateType, long eventsReplayed, long loadNanos) {
        check(aggregateId, aggregateType, "eventsReplayed", eventsReplayed, "loadNanos", loadNanos);
        record(aggregateId, droppedLoads, "recording a load", LOADS, 1, LOAD_NANOS, loadNanos, REPLAYED,
                eventsReplayed);
    }

    /**
     * {@inheritDoc}
     *
     * <p>Never throws for a Redis failure: the sample is dropped, logged and counted.
     *
     * @throws InvalidInputException when the id or type is null, or a count is negative
     */
    @Override
    public void recordAppend(AggregateId aggregateId, String aggregateType, long events, long bytes) {
        check(aggregateId, aggregateType, "events", events, "bytes", bytes);
        record(aggregateId, droppedAppends, "recording an append", APPENDED, events, APPENDED_BYTES, bytes, null, 0);
    }

    private static void check(AggregateId id, String type, String first, long a, String second, long b) {
        Checks.notNull("aggregateId", id);
        Checks.notNull("aggregateType", type);
        if (a < 0 || b < 0) {
            String name = a < 0 ? first : second;
            throw new InvalidInputException(name, name + " must not be negative but was " + (a < 0 ? a : b)
                    + " (aggregate '" + id.value() + "')");
        }
    }

    private void record(AggregateId id, Counter droppedCounter, String operation, String f1, long v1, String f2,
                        long v2, String f3, long v3) {
        if (!ready()) {
            drop(droppedCounter);
            return;
        }
        String key = keyOf(id);
        byte[] k = key.getBytes(StandardCharsets.UTF_8);
        try {
            Connection c = redis.connection(key);
            try (Pipeline p = new Pipeline(c, false)) {
                p.sendCommand(new CommandArguments(Protocol.Command.MULTI));
                p.hsetnx(k, FIELDS[0], Long.toString(clock.millis()).getBytes(StandardCharsets.US_ASCII));
                p.hincrBy(k, f1.getBytes(StandardCharsets.US_ASCII), v1);
                p.hincrBy(k, f2.getBytes(StandardCharsets.US_ASCII), v2);
                if (f3 != null) {
                    p.hincrBy(k, f3.getBytes(StandardCharsets.US_ASCII), v3);
                }
                p.pexpire(k, window.toMillis(), ExpiryOption.NX);
                Response<Object> exec = p.sendCommand(new CommandArguments(Protocol.Command.EXEC));
                p.sync();
                Object reply = exec.get();
                if (reply instanceof List<?> results) {
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
                redis.reroute(k); // the next sample goes to the slot's new owner
            }
            failed(e, operation, id);
            drop(droppedCounter);
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>The averages are over the samples of the current window; loads per second are its loads over the
     * time since it began (at least {@link #MIN_RATE_SPAN}, at most the window). When Redis fails, or the
     * hash holds something else than numbers, the answer is {@link AggregateStatistics#NONE} (logged and
     * counted).
     *
     * @throws InvalidInputException when the id is null
     */
    @Override
    public AggregateStatistics statistics(AggregateId aggregateId) {
        Checks.notNull("aggregateId", aggregateId);
        if (!ready()) {
            drop(failedReads);
            return AggregateStatistics.NONE;
        }
        List<byte[]> values;
        try {
            values = redis.jedis().hmget(keyOf(aggregateId).getBytes(StandardCharsets.UTF_8), FIELDS);
            succeeded();
        } catch (RuntimeException e) {
            failed(e, "reading the statistics", aggregateId);
            drop(failedReads);
            return AggregateStatistics.NONE;
        }
        try {
            long start = number(values.get(0), -1);
            long loads = number(values.get(1), 0);
            long loadNanos = number(values.get(2), 0);
            long replayed = number(values.get(3), 0);
            long appended = number(values.get(4), 0);
            long appendedBytes = number(values.get(5), 0);
            if (loads == 0 && appended == 0) {
                return AggregateStatistics.NONE;
            }
            long windowMillis = window.toMillis();
            long elapsed = start < 0 ? windowMillis : clock.millis() - start;
            long span = Math.min(windowMillis, Math.max(elapsed, MIN_RATE_SPAN.toMillis()));
            return new AggregateStatistics(loads, loads == 0 ? 0 : (double) loadNanos / loads,
                    loads == 0 ? 0 : (double) replayed / loads, appended == 0 ? 0 : (double) appendedBytes / appended,
                    loads * 1000.0 / span);
        } catch (NumberFormatException e) {
            LOG.warn("Aggregate statistics in Redis at {}: the hash of aggregate '{}' holds a value that is not a "
                    + "number; it is ignored until its window ends", connection.endpointText(), aggregateId.value());
            drop(failedReads);
            return AggregateStatistics.NONE;
        }
    }

    private static long number(byte[] value, long absent) {
        return value == null ? absent : Long.parseLong(new String(value, StandardCharsets.US_ASCII));
    }

    private boolean ready() {
        return clock.millis() >= skipUntilMillis.get();
    }

    private void succeeded() {
        if (failing.compareAndSet(true, false)) {
            LOG.info("Aggregate statistics in Redis at {} answer again", connection.endpointText());
        }
    }

    private void failed(RuntimeException e, String operation, AggregateId id) {
        // a moved slot was rerouted already: no reason to leave Redis alone
        boolean transientFailure = RedisKeyClient.isTransient(e) && !(e instanceof JedisRedirectionException);
        if (transientFailure) {
            skipUntilMillis.set(clock.millis() + retryAfterFailure.toMillis());
            redis.clearIdleConnections();
        }
        if (failing.compareAndSet(false, true)) {
            LOG.warn("Aggregate statistics in Redis at {} (prefix '{}'): {} of aggregate '{}' failed ({}); samples "
                    + "are dropped and counted until Redis answers{}", connection.endpointText(), keyPrefix,
                    operation, id.value(), connection.describe(e),
                    transientFailure ? ", Redis is left alone for " + retryAfterFailure : "");
        } else {
            LOG.debug("Aggregate statistics in Redis at {}: {} of aggregate '{}' failed again: {}",
                    connection.endpointText(), operation, id.value(), connection.describe(e));
        }
    }

    private void drop(Counter counter) {
        dropped.incrementAndGet();
        counter.increment();
    }

    /**
     * Returns how many samples were dropped, and statistics not read, because Redis failed or was being
     * left alone after a failure.
     *
     * @return the count since this instance was built
     */
    public long droppedSamples() {
        return dropped.get();
    }

    /**
     * Returns the window: how long the counters of an aggregate are kept from its first sample.
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

    /** Closes the connection pool. */
    @Override
    public void close() {
        redis.close();
    }

    /** The settings, without credentials. */
    @Override
    public String toString() {
        return "RedisAggregateStats[" + connection + ", prefix=" + keyPrefix + ", window=" + window
                + ", retryAfterFailure=" + retryAfterFailure + "]";
    }
}
