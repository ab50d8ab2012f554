package io.modularddd.eventstore.redis;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Consumer;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.CommandArguments;
import redis.clients.jedis.Connection;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.Response;
import redis.clients.jedis.ScanIteration;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.SetParams;
import redis.clients.jedis.params.ZRangeParams;
import redis.clients.jedis.resps.Tuple;

/**
 * Every Redis command the hot tier sends, for a standalone server ({@link RedisClient}) or a cluster
 * ({@link RedisClusterClient}) alike. No Lua, no KEYS, no FLUSHDB/FLUSHALL: only ZADD, ZREMRANGEBYSCORE,
 * ZRANGE (BYSCORE), ZRANGE, PEXPIRE, GET, SET, DEL, WATCH/UNWATCH, MULTI/EXEC and SCAN/UNLINK, so it works
 * on a server whose dangerous commands are renamed away.
 *
 * <h2>Per-stream transactions</h2>
 * Writes to one stream run as one pipelined {@code MULTI ... EXEC} on a connection to the node that
 * owns the stream's slot (both keys of a stream share a hash tag, see {@link StreamKeys}): the
 * commands and the EXEC go out in one flush, so a write costs one round trip. Jedis's own
 * {@code Transaction} reads the QUEUED replies before it sends EXEC (two round trips) and
 * {@code RedisClusterClient.transaction()} is unsupported, so the MULTI/EXEC is written into a
 * {@link Pipeline} on a dedicated connection.
 *
 * <h2>Epochs</h2>
 * A drop deletes the stream's set and writes a fresh random token into its epoch key. A backfill
 * (events a reader fetched from the warm tier) is only applied when the epoch is still the one the
 * reader saw <em>before</em> it read the warm tier, checked under WATCH so nothing can slip in
 * between the check and the EXEC. That keeps a reader that raced with a drop from putting back an
 * old snapshot of the stream (see {@link #backfill}).
 */
final class RedisOps implements AutoCloseable {

    /** The first page of a stream, its highest version present and its epoch, read in one pipeline. */
    record FirstPage(List<byte[]> members, Double maxScore, String epoch) {
    }

    /** What became of a backfill. */
    enum BackfillOutcome {
        WRITTEN, EPOCH_CHANGED, WOULD_CREATE_TAIL, ABORTED
    }

    private final RedisKeyClient redis;
    private final UnifiedJedis client;
    private final Consumer<String> roundTrip;

    /**
     * @param redis     the client, from {@link RedisConnection#open()}; closed by {@link #close()}
     * @param roundTrip told the kind of every round trip (for the meters)
     */
    RedisOps(RedisKeyClient redis, Consumer<String> roundTrip) {
        this.redis = redis;
        this.client = redis.jedis();
        this.roundTrip = roundTrip;
    }

    boolean isCluster() {
        return redis.isCluster();
    }

    /**
     * Reads the first page of each stream ({@code ZRANGE ... BYSCORE LIMIT}), its highest version
     * ({@code ZRANGE key -1 -1 WITHSCORES}) and its epoch ({@code GET}) in one pipeline (a cluster pipeline on Redis Cluster).
     */
    List<FirstPage> readFirstPages(List<StreamKey> keys, long from, long to, int limit) {
        List<Response<List<byte[]>>> ranges = new ArrayList<>(keys.size());
        List<Response<List<Tuple>>> maxima = new ArrayList<>(keys.size());
        List<Response<String>> epochs = new ArrayList<>(keys.size());
        try (AbstractPipeline p = pipeline()) {
            for (StreamKey key : keys) {
                ranges.add(p.zrange(key.setBytes(), byScore(from, to, limit)));
                maxima.add(p.zrangeWithScores(key.setBytes(), -1, -1));
                epochs.add(p.get(key.epoch()));
            }
            p.sync();
        }
        roundTrip.accept("read");
        List<FirstPage> pages = new ArrayList<>(keys.size());
        for (int i = 0; i < keys.size(); i++) {
            try {
                List<Tuple> max = maxima.get(i).get();
                pages.add(new FirstPage(ranges.get(i).get(), max.isEmpty() ? null : max.get(0).getScore(),
                        epochs.get(i).get()));
            } catch (JedisDataException e) {
                reroute(keys.get(i));
                throw e;
            }
        }
        return pages;
    }

    /** Reads one further page of a stream. */
    List<byte[]> readPage(StreamKey key, long from, long to, int limit) {
        List<byte[]> members = client.zrange(key.setBytes(), byScore(from, to, limit));
        roundTrip.accept("read");
        return members;
    }

