package io.modularddd.eventstore.jdbc;

import io.modularddd.core.EventStoreException;
import io.modularddd.core.InvalidInputException;
import io.modularddd.core.internal.CheckpointChecks;
import io.modularddd.core.projection.CheckpointStore;
import io.modularddd.core.projection.CheckpointTransaction;
import io.modularddd.core.projection.CheckpointWorkException;
import io.modularddd.core.projection.LeaseLostException;
import io.modularddd.core.projection.ProjectionDeadLetter;
import io.modularddd.core.projection.SegmentLease;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link CheckpointStore} of a {@link JdbcEventStore}: the {@code <table>_checkpoints} and
 * {@code <table>_dead_letters} tables, on the event store's read pool. Get one with
 * {@link JdbcEventStore#checkpointStore()}.
 *
 * <h2>Leases and fencing</h2>
 * A claim is one transaction: it locks the projection's header row (segment {@code -1}, which holds the segment
 * count), then grants the segment with one conditional {@code UPDATE ... SET owner = ?, lease_token =
 * lease_token + 1, lease_until = now + ? WHERE ... AND (owner IS NULL OR lease_until <= now OR owner = ?)}, where
 * {@code now} is the database's clock ({@link CheckpointSql}). A commit is one transaction: first {@code UPDATE
 * ... SET position = ? WHERE name = ? AND segment = ? AND lease_token = ? AND lease_until > now AND position <=
 * ?} — no row means the lease is lost (rollback, {@link LeaseLostException}) — then the work on the same
 * connection, then {@code COMMIT}. The update holds the row's lock until the commit ends, so a process claiming
 * the segment meanwhile (the lease ran out during the work) waits for it, and starts from the position it wrote.
 *
 * <h2>Connections</h2>
 * Every call borrows one connection from the event store's read pool; a commit holds it while its work runs.
 * The work gets it through {@link CheckpointTransaction#unwrap(Class) unwrap(Connection.class)} and must neither
 * commit, roll back nor close it. Transactions run at {@code READ COMMITTED}. Claims, renewals and resets that
 * meet a deadlock or a lock-wait timeout are repeated ({@value #ATTEMPTS} attempts in all); commits are not
 * (the work would run again): they throw a transient {@link EventStoreException}.
 *
 * <p>Thread-safe. {@link #close()} releases nothing (the pools are the event store's) and makes later calls
 * fail; closing the event store does the same.
 */
final class JdbcCheckpointStore implements CheckpointStore {

    /** How often a claim, renewal or reset is tried when it meets a deadlock or a duplicate key. */
    static final int ATTEMPTS = 5;

    private static final Logger LOG = LoggerFactory.getLogger(JdbcCheckpointStore.class);

    private final JdbcEventStore owner;
    private final StorePools pools;
    private final CheckpointSql sql;
    private final boolean mysql;
    private final AtomicBoolean closed = new AtomicBoolean();

    JdbcCheckpointStore(JdbcEventStore owner, StorePools pools, JdbcDialect dialect, TableNames names) {
        this.owner = owner;
        this.pools = pools;
        this.sql = new CheckpointSql(dialect, names);
        this.mysql = dialect.mysqlFamily();
    }

    /**
     * {@inheritDoc}
     *
     * <p>Every grant, also one to the owner that holds the segment already, carries a new, higher token; the
     * lease returned before is void from then on. Expiry is judged by the database's clock.
     */
    @Override
    public Optional<SegmentLease> tryClaim(String projection, int segment, int segmentCount, String owner,
                                           Duration leaseTime) {
        CheckpointChecks.claim(projection, segment, segmentCount, owner, leaseTime);
        ensureOpen();
        return transaction("claiming segment " + segment + " of projection '" + projection + "'", true, c -> {
            ensureRow(c, projection, CheckpointSql.HEADER, 0);
            int held;
            try (PreparedStatement ps = c.prepareStatement(sql.lockHeader)) {
                ps.setString(1, projection);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    held = rs.getInt(1);
                }
            }
            if (held == 0) {
                try (PreparedStatement ps = c.prepareStatement(sql.setCount)) {
                    ps.setInt(1, segmentCount);
                    ps.setString(2, projection);
                    ps.executeUpdate();
                }
            } else if (held != segmentCount) {
                throw new InvalidInputException("segmentCount", "projection '" + projection + "' is split into "
                        + held + " segments but the claim asked for " + segmentCount + "; every process must use "
                        + "the same count. To change it, stop the processors and reset the projection (it is then "
                        + "rebuilt from position 1).");
            }
            ensureRow(c, projection, segment, segmentCount);
            int granted;
            try (PreparedStatement ps = c.prepareStatement(sql.claim)) {
                ps.setString(1, owner);
                ps.setLong(2, micros(leaseTime));
                ps.setInt(3, segmentCount);
                ps.setString(4, projection);
                ps.setInt(5, segment);
                ps.setString(6, owner);
                granted = ps.executeUpdate();
            }
            if (granted == 0) {
                return Optional.<SegmentLease>empty();
            }
            Row row = read(c, sql.read, projection, segment);
            return Optional.of(new SegmentLease(projection, segment, segmentCount, owner, row.token, row.position,
                    instant(row.until)));
        });
    }

    /**
     * {@inheritDoc}
     *
     * <p>A lease past its expiry (by the database's clock) is lost even when no other process has claimed the
     * segment yet: claim it again.
     *
     * @throws InvalidInputException when an argument is null or the lease time out of range
     */
    @Override
    public SegmentLease renew(SegmentLease lease, Duration leaseTime) {
        CheckpointChecks.lease(lease);
        CheckpointChecks.leaseTime(leaseTime);
        ensureOpen();
        return transaction("renewing " + describe(lease), true, c -> {
            try (PreparedStatement ps = c.prepareStatement(sql.renew)) {
                ps.setLong(1, micros(leaseTime));
                ps.setString(2, lease.projection());
                ps.setInt(3, lease.segment());
                ps.setLong(4, lease.token());
                ps.executeUpdate();
            }
            Row row = read(c, sql.read, lease.projection(), lease.segment());
            if (row == null || !row.heldBy(lease)) {
                throw new LeaseLostException(lease);
            }
            return lease.advancedTo(row.position, instant(row.until));
        });
    }

    /**
     * {@inheritDoc}
     *
     * @throws InvalidInputException when the lease is null
     */
    @Override
    public void release(SegmentLease lease) {
        CheckpointChecks.lease(lease);
        ensureOpen();
        try (Connection c = pools.reads.getConnection(); PreparedStatement ps = c.prepareStatement(sql.release)) {
            ps.setString(1, lease.projection());
            ps.setInt(2, lease.segment());
            ps.setLong(3, lease.token());
            ps.executeUpdate();
        } catch (SQLException e) {
            throw SqlErrors.failure("releasing " + describe(lease), where(), e);
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>One transaction: the checkpoint's fenced {@code UPDATE}, then the work with the transaction's
     * {@link Connection} ({@code transaction.unwrap(Connection.class)}), then {@code COMMIT}. A lease past its
     * expiry (by the database's clock) is lost even when no other process has claimed the segment yet.
     *
     * @throws CheckpointWorkException when the work threw a checked exception, such as an {@link SQLException}
     *                                 of its own statements (everything was rolled back)
     * @throws EventStoreException     when the checkpoint's statements or the {@code COMMIT} fail; when the
     *                                 connection broke during {@code COMMIT}, whether it committed is unknown:
     *                                 read {@link #position}
     */
    @Override
    public SegmentLease commit(SegmentLease lease, long position, Work work) {
        CheckpointChecks.commit(lease, position, work);
        ensureOpen();
        return transaction("committing position " + position + " with " + describe(lease), false, c -> {
            int moved;
            try (PreparedStatement ps = c.prepareStatement(sql.commit)) {
                ps.setLong(1, position);
                ps.setString(2, lease.projection());
                ps.setInt(3, lease.segment());
                ps.setLong(4, lease.token());
                ps.setLong(5, position);
                moved = ps.executeUpdate();
            }
            if (moved == 0) {
                // no row changed: the lease is lost, or the checkpoint is ahead; or the driver counts changed rows
                // only (useAffectedRows) and the position is the same. The locking read tells them apart.
                Row row = read(c, sql.readForUpdate, lease.projection(), lease.segment());
                if (row == null || !row.heldBy(lease)) {
                    throw new LeaseLostException(lease);
                }
                if (row.position > position) {
                    throw CheckpointChecks.backwards(lease, position, row.position);
                }
            }
            Connection exposed = c;
            try {
                work.run(new CheckpointTransaction() {
                    @Override
                    public <T> Optional<T> unwrap(Class<T> type) {
                        return type.isInstance(exposed) ? Optional.of(type.cast(exposed)) : Optional.empty();
                    }
                });
            } catch (RuntimeException e) {
                throw e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CheckpointWorkException(lease, e);
            } catch (Exception e) {
                // also the work's own SQLException: it must not read as a failure of the checkpoint's statements
                throw new CheckpointWorkException(lease, e);
            }
            return lease.advancedTo(position, lease.expiresAt());
        });
    }

    @Override
    public long position(String projection, int segment) {
        CheckpointChecks.projection(projection);
        CheckpointChecks.segment(segment);
        ensureOpen();
        try (Connection c = pools.reads.getConnection(); PreparedStatement ps = c.prepareStatement(sql.position)) {
            ps.setString(1, projection);
            ps.setInt(2, segment);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        } catch (SQLException e) {
            throw SqlErrors.failure("reading the checkpoint of projection '" + projection + "' segment " + segment,
                    where(), e);
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>One transaction under the projection's header-row lock; it waits for commits in progress, so none of
     * them lands after the reset.
     */
    @Override
    public void reset(String projection) {
        CheckpointChecks.projection(projection);
        ensureOpen();
        transaction("resetting projection '" + projection + "'", true, c -> {
            try (PreparedStatement ps = c.prepareStatement(sql.lockHeader)) {
                ps.setString(1, projection);
                ps.executeQuery().close();
            }
            try (PreparedStatement ps = c.prepareStatement(sql.resetSegments)) {
                ps.setString(1, projection);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement(sql.setCount)) {
                ps.setInt(1, 0);
                ps.setString(2, projection);
                ps.executeUpdate();
            }
            return null;
        });
    }

    /**
     * {@inheritDoc}
     *
     * <p>An upsert of the {@code (projection, position)} row: a dead letter at a position the projection has one
     * for already replaces it. An error longer than 2,000 chars is cut to that length; {@code recordedAt} keeps
     * microseconds.
     *
     * @throws InvalidInputException when the letter or a field is invalid
     */
    @Override
    public void addDeadLetter(ProjectionDeadLetter letter) {
        ProjectionDeadLetter l = CheckpointChecks.deadLetter(letter);
        ensureOpen();
        try (Connection c = pools.reads.getConnection();
             PreparedStatement ps = c.prepareStatement(sql.addDeadLetter)) {
            ps.setString(1, l.projection());
            ps.setLong(2, l.position());
            ps.setString(3, l.streamId());
            ps.setString(4, l.eventType());
            ps.setString(5, l.error());
            ps.setInt(6, l.attempts());
            ps.setObject(7, LocalDateTime.ofInstant(l.recordedAt().truncatedTo(ChronoUnit.MICROS), ZoneOffset.UTC));
            ps.executeUpdate();
        } catch (SQLException e) {
            throw SqlErrors.failure("recording the dead letter of projection '" + l.projection() + "' at position "
                    + l.position(), where(), e);
        }
    }

    /**
     * {@inheritDoc}
     *
     * @throws InvalidInputException when the name is invalid or {@code max} is not 1 to 10,000
     */
    @Override
    public List<ProjectionDeadLetter> deadLetters(String projection, int max) {
        CheckpointChecks.projection(projection);
        CheckpointChecks.max(max);
        ensureOpen();
        try (Connection c = pools.reads.getConnection();
             PreparedStatement ps = c.prepareStatement(sql.listDeadLetters)) {
            ps.setString(1, projection);
            ps.setInt(2, max);
            List<ProjectionDeadLetter> letters = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Instant at = mysql ? EventTable.parseUtc(rs.getString(6))
                            : rs.getObject(6, LocalDateTime.class).toInstant(ZoneOffset.UTC);
                    letters.add(new ProjectionDeadLetter(projection, rs.getLong(1), rs.getString(2), rs.getString(3),
                            rs.getString(4), rs.getInt(5), at));
                }
            }
            return List.copyOf(letters);
        } catch (SQLException e) {
            throw SqlErrors.failure("listing the dead letters of projection '" + projection + "'", where(), e);
        }
    }

    /**
     * {@inheritDoc}
     *
     * @throws InvalidInputException when the name is invalid
     */
    @Override
    public boolean removeDeadLetter(String projection, long position) {
        CheckpointChecks.projection(projection);
        ensureOpen();
        try (Connection c = pools.reads.getConnection();
             PreparedStatement ps = c.prepareStatement(sql.removeDeadLetter)) {
            ps.setString(1, projection);
            ps.setLong(2, position);
            return ps.executeUpdate() > 0;
        } catch (SQLException e) {
            throw SqlErrors.failure("removing the dead letter of projection '" + projection + "' at position "
                    + position, where(), e);
        }
    }

    /** Makes later calls fail; the event store and its pools stay open. Idempotent. */
    @Override
    public void close() {
        closed.set(true);
    }

    @Override
    public String toString() {
        return "JdbcCheckpointStore[" + sql.checkpoints + ", " + sql.deadLetters + ", " + pools.target + "]";
    }

    // ------------------------------------------------------------------ internals

    private void ensureOpen() {
        if (closed.get()) {
            throw new IllegalStateException("this JdbcCheckpointStore (" + sql.checkpoints + ") is closed");
        }
        owner.ensureOpen();
    }

    private String where() {
        return "table " + sql.checkpoints + " on " + pools.target;
    }

    private static String describe(SegmentLease lease) {
        return "the lease on projection '" + lease.projection() + "' segment " + lease.segment() + " (token "
                + lease.token() + ")";
    }

    private static long micros(Duration d) {
        return d.toNanos() / 1000;
    }

    private static Instant instant(long micros) {
        return Instant.EPOCH.plus(micros, ChronoUnit.MICROS);
    }

    private void ensureRow(Connection c, String projection, int segment, int segmentCount) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql.ensureRow)) {
            ps.setString(1, projection);
            ps.setInt(2, segment);
            ps.setInt(3, segmentCount);
            ps.executeUpdate();
        }
    }

    private static Row read(Connection c, String statement, String projection, int segment) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(statement)) {
            ps.setString(1, projection);
            ps.setInt(2, segment);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                long until = rs.getLong(3);
                boolean leased = !rs.wasNull();
                return new Row(rs.getLong(1), rs.getLong(2), leased ? until : Long.MIN_VALUE, rs.getString(4),
                        rs.getLong(5));
            }
        }
    }

    /** A segment's row as read, with the database's time of the read. */
    private record Row(long position, long token, long until, String owner, long now) {
        boolean heldBy(SegmentLease lease) {
            return owner != null && token == lease.token() && until > now;
        }
    }

    /** A body run in a transaction. */
    @FunctionalInterface
    private interface Body<T> {
        T run(Connection c) throws SQLException;
    }

    /**
     * Runs a body in a transaction on a read-pool connection ({@code READ COMMITTED}, auto-commit off, both
     * restored afterwards). Any exception rolls back. A repeatable body is run again on a deadlock, a lock-wait
     * timeout or a duplicate key (two first claims inserting the same row).
     */
    private <T> T transaction(String operation, boolean repeatable, Body<T> body) {
        for (int attempt = 1; ; attempt++) {
            Connection c;
            try {
                c = pools.reads.getConnection();
            } catch (SQLException e) {
                throw SqlErrors.failure(operation, where(), e);
            }
            StorePools.Restore restore = null;
            boolean done = false;
            try {
                restore = pools.beginTransaction(c);
                T result = body.run(c);
                c.commit();
                done = true;
                return result;
            } catch (SQLException e) {
                if (repeatable && attempt < ATTEMPTS && !SqlErrors.isConnectionFailure(e)
                        && (SqlErrors.isTransient(e) || SqlErrors.isIntegrityViolation(e))) {
                    LOG.debug("JdbcCheckpointStore: {} met {} (attempt {} of {}); repeating", operation, e.toString(),
                            attempt, ATTEMPTS);
                    continue;
                }
                throw SqlErrors.failure(operation, where(), e);
            } finally {
                finish(c, done, restore);
            }
        }
    }

    private static void finish(Connection c, boolean committed, StorePools.Restore restore) {
        try {
            if (!committed) {
                c.rollback();
            }
            if (restore != null && restore.autoCommit()) {
                c.setAutoCommit(true);
            }
            if (restore != null && restore.isolation() >= 0) {
                c.setTransactionIsolation(restore.isolation());
            }
        } catch (SQLException | RuntimeException e) {
            LOG.debug("JdbcCheckpointStore: ending a transaction failed: {}", e.toString());
        }
        try {
            c.close();
        } catch (SQLException | RuntimeException e) {
            LOG.debug("JdbcCheckpointStore: closing a connection failed: {}", e.toString());
        }
    }
}
