package io.modularddd.eventstore.redis;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import redis.clients.jedis.ClusterCommandArguments;
import redis.clients.jedis.CommandArguments;
import redis.clients.jedis.Connection;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Protocol.Command;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisRedirectionException;

/**
 * Every Redis command {@link RedisCommandQueue} sends: {@code XGROUP CREATE}, {@code XADD},
 * {@code XREADGROUP}, {@code XAUTOCLAIM}, {@code XPENDING}, {@code XACK}, {@code XDEL}, {@code XRANGE},
 * {@code EXISTS}, {@code SET}, {@code WATCH}/{@code UNWATCH} and {@code MULTI}/{@code EXEC}. No Lua, no
 * KEYS, no FLUSH*: it works on a server with those renamed away. Commands on one key go through the
 * client ({@link RedisKeyClient#jedis()}, which follows cluster redirections); a transaction runs as one
 * pipelined MULTI ... EXEC on a pooled connection to the node owning the queue's slot (every key of a queue
 * shares its hash tag, see {@link QueueKeys}), one round trip; a blocking {@code XREADGROUP} runs on a
 * separate pool, so a consumer waiting for work never holds a connection that sends and acknowledgements
 * need.
 */
final class QueueStreams implements AutoCloseable {

    private static final byte[] ZERO = QueueEntries.ascii("0");
    private static final byte[] STAR = QueueEntries.ascii("*");
    private static final byte[] NEW_ONLY = QueueEntries.ascii(">");
    private static final byte[] ONE = QueueEntries.ascii("1");

    /** The result of an {@code XAUTOCLAIM}: the next cursor, the claimed entries, the ids found deleted. */
    record Claimed(String cursor, List<Object> entries, int deleted) {
    }

    /** One pending entry: its holder and how many times it was delivered. */
    record Pending(String consumer, long deliveries) {
    }

    private final RedisKeyClient redis;
    private final RedisKeyClient blocking;

    /**
     * @param redis    the pool for every command but blocking reads; closed by {@link #close()}
     * @param blocking the pool for blocking reads; closed by {@link #close()}
     */
    QueueStreams(RedisKeyClient redis, RedisKeyClient blocking) {
        this.redis = redis;
        this.blocking = blocking;
    }

    /** {@code XGROUP CREATE stream group 0 MKSTREAM}; an existing group ({@code BUSYGROUP}) is fine. */
    void createGroup(String stream, byte[] group) {
        byte[] key = bytes(stream);
        try {
            redis.jedis().executeCommand(routed(Command.XGROUP).add(QueueEntries.ascii("CREATE"))
                    .key(key).add(group).add(ZERO).add(QueueEntries.ascii("MKSTREAM")));
        } catch (JedisDataException e) {
            if (!String.valueOf(e.getMessage()).startsWith("BUSYGROUP")) {
                throw e;
            }
        }
    }

    /**
     * Adds an entry unless the id key exists, atomically: {@code WATCH idKey; EXISTS idKey; TYPE stream},
     * then (when absent) {@code MULTI; SET idKey 1 PX retention; XADD stream * fields; EXEC}. The EXEC is
     * refused when another sender set the id key after the WATCH; then the id key decides again. The stream
     * is not watched (every other send would abort this one), but its type is checked first: an XADD failing
     * inside the EXEC on a key of another type would leave the id key set without the entry, and a retry
     * would then be refused — a lost command.
     *
     * @return true when the entry was added, false when the id key was there
     */
    boolean addOnce(String stream, String idKey, List<byte[]> fields, long retentionMillis) {
        for (int attempt = 1; ; attempt++) {
            Boolean added;
            try {
                added = tryAddOnce(bytes(stream), bytes(idKey), fields, retentionMillis);
            } catch (JedisDataException e) {
                if (!movedAway(stream, e) || attempt >= 2) {
                    throw e;
                }
                continue;
            }
            if (added != null) {
                return added;
            }
            if (attempt >= 16) {
                throw new JedisDataException("the id key " + idKey + " kept changing between WATCH and EXEC");
            }
        }
    }

