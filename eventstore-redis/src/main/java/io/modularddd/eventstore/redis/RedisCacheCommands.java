package io.modularddd.eventstore.redis;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.CommandArguments;
import redis.clients.jedis.Connection;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.Response;
import redis.clients.jedis.ScanIteration;
import redis.clients.jedis.args.ExpiryOption;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.params.SetParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * Every Redis command of the L2 cache tier ({@link RedisCacheTier}), on a standalone server or a cluster
 * alike: the tier checks arguments and turns failures into its exceptions; this class only talks to
 * Redis. Transactions are written as {@code MULTI ... EXEC} into a {@link Pipeline} on a connection to
 * the shard's node (one flush, one round trip; {@code RedisClusterClient} offers no transactions), as
 * {@link RedisOps} does for the hot tier.
 */
final class RedisCacheCommands {

    private static final int SCAN_COUNT = 1_000;
    private static final byte[] SCAN_START = ScanParams.SCAN_POINTER_START_BINARY;
    /** Not a number: what {@link #parse} answers for text that is not a decimal. */
    static final long NOT_A_NUMBER = Long.MIN_VALUE;

    private final RedisKeyClient redis;
    private final CacheLayout layout;
    private final long markerTtlMillis;
    /** Runs between a put's check of the markers and its MULTI; tests put a rival invalidation here. */
    private volatile Runnable betweenCheckAndWrite = () -> { };

    RedisCacheCommands(RedisKeyClient redis, CacheLayout layout, long markerTtlMillis) {
        this.redis = redis;
        this.layout = layout;
        this.markerTtlMillis = markerTtlMillis;
    }

    /** For tests: what runs between a put's check of the markers and its MULTI/EXEC. */
    void betweenCheckAndWrite(Runnable action) {
        betweenCheckAndWrite = action;
    }

    /** The value and its shard's clock, with one {@code MGET} (both keys are in the shard's slot). */
    List<byte[]> read(byte[] valueKey, byte[] clockKey) {
        return redis.jedis().mget(valueKey, clockKey);
    }

    /** Starts a shard's clock when it has none ({@code SET NX}) and reads it: one pipelined round trip. */
    byte[] startClock(byte[] clockKey) {
        try (AbstractPipeline p = redis.pipeline()) {
            p.set(clockKey, clockSeed(), SetParams.setParams().nx());
            Response<byte[]> read = p.get(clockKey);
            p.sync();
            return read.get();
        }
    }

    /**
     * Where a clock starts: the wall-clock time in nanoseconds. A clock that was lost and started again
     * is then above every ticket of the old one, unless more invalidations than nanoseconds had passed
     * (or the nodes' clocks disagree by more than the old clock's age).
     */
    private static byte[] clockSeed() {
        return Long.toString(System.currentTimeMillis() * 1_000_000L).getBytes(StandardCharsets.US_ASCII);
    }

    /** A decimal number, or {@link #NOT_A_NUMBER} when the text is not one. */
    static long parse(byte[] text) {
        if (text == null || text.length == 0 || text.length > 19) {
            return NOT_A_NUMBER;
        }
        long v = 0;
        for (byte b : text) {
            int digit = b - '0';
            if (digit < 0 || digit > 9 || v > (Long.MAX_VALUE - digit) / 10) {
                return NOT_A_NUMBER;
            }
            v = v * 10 + digit;
        }
        return v;
    }

