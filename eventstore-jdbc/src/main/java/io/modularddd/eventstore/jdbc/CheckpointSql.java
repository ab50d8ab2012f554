package io.modularddd.eventstore.jdbc;

/**
 * The statements of {@link JdbcCheckpointStore} for one dialect and one set of table names.
 *
 * <p>Lease times are {@code BIGINT} microseconds since the epoch by the <em>database's</em> clock ({@link #now}),
 * never the JVM's: processes on several hosts compare expiries against one clock, and a host whose clock runs
 * ahead cannot take over a lease early. Each dialect computes it without the session time zone:
 * {@code UTC_TIMESTAMP(6)} on MySQL/MariaDB, {@code CLOCK_TIMESTAMP()} (the time of the call, not the
 * transaction's start) on PostgreSQL, {@code CURRENT_TIMESTAMP(6)} with its zone on H2 (fixed for the length
 * of a transaction there; the store's transactions are short).
 *
 * <p>Checkpoint rows are {@code (name, segment)}; the row of segment {@code -1} is the projection's header: it
 * holds the segment count and is locked ({@code SELECT ... FOR UPDATE}) by claims and resets, so those are
 * serialised per projection. Commits lock only their own segment's row.
 */
final class CheckpointSql {

    /** The header row's segment. */
    static final int HEADER = -1;

    final String checkpoints;
    final String deadLetters;
    /** The database's time, microseconds since the epoch. */
    final String now;
    /** Inserts a row if missing: name, segment, segment_count. */
    final String ensureRow;
    /** Locks the header row: name; returns segment_count. */
    final String lockHeader;
    /** Sets the header's segment count: segment_count, name. */
    final String setCount;
    /** Grants the lease: owner, lease micros, segment_count, name, segment, owner. */
    final String claim;
    /** Reads a segment's row: name, segment; returns position, lease_token, lease_until, owner, now. */
    final String read;
    /** Same as {@link #read}, locking the row. */
    final String readForUpdate;
    /** Moves the checkpoint: position, name, segment, lease_token, position. */
    final String commit;
    /** Extends a lease: lease micros, name, segment, lease_token. */
    final String renew;
    /** Clears a lease: name, segment, lease_token. */
    final String release;
    /** A segment's position: name, segment. */
    final String position;
    /** Resets every segment: name. */
    final String resetSegments;
    /** Upserts a dead letter: projection, position, stream_id, event_type, error, attempts, recorded_at. */
    final String addDeadLetter;
    /** Lists dead letters: projection, limit. */
    final String listDeadLetters;
    /** Removes a dead letter: projection, position. */
    final String removeDeadLetter;

