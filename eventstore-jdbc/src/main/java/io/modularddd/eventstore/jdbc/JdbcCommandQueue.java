package io.modularddd.eventstore.jdbc;

import io.modularddd.core.InvalidInputException;
import io.modularddd.core.internal.Checks;
import io.modularddd.core.queue.CommandQueue;
import io.modularddd.core.queue.CommandQueueException;
import io.modularddd.core.queue.DeadLetter;
import io.modularddd.core.queue.Delivery;
import io.modularddd.core.queue.QueuedCommand;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link CommandQueue} on a relational database, for deployments without Redis: one table (default
 * {@code command_queue}) shared by all named queues, on MariaDB 10.6+ / MySQL 8, PostgreSQL or H2.
 *
 * <pre>{@code
 * JdbcCommandQueue queue = JdbcCommandQueue.builder()
 *         .jdbcUrl("jdbc:mariadb://db:3306/app").username("app").password(secret)
 *         .leaseTime(Duration.ofSeconds(30)).maxAttempts(5)
 *         .build();
 * queue.createSchema();          // or apply queue/mysql.sql with your migration tool
 * queue.send("high-priority", codec.encode(commandId, command));
 * for (Delivery d : queue.poll("high-priority", "host-1/worker-3", 10, Duration.ofSeconds(5))) { ... }
 * }</pre>
 *
 * <h2>How it works</h2>
 * <ul>
 *   <li>{@link #send}: one auto-committed {@code INSERT}; the unique key {@code (queue_name, command_id)}
 *       refuses a second send of an id ({@code false}) for as long as its row exists: waiting, held, dead, or
 *       done within {@link #idRetention()}.</li>
 *   <li>{@link #poll}: a short claim transaction, {@code SELECT ... FOR UPDATE SKIP LOCKED} on one index
 *       range then {@code UPDATE} of the lease (owner, expiry, attempt + 1) — see {@code QueueClaim}.
 *       Concurrent consumers skip each other's rows instead of waiting. A row whose lease ran out is due
 *       again like a new one. When there is nothing due, the poll sleeps and claims again: 10 ms, then twice
 *       as long each time up to 250 ms, until {@code maxWait} is up (no busy loop); a send through this
 *       queue object wakes its waiting polls of that queue at once.</li>
 *   <li>{@link #acknowledge}: the row becomes done (its payload dropped, its id kept until
 *       {@code sent + idRetention}). The first acknowledgement wins; a late or repeated one changes
 *       nothing.</li>
 *   <li>{@link #fail}: the row is released for a retry after 100 ms × 2<sup>attempt − 1</sup> (at most the
 *       lease time), or becomes a dead letter with the error when it had {@link #maxAttempts()} attempts. A
 *       failure reported for an attempt that is no longer the current one (its lease ran out and another
 *       consumer took it) changes nothing.</li>
 *   <li>Dead letters stay in the table (state 2) with their payload, attempts and last error until an
 *       operator deletes them; {@link #deadLetters} lists them.</li>
 *   <li>Purge: a poll deletes at most 1,000 done rows of its queue whose retention ran out, at most every
 *       30 seconds (sooner while there is a backlog), so ids are forgotten in bounded batches.</li>
 * </ul>
 * Times come from the database's clock, so the consumers' clocks never matter. Failures are
 * {@link CommandQueueException}s classified like the event store's ({@link CommandQueueException#isTransient()}
 * for a lost connection, a timeout, a deadlock). Thread-safe. docs/cqrs.md ("Database table") has the details and
 * what each database guarantees.
 */
public final class JdbcCommandQueue implements CommandQueue {

    private static final Logger LOG = LoggerFactory.getLogger(JdbcCommandQueue.class);
    private static final Pattern QUEUE_NAME = Pattern.compile("[A-Za-z0-9._-]{1," + MAX_QUEUE_NAME_CHARS + "}");
    private static final int MAX_POLL = 1000;
    private static final int MAX_DEAD_LETTERS = 10_000;
    private static final long FIRST_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    private static final long MAX_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(250);
    private static final long FIRST_RETRY_DELAY_MICROS = 100_000;
    private static final long PURGE_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(30);
    private static final long PURGE_BACKLOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final byte[] NO_PAYLOAD = new byte[0];
    private static final Duration MAX_WAIT = Duration.ofDays(365);

    private final StorePools pools;
    private final JdbcDialect dialect;
    private final String table;
    private final Duration leaseTime;
    private final int maxAttempts;
    private final Duration idRetention;
    private final int maxPayloadBytes;
    private final PacketLimit packetLimit;
    private final QueueStatements sql;
    private final QueueSchema schema;
    private final QueueClaim claims;
    private final long purgeIntervalNanos;
    private final Map<String, QueueSignal> signals = new ConcurrentHashMap<>();
    private final Map<String, Long> nextPurge = new ConcurrentHashMap<>();
    private final AtomicBoolean closed = new AtomicBoolean();

    JdbcCommandQueue(JdbcCommandQueueBuilder b, StorePools pools, JdbcDialect dialect, PacketLimit packetLimit) {
        this.pools = pools;
        this.dialect = dialect;
        this.table = b.tableName;
        this.leaseTime = b.leaseTime;
        this.maxAttempts = b.maxAttempts;
        this.idRetention = b.idRetention;
        this.maxPayloadBytes = b.maxPayloadBytes;
        this.packetLimit = packetLimit;
        this.sql = new QueueStatements(dialect, table, micros(leaseTime), micros(idRetention));
        this.schema = new QueueSchema(pools.reads, dialect, table, pools.target);
        this.claims = new QueueClaim(pools, dialect, sql, table, pools.target, maxAttempts, leaseTime);
        this.purgeIntervalNanos = Math.min(PURGE_INTERVAL_NANOS, idRetention.toNanos());
    }

    /**
     * Starts a builder.
     *
     * @return a new builder
     */
    public static JdbcCommandQueueBuilder builder() {
        return new JdbcCommandQueueBuilder();
    }

    /**
     * Creates the queue table and its indexes if they do not exist. Idempotent; runs the shipped script of the
     * dialect ({@code io/modularddd/eventstore/jdbc/queue/*.sql}) with the configured table name. Safe when
     * several processes call it at once: it runs under a lock named after the table ({@code GET_LOCK} on
     * MySQL/MariaDB, {@code pg_advisory_xact_lock} in one transaction on PostgreSQL, a lock of this JVM on H2).
     *
     * @throws CommandQueueException when a statement fails, or the lock is not obtained within 60 seconds
     */
    public void createSchema() {
        ensureOpen();
        schema.create();
    }

    @Override
    public boolean send(String queue, QueuedCommand command) {
        checkQueue(queue);
        Checks.notNull("command", command);
        int size = command.payload().length;
        if (size > maxPayloadBytes) {
            throw new InvalidInputException("command", "command " + command.commandId() + " of type '"
                    + command.typeName() + "' has " + size + " bytes, more than the " + maxPayloadBytes
                    + " bytes (maxPayloadBytes) this JdbcCommandQueue accepts; nothing was sent. Send a reference "
                    + "to large data instead, or raise JdbcCommandQueue.builder().maxPayloadBytes(...).");
        }
        if (!packetLimit.fits(size + 2L * PacketLimit.ROW_OVERHEAD_BYTES)) {
            throw new InvalidInputException("command", "command " + command.commandId() + " of type '"
                    + command.typeName() + "' has " + size + " bytes, more than the database accepts in one "
                    + "statement (" + packetLimit + " on " + pools.target + "); nothing was sent. Raise the "
                    + "server's max_allowed_packet or send a reference to large data.");
        }
        ensureOpen();
        try (Connection c = pools.reads.getConnection()) {
            claims.hook().borrowed(c);
            try (PreparedStatement ps = c.prepareStatement(sql.insert)) {
                ps.setString(1, queue);
                ps.setString(2, command.commandId());
                ps.setString(3, command.typeName());
                ps.setBytes(4, command.payload());
                ps.setInt(5, size);
                ps.setLong(6, QueueClaim.crc32c(command.payload()));
                if (ps.executeUpdate() == 0) {
                    return false;
                }
            }
        } catch (SQLException e) {
            if (isDuplicate(e)) {
                return false;
            }
            throw QueueErrors.failure(queue, "sending command " + command.commandId() + " of type '"
                    + command.typeName() + "' to queue '" + queue + "'", pools.target, e);
        }
        QueueSignal signal = signals.get(queue);
        if (signal != null) {
            signal.wake();
        }
        return true;
    }

    @Override
    public List<Delivery> poll(String queue, String consumer, int maxCommands, Duration maxWait) {
        checkQueue(queue);
        Checks.identifier("consumer", consumer, MAX_QUEUE_NAME_CHARS, "host-1/worker-3");
        if (maxCommands < 1 || maxCommands > MAX_POLL) {
            throw new InvalidInputException("maxCommands", "maxCommands must be 1 to " + MAX_POLL + " but was "
                    + maxCommands);
        }
        Checks.notNull("maxWait", maxWait);
        if (maxWait.isNegative()) {
            throw new InvalidInputException("maxWait", "maxWait must not be negative but was " + maxWait
                    + "; use Duration.ZERO to return at once");
        }
        ensureOpen();
        purgeIfDue(queue);
        Duration wait = maxWait.compareTo(MAX_WAIT) > 0 ? MAX_WAIT : maxWait;
        long deadline = System.nanoTime() + wait.toNanos();
        QueueSignal signal = maxWait.isZero() ? null : signals.computeIfAbsent(queue, k -> new QueueSignal());
        long backoff = FIRST_BACKOFF_NANOS;
        while (true) {
            long seen = signal == null ? 0 : signal.version();
            QueueClaim.Outcome outcome;
            try {
                outcome = claims.claim(queue, consumer, maxCommands);
            } catch (CommandQueueException e) {
                if (closed.get()) {
                    return List.of(); // closed while claiming: the claim was rolled back, or its lease runs out
                }
                throw e;
            }
            if (!outcome.deliveries().isEmpty()) {
                return outcome.deliveries();
            }
            if (outcome.buried() > 0) {
                continue; // rows were moved aside: what is behind them may be due
            }
            long remaining = deadline - System.nanoTime();
            if (signal == null || remaining <= 0 || closed.get()) {
                return List.of();
            }
            if (!signal.await(seen, Math.min(backoff, remaining)) || closed.get()) {
                return List.of(); // interrupted (the flag is kept) or closed
            }
            backoff = Math.min(backoff * 2, MAX_BACKOFF_NANOS);
        }
    }

    @Override
    public void acknowledge(Delivery delivery) {
        long id = rowId(delivery);
        ensureOpen();
        try (Connection c = pools.reads.getConnection()) {
            claims.hook().borrowed(c);
            try (PreparedStatement ps = c.prepareStatement(sql.acknowledge)) {
                ps.setBytes(1, NO_PAYLOAD);
                bindRow(ps, 2, id, delivery);
                ps.executeUpdate();
            }
        } catch (SQLException e) {
            throw QueueErrors.failure(delivery.queue(), "acknowledging command " + delivery.command().commandId()
                    + " of queue '" + delivery.queue() + "'", pools.target, e);
        }
    }

    @Override
    public void fail(Delivery delivery, String error) {
        long id = rowId(delivery);
        String lastError = QueueErrors.storedError(error);
        ensureOpen();
        boolean bury = delivery.attempt() >= maxAttempts;
        try (Connection c = pools.reads.getConnection()) {
            claims.hook().borrowed(c);
            try (PreparedStatement ps = c.prepareStatement(bury ? sql.buryFailed : sql.release)) {
                int i = 1;
                if (!bury) {
                    ps.setLong(i++, retryDelayMicros(delivery.attempt()));
                }
                ps.setString(i++, lastError);
                i = bindRow(ps, i, id, delivery);
                ps.setInt(i, delivery.attempt());
                if (ps.executeUpdate() == 1 && bury) {
                    LOG.warn("JdbcCommandQueue moved command {} (row {}) of queue '{}' in table {} to the dead letters "
                            + "after {} attempts: {}", delivery.command().commandId(), id, delivery.queue(), table,
                            delivery.attempt(), lastError);
                }
            }
        } catch (SQLException e) {
            throw QueueErrors.failure(delivery.queue(), "failing command " + delivery.command().commandId()
                    + " of queue '" + delivery.queue() + "'", pools.target, e);
        }
    }

    @Override
    public List<DeadLetter> deadLetters(String queue, int max) {
        checkQueue(queue);
        if (max < 1 || max > MAX_DEAD_LETTERS) {
            throw new InvalidInputException("max", "max must be 1 to " + MAX_DEAD_LETTERS + " but was " + max);
        }
        ensureOpen();
        List<DeadLetter> dead = new ArrayList<>();
        try (Connection c = pools.reads.getConnection()) {
            claims.hook().borrowed(c);
            try (PreparedStatement ps = c.prepareStatement(sql.deadLetters)) {
                ps.setString(1, queue);
                ps.setInt(2, max);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        QueueClaim.Row row = QueueClaim.Row.read(rs);
                        Instant deadAt = Instant.EPOCH.plus(rs.getLong(10), ChronoUnit.MICROS);
                        dead.add(new DeadLetter(queue, row.commandOrPlaceholder(), row.attempt,
                                row.lastError == null ? "(no error recorded)" : row.lastError, deadAt));
                    }
                }
            }
        } catch (SQLException e) {
            throw QueueErrors.failure(queue, "reading the dead letters of queue '" + queue + "'", pools.target, e);
        }
        return dead;
    }

    /**
     * {@inheritDoc}
     *
     * <p>{@code SELECT COUNT(*) ... WHERE queue_name = ? AND state = 0}: a range of the index
     * {@code (queue_name, state, due_at, id)}, on the read pool.
     */
    @Override
    public long depth(String queue) {
        checkQueue(queue);
        ensureOpen();
        try (Connection c = pools.reads.getConnection()) {
            claims.hook().borrowed(c);
            try (PreparedStatement ps = c.prepareStatement(sql.depth)) {
                ps.setString(1, queue);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        } catch (SQLException e) {
            throw QueueErrors.failure(queue, "counting the pending commands of queue '" + queue + "'", pools.target, e);
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
     * Returns the dialect in use (detected or configured).
     *
     * @return the dialect
     */
    public JdbcDialect dialect() {
        return dialect;
    }

    /**
     * Returns the queue table's name.
     *
     * @return the name
     */
    public String tableName() {
        return table;
    }

    /**
     * Closes the connection pools if the queue created them (built with a JDBC URL); a {@link
     * javax.sql.DataSource} passed to the builder is left open. Idempotent. Waiting polls return at once with
     * nothing; deliveries held are left to expire. Later calls throw {@link IllegalStateException}.
     */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            signals.values().forEach(QueueSignal::wake);
            pools.close();
        }
    }

    /**
     * Describes the queue in one line, for logs and support: dialect, table, where it connects (credentials
     * masked), the settings and the connections it opens. No password ever appears in it.
     *
     * @return the description
     */
    public String describe() {
        String connections = pools.owned()
                ? "statement pool " + pools.readPoolSize() + " + claim pool " + pools.appendPoolSize() + " connections"
                : "connections from the given DataSource";
        return "JdbcCommandQueue[" + dialect + ", table " + table + " on " + pools.target + "; leaseTime " + leaseTime
                + ", maxAttempts " + maxAttempts + ", idRetention " + idRetention + ", maxPayloadBytes "
                + maxPayloadBytes + "; " + connections + "; " + packetLimit + "]";
    }

    @Override
    public String toString() {
        return "JdbcCommandQueue[" + dialect + ", table " + table + ", " + pools.target + "]";
    }

    // ------------------------------------------------------------------ internals

    private void ensureOpen() {
        if (closed.get()) {
            throw new IllegalStateException("this JdbcCommandQueue (table " + table + ") is closed");
        }
    }

    private static void checkQueue(String queue) {
        Checks.notNull("queue", queue);
        if (!QUEUE_NAME.matcher(queue).matches()) {
            throw new InvalidInputException("queue", "queue must be 1 to " + MAX_QUEUE_NAME_CHARS + " letters, digits, "
                    + "'.', '_' or '-' but was " + Checks.show(queue) + "; use a name such as \"high-priority\"");
        }
    }

    private static long rowId(Delivery delivery) {
        Checks.notNull("delivery", delivery);
        try {
            return Long.parseLong(delivery.deliveryId());
        } catch (NumberFormatException e) {
            throw new InvalidInputException("delivery", "delivery id " + Checks.show(delivery.deliveryId())
                    + " is not a row id: pass a Delivery that a JdbcCommandQueue's poll returned");
        }
    }

    /** Binds {@code id, queue_name, command_id} from parameter {@code i}; returns the next parameter. */
    private static int bindRow(PreparedStatement ps, int i, long id, Delivery delivery) throws SQLException {
        ps.setLong(i, id);
        ps.setString(i + 1, delivery.queue());
        ps.setString(i + 2, delivery.command().commandId());
        return i + 3;
    }

    /** 100 ms × 2^(attempt − 1), at most the lease time. */
    long retryDelayMicros(int attempt) {
        long delay = FIRST_RETRY_DELAY_MICROS << Math.min(attempt - 1, 30);
        return Math.min(delay, micros(leaseTime));
    }

    private static boolean isDuplicate(SQLException e) {
        SQLException sqlCause = SqlErrors.sqlCause(e);
        return sqlCause != null && (sqlCause.getErrorCode() == 1062 || "23505".equals(sqlCause.getSQLState()));
    }

    private void purgeIfDue(String queue) {
        long now = System.nanoTime();
        Long next = nextPurge.get(queue);
        if (next != null && now - next < 0) {
            return;
        }
        long claimedUntil = now + purgeIntervalNanos;
        boolean mine = next == null ? nextPurge.putIfAbsent(queue, claimedUntil) == null
                : nextPurge.replace(queue, next, claimedUntil);
        if (!mine) {
            return; // another thread of this client purges this queue now
        }
        try {
            if (purge(queue) >= QueueStatements.PURGE_BATCH) {
                nextPurge.put(queue, now + Math.min(PURGE_BACKLOG_INTERVAL_NANOS, purgeIntervalNanos));
            }
        } catch (CommandQueueException e) {
            LOG.warn("JdbcCommandQueue could not purge done commands of queue '{}' in table {}; it tries again in "
                    + "{} s: {}", queue, table, TimeUnit.NANOSECONDS.toSeconds(purgeIntervalNanos), e.getMessage());
        }
    }

    /** Deletes up to {@value QueueStatements#PURGE_BATCH} done rows of a queue whose id retention ran out. */
    int purge(String queue) {
        try (Connection c = pools.reads.getConnection()) {
            claims.hook().borrowed(c);
            try (PreparedStatement ps = c.prepareStatement(sql.purge)) {
                ps.setString(1, queue);
                return ps.executeUpdate();
            }
        } catch (SQLException e) {
            throw QueueErrors.failure(queue, "purging done commands of queue '" + queue + "'", pools.target, e);
        }
    }

    private static long micros(Duration d) {
        return TimeUnit.NANOSECONDS.toMicros(d.toNanos());
    }

    // ------------------------------------------------------------------ test seams (package-private)

    void hook(QueueHook value) {
        claims.hook(value);
    }

    void schemaLockTimeoutSeconds(int seconds) {
        schema.lockTimeoutSeconds(seconds);
    }
}
