package io.modularddd.eventstore.redis;

import io.modularddd.core.StoredEvent;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.exceptions.JedisAccessControlException;
import redis.clients.jedis.exceptions.JedisClusterException;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * The hot tier's rules for Redis failures, in one place: whether Redis may be used now
 * ({@link #ready()}: back-off over, repairs done), how a failure is classified and logged
 * ({@link #redisFailed}: a connection-level failure starts a back-off, an error about one key does
 * not), when Redis counts as back ({@link #redisSucceeded()}), and what happens to a stream key that
 * must go ({@link #dropOrPend}: dropped now, or remembered in {@link HotTierState} and dropped by the
 * repair that runs before Redis is used again — one batch per caller, or a purge of the whole prefix
 * once too many keys pile up). ADR 0202 records why drops are deferred and how the back-off works.
 *
 * <p>Redis is a cache here, so nothing in this class throws for a Redis failure. Log lines name the
 * endpoint without credentials and mask the password in failure texts. Thread-safe; repairs run in
 * the caller that finds them due, one caller at a time.
 */
final class HotTierFailurePolicy {

    private static final Logger LOG = LoggerFactory.getLogger(RedisHotTier.class);

    /** Keys remembered for a deferred drop before the tier falls back to dropping the whole prefix. */
    static final int MAX_PENDING_DROPS = 100_000;
    /** Deferred drops done by one caller, in one pipeline. */
    static final int REPAIR_BATCH = 1_000;

    private final HotTierSettings settings;
    private final StreamKeys keys;
    private final HotTierState state;
    private final HotTierMetrics metrics;
    private final RedisOps ops;

    /**
     * @param ops the Redis commands; null when the tier is disabled (then Redis is never ready)
     */
    HotTierFailurePolicy(HotTierSettings settings, StreamKeys keys, HotTierState state, HotTierMetrics metrics,
                         RedisOps ops) {
        this.settings = settings;
        this.keys = keys;
        this.state = state;
        this.metrics = metrics;
        this.ops = ops;
    }

    /**
     * Tells whether Redis may be used now; repairs first (deferred drops, purge) when that is due.
     */
    boolean ready() {
        if (!settings.enabled() || !state.backoffOver()) {
            return false;
        }
        if (state.needsRepair()) {
            repair();
        }
        return state.backoffOver() && !state.purgeRequired();
    }

    /** Whether reads of this stream must bypass Redis: its key waits to be dropped (or a purge is due). */
    boolean bypasses(StreamKey key) {
        return state.isPending(key);
    }

    /** The purge generation: a reader that saw another one before its backfill must not backfill. */
    long generation() {
        return state.generation();
    }

    /** Remembers a key to drop before Redis is used again (Redis was not asked). */
    void pend(StreamKey key) {
        state.pend(key);
    }

    /** The back-off and pending-drop state, for tests of this package. */
    HotTierState state() {
        return state;
    }

    private void repair() {
        if (!state.repairLock().tryLock()) {
            return; // another caller repairs; pending keys stay bypassed until it is done
        }
        try {
            if (state.purgeRequired()) {
                Set<StreamKey> covered = new HashSet<>(state.pendingKeys());
                long n = ops.dropAll(keys.scanPattern(), settings.ttlMillis());
                state.purged(covered);
                metrics.drop("purge");
                LOG.info("Redis hot tier at {} (prefix '{}'): dropped all {} stream key(s) after more than {} "
                        + "deferred drops had piled up", endpointText(), keys.prefix(), n, MAX_PENDING_DROPS);
            }
            // at most REPAIR_BATCH keys per caller, in one round trip; callers after it go on with the rest
            List<StreamKey> batch = new ArrayList<>(Math.min(state.pendingCount(), REPAIR_BATCH));
            for (StreamKey key : state.pendingKeys()) {
                if (batch.size() == REPAIR_BATCH) {
                    break;
                }
                batch.add(key);
            }
            ops.dropMany(batch, settings.ttlMillis());
            for (StreamKey key : batch) {
                state.dropped(key);
                metrics.drop("deferred");
            }
            redisSucceeded();
        } catch (RuntimeException e) {
            metrics.writeFailure("drop");
            redisFailed(e, "drop");
        } finally {
            state.repairLock().unlock();
        }
    }

    /** Drops a key now when Redis is usable, else remembers it; never throws. */
    void dropOrPend(StreamKey key, String reason) {
        if (!settings.enabled()) {
            return;
        }
        if (!ready()) {
            state.pend(key);
            return;
        }
        try {
            ops.drop(key, settings.ttlMillis());
            state.dropped(key);
            metrics.drop(reason);
            redisSucceeded();
        } catch (RuntimeException e) {
            metrics.writeFailure("drop");
            redisFailed(e, "drop");
            state.pend(key);
        }
    }

    /**
     * A lazily decoded payload's Redis copy did not decode (ADR 0204): logs it and drops the stream's key,
     * as for a damaged member found while reading. Runs whenever the caller first asks for the payload,
     * possibly after the tier was closed; never throws.
     */
    void payloadUndecodable(StreamKey key, StoredEvent event, RuntimeException failure) {
        LOG.warn("Redis hot tier at {}: the payload of event '{}' (version {} of stream '{}') does not decode from "
                + "its Redis copy ({}); the stream's key is dropped and the event is read from the warm tier",
                endpointText(), event.eventType(), event.version(), event.aggregateId().value(), describe(failure));
        try {
            dropOrPend(key, "anomaly");
        } catch (RuntimeException e) {
            // e.g. the tier was closed since the load; the key expires with its TTL
            LOG.debug("Redis hot tier at {}: dropping the key of stream '{}' failed: {}", endpointText(),
                    event.aggregateId().value(), describe(e));
        }
    }

    /**
     * Handles a Redis failure.
     *
     * @return true when it was a connection-level failure (Redis unreachable, timing out, refusing
     *         us): the tier then backs off; false for an error about one key (wrong type, out of memory)
     */
    boolean redisFailed(RuntimeException e, String operation) {
        boolean connection = !(e instanceof JedisDataException) || e instanceof JedisAccessControlException
                || e instanceof JedisClusterException;
        if (!connection) {
            LOG.debug("Redis hot tier at {}: {} failed: {}", endpointText(), operation, describe(e));
            return false;
        }
        if (state.failed()) {
            LOG.warn("Redis hot tier at {} is unavailable ({} failed: {}); loads use the warm tier and post-commit "
                    + "writes are deferred; retrying after {}", endpointText(), operation, describe(e),
                    settings.retryAfterFailure());
        } else {
            LOG.debug("Redis hot tier at {}: {} failed again: {}", endpointText(), operation, describe(e));
        }
        ops.clearIdleConnections();
        return true;
    }

    /** Records a successful Redis call; logs the way back after a back-off. */
    void redisSucceeded() {
        if (state.succeeded()) {
            LOG.info("Redis hot tier at {} answers again", endpointText());
        }
    }

    /** A failure's class and message, with the configured password (if any) masked out. */
    String describe(Throwable e) {
        return settings.describe(e);
    }

    /** Where Redis is, without credentials. */
    String endpointText() {
        return settings.endpointText();
    }
}