    CheckpointSql(JdbcDialect dialect, TableNames names) {
        char q = dialect.quote();
        String t = q + names.checkpoints() + q;
        String d = q + names.deadLetters() + q;
        this.checkpoints = names.checkpoints();
        this.deadLetters = names.deadLetters();
        String name = q + "name" + q;
        String segment = q + "segment" + q;
        String count = q + "segment_count" + q;
        String pos = q + "position" + q;
        String owner = q + "owner" + q;
        String token = q + "lease_token" + q;
        String until = q + "lease_until" + q;
        this.now = switch (dialect) {
            case MARIADB, MYSQL -> "TIMESTAMPDIFF(MICROSECOND, '1970-01-01 00:00:00', UTC_TIMESTAMP(6))";
            case POSTGRESQL -> "CAST(FLOOR(EXTRACT(EPOCH FROM CLOCK_TIMESTAMP()) * 1000000) AS BIGINT)";
            // (DATEDIFF from a UTC epoch literal is off by the JVM's zone offset on H2 2.3)
            case H2 -> "CAST(EXTRACT(EPOCH FROM CURRENT_TIMESTAMP(6)) * 1000000 AS BIGINT)";
        };
        String columns = "(" + name + ", " + segment + ", " + count + ", " + pos + ", " + token + ")";
        this.ensureRow = switch (dialect) {
            case MARIADB, MYSQL -> "INSERT INTO " + t + " " + columns + " VALUES (?, ?, ?, 0, 0) ON DUPLICATE KEY "
                    + "UPDATE " + name + " = " + name;
            case POSTGRESQL -> "INSERT INTO " + t + " " + columns + " VALUES (?, ?, ?, 0, 0) ON CONFLICT (" + name
                    + ", " + segment + ") DO NOTHING";
            case H2 -> "MERGE INTO " + t + " USING (VALUES (CAST(? AS VARCHAR(100)), CAST(? AS INT), CAST(? AS INT)))"
                    + " AS n (nm, sg, sc) ON " + t + "." + name + " = n.nm AND " + t + "." + segment + " = n.sg"
                    + " WHEN NOT MATCHED THEN INSERT " + columns + " VALUES (n.nm, n.sg, n.sc, 0, 0)";
        };
        String header = " WHERE " + name + " = ? AND " + segment + " = " + HEADER;
        this.lockHeader = "SELECT " + count + " FROM " + t + header + " FOR UPDATE";
        this.setCount = "UPDATE " + t + " SET " + count + " = ?" + header;
        String key = " WHERE " + name + " = ? AND " + segment + " = ?";
        this.claim = "UPDATE " + t + " SET " + owner + " = ?, " + token + " = " + token + " + 1, " + until + " = "
                + now + " + ?, " + count + " = ?" + key + " AND (" + owner + " IS NULL OR " + until + " <= " + now
                + " OR " + owner + " = ?)";
        this.read = "SELECT " + pos + ", " + token + ", " + until + ", " + owner + ", " + now + " FROM " + t + key;
        this.readForUpdate = read + " FOR UPDATE";
        String held = " AND " + token + " = ? AND " + owner + " IS NOT NULL AND " + until + " > " + now;
        this.commit = "UPDATE " + t + " SET " + pos + " = ?" + key + held + " AND " + pos + " <= ?";
        this.renew = "UPDATE " + t + " SET " + until + " = " + now + " + ?" + key + held;
        this.release = "UPDATE " + t + " SET " + owner + " = NULL, " + until + " = NULL" + key + " AND " + token
                + " = ?";
        this.position = "SELECT " + pos + " FROM " + t + key;
        this.resetSegments = "UPDATE " + t + " SET " + pos + " = 0, " + owner + " = NULL, " + until + " = NULL WHERE "
                + name + " = ? AND " + segment + " >= 0";

        String projection = q + "projection" + q;
        String[] letterColumns = {"projection", "position", "stream_id", "event_type", "error", "attempts",
            "recorded_at"};
        StringBuilder cols = new StringBuilder();
        StringBuilder updates = new StringBuilder();
        for (String c : letterColumns) {
            cols.append(cols.length() == 0 ? "" : ", ").append(q).append(c).append(q);
            if (!c.equals("projection") && !c.equals("position")) {
                String quoted = q + c + q;
                updates.append(updates.length() == 0 ? "" : ", ").append(quoted).append(" = ")
                        .append(dialect.mysqlFamily() ? "VALUES(" + quoted + ")" : "EXCLUDED." + quoted);
            }
        }
        String values = " VALUES (?, ?, ?, ?, ?, ?, ?)";
        this.addDeadLetter = switch (dialect) {
            case MARIADB, MYSQL -> "INSERT INTO " + d + " (" + cols + ")" + values + " ON DUPLICATE KEY UPDATE "
                    + updates;
            case POSTGRESQL -> "INSERT INTO " + d + " (" + cols + ")" + values + " ON CONFLICT (" + projection + ", "
                    + pos + ") DO UPDATE SET " + updates;
            case H2 -> "MERGE INTO " + d + " (" + cols + ") KEY (" + projection + ", " + pos + ")" + values;
        };
        String recordedAt = dialect.mysqlFamily() ? "CAST(" + q + "recorded_at" + q + " AS CHAR(26))"
                : q + "recorded_at" + q;
        this.listDeadLetters = "SELECT " + pos + ", " + q + "stream_id" + q + ", " + q + "event_type" + q + ", " + q
                + "error" + q + ", " + q + "attempts" + q + ", " + recordedAt + " FROM " + d + " WHERE " + projection
                + " = ? ORDER BY " + projection + ", " + pos + " LIMIT ?";
        this.removeDeadLetter = "DELETE FROM " + d + " WHERE " + projection + " = ? AND " + pos + " = ?";
    }
}
