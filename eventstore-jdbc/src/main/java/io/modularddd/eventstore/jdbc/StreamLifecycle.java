package io.modularddd.eventstore.jdbc;

import io.micrometer.core.instrument.MeterRegistry;
import io.modularddd.core.AggregateId;
import io.modularddd.core.ConcurrencyConflictException;
import io.modularddd.core.ExpectedVersion;
import io.modularddd.core.StreamNotFoundException;
import io.modularddd.core.StreamState;
import io.modularddd.core.internal.StoreChecks;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import org.jooq.DSLContext;
import org.jooq.Record4;
import org.jooq.conf.Settings;
import org.jooq.exception.DataAccessException;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;

/**
 * The stream lifecycle of a {@link JdbcEventStore}: {@code delete}, {@code truncateBefore}, {@code erase}
 * and {@code streamState}, kept in the {@code <table>_streams} table (one row per stream that was
 * deleted, truncated or erased).
 *
 * <p>Each change runs in one transaction that first takes the head-row lock, like an append: so a
 * delete's version check and an erase see every committed append and no append commits in between,
 * and the streams table has one writer at a time (a plain update-then-insert needs no dialect's upsert).
 * Erasure writes {@link #ERASED_MARKER} over the payload and clears the metadata in place; reads turn
 * it into {@code ErasedEvent}.
 */
final class StreamLifecycle {

    /** The JSON an erased event's payload is replaced by. Payloads that would read as it are refused. */
    static final String ERASED_MARKER = "{\"$erased\":true}";
    /** What every erased payload starts with (the check on reads and writes). */
    static final String ERASED_PREFIX = "{\"$erased\"";

    private final StorePools pools;
    private final JdbcDialect dialect;
    private final Settings settings;
    private final EventTable table;
    private final AppendStatements appendSql;
    private final String target;
    private final MeterRegistry meters;
    /** {@link #streamState}'s statement, rendered once: the stream's last version and its lifecycle row. */
    private final String stateSql;

    StreamLifecycle(StorePools pools, JdbcDialect dialect, Settings settings, EventTable table,
                    AppendStatements appendSql, MeterRegistry meters) {
        this.pools = pools;
        this.dialect = dialect;
        this.settings = settings;
        this.table = table;
        this.appendSql = appendSql;
        this.target = pools.target;
        this.meters = meters;
        // one statement, two parameters (the id twice): the last version from the events index, and the
        // stream's row, if any, by one primary-key look-up (a left join on a one-row derived table)
        org.jooq.Table<?> row = DSL.table(DSL.name(table.names.streams())).as("s");
        this.stateSql = DSL.using(dialect.sqlDialect(), settings).render(DSL.select(
                        DSL.field(appendSql.lastVersion(DSL.val((String) null, table.aggregateId))),
                        DSL.field(DSL.name("s", "deleted_through"), Long.class),
                        DSL.field(DSL.name("s", "truncated_before"), Long.class),
                        DSL.field(DSL.name("s", "erased_at")))
                .from(DSL.selectOne().asTable("x"))
                .leftJoin(row).on(DSL.field(DSL.name("s", "aggregate_id"), String.class)
                        .eq(DSL.val((String) null, table.streamId))));
    }

    /** A change to one stream, run under the head-row lock. */
    private interface Change<T> {
        T apply(DSLContext tx, Stored stored) throws SQLException;
    }

    /** What the streams table and the events table say of a stream, read under the lock. */
    private record Stored(long version, long deletedThrough, long truncatedBefore, boolean erased) {
        long visibleVersion() {
            return version <= deletedThrough ? 0 : version;
        }
    }

    long delete(AggregateId id, ExpectedVersion expected) {
        return inTransaction("deleting stream '" + id.value() + "'", id, "delete", (tx, s) -> {
            long visible = s.visibleVersion();
            if (visible == 0) {
                throw new StreamNotFoundException(id, "delete", s.version() == 0 ? "it has no events"
                        : "it is deleted already");
            }
            if (!expected.matches(visible)) {
                throw new ConcurrencyConflictException(id, expected, visible);
            }
            upsert(tx, id, s.version(), s.truncatedBefore(), s.erased());
            return visible;
        });
    }

    void truncateBefore(AggregateId id, long version) {
        inTransaction("truncating stream '" + id.value() + "'", id, "truncate", (tx, s) -> {
            StoreChecks.truncation(id, version, s.version());
            if (version > s.truncatedBefore()) {
                upsert(tx, id, s.deletedThrough(), version, s.erased());
            }
            return null;
        });
    }

    long erase(AggregateId id) {
        return inTransaction("erasing stream '" + id.value() + "'", id, "erase", (tx, s) -> {
            if (s.version() == 0) {
                throw new StreamNotFoundException(id, "erase", "it has no events");
            }
            long erased = tx.update(table.events)
                    .set(table.eventData, ERASED_MARKER)
                    .set(table.metadata, (String) null)
                    .where(table.aggregateId.eq(id.value()))
                    .and(DSL.cast(DSL.field(DSL.name("event_data")), SQLDataType.CLOB).notLike(ERASED_PREFIX + "%"))
                    .execute();
            upsert(tx, id, s.deletedThrough(), s.truncatedBefore(), true);
            return erased;
        });
    }