    /**
     * Stores a value unless a marker of its key or tags is above the ticket: {@code WATCH} the markers and
     * {@code MGET} them (one round trip), then {@code MULTI; SET PX; SADD; PEXPIRE NX; PEXPIRE GT; EXEC}
     * (a second), which Redis aborts when an invalidation touched a marker after the WATCH.
     *
     * @return whether the value was stored
     */
    boolean put(byte[] valueKey, byte[] value, long ttlMillis, long ticket, byte[][] markers, byte[][] sets) {
        Connection c = redis.connection(valueKey);
        boolean watching = false;
        try (Pipeline p = new Pipeline(c, false)) {
            CommandArguments watchMarkers = new CommandArguments(Protocol.Command.WATCH);
            for (byte[] marker : markers) {
                watchMarkers.key(marker);
            }
            Response<Object> watch = p.sendCommand(watchMarkers);
            watching = true;
            Response<List<byte[]>> marks = p.mget(markers);
            p.sync();
            watch.get();
            for (byte[] mark : marks.get()) {
                // a marker that is not a number counts as an invalidation: refusing is the safe answer
                if (mark != null && (parse(mark) == NOT_A_NUMBER || parse(mark) > ticket)) {
                    p.sendCommand(new CommandArguments(Protocol.Command.UNWATCH));
                    p.sync();
                    watching = false;
                    return false;
                }
            }
            betweenCheckAndWrite.run();
            p.sendCommand(new CommandArguments(Protocol.Command.MULTI));
            p.set(valueKey, value, SetParams.setParams().px(ttlMillis));
            for (byte[] set : sets) {
                p.sadd(set, valueKey);
                p.pexpire(set, ttlMillis, ExpiryOption.NX);
                p.pexpire(set, ttlMillis, ExpiryOption.GT);
            }
            Response<Object> exec = p.sendCommand(new CommandArguments(Protocol.Command.EXEC));
            p.sync();
            watching = false;
            Object reply = exec.get();
            if (reply == null) {
                return false; // an invalidation touched a marker after the WATCH
            }
            try {
                checkExec(reply);
            } catch (RuntimeException e) {
                // the value may be in without all of its tag memberships: never leave it readable
                redis.jedis().unlink(valueKey);
                throw e;
            }
            return true;
        } catch (RuntimeException e) {
            if (watching) {
                c.setBroken(); // never hand a connection with a live WATCH back to the pool
            }
            if (e instanceof JedisDataException) {
                redis.reroute(valueKey);
            }
            throw e;
        } finally {
            c.close();
        }
    }

    /**
     * Invalidates one key: {@code MULTI; SET clock NX; INCR clock; COPY clock marker REPLACE; PEXPIRE
     * marker; UNLINK value; EXEC}, one round trip.
     */
    void invalidateKey(int shard, String storageKey) {
        byte[] clock = layout.clock(shard);
        byte[] marker = layout.keyMarker(shard, storageKey);
        byte[] value = layout.value(shard, storageKey);
        execOnShard(clock, p -> {
            tick(p, clock);
            mark(p, clock, marker);
            p.unlink(value);
        });
    }

    /**
     * Invalidates tags in one shard: one {@code MULTI} advances the clock, sets each tag's marker and reads
     * the first page of each tag's set ({@code SSCAN}); then each set is drained.
     */
    void invalidateTags(int shard, List<String> tags) {
        byte[] clock = layout.clock(shard);
        List<Object> replies = execOnShard(clock, p -> {
            tick(p, clock);
            for (String tag : tags) {
                mark(p, clock, layout.tagMarker(shard, tag));
                p.sscan(layout.tagSet(shard, tag), SCAN_START, new ScanParams().count(SCAN_COUNT));
            }
        });
        for (int i = 0; i < tags.size(); i++) {
            // replies: SET NX, INCR, then per tag COPY, PEXPIRE, SSCAN
            List<?> page = (List<?>) replies.get(2 + i * 3 + 2);
            drain(layout.tagSet(shard, tags.get(i)), (byte[]) page.get(0), members(page.get(1)));
        }
    }

    @SuppressWarnings("unchecked")
    private static List<byte[]> members(Object reply) {
        return (List<byte[]>) reply;
    }

    /** Queues the clock's start (when missing) and its advance. */
    private static void tick(Pipeline p, byte[] clock) {
        p.set(clock, clockSeed(), SetParams.setParams().nx());
        p.incr(clock);
    }

    /** Queues a marker holding the clock's current value, for the marker TTL. */
    private void mark(Pipeline p, byte[] clock, byte[] marker) {
        p.copy(clock, marker, true);
        p.pexpire(marker, markerTtlMillis);
    }

