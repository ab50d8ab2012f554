package io.modularddd.eventstore.jdbc;

import io.modularddd.core.cache.CacheEntry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The write transactions of {@link JdbcCacheTier}: put, invalidations, clear and purge, each a short transaction on
 * a connection of the event store's read pool (auto-commit switched off for it, {@code READ COMMITTED}).
 *
 * <h2>Locks</h2>
 * Every writer takes its locks in one order — the clock row, then entries, then tag rows — so writers wait for each
 * other but do not deadlock (the purge, which takes no clock lock, skips entries locked by others). A put holds the
 * clock row in share mode, an invalidation or {@code clear} exclusively: an invalidation waits for the puts in
 * flight and the puts that come after it see its markers. A transaction that still meets a deadlock, a
 * serialization failure or (H2's {@code MERGE}) a duplicate key is run again, up to {@value #ATTEMPTS} times: it
 * re-reads the clock each time, so a repeated put is checked afresh.
 */
final class CacheWrites {

    /** How often a transaction that meets a deadlock, serialization failure or duplicate key is run. */
    static final int ATTEMPTS = 3;
    /** The longest JDBC batch of deletes or inserts. */
    private static final int BATCH = 500;
    private static final Logger LOG = LoggerFactory.getLogger(CacheWrites.class);

    private final StorePools pools;
    private final CacheStatements sql;

    CacheWrites(StorePools pools, CacheStatements sql) {
        this.pools = pools;
        this.sql = sql;
    }

    /** One transaction's work. */
    @FunctionalInterface
    interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    /**
     * Runs {@code work} in a transaction, again when it meets a deadlock, a serialization failure or a duplicate key.
     *
     * @throws io.modularddd.core.EventStoreException when it fails (transient where it may pass)
     */
    <T> T inTransaction(String operation, Work<T> work) {
        for (int attempt = 1; ; attempt++) {
            try (Connection c = pools.reads.getConnection()) {
                return inTransaction(c, work);
            } catch (SQLException | RuntimeException e) {
                if (attempt < ATTEMPTS && repeatable(e)) {
                    LOG.debug("{} met {}; running it again", operation, e.toString());
                    continue;
                }
                throw SqlErrors.failure(operation, pools.target, e);
            }
        }
    }

    private static <T> T inTransaction(Connection c, Work<T> work) throws SQLException {
        int isolation = c.getTransactionIsolation();
        boolean switchIsolation = isolation != Connection.TRANSACTION_READ_COMMITTED;
        if (switchIsolation) {
            c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED); // a given DataSource's connection
        }
        boolean autoCommit = c.getAutoCommit();
        if (autoCommit) {
            c.setAutoCommit(false);
        }
        boolean committed = false;
        try {
            T result = work.run(c);
            c.commit();
            committed = true;
            return result;
        } finally {
            if (!committed) {
                try {
                    c.rollback();
                } catch (SQLException e) {
                    LOG.debug("rollback failed: {}", e.toString());
                }
            }
            try {
                if (autoCommit) {
                    c.setAutoCommit(true);
                }
                if (switchIsolation) {
                    c.setTransactionIsolation(isolation);
                }
            } catch (SQLException e) {
                LOG.debug("restoring connection settings failed: {}", e.toString());
            }
        }
    }

    /** A deadlock or serialization failure (class 40), MySQL's 1213, H2's lock timeout, or a duplicate key. */
    private static boolean repeatable(Throwable t) {
        SQLException e = SqlErrors.sqlCause(t);
        if (e == null || SqlErrors.isConnectionFailure(t)) {
            return false;
        }
        String state = e.getSQLState();
        return "23505".equals(state) || e.getErrorCode() == 1062 || e.getErrorCode() == 1213
                || e.getErrorCode() == 50200 || (state != null && state.startsWith("40"));
    }

    /** The clock row under the given lock: {clock, purged_through}. */
    long[] clock(Connection c, String statement) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(statement); ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                throw new SQLException("the row of " + sql.clockTable + " is missing; run createSchema() again (it "
                        + "inserts it), or apply the shipped DDL", "42S02");
            }
            return new long[] {rs.getLong(1), rs.getLong(2)};
        }
    }

    /**
     * The put transaction: refused (returns {@code false}, writes nothing) when a marker of the key or of one of the
     * tags was set after the ticket, or markers newer than the ticket were purged; else the entry and its tag rows
     * replace what the key had.
     */
    boolean put(String storageKey, CacheEntry entry, long ticket) {
        return inTransaction("storing cache key '" + storageKey + "' in " + sql.entries, c -> {
            long[] clock = clock(c, sql.clockShared);
            if (ticket < clock[1]) {
                return false; // markers set after the ticket may have been purged: nothing to check against
            }
            if (clock[0] > ticket && invalidatedAfter(c, storageKey, entry.tags(), ticket)) {
                return false;
            }
            try (PreparedStatement ps = c.prepareStatement(sql.upsertEntry)) {
                ps.setString(1, storageKey);
                ps.setString(2, entry.canonicalKey());
                ps.setLong(3, entry.expiresAt().toEpochMilli());
                ps.setBytes(4, entry.bytes());
                ps.setString(5, String.join("\n", entry.tags()));
                ps.executeUpdate();
            }
            deleteByKey(c, sql.deleteTagsOfKey, List.of(storageKey));
            if (!entry.tags().isEmpty()) {
                try (PreparedStatement ps = c.prepareStatement(sql.insertTag)) {
                    for (String tag : entry.tags()) {
                        ps.setString(1, tag);
                        ps.setString(2, storageKey);
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
            }
            return true;
        });
    }

    private boolean invalidatedAfter(Connection c, String storageKey, Set<String> tags, long ticket)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql.marksAfter(tags.size() + 1))) {
            int i = 1;
            ps.setString(i++, keyMark(storageKey));
            for (String tag : tags) {
                ps.setString(i++, tagMark(tag));
            }
            ps.setLong(i, ticket);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /**
     * An invalidation: increments the clock under its exclusive lock, marks the keys and tags with the new reading
     * (until {@code marksExpireAt}), deletes the entries of the keys and of the tags (found through the tags table's
     * primary key) and their tag rows.
     */
    void invalidate(String operation, List<String> keys, Set<String> invalidatedTags, long marksExpireAt) {
        inTransaction(operation, c -> {
            long[] clock = clock(c, sql.clockExclusive);
            long now = clock[0] + 1;
            setClock(c, now, clock[1]);
            try (PreparedStatement ps = c.prepareStatement(sql.upsertMark)) {
                for (String key : keys) {
                    addMark(ps, keyMark(key), now, marksExpireAt);
                }
                for (String tag : invalidatedTags) {
                    addMark(ps, tagMark(tag), now, marksExpireAt);
                }
                ps.executeBatch();
            }
            Set<String> doomed = new LinkedHashSet<>(keys);
            if (!invalidatedTags.isEmpty()) {
                try (PreparedStatement ps = c.prepareStatement(sql.keysOfTag)) {
                    for (String tag : invalidatedTags) {
                        ps.setString(1, tag);
                        try (ResultSet rs = ps.executeQuery()) {
                            while (rs.next()) {
                                doomed.add(rs.getString(1));
                            }
                        }
                    }
                }
            }
            List<String> all = new ArrayList<>(doomed);
            deleteByKey(c, sql.deleteEntry, all); // entries before tag rows: the order every writer locks in
            deleteByKey(c, sql.deleteTagsOfKey, all);
            return null;
        });
    }

    private static void addMark(PreparedStatement ps, String mark, long clock, long expiresAt) throws SQLException {
        ps.setString(1, mark);
        ps.setLong(2, clock);
        ps.setLong(3, expiresAt);
        ps.addBatch();
    }

    private void setClock(Connection c, long clock, long purgedThrough) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql.setClock)) {
            ps.setLong(1, clock);
            ps.setLong(2, purgedThrough);
            ps.executeUpdate();
        }
    }

    private static void deleteByKey(Connection c, String statement, List<String> keys) throws SQLException {
        if (keys.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(statement)) {
            if (keys.size() == 1) {
                ps.setString(1, keys.get(0));
                ps.executeUpdate();
                return;
            }
            for (int from = 0; from < keys.size(); from += BATCH) {
                for (String key : keys.subList(from, Math.min(keys.size(), from + BATCH))) {
                    ps.setString(1, key);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        }
    }

    /**
     * Removes everything: the clock moves on and {@code purged_through} with it, so every ticket taken before is
     * refused; then the markers (now covered by {@code purged_through}), the entries and the tag rows.
     */
    void clear() {
        inTransaction("clearing " + sql.entries, c -> {
            long[] clock = clock(c, sql.clockExclusive);
            setClock(c, clock[0] + 1, clock[0] + 1);
            for (String statement : List.of(sql.deleteAllMarks, sql.deleteAllEntries, sql.deleteAllTags)) {
                try (PreparedStatement ps = c.prepareStatement(statement)) {
                    ps.executeUpdate();
                }
            }
            return null;
        });
    }

    /**
     * Deletes up to {@code maxRows} expired entries (oldest expiry first; entries locked by another transaction are
     * skipped) with their tag rows, in one transaction.
     *
     * @return the number of entries deleted
     */
    int purgeEntries(long nowMillis, int maxRows) {
        return inTransaction("purging expired entries of " + sql.entries, c -> {
            List<String> keys = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(sql.expiredKeys)) {
                ps.setLong(1, nowMillis);
                ps.setInt(2, maxRows);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        keys.add(rs.getString(1));
                    }
                }
            }
            deleteByKey(c, sql.deleteEntry, keys);
            deleteByKey(c, sql.deleteTagsOfKey, keys);
            return keys.size();
        });
    }

    /**
     * Deletes the oldest expired markers — a prefix in clock order, at most {@code maxRows} of them plus the other
     * markers of the last invalidation in it — and raises {@code purged_through} to the highest clock deleted.
     *
     * @return the number of markers deleted
     */
    int purgeMarks(long nowMillis, int maxRows) {
        long through = Long.MIN_VALUE;
        try (Connection c = pools.reads.getConnection(); PreparedStatement ps = c.prepareStatement(sql.oldestMarks)) {
            ps.setInt(1, maxRows);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next() && rs.getLong(2) <= nowMillis) {
                    through = rs.getLong(1);
                }
            }
        } catch (SQLException e) {
            throw SqlErrors.failure("reading the oldest markers of " + sql.marksTable, pools.target, e);
        }
        if (through == Long.MIN_VALUE) {
            return 0;
        }
        long bound = through;
        // markers are only ever added with a clock above every existing one, so "clock <= bound" is exactly the
        // prefix read above (and the rest of its last invalidation's markers)
        return inTransaction("purging expired markers of " + sql.marksTable, c -> {
            long[] clock = clock(c, sql.clockExclusive);
            if (bound > clock[1]) {
                setClock(c, clock[0], bound);
            }
            try (PreparedStatement ps = c.prepareStatement(sql.deleteMarksThrough)) {
                ps.setLong(1, bound);
                return ps.executeUpdate();
            }
        });
    }

    static String keyMark(String storageKey) {
        return "k:" + storageKey;
    }

    static String tagMark(String tag) {
        return "t:" + tag;
    }
}