    /** One WATCH round; null when the EXEC was refused. */
    private Boolean tryAddOnce(byte[] stream, byte[] idKey, List<byte[]> fields, long retentionMillis) {
        Connection c = redis.connection(new String(stream, StandardCharsets.UTF_8));
        boolean watching = false;
        try (Pipeline p = new Pipeline(c, false)) {
            Response<Object> watch = p.sendCommand(new CommandArguments(Command.WATCH).key(idKey));
            watching = true;
            Response<Boolean> exists = p.exists(idKey);
            Response<String> type = p.type(stream);
            p.sync();
            watch.get();
            if (exists.get() || !isStreamOrNone(type.get())) {
                p.sendCommand(new CommandArguments(Command.UNWATCH));
                p.sync();
                watching = false;
                if (exists.get()) {
                    return false;
                }
                throw wrongType("queue", stream, type.get(), "nothing was sent");
            }
            p.sendCommand(new CommandArguments(Command.MULTI));
            p.sendCommand(new CommandArguments(Command.SET).key(idKey).add(ONE).add(QueueEntries.ascii("PX"))
                    .add(QueueEntries.ascii(Long.toString(retentionMillis))));
            p.sendCommand(new CommandArguments(Command.XADD).key(stream).add(STAR).addObjects(fields.toArray()));
            Response<Object> exec = p.sendCommand(new CommandArguments(Command.EXEC));
            p.sync();
            watching = false;
            Object reply = exec.get();
            if (reply == null) {
                return null;
            }
            checkExec(reply);
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
     * {@code XREADGROUP GROUP group consumer COUNT n [BLOCK ms] STREAMS stream >}: new entries only. A
     * positive {@code blockMillis} waits on the blocking pool.
     *
     * @return the entries (reply elements {@code [id, fields]}), possibly none
     */
    List<Object> readNew(String stream, byte[] group, byte[] consumer, int count, long blockMillis) {
        byte[] key = bytes(stream);
        CommandArguments args = routed(Command.XREADGROUP).add(QueueEntries.ascii("GROUP")).add(group)
                .add(consumer).add(QueueEntries.ascii("COUNT")).add(QueueEntries.ascii(Integer.toString(count)));
        if (blockMillis > 0) {
            args.add(QueueEntries.ascii("BLOCK")).add(QueueEntries.ascii(Long.toString(blockMillis))).blocking();
        }
        args.add(QueueEntries.ascii("STREAMS")).key(key).add(NEW_ONLY);
        Object reply = (blockMillis > 0 ? blocking : redis).jedis().executeCommand(args);
        if (!(reply instanceof List<?> streams) || streams.isEmpty()) {
            return List.of();
        }
        List<?> first = (List<?>) streams.get(0);
        return new ArrayList<>((List<?>) first.get(1));
    }

    /** {@code XAUTOCLAIM stream group consumer minIdle cursor COUNT n}. */
    Claimed autoClaim(String stream, byte[] group, byte[] consumer, long minIdleMillis, String cursor, int count) {
        byte[] key = bytes(stream);
        Object reply = redis.jedis().executeCommand(routed(Command.XAUTOCLAIM).key(key).add(group)
                .add(consumer).add(QueueEntries.ascii(Long.toString(minIdleMillis))).add(QueueEntries.ascii(cursor))
                .add(QueueEntries.ascii("COUNT")).add(QueueEntries.ascii(Integer.toString(count))));
        List<?> parts = (List<?>) reply;
        String next = new String((byte[]) parts.get(0), StandardCharsets.US_ASCII);
        List<Object> entries = new ArrayList<>((List<?>) parts.get(1));
        int deleted = parts.size() > 2 && parts.get(2) instanceof List<?> d ? d.size() : 0;
        return new Claimed(next, entries, deleted);
    }

    /**
     * {@code XPENDING stream group id id 1} for each id, in one pipeline.
     *
     * @return per id its holder and delivery count, or null where it is no longer pending
     */
    List<Pending> pending(String stream, byte[] group, List<String> entryIds) {
        List<Response<Object>> replies = new ArrayList<>(entryIds.size());
        byte[] key = bytes(stream);
        try (Pipeline p = new Pipeline(redis.connection(stream), true)) {
            for (String id : entryIds) {
                byte[] idBytes = QueueEntries.ascii(id);
                replies.add(p.sendCommand(new CommandArguments(Command.XPENDING).key(key).add(group).add(idBytes)
                        .add(idBytes).add(ONE)));
            }
            p.sync();
        }
        List<Pending> result = new ArrayList<>(entryIds.size());
        for (Response<Object> r : replies) {
            List<?> rows;
            try {
                rows = (List<?>) r.get();
            } catch (JedisRedirectionException e) {
                redis.reroute(key); // the next call goes to the new owner
                throw e;
            }
            if (rows.isEmpty()) {
                result.add(null);
            } else {
                List<?> row = (List<?>) rows.get(0);
                result.add(new Pending(new String((byte[]) row.get(1), StandardCharsets.UTF_8), (Long) row.get(3)));
            }
        }
        return result;
    }

    /** {@code MULTI; XACK stream group id; XDEL stream id; EXEC}: done, and out of the stream. */
    void acknowledge(String stream, byte[] group, String entryId) {
        transaction(stream, group, entryId, null, null);
    }

    /**
     * {@code MULTI; XACK stream group id; XDEL stream id; XADD target * fields; EXEC}: the entry leaves the
     * stream and its successor (a retry in the same stream, or a dead letter) appears, or neither happens.
     *
     * <p>A MULTI does not roll back a command that fails while the EXEC runs, and an XADD fails there when
     * its key holds another type: then the entry would be out and its successor missing. The queue's own
     * stream cannot be such a key (the XACK would have failed as well, so nothing happened); a dead-letter
     * stream can, so before moving an entry there the target is checked under WATCH ({@code TYPE} must be
     * {@code stream} or {@code none}): a wrong one fails with the entry left where it was.
     */
    void replace(String stream, byte[] group, String entryId, String target, List<byte[]> fields) {
        transaction(stream, group, entryId, target, fields);
    }

    private void transaction(String stream, byte[] group, String entryId, String target, List<byte[]> fields) {
        for (int attempt = 1; ; attempt++) {
            boolean done;
            try {
                done = transactionOnce(stream, group, entryId, target, fields);
            } catch (JedisDataException e) {
                if (attempt >= 2 || !movedAway(stream, e)) {
                    throw e;
                }
                continue;
            }
            if (done) {
                return;
            }
            if (attempt >= 16) {
                throw new JedisDataException("the dead-letter stream " + target + " kept changing between WATCH "
                        + "and EXEC");
            }
        }
    }

    /**
     * Whether a failure on a per-slot connection means the slot moved, in which case nothing ran (a
     * redirection, or an EXECABORT: a command was refused while queued) and the client has now learnt the
     * new owner, so one retry may succeed. Only on a cluster.
     */
    private boolean movedAway(String stream, RuntimeException e) {
        boolean nothingRan = e instanceof JedisRedirectionException
                || String.valueOf(e.getMessage()).startsWith("EXECABORT");
        return nothingRan && redis.reroute(bytes(stream));
    }

    /** One transaction; false when a watched target changed before the EXEC (nothing happened). */
    private boolean transactionOnce(String stream, byte[] group, String entryId, String target,
                                    List<byte[]> fields) {
        byte[] key = bytes(stream);
        byte[] id = QueueEntries.ascii(entryId);
        boolean watchTarget = target != null && !target.equals(stream);
        Connection c = redis.connection(stream);
        boolean watching = false;
        try (Pipeline p = new Pipeline(c, false)) {
            if (watchTarget) {
                Response<Object> watch = p.sendCommand(new CommandArguments(Command.WATCH).key(bytes(target)));
                watching = true;
                Response<String> type = p.type(bytes(target));
                p.sync();
                watch.get();
                if (!isStreamOrNone(type.get())) {
                    p.sendCommand(new CommandArguments(Command.UNWATCH));
                    p.sync();
                    watching = false;
                    throw wrongType("dead-letter", bytes(target), type.get(), "the entry stays in " + stream);
                }
            }
            p.sendCommand(new CommandArguments(Command.MULTI));
            p.sendCommand(new CommandArguments(Command.XACK).key(key).add(group).add(id));
            p.sendCommand(new CommandArguments(Command.XDEL).key(key).add(id));
            if (target != null) {
                p.sendCommand(new CommandArguments(Command.XADD).key(bytes(target)).add(STAR)
                        .addObjects(fields.toArray()));
            }
            Response<Object> exec = p.sendCommand(new CommandArguments(Command.EXEC));
            p.sync();
            watching = false;
            Object reply = exec.get();
            if (reply == null) {
                return false;
            }
            checkExec(reply);
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

    /** {@code XRANGE key - + COUNT n}. */
    List<Object> range(String key, int count) {
        byte[] k = bytes(key);
        Object reply = redis.jedis().executeCommand(routed(Command.XRANGE).key(k)
                .add(QueueEntries.ascii("-")).add(QueueEntries.ascii("+")).add(QueueEntries.ascii("COUNT"))
                .add(QueueEntries.ascii(Integer.toString(count))));
        return new ArrayList<>((List<?>) reply);
    }

    /** Destroys idle pooled connections, after a connection failure showed they may be dead. */
    void clearIdleConnections() {
        redis.clearIdleConnections();
        blocking.clearIdleConnections();
    }

    /**
     * Arguments for a command sent through the client, which routes it by its key: on a cluster they must
     * be {@link ClusterCommandArguments} (which compute the key's slot); on a slot connection plain ones do.
     */
    private CommandArguments routed(Command command) {
        return redis.isCluster() ? new ClusterCommandArguments(command) : new CommandArguments(command);
    }

    private static boolean isStreamOrNone(String type) {
        return "stream".equals(type) || "none".equals(type);
    }

    private static JedisDataException wrongType(String what, byte[] key, String type, String outcome) {
        return new JedisDataException("WRONGTYPE the " + what + " key " + new String(key, StandardCharsets.UTF_8)
                + " holds a " + type + ", not a stream (" + outcome + "): rename or delete that key");
    }

    private static void checkExec(Object reply) {
        if (!(reply instanceof List<?> results)) {
            throw new JedisDataException("EXEC returned " + reply);
        }
        for (Object r : results) {
            if (r instanceof JedisDataException e) {
                throw e;
            }
        }
    }

    /** {@code XLEN stream}: 0 for a stream that does not exist. */
    long length(String stream) {
        return redis.jedis().xlen(bytes(stream));
    }

    private static byte[] bytes(String key) {
        return key.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        try {
            redis.close();
        } finally {
            blocking.close();
        }
    }
}