    /**
     * Empties a tag set page by page: each page of its members is removed from the set and deleted in one
     * {@code MULTI}, so a value is never alive outside its set (a put adds both in one {@code MULTI} too).
     * Members that are not value keys of the set's shard are only removed from the set.
     */
    private void drain(byte[] set, byte[] cursor, List<byte[]> page) {
        byte[] valuePrefix = layout.valuePrefixOf(set);
        while (true) {
            if (!page.isEmpty()) {
                List<byte[]> values = new ArrayList<>(page.size());
                for (byte[] member : page) {
                    if (member.length > valuePrefix.length
                            && Arrays.equals(member, 0, valuePrefix.length, valuePrefix, 0, valuePrefix.length)) {
                        values.add(member);
                    }
                }
                byte[][] members = page.toArray(byte[][]::new);
                execOnShard(set, p -> {
                    p.srem(set, members);
                    if (!values.isEmpty()) {
                        p.unlink(values.toArray(byte[][]::new));
                    }
                });
            }
            if (Arrays.equals(cursor, SCAN_START)) {
                return;
            }
            ScanResult<byte[]> next = redis.jedis().sscan(set, cursor, new ScanParams().count(SCAN_COUNT));
            cursor = next.getCursorAsBytes();
            page = next.getResult();
        }
    }

    /**
     * Removes every entry of the namespace: {@code SCAN} with its escaped {@code MATCH} pattern (on every
     * node of a cluster); value keys are unlinked, tag sets drained. Markers and clocks stay.
     */
    void clear() {
        List<byte[]> sets = new ArrayList<>();
        ScanIteration scan = redis.jedis().scanIteration(SCAN_COUNT, layout.scanPattern());
        while (!scan.isIterationCompleted()) {
            List<byte[]> values = new ArrayList<>();
            for (String key : scan.nextBatchList()) {
                char kind = layout.kindOf(key);
                if (kind == 'v') {
                    values.add(key.getBytes(StandardCharsets.UTF_8));
                } else if (kind == 't') {
                    sets.add(key.getBytes(StandardCharsets.UTF_8));
                }
            }
            if (!values.isEmpty()) {
                try (AbstractPipeline p = redis.pipeline()) {
                    for (byte[] v : values) {
                        p.unlink(v);
                    }
                    p.sync();
                }
            }
        }
        for (byte[] set : sets) {
            ScanResult<byte[]> first = redis.jedis().sscan(set, SCAN_START, new ScanParams().count(SCAN_COUNT));
            drain(set, first.getCursorAsBytes(), first.getResult());
        }
    }

    /**
     * Runs queued commands as one pipelined {@code MULTI ... EXEC} on a connection to the node serving
     * {@code slotKey}'s slot; on a cluster whose slot moved it is retried once after the client learned
     * the new owner (every transaction sent this way may run twice).
     */
    private List<Object> execOnShard(byte[] slotKey, Consumer<Pipeline> commands) {
        try {
            return execOnce(slotKey, commands);
        } catch (JedisDataException e) {
            if (!redis.reroute(slotKey)) {
                throw e;
            }
            return execOnce(slotKey, commands);
        }
    }

    private List<Object> execOnce(byte[] slotKey, Consumer<Pipeline> commands) {
        try (Pipeline p = new Pipeline(redis.connection(slotKey), true)) {
            p.sendCommand(new CommandArguments(Protocol.Command.MULTI));
            commands.accept(p);
            Response<Object> exec = p.sendCommand(new CommandArguments(Protocol.Command.EXEC));
            p.sync();
            return checkExec(exec.get());
        }
    }

    @SuppressWarnings("unchecked")
    private static List<Object> checkExec(Object reply) {
        if (!(reply instanceof List<?> results)) {
            throw new JedisDataException("EXEC returned " + reply);
        }
        for (Object r : results) {
            if (r instanceof JedisDataException e) {
                throw e;
            }
        }
        return (List<Object>) results;
    }
}
