package io.modularddd.eventstore.jdbc;

import io.modularddd.core.InvalidInputException;
import io.modularddd.core.internal.Checks;
import io.modularddd.core.queue.Delivery;
import io.modularddd.core.queue.QueuedCommand;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One claim of {@link JdbcCommandQueue#poll}: a short transaction on the claim pool ({@code READ
 * COMMITTED}, auto-commit off).
 * <ol>
 *   <li>{@code SELECT ... WHERE queue_name = ? AND state = 0 AND due_at <= now ORDER BY due_at, id LIMIT ?
 *       FOR UPDATE SKIP LOCKED}: one range of the {@code (queue_name, state, due_at, id)} index; rows
 *       another claim holds locked are skipped, never waited for. Rows whose lease ran out are due like new
 *       ones.</li>
 *   <li>Each row is checked: a row that does not decode (its payload does not match {@code payload_length}
 *       and {@code payload_crc32c}, or its id or type name are not valid) and a row that already had
 *       {@code maxAttempts} attempts (its last holder's lease ran out) become dead letters with the reason;
 *       the others are leased: {@code attempt + 1}, {@code lease_owner}, {@code due_at = now + leaseTime}
 *       (one JDBC batch; on PostgreSQL one {@code UPDATE ... WHERE id = ANY(?)}).</li>
 *   <li>{@code COMMIT}. A claim that fails before the commit leaves the rows as they were (the server rolls
 *       back, also when the session was killed); one that fails during the commit may have leased them, and
 *       then they are delivered again when the lease runs out. Either way no row is lost.</li>
 * </ol>
 * On H2, whose {@code SELECT ... FOR UPDATE} locks the table for other {@code FOR UPDATE} selects (so
 * {@code SKIP LOCKED} returns nothing while another claim runs), the claims of one JVM take turns on a lock
 * per table name.
 */
final class QueueClaim {

    private static final Logger LOG = LoggerFactory.getLogger(QueueClaim.class);
    private static final Map<String, Object> H2_CLAIM_LOCKS = new ConcurrentHashMap<>();

    /** A claim's result: the deliveries, and how many rows it moved to the dead letters instead. */
    record Outcome(List<Delivery> deliveries, int buried) {
    }

    private final StorePools pools;
    private final QueueStatements sql;
    private final String table;
    private final String target;
    private final int maxAttempts;
    private final Duration leaseTime;
    private final Object h2Lock;
    private volatile QueueHook hook = QueueHook.NONE;

    QueueClaim(StorePools pools, JdbcDialect dialect, QueueStatements sql, String table, String target,
               int maxAttempts, Duration leaseTime) {
        this.pools = pools;
        this.sql = sql;
        this.table = table;
        this.target = target;
        this.maxAttempts = maxAttempts;
        this.leaseTime = leaseTime;
        this.h2Lock = dialect == JdbcDialect.H2 ? H2_CLAIM_LOCKS.computeIfAbsent(table, k -> new Object()) : null;
    }

    void hook(QueueHook value) {
        this.hook = value;
    }

    QueueHook hook() {
        return hook;
    }

    /** Runs one claim of up to {@code max} rows for {@code consumer}. */
    Outcome claim(String queue, String consumer, int max) {
        if (h2Lock == null) {
            return claimInTransaction(queue, consumer, max);
        }
        synchronized (h2Lock) {
            return claimInTransaction(queue, consumer, max);
        }
    }

    private Outcome claimInTransaction(String queue, String consumer, int max) {
        Connection c;
        try {
            c = pools.appends.getConnection();
        } catch (SQLException e) {
            throw QueueErrors.failure(queue, "claiming commands of queue '" + queue + "'", target, e);
        }
        StorePools.Restore restore = null;
        boolean broken = true; // until the transaction ends cleanly: an Error thrown by the driver evicts it too
        try {
            hook.borrowed(c);
            restore = pools.beginTransaction(c);
            List<Row> rows = select(c, queue, max);
            hook.claimed(c, rows.size());
            List<Delivery> deliveries = new ArrayList<>(rows.size());
            List<Long> leased = new ArrayList<>(rows.size());
            List<Row> buried = new ArrayList<>();
            for (Row row : rows) {
                if (row.problem != null || row.attempt >= maxAttempts) {
                    row.reason = QueueErrors.storedError(row.problem != null ? row.problem : abandoned(row));
                    buried.add(row);
                } else {
                    leased.add(row.id);
                    deliveries.add(new Delivery(queue, Long.toString(row.id), row.command, row.attempt + 1, consumer));
                }
            }
            if (!leased.isEmpty()) {
                lease(c, consumer, leased);
            }
            for (Row row : buried) {
                bury(c, consumer, row);
            }
            c.commit();
            broken = false;
            for (Row row : buried) {
                LOG.warn("JdbcCommandQueue moved command {} (row {}) of queue '{}' in table {} to the dead letters: {}",
                        row.commandId, row.id, queue, table, row.reason);
            }
            return new Outcome(List.copyOf(deliveries), buried.size());
        } catch (SQLException | RuntimeException e) {
            broken = SqlErrors.isConnectionFailure(e);
            if (!broken) {
                try {
                    c.rollback();
                } catch (SQLException r) {
                    broken = true;
                }
            }
            throw QueueErrors.failure(queue, "claiming commands of queue '" + queue + "' for consumer '" + consumer
                    + "'", target, e);
        } finally {
            pools.release(c, broken, restore != null && restore.autoCommit(),
                    restore == null ? -1 : restore.isolation());
        }
    }

    private void lease(Connection c, String consumer, List<Long> ids) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql.lease)) {
            if (sql.leaseByArray) {
                ps.setString(1, consumer);
                ps.setArray(2, c.createArrayOf("bigint", ids.toArray()));
                ps.executeUpdate();
                return;
            }
            for (long id : ids) {
                ps.setString(1, consumer);
                ps.setLong(2, id);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /**
     * Moves a row to the dead letters. A row that does not decode counts this claim as an attempt; one that
     * had all its attempts keeps its count and its last holder.
     */
    private void bury(Connection c, String consumer, Row row) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql.buryClaimed)) {
            ps.setInt(1, row.problem != null ? 1 : 0);
            ps.setString(2, row.problem != null ? consumer : row.leaseOwner);
            ps.setString(3, row.reason);
            ps.setLong(4, row.id);
            ps.executeUpdate();
        }
    }

    private List<Row> select(Connection c, String queue, int max) throws SQLException {
        List<Row> rows = new ArrayList<>(Math.min(max, 64));
        try (PreparedStatement ps = c.prepareStatement(sql.claim)) {
            ps.setString(1, queue);
            ps.setInt(2, max);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(Row.read(rs));
                }
            }
        }
        return rows;
    }

    private String abandoned(Row row) {
        if (row.leaseOwner == null) {
            return "failed " + row.attempt + " times (this client allows " + maxAttempts + " attempts); last error: "
                    + row.lastError;
        }
        return "abandoned: attempt " + row.attempt + " of " + maxAttempts + " by consumer '" + row.leaseOwner
                + "' was neither acknowledged nor failed within its lease (" + leaseTime + ")"
                + (row.lastError == null ? "" : "; the error before it: " + row.lastError);
    }

    /** A claimed or dead row as read, with what is wrong with it if it does not decode. */
    static final class Row {
        final long id;
        final String commandId;
        final String typeName;
        final byte[] payload;
        final int attempt;
        final String leaseOwner;
        final String lastError;
        final QueuedCommand command;
        final String problem;
        String reason;

        private Row(ResultSet rs) throws SQLException {
            this.id = rs.getLong(1);
            this.commandId = rs.getString(2);
            this.typeName = rs.getString(3);
            this.payload = rs.getBytes(4);
            int length = rs.getInt(5);
            long crc = rs.getLong(6);
            this.attempt = rs.getInt(7);
            this.leaseOwner = rs.getString(8);
            this.lastError = rs.getString(9);
            String wrong = null;
            QueuedCommand decoded = null;
            if (payload == null || payload.length != length) {
                wrong = "the row does not decode: its payload has " + (payload == null ? "no" : payload.length)
                        + " bytes but payload_length says " + length + " (the row was changed outside the queue)";
            } else if (crc32c(payload) != crc) {
                wrong = "the row does not decode: the CRC-32C of its payload is " + crc32c(payload)
                        + " but payload_crc32c says " + crc + " (the payload was changed outside the queue)";
            } else {
                try {
                    decoded = new QueuedCommand(commandId, typeName, payload);
                } catch (InvalidInputException e) {
                    wrong = "the row does not decode: " + e.getMessage();
                }
            }
            this.command = decoded;
            this.problem = wrong;
        }

        /**
         * Reads the columns {@code id, command_id, type_name, payload, payload_length, payload_crc32c, attempt,
         * lease_owner, last_error} of the current row.
         */
        static Row read(ResultSet rs) throws SQLException {
            return new Row(rs);
        }

        /** The command for a dead letter: as stored, with placeholders where a stored value is not valid. */
        QueuedCommand commandOrPlaceholder() {
            if (command != null) {
                return command;
            }
            return new QueuedCommand(valid(commandId, QueuedCommand.MAX_ID_CHARS) ? commandId : "row-" + id,
                    valid(typeName, 100) ? typeName : "undecodable", payload == null ? new byte[0] : payload);
        }

        private static boolean valid(String value, int max) {
            try {
                Checks.identifier("value", value, max, "x");
                return true;
            } catch (InvalidInputException e) {
                return false;
            }
        }
    }

    static long crc32c(byte[] bytes) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bytes.length);
        return crc.getValue();
    }
}
