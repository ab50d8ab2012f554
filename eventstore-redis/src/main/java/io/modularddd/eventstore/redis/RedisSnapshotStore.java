package io.modularddd.eventstore.redis;

import io.modularddd.core.AggregateId;
import io.modularddd.core.EventStoreException;
import io.modularddd.core.InvalidInputException;
import io.modularddd.core.internal.Checks;
import io.modularddd.core.snapshot.Snapshot;
import io.modularddd.core.snapshot.SnapshotStore;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import redis.clients.jedis.CommandArguments;
import redis.clients.jedis.Connection;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisRedirectionException;
import redis.clients.jedis.params.SetParams;

/**
 * A {@link SnapshotStore} in Redis: the newest snapshot of each aggregate under one key with a TTL.
 * Start with {@link #builder()}.
 *
 * <h2>Layout</h2>
 * The snapshot of aggregate {@code id} is the string key {@code <prefix>:{<encoded id>}:snap}, where the
 * id is percent-encoded over its UTF-8 bytes exactly as the hot tier's keys are; the braces make it the
 * key's hash tag, so on Redis Cluster an aggregate's snapshot, its statistics and its hot-tier stream
 * (under the same encoding) hash to one slot. The value is a binary envelope (format byte, version,
 * schema version, created-at, type, id, state, checksums) described in {@code docs/redis-snapshots.md}.
 * Every save sets the key's TTL anew: a snapshot is derived data, and one not refreshed within the TTL
 * costs a replay, never correctness.
 *
 * <h2>The newest wins, without Lua</h2>
 * A save is a compare-and-set on the version: {@code WATCH key}, {@code GETRANGE key 0 14} (the
 * checksummed header, not the state), then — unless a higher version is stored — {@code MULTI; SET key
 * value PX ttl; EXEC}. When another writer changed the key in between, the EXEC is refused and the save
 * starts again, up to {@code maxSaveAttempts} times with a short random pause; then it fails with a
 * transient {@link EventStoreException}. A save of an older version than the stored one changes nothing.
 * Only {@code WATCH}, {@code UNWATCH}, {@code MULTI}, {@code EXEC}, {@code GETRANGE}, {@code SET},
 * {@code GET}, {@code UNLINK} and {@code EXISTS} are sent: it works on a server with {@code EVAL},
 * {@code KEYS} and {@code FLUSH*} renamed away.
 *
 * <h2>Failures</h2>
 * A Redis failure is an {@link EventStoreException} naming the operation, the aggregate and the endpoint
 * (never the password), with {@link EventStoreException#isTransient()} true when repeating may help
 * (connection refused or lost, timeout, cluster resharding). A <b>damaged stored value</b> — one that is
 * not a whole snapshot of this aggregate in this format — makes {@link #newest} throw a non-transient
 * {@link EventStoreException} naming the aggregate and saying why; it is never returned, and the next
 * save of any version replaces it. Thread-safe.
 */
public final class RedisSnapshotStore implements SnapshotStore {

    /** Default time to live of a snapshot key, refreshed by every save: 7 days. */
    public static final Duration DEFAULT_TTL = Duration.ofDays(7);
    /** Default key prefix. */
    public static final String DEFAULT_KEY_PREFIX = "modularddd:snap";
    /** Default connect timeout. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofMillis(500);
    /** Default read timeout: longer than the hot tier's, a state may be megabytes. */
    public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(2);
    /** Default pool size (per node on a cluster). */
    public static final int DEFAULT_MAX_CONNECTIONS = 8;
    /** Default number of compare-and-set attempts of one save. */
    public static final int DEFAULT_MAX_SAVE_ATTEMPTS = 32;

    private final RedisConnection connection;
    private final String keyPrefix;
    private final Duration ttl;
    private final int maxSaveAttempts;
    private final RedisKeyClient redis;
    /** Runs between a save's read of the stored version and its write; tests put a rival writer here. */
    private volatile Runnable betweenReadAndWrite = () -> { };

    RedisSnapshotStore(RedisConnection connection, String keyPrefix, Duration ttl, int maxSaveAttempts) {
        this.connection = connection;
        this.keyPrefix = keyPrefix;
        this.ttl = ttl;
        this.maxSaveAttempts = maxSaveAttempts;
        this.redis = connection.open();
    }

    /**
     * Starts configuring a store.
     *
     * @return a builder
     */
    public static RedisSnapshotStoreBuilder builder() {
        return new RedisSnapshotStoreBuilder();
    }

    /** For tests: what runs between a save's compare-and-set read and its MULTI/EXEC. */
    void betweenReadAndWrite(Runnable action) {
        betweenReadAndWrite = action;
    }

    /** The key of an aggregate's snapshot; the layout is documented in {@code docs/redis-snapshots.md}. */
    String keyOf(AggregateId id) {
        return keyPrefix + ":{" + StreamKeys.encode(id.value()) + "}:snap";
    }

