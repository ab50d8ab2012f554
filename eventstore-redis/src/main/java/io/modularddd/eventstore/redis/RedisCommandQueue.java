package io.modularddd.eventstore.redis;

import io.modularddd.core.InvalidInputException;
import io.modularddd.core.internal.Checks;
import io.modularddd.core.queue.CommandQueue;
import io.modularddd.core.queue.CommandQueueException;
import io.modularddd.core.queue.DeadLetter;
import io.modularddd.core.queue.Delivery;
import io.modularddd.core.queue.QueuedCommand;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * A {@link CommandQueue} on Redis Streams with one consumer group. Start with {@link #builder()}; see
 * {@code docs/cqrs.md} ("Redis Streams") for the whole design.
 *
 * <h2>Layout</h2>
 * Queue {@code q} is the stream {@code <prefix>:{q}} with the consumer group (default {@code modularddd});
 * its dead letters are the stream {@code <prefix>:{q}:dead}; every accepted command id is remembered in
 * {@code <prefix>:{q}:id:<encoded id>} for the id retention. The queue name is the hash tag of all three,
 * so on Redis Cluster a queue lives in one slot and its transactions never cross slots. An entry carries
 * the command id, type name, payload and the count of earlier attempts (see {@link QueueEntries}).
 *
 * <h2>How the guarantees are kept, without Lua</h2>
 * A send is {@code WATCH idKey}, then {@code MULTI; SET idKey PX retention; XADD; EXEC} when the id is new:
 * the id key and the entry appear together or not at all, so a sender that crashed anywhere sends again
 * with the same id. A poll first takes over entries idle for longer than the lease ({@code XAUTOCLAIM}, at
 * most every quarter lease per client and queue, 10 ms to 5 s), then reads new ones ({@code XREADGROUP >},
 * blocking on a separate pool). Attempt = earlier attempts stored in the entry + its delivery count in the
 * pending entries list. Acknowledging is {@code MULTI; XACK; XDEL; EXEC} (the stream holds only waiting and
 * in-flight commands); failing replaces the entry by a new one carrying attempt and error, or — after
 * {@link #maxAttempts()} — moves it to the dead-letter stream, in one {@code MULTI}. Entries claimed with
 * more attempts than allowed (their holders kept dying) and damaged entries go to the dead letters too.
 *
 * <h2>Failures</h2>
 * Bad arguments are {@link InvalidInputException}s. A Redis failure is a {@link CommandQueueException}
 * naming the operation, the queue and the endpoint (never the password), transient when repeating may help;
 * a failed {@code send} may or may not have happened — send again with the same command id. Thread-safe;
 * the hardened server (EVAL, KEYS, FLUSH* renamed away) and Redis Cluster are supported; Redis 6.2 or later
 * ({@code XAUTOCLAIM}), 7.0 or later to have deleted entries cleaned out of the pending list by it.
 */
public final class RedisCommandQueue implements CommandQueue {

    private static final Logger LOG = LoggerFactory.getLogger(RedisCommandQueue.class);

    /** Default lease time. */
    public static final Duration DEFAULT_LEASE_TIME = Duration.ofSeconds(30);
    /** Default number of attempts before a command becomes a dead letter. */
    public static final int DEFAULT_MAX_ATTEMPTS = 5;
    /** Default time a command id is remembered: 24 hours. */
    public static final Duration DEFAULT_ID_RETENTION = Duration.ofHours(24);
    /** Default largest encoded command: 1 MiB. */
    public static final int DEFAULT_MAX_PAYLOAD_BYTES = 1 << 20;
    /** Default key prefix. */
    public static final String DEFAULT_KEY_PREFIX = QueueKeys.DEFAULT_PREFIX;
    /** Default consumer group name. */
    public static final String DEFAULT_CONSUMER_GROUP = "modularddd";
    /** Default connect timeout. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofMillis(500);
    /** Default read timeout. */
    public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(2);
    /** Default size of the pool for sends, acknowledgements and claims (per node on a cluster). */
    public static final int DEFAULT_MAX_CONNECTIONS = 8;
    /** Default size of the pool for blocking polls: threads polling at once (per node on a cluster). */
    public static final int DEFAULT_POLL_CONNECTIONS = 8;

    static final Duration MIN_CLAIM_INTERVAL = Duration.ofMillis(10);
    static final Duration MAX_CLAIM_INTERVAL = Duration.ofSeconds(5);
    private static final Pattern ENTRY_ID = Pattern.compile("[0-9]{1,20}-[0-9]{1,20}");
    private static final String CURSOR_START = "0-0";

    private final RedisConnection connection;
    private final QueueKeys keys;
    private final String groupName;
    private final byte[] group;
    private final Duration leaseTime;
    private final int maxAttempts;
    private final Duration idRetention;
    private final int maxPayloadBytes;
    private final long claimIntervalNanos;
    private final QueueStreams streams;
    private final ConcurrentHashMap<String, QueueState> queues = new ConcurrentHashMap<>();
    private final AtomicBoolean closed = new AtomicBoolean();

    /** What this client knows of one queue. */
    private static final class QueueState {
        volatile boolean groupReady;
        volatile long nextClaimAt = System.nanoTime();
        volatile String cursor = CURSOR_START;
    }

    RedisCommandQueue(RedisConnection connection, String keyPrefix, String groupName, Duration leaseTime,
                      int maxAttempts, Duration idRetention, int maxPayloadBytes, int pollConnections) {
        this.connection = connection;
        this.keys = new QueueKeys(keyPrefix);
        this.groupName = groupName;
        this.group = QueueEntries.utf8(groupName);
        this.leaseTime = leaseTime;
        this.maxAttempts = maxAttempts;
        this.idRetention = idRetention;
        this.maxPayloadBytes = maxPayloadBytes;
        Duration interval = leaseTime.dividedBy(4);
        interval = interval.compareTo(MIN_CLAIM_INTERVAL) < 0 ? MIN_CLAIM_INTERVAL
                : interval.compareTo(MAX_CLAIM_INTERVAL) > 0 ? MAX_CLAIM_INTERVAL : interval;
        this.claimIntervalNanos = interval.toNanos();
        RedisKeyClient commands = connection.open();
        RedisKeyClient blocking;
        try {
            blocking = connection.openForBlockingReads(pollConnections, interval.plusMillis(1));
        } catch (RuntimeException e) {
            commands.close();
            throw e;
        }
        this.streams = new QueueStreams(commands, blocking);
    }

    /**
     * Starts configuring a queue.
     *
     * @return a builder
     */
    public static RedisCommandQueueBuilder builder() {
        return new RedisCommandQueueBuilder();
    }

    /**
     * {@inheritDoc}
     *
     * @throws CommandQueueException when Redis fails; the send may or may not have happened: send again with
     *                               the same command id
     */
    @Override
    public boolean send(String queue, QueuedCommand command) {
        QueueKeys.checkQueue(queue);
        Checks.notNull("command", command);
        if (command.payload().length > maxPayloadBytes) {
            throw new InvalidInputException("command", "command " + command.commandId() + " of type '"
                    + command.typeName() + "' encodes to " + command.payload().length + " bytes, more than this "
                    + "queue's maxPayloadBytes of " + maxPayloadBytes + "; send a reference to the data instead, or "
                    + "raise maxPayloadBytes.");
        }
        checkOpen();
        try {
            return streams.addOnce(keys.stream(queue), keys.id(queue, command.commandId()),
                    QueueEntries.queueFields(command, 0, null), idRetention.toMillis());
        } catch (RuntimeException e) {
            throw failure("sending command " + command.commandId() + " (" + command.typeName() + ") to", queue, e,
                    " The command may or may not have been accepted: send it again with the same command id.");
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>First takes over deliveries whose lease ran out (at most every quarter lease per client and queue),
     * then reads new entries, blocking on the poll pool while {@code maxWait} lasts, in slices of at most
     * a quarter lease so that abandoned deliveries are found meanwhile.
     *
     * @throws CommandQueueException when Redis fails before any delivery was taken
     */
    @Override
    public List<Delivery> poll(String queue, String consumer, int maxCommands, Duration maxWait) {
        QueueKeys.checkQueue(queue);
        Checks.identifier("consumer", consumer, MAX_QUEUE_NAME_CHARS, "node-1:worker-3");
        if (maxCommands < 1 || maxCommands > 1_000) {
            throw new InvalidInputException("maxCommands", "maxCommands must be from 1 to 1000 but was "
                    + maxCommands);
        }
        Checks.notNull("maxWait", maxWait);
        if (maxWait.isNegative()) {
            throw new InvalidInputException("maxWait", "maxWait must not be negative but was " + maxWait
                    + "; pass Duration.ZERO to return at once");
        }
        checkOpen();
        String stream = keys.stream(queue);
        byte[] consumerBytes = QueueEntries.utf8(consumer);
        QueueState state = queues.computeIfAbsent(queue, q -> new QueueState());
        long deadline = System.nanoTime() + Math.min(maxWait.toNanos(), Long.MAX_VALUE / 4);
        List<Delivery> out = new ArrayList<>();
        try {
            while (true) {
                long now = System.nanoTime();
                if (now - state.nextClaimAt >= 0) {
                    claim(queue, stream, consumer, consumerBytes, maxCommands, state, out);
                }
                int remaining = maxCommands - out.size();
                if (remaining > 0) {
                    long waitNanos = out.isEmpty() ? Math.min(deadline - System.nanoTime(), claimIntervalNanos) : 0;
                    long blockMillis = waitNanos <= 0 ? 0 : Math.max(1, (waitNanos + 999_999) / 1_000_000);
                    List<Object> fresh = withGroup(stream, state,
                            () -> streams.readNew(stream, group, consumerBytes, remaining, blockMillis));
                    for (Object raw : fresh) {
                        QueueEntries.Entry e = QueueEntries.decode(raw);
                        deliver(queue, stream, consumer, e, e.previousAttempts() + 1, out);
                    }
                }
                if (!out.isEmpty() || System.nanoTime() - deadline >= 0) {
                    return out;
                }
            }
        } catch (RuntimeException e) {
            if (!out.isEmpty()) {
                // what was taken is held by this consumer now: hand it over rather than leave it to the lease
                LOG.warn("Polling queue '{}' in Redis at {} failed after {} deliveries were taken; returning those: {}",
                        queue, connection.endpointText(), out.size(), connection.describe(e));
                return out;
            }
            throw failure("polling", queue, e, "");
        }
    }

    /** Takes over deliveries idle for longer than the lease: XAUTOCLAIM, then their delivery counts. */
    private void claim(String queue, String stream, String consumer, byte[] consumerBytes, int max, QueueState state,
                       List<Delivery> out) {
        QueueStreams.Claimed claimed = withGroup(stream, state, () -> streams.autoClaim(stream, group, consumerBytes,
                leaseTime.toMillis(), state.cursor, max));
        state.cursor = claimed.cursor();
        // a cursor other than 0-0 means the pending list was not scanned to its end: go on at the next poll
        state.nextClaimAt = System.nanoTime() + (CURSOR_START.equals(claimed.cursor()) ? claimIntervalNanos : 0);
        if (claimed.entries().isEmpty()) {
            return;
        }
        List<QueueEntries.Entry> entries = new ArrayList<>(claimed.entries().size());
        List<String> ids = new ArrayList<>(claimed.entries().size());
        for (Object raw : claimed.entries()) {
            QueueEntries.Entry e = QueueEntries.decode(raw);
            entries.add(e);
            ids.add(e.entryId());
        }
        List<QueueStreams.Pending> pending = streams.pending(stream, group, ids);
        for (int i = 0; i < entries.size(); i++) {
            QueueStreams.Pending p = pending.get(i);
            if (p == null || !p.consumer().equals(consumer)) {
                continue; // acknowledged or taken by another consumer since: not ours any more
            }
            QueueEntries.Entry e = entries.get(i);
            deliver(queue, stream, consumer, e, e.previousAttempts() + (int) Math.min(p.deliveries(), 1_000_000), out);
        }
    }

    /** Adds an entry to the deliveries, or moves it to the dead letters when it is damaged or out of attempts. */
    private void deliver(String queue, String stream, String consumer, QueueEntries.Entry e, int attempt,
                         List<Delivery> out) {
        if (e.damage() == null && attempt <= maxAttempts) {
            out.add(new Delivery(queue, e.entryId(), e.command(), attempt, consumer));
            return;
        }
        String error;
        int attempts;
        if (e.damage() != null) {
            error = e.damage() + "; moved to the dead letters unread";
            attempts = attempt;
        } else {
            attempts = attempt - 1;
            error = "attempt " + attempts + " was neither acknowledged nor failed within the lease time (" + leaseTime
                    + "): its consumer died or hung" + (e.error() == null ? "" : "; the attempt before failed: "
                    + e.error());
        }
        try {
            streams.replace(stream, group, e.entryId(), keys.dead(queue),
                    QueueEntries.deadFields(e.command(), attempts, error, e.entryId()));
            LOG.warn("Moved command {} ({}) of queue '{}' to the dead letters after {} attempts: {}",
                    e.command().commandId(), e.command().typeName(), queue, attempts, QueueEntries.shorten(error));
        } catch (RuntimeException failure) {
            // the entry stays pending with this consumer: after the lease a poll finds it again
            LOG.warn("Could not move command {} of queue '{}' to the dead letters; it stays pending and is tried "
                    + "again after the lease: {}", e.command().commandId(), queue, connection.describe(failure));
        }
    }

    /** Runs a group command; when the group is missing (the stream was deleted), creates it and runs it again. */
    private <T> T withGroup(String stream, QueueState state, java.util.function.Supplier<T> command) {
        if (!state.groupReady) {
            streams.createGroup(stream, group);
            state.groupReady = true;
        }
        try {
            return command.get();
        } catch (JedisDataException e) {
            if (!String.valueOf(e.getMessage()).startsWith("NOGROUP")) {
                throw e;
            }
            streams.createGroup(stream, group);
            return command.get();
        }
    }

    /**
     * {@inheritDoc}
     *
     * @throws InvalidInputException when the delivery is null or not one of this transport's
     * @throws CommandQueueException when Redis fails (then the delivery is delivered again after its lease)
     */
    @Override
    public void acknowledge(Delivery delivery) {
        checkDelivery(delivery);
        checkOpen();
        try {
            streams.acknowledge(keys.stream(delivery.queue()), group, delivery.deliveryId());
        } catch (RuntimeException e) {
            throw failure("acknowledging command " + delivery.command().commandId() + " of", delivery.queue(), e,
                    " Unless acknowledged later, it is delivered again after the lease.");
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>Does nothing when the consumer no longer holds the delivery (it was acknowledged, or its lease ran
     * out and another consumer took it). The error is cut to 2,000 characters.
     *
     * @throws InvalidInputException when an argument is null or the delivery is not one of this transport's
     * @throws CommandQueueException when Redis fails (then the delivery is delivered again after its lease)
     */
    @Override
    public void fail(Delivery delivery, String error) {
        checkDelivery(delivery);
        Checks.notNull("error", error);
        checkOpen();
        String queue = delivery.queue();
        String stream = keys.stream(queue);
        String id = delivery.deliveryId();
        QueuedCommand command = delivery.command();
        try {
            QueueStreams.Pending p;
            try {
                p = streams.pending(stream, group, List.of(id)).get(0);
            } catch (JedisDataException e) {
                if (!String.valueOf(e.getMessage()).startsWith("NOGROUP")) {
                    throw e;
                }
                p = null; // the stream is gone, and the entry with it
            }
            if (p == null || !p.consumer().equals(delivery.consumer())) {
                LOG.debug("Command {} of queue '{}' failed, but consumer '{}' no longer holds it; ignored",
                        command.commandId(), queue, delivery.consumer());
                return;
            }
            String shortened = QueueEntries.shorten(error);
            if (delivery.attempt() >= maxAttempts) {
                streams.replace(stream, group, id, keys.dead(queue),
                        QueueEntries.deadFields(command, delivery.attempt(), shortened, id));
                LOG.warn("Moved command {} ({}) of queue '{}' to the dead letters after {} attempts: {}",
                        command.commandId(), command.typeName(), queue, delivery.attempt(), shortened);
            } else {
                streams.replace(stream, group, id, stream, QueueEntries.queueFields(command, delivery.attempt(),
                        shortened));
            }
        } catch (RuntimeException e) {
            throw failure("failing command " + command.commandId() + " of", queue, e,
                    " It is delivered again after the lease.");
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>Reads the dead-letter stream ({@code XRANGE}); a dead letter is when its entry was added. A
     * damaged entry in that stream is listed with a stand-in command and the damage in its error.
     *
     * @throws InvalidInputException when the queue name is malformed or {@code max} is not from 1 to 10,000
     * @throws CommandQueueException when Redis fails
     */
    @Override
    public List<DeadLetter> deadLetters(String queue, int max) {
        QueueKeys.checkQueue(queue);
        if (max < 1 || max > 10_000) {
            throw new InvalidInputException("max", "max must be from 1 to 10000 but was " + max);
        }
        checkOpen();
        List<Object> raw;
        try {
            raw = streams.range(keys.dead(queue), max);
        } catch (RuntimeException e) {
            throw failure("listing the dead letters of", queue, e, "");
        }
        List<DeadLetter> dead = new ArrayList<>(raw.size());
        for (Object r : raw) {
            dead.add(QueueEntries.decodeDead(queue, r));
        }
        return dead;
    }

    private static void checkDelivery(Delivery delivery) {
        Checks.notNull("delivery", delivery);
        QueueKeys.checkQueue(delivery.queue());
        if (!ENTRY_ID.matcher(delivery.deliveryId()).matches()) {
            throw new InvalidInputException("delivery", "delivery " + Checks.show(delivery.deliveryId())
                    + " is not a Redis stream entry id (such as \"1700000000000-0\"): pass a delivery this "
                    + "transport's poll returned");
        }
    }

    private void checkOpen() {
        if (closed.get()) {
            throw new IllegalStateException("this RedisCommandQueue is closed; build a new one");
        }
    }

    private CommandQueueException failure(String what, String queue, RuntimeException e, String advice) {
        boolean transientFailure = RedisKeyClient.isTransient(e);
        if (transientFailure) {
            streams.clearIdleConnections();
        }
        return new CommandQueueException(queue, Character.toUpperCase(what.charAt(0)) + what.substring(1) + " queue '"
                + queue + "' in Redis at " + connection.endpointText() + " (prefix '" + keys.prefix() + "') failed: "
                + connection.describe(e) + (transientFailure ? ". Retry once Redis answers." : ".") + advice, e,
                transientFailure);
    }

    /**
     * {@inheritDoc}
     *
     * <p>{@code XLEN} of the queue's stream, which holds only waiting and in-flight commands.
     */
    @Override
    public long depth(String queue) {
        QueueKeys.checkQueue(queue);
        checkOpen();
        try {
            return streams.length(keys.stream(queue));
        } catch (RuntimeException e) {
            throw failure("counting the pending commands of", queue, e, "");
        }
    }

    @Override
    public Duration leaseTime() {
        return leaseTime;
    }

    @Override
    public int maxAttempts() {
        return maxAttempts;
    }

    @Override
    public Duration idRetention() {
        return idRetention;
    }

    @Override
    public int maxPayloadBytes() {
        return maxPayloadBytes;
    }

    /**
     * Returns the key prefix.
     *
     * @return the prefix
     */
    public String keyPrefix() {
        return keys.prefix();
    }

    /**
     * Returns the consumer group every client of these queues shares.
     *
     * @return the group's name
     */
    public String consumerGroup() {
        return groupName;
    }

    /** The name this client's connections give themselves ({@code CLIENT SETNAME}), for tests. */
    String clientName() {
        return connection.clientName();
    }

    /** The key layout, for tests. */
    QueueKeys keys() {
        return keys;
    }

    /** Closes both connection pools; deliveries held are left to their lease. Idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            streams.close();
        }
    }

    /** The settings, without credentials. */
    @Override
    public String toString() {
        return "RedisCommandQueue[" + connection + ", prefix=" + keys.prefix() + ", group=" + groupName
                + ", leaseTime=" + leaseTime + ", maxAttempts=" + maxAttempts + ", idRetention=" + idRetention
                + ", maxPayloadBytes=" + maxPayloadBytes + "]";
    }
}