    StreamState streamState(AggregateId id) {
        try (Connection c = pools.reads.getConnection(); PreparedStatement ps = c.prepareStatement(stateSql)) {
            ps.setString(1, id.value());
            ps.setString(2, id.value());
            Stored s;
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                long deleted = rs.getLong(2);
                long truncated = rs.getLong(3);
                boolean noRow = rs.wasNull();
                s = new Stored(rs.getLong(1), deleted, noRow ? 1 : truncated, rs.getObject(4) != null);
            }
            return state(id, s.version(), s.deletedThrough(), s.truncatedBefore(), s.erased());
        } catch (SQLException | RuntimeException e) {
            throw SqlErrors.failure("reading the state of stream '" + id.value() + "'", target, e);
        }
    }

    /**
     * The state of a stream from its last stored version and its row in the streams table.
     *
     * @param id        the stream
     * @param version   its last stored version, 0 when it has none
     * @param deleted   {@code deleted_through}, 0 when never deleted
     * @param truncated {@code truncated_before}, 1 when never truncated
     * @param erased    whether {@code erased_at} is set
     * @return the state
     */
    static StreamState state(AggregateId id, long version, long deleted, long truncated, boolean erased) {
        if (version == 0) {
            return StreamState.absent(id);
        }
        long visible = version <= deleted ? 0 : version;
        return new StreamState(id, visible, version, deleted + 1, truncated, visible == 0, erased);
    }

    /** The stream's last stored version and its row in the streams table, in one statement. */
    private Stored read(DSLContext ctx, AggregateId id) {
        Record4<Long, Long, Long, LocalDateTime> r = ctx.select(
                        DSL.field(appendSql.lastVersion(DSL.val(id.value(), table.aggregateId))),
                        DSL.field(DSL.select(table.deletedThrough).from(table.streams)
                                .where(table.streamId.eq(id.value()))),
                        DSL.field(DSL.select(table.truncatedBefore).from(table.streams)
                                .where(table.streamId.eq(id.value()))),
                        DSL.field(DSL.select(table.erasedAt).from(table.streams)
                                .where(table.streamId.eq(id.value()))))
                .fetchOne();
        return new Stored(r.value1() == null ? 0 : r.value1(), r.value2() == null ? 0 : r.value2(),
                r.value3() == null ? 1 : r.value3(), r.value4() != null);
    }

    /** Writes the stream's row: an update, else an insert (one writer at a time: the head lock is held). */
    private void upsert(DSLContext tx, AggregateId id, long deletedThrough, long truncatedBefore, boolean erased) {
        LocalDateTime erasedAt = erased ? LocalDateTime.now(ZoneOffset.UTC) : null;
        int updated = tx.update(table.streams)
                .set(table.deletedThrough, deletedThrough)
                .set(table.truncatedBefore, truncatedBefore)
                .set(table.erasedAt, erased ? DSL.coalesce(table.erasedAt, DSL.val(erasedAt)) : DSL.val(erasedAt))
                .where(table.streamId.eq(id.value()))
                .execute();
        if (updated == 0) {
            tx.insertInto(table.streams, table.streamId, table.deletedThrough, table.truncatedBefore, table.erasedAt)
                    .values(id.value(), deletedThrough, truncatedBefore, erasedAt)
                    .execute();
        }
    }

    private <T> T inTransaction(String operation, AggregateId id, String meter, Change<T> change) {
        Connection c;
        try {
            c = pools.appends.getConnection();
        } catch (SQLException | RuntimeException e) {
            throw SqlErrors.failure(operation, target, e);
        }
        boolean restoreAutoCommit = false;
        int restoreIsolation = -1;
        boolean broken = false;
        try {
            StorePools.Restore restore = pools.beginTransaction(c);
            restoreAutoCommit = restore.autoCommit();
            restoreIsolation = restore.isolation();
            appendSql.lockHead(c, target);
            DSLContext tx = DSL.using(c, dialect.sqlDialect(), settings);
            T result = change.apply(tx, read(tx, id));
            c.commit();
            if (meters != null) {
                meters.counter("modularddd.eventstore.jdbc.lifecycle", "table", table.names.events(), "operation",
                        meter).increment();
            }
            return result;
        } catch (SQLException | DataAccessException e) {
            rollbackQuietly(c);
            broken = SqlErrors.isConnectionFailure(e);
            throw SqlErrors.failure(operation + " (rolled back, nothing was changed)", target, e);
        } catch (RuntimeException | Error e) {
            rollbackQuietly(c);
            broken = e instanceof Error;
            throw e;
        } finally {
            pools.release(c, broken, restoreAutoCommit, restoreIsolation);
        }
    }

    private static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException | RuntimeException e) {
            // the connection is probably gone; the failure being thrown is what matters
        }
    }
}