    /**
     * {@inheritDoc}
     *
     * <p>Keeps the snapshot unless a higher version is stored; sets the key's TTL.
     *
     * @throws InvalidInputException when the snapshot is null
     * @throws EventStoreException   when Redis fails, or other writers kept changing the key through
     *                               every attempt (transient: retry)
     */
    @Override
    public void save(Snapshot snapshot) {
        Checks.notNull("snapshot", snapshot);
        AggregateId id = snapshot.aggregateId();
        String key = keyOf(id);
        byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
        byte[] value = SnapshotCodec.encode(snapshot);
        for (int attempt = 1; ; attempt++) {
            try {
                if (trySave(key, keyBytes, snapshot.version(), value)) {
                    return;
                }
            } catch (JedisRedirectionException e) {
                // the slot moved: the per-slot connection does not follow MOVED/ASK; learn the new owner, retry
                if (!redis.reroute(keyBytes) || attempt >= maxSaveAttempts) {
                    throw failure("saving the snapshot (version " + snapshot.version() + ") of", id, e);
                }
                continue;
            } catch (RuntimeException e) {
                throw failure("saving the snapshot (version " + snapshot.version() + ") of", id, e);
            }
            if (attempt >= maxSaveAttempts) {
                throw new EventStoreException("Saving the snapshot (version " + snapshot.version() + ") of aggregate '"
                        + id.value() + "' in Redis at " + connection.endpointText() + " gave up after " + attempt
                        + " attempts: other writers changed its key between every read and write. Retry, or raise "
                        + "maxSaveAttempts.", null, true);
            }
            // spread the contenders out a little: the next attempt reads what the winner wrote
            LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(TimeUnit.MICROSECONDS.toNanos(
                    50L * Math.min(attempt, 20)) + 1));
        }
    }

    /**
     * One compare-and-set: WATCH and read the stored header in one round trip, then the MULTI/SET/EXEC
     * in a second one (or UNWATCH when a higher version is stored).
     *
     * @return false when the EXEC was refused because the key changed after the WATCH
     */
    private boolean trySave(String key, byte[] keyBytes, long version, byte[] value) {
        Connection c = redis.connection(key);
        boolean watching = false;
        try (Pipeline p = new Pipeline(c, false)) {
            Response<Object> watch = p.sendCommand(new CommandArguments(Protocol.Command.WATCH).key(keyBytes));
            watching = true;
            Response<byte[]> header = p.getrange(keyBytes, 0, SnapshotCodec.HEADER_BYTES - 1);
            p.sync();
            watch.get();
            long stored;
            try {
                stored = SnapshotCodec.peekVersion(header.get());
            } catch (JedisDataException e) {
                if (!String.valueOf(e.getMessage()).startsWith("WRONGTYPE")) {
                    throw e;
                }
                stored = SnapshotCodec.DAMAGED; // another type under our key: not a snapshot, replace it
            }
            if (stored > version) {
                p.sendCommand(new CommandArguments(Protocol.Command.UNWATCH));
                p.sync();
                watching = false;
                return true;
            }
            betweenReadAndWrite.run();
            p.sendCommand(new CommandArguments(Protocol.Command.MULTI));
            p.set(keyBytes, value, SetParams.setParams().px(ttl.toMillis()));
            Response<Object> exec = p.sendCommand(new CommandArguments(Protocol.Command.EXEC));
            p.sync();
            watching = false;
            Object reply = exec.get();
            if (reply == null) {
                return false;
            }
            if (reply instanceof List<?> results) {
                for (Object r : results) {
                    if (r instanceof RuntimeException e) {
                        throw e;
                    }
                }
            }
            return true;
        } catch (RuntimeException e) {
            if (watching) {
                c.setBroken(); // never hand a connection with a live WATCH back to the pool
            }
            throw e;
        } finally {
            c.close();
        }
    }

    /**
     * {@inheritDoc}
     *
     * @throws InvalidInputException when the id is null
     * @throws EventStoreException   when Redis fails (transient when repeating may help), or the stored
     *                               value is damaged (not transient; the message names the aggregate and
     *                               why; the next save replaces the value)
     */
    @Override
    public Optional<Snapshot> newest(AggregateId aggregateId) {
        Checks.notNull("aggregateId", aggregateId);
        String key = keyOf(aggregateId);
        byte[] value;
        try {
            value = redis.jedis().get(key.getBytes(StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            throw failure("reading the snapshot of", aggregateId, e);
        }
        if (value == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(SnapshotCodec.decode(value, aggregateId));
        } catch (SnapshotCodec.DamagedValueException e) {
            throw new EventStoreException("The snapshot of aggregate '" + aggregateId.value() + "' in Redis at "
                    + connection.endpointText() + " (key '" + key + "') is damaged: " + e.getMessage()
                    + ". It is not used: rebuild the aggregate from its events; the next save replaces the value, "
                    + "or delete(id) removes it.", e, false);
        }
    }

    /**
     * {@inheritDoc}
     *
     * @throws InvalidInputException when the id is null
     * @throws EventStoreException   when Redis fails
     */
    @Override
    public void delete(AggregateId aggregateId) {
        Checks.notNull("aggregateId", aggregateId);
        try {
            redis.jedis().unlink(keyOf(aggregateId).getBytes(StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            throw failure("deleting the snapshot of", aggregateId, e);
        }
    }

    private EventStoreException failure(String what, AggregateId id, RuntimeException e) {
        boolean transientFailure = RedisKeyClient.isTransient(e);
        if (transientFailure) {
            redis.clearIdleConnections();
        }
        return new EventStoreException(Character.toUpperCase(what.charAt(0)) + what.substring(1) + " aggregate '"
                + id.value() + "' in Redis at " + connection.endpointText() + " (prefix '" + keyPrefix + "') failed: "
                + connection.describe(e) + (transientFailure ? ". Retry once Redis answers." : "."), e,
                transientFailure);
    }

    /**
     * Returns the key prefix.
     *
     * @return the prefix
     */
    public String keyPrefix() {
        return keyPrefix;
    }

    /**
     * Returns the time to live a save gives a snapshot's key.
     *
     * @return the TTL
     */
    public Duration ttl() {
        return ttl;
    }

    /** Closes the connection pool. */
    @Override
    public void close() {
        redis.close();
    }

    /** The settings, without credentials. */
    @Override
    public String toString() {
        return "RedisSnapshotStore[" + connection + ", prefix=" + keyPrefix + ", ttl=" + ttl + ", maxSaveAttempts="
                + maxSaveAttempts + "]";
    }
}