    /**
     * Writes members, replacing whatever the set held at their versions, and refreshes the TTL: one
     * pipelined MULTI/EXEC. The members must cover one run of versions without a hole (an append's or a
     * warm read's): everything scored from the lowest to the highest of them is removed first.
     */
    void write(StreamKey key, Map<byte[], Double> members, long ttlMillis) {
        try {
            writeOnce(key, members, ttlMillis);
        } catch (JedisDataException e) {
            reroute(key);
            throw e;
        }
    }

    private void writeOnce(StreamKey key, Map<byte[], Double> members, long ttlMillis) {
        try (Pipeline p = dedicated(key)) {
            p.sendCommand(new CommandArguments(Protocol.Command.MULTI));
            replace(p, key, members);
            p.pexpire(key.setBytes(), ttlMillis);
            Response<Object> exec = p.sendCommand(new CommandArguments(Protocol.Command.EXEC));
            p.sync();
            roundTrip.accept("write");
            checkExec(exec.get(), key);
        }
    }

    /**
     * Deletes a stream's set and gives it a new epoch token: one pipelined MULTI/EXEC. On a cluster
     * whose slot moved, it is retried once after the client learned the new owner.
     */
    void drop(StreamKey key, long ttlMillis) {
        try {
            dropOnce(key, ttlMillis);
        } catch (JedisDataException e) {
            if (!reroute(key)) {
                throw e;
            }
            dropOnce(key, ttlMillis);
        }
    }

    private void dropOnce(StreamKey key, long ttlMillis) {
        try (Pipeline p = dedicated(key)) {
            p.sendCommand(new CommandArguments(Protocol.Command.MULTI));
            p.del(key.setBytes());
            p.set(key.epoch(), UUID.randomUUID().toString(), SetParams.setParams().px(ttlMillis));
            Response<Object> exec = p.sendCommand(new CommandArguments(Protocol.Command.EXEC));
            p.sync();
            roundTrip.accept("drop");
            checkExec(exec.get(), key);
        }
    }

    /**
     * Drops many streams in one pipeline (a cluster pipeline on Redis Cluster): for each, first a new
     * epoch token, then DEL of the set, on the same connection and so in that order. Not atomic per
     * stream, and it need not be: a backfill that read the old epoch fails its check or its WATCH once
     * the token changed, and anything written before the DEL is removed by it.
     */
    void dropMany(List<StreamKey> keys, long ttlMillis) {
        if (keys.isEmpty()) {
            return;
        }
        List<Response<?>> replies = new ArrayList<>(keys.size() * 2);
        try (AbstractPipeline p = pipeline()) {
            for (StreamKey key : keys) {
                replies.add(p.set(key.epoch(), UUID.randomUUID().toString(), SetParams.setParams().px(ttlMillis)));
                replies.add(p.del(key.setBytes()));
            }
            p.sync();
        }
        roundTrip.accept("drop");
        for (int i = 0; i < replies.size(); i++) {
            try {
                replies.get(i).get();
            } catch (JedisDataException e) {
                reroute(keys.get(i / 2));
                throw e;
            }
        }
    }

    /**
     * Adds events read from the warm tier, unless that could make Redis look complete when it is not.
     *
     * <p>Applied only when (1) the stream's epoch is still {@code expectedEpoch}, the one read before
     * the warm read — so no drop happened since — and (2) either the events reach the stream's head
     * as the warm tier saw it ({@code reachedHead}) or Redis already holds a higher version than
     * {@code lastVersion}. Condition (2) means a backfill never lowers the highest version in Redis
     * below the head: the only flaw a reader cannot detect is a missing tail, and a backfill never
     * creates one. Both are checked under WATCH on both keys; the MULTI/EXEC fails if either key
     * changes in between. Two round trips.
     */
    BackfillOutcome backfill(StreamKey key, String expectedEpoch, long lastVersion, boolean reachedHead,
                             Map<byte[], Double> members, long ttlMillis) {
        Connection connection = connection(key);
        boolean watching = false;
        try (Pipeline p = new Pipeline(connection, false)) {
            p.sendCommand(new CommandArguments(Protocol.Command.WATCH).key(key.setBytes()).key(key.epochBytes()));
            watching = true;
            Response<String> epoch = p.get(key.epoch());
            Response<List<Tuple>> max = p.zrangeWithScores(key.setBytes(), -1, -1);
            p.sync();
            roundTrip.accept("backfill");
            BackfillOutcome refused = null;
            if (!Objects.equals(epoch.get(), expectedEpoch)) {
                refused = BackfillOutcome.EPOCH_CHANGED;
            } else if (!reachedHead && (max.get().isEmpty() || max.get().get(0).getScore() <= lastVersion)) {
                refused = BackfillOutcome.WOULD_CREATE_TAIL;
            }
            if (refused != null) {
                p.sendCommand(new CommandArguments(Protocol.Command.UNWATCH));
                p.sync();
                watching = false;
                return refused;
            }
            p.sendCommand(new CommandArguments(Protocol.Command.MULTI));
            replace(p, key, members);
            p.pexpire(key.setBytes(), ttlMillis);
            Response<Object> exec = p.sendCommand(new CommandArguments(Protocol.Command.EXEC));
            p.sync();
            watching = false;
            roundTrip.accept("backfill");
            Object reply = exec.get();
            if (reply == null) {
                return BackfillOutcome.ABORTED;
            }
            checkExec(reply, key);
            return BackfillOutcome.WRITTEN;
        } catch (RuntimeException e) {
            if (watching) {
                connection.setBroken(); // never hand a connection with a live WATCH back to the pool
            }
            if (e instanceof JedisDataException) {
                reroute(key);
            }
            throw e;
        } finally {
            connection.close();
        }
    }

    /**
     * Queues, inside a MULTI, {@code ZREMRANGEBYSCORE} over the members' versions and then their
     * {@code ZADD}: after the EXEC each of these versions has exactly one member, the one written here.
     *
     * <p>Why: a version of a committed stream never changes, so it identifies its event; but one event
     * can encode to different bytes (a {@code HashSet}'s order depends on the set's history, a
     * {@code HashSet} of enums on identity hash codes, which differ between processes), and a plain ZADD
     * of the other bytes would add a second member at that version, which readers take for an anomaly
     * and drop the key again and again. Replacing by version keeps one member per version whoever
     * writes, whatever the bytes (see "One event, one member" in {@code docs/redis-hot-tier.md}).
     */
    private static void replace(Pipeline p, StreamKey key, Map<byte[], Double> members) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (double version : members.values()) {
            min = Math.min(min, version);
            max = Math.max(max, version);
        }
        p.zremrangeByScore(key.setBytes(), min, max);
        p.zadd(key.setBytes(), members);
    }

    /**
     * Drops every stream whose keys match {@code pattern} (SCAN with the given escaped MATCH pattern,
     * on every node of a cluster).
     *
     * @return the number of sets dropped
     */
    long dropAll(String pattern, long ttlMillis) {
        long dropped = 0;
        ScanIteration scan = client.scanIteration(500, pattern);
        while (!scan.isIterationCompleted()) {
            Collection<String> batch = scan.nextBatchList();
            roundTrip.accept("scan");
            List<StreamKey> sets = new ArrayList<>();
            for (String k : batch) {
                if (k.endsWith("}:s")) {
                    sets.add(new StreamKey(k, k.substring(0, k.length() - 1) + "e"));
                }
            }
            dropMany(sets, ttlMillis);
            dropped += sets.size();
        }
        return dropped;
    }

    /** Destroys idle pooled connections, after a connection failure showed they may be dead. */
    void clearIdleConnections() {
        redis.clearIdleConnections();
    }

    /**
     * On a cluster, lets the client learn where {@code key}'s slot went after an error on a slot
     * connection (see {@link RedisKeyClient#reroute}).
     *
     * @return true on a cluster (a retry may now succeed)
     */
    private boolean reroute(StreamKey key) {
        return redis.reroute(key.setBytes());
    }

    private static void checkExec(Object reply, StreamKey key) {
        if (!(reply instanceof List<?> results)) {
            throw new JedisDataException("EXEC on " + key + " returned " + reply);
        }
        for (Object r : results) {
            if (r instanceof JedisDataException e) {
                throw e;
            }
        }
    }

    private AbstractPipeline pipeline() {
        return redis.pipeline();
    }

    private Pipeline dedicated(StreamKey key) {
        return new Pipeline(connection(key), true);
    }

    private Connection connection(StreamKey key) {
        return redis.connection(key.set());
    }

    /** {@code ZRANGE key from to BYSCORE LIMIT 0 limit}; an upper bound past exact doubles is {@code +inf}. */
    private static ZRangeParams byScore(long from, long to, int limit) {
        double max = to >= TieredLimits.MAX_EXACT_VERSION ? Double.POSITIVE_INFINITY : to;
        return ZRangeParams.zrangeByScoreParams(from, max).limit(0, limit);
    }

    @Override
    public void close() {
        redis.close();
    }
}
