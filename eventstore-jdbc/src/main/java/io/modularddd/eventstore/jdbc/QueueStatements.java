package io.modularddd.eventstore.jdbc;

import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.SQLDialect;
import org.jooq.Table;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;

/**
 * The SQL of a {@link JdbcCommandQueue}, rendered by jOOQ once per queue and reused; every value is a JDBC
 * parameter, every identifier is quoted by jOOQ ({@code DSL.name()}) from the validated table name.
 *
 * <p>Times are microseconds since 1970 (UTC) from the <em>database's</em> clock ({@link #now}), so the
 * clients' clocks never matter: a lease runs out at the same moment for every consumer. On MySQL and
 * MariaDB the statements are rendered in jOOQ's MySQL dialect, which writes {@code LIMIT ?}: for MariaDB
 * jOOQ writes {@code FETCH NEXT ? ROWS ONLY}, which MariaDB does not use to stop a range scan early.
 */
final class QueueStatements {

    /** The states of a row. */
    static final int READY = 0;
    static final int DONE = 1;
    static final int DEAD = 2;
    /** The most rows one purge statement deletes. */
    static final int PURGE_BATCH = 1000;

    /**
     * Claim: {@code queue, limit}; columns {@code id, command_id, type_name, payload, payload_length,
     * payload_crc32c, attempt, lease_owner, last_error}.
     */
    final String claim;
    /**
     * Lease claimed rows: {@code consumer, id} (a JDBC batch, one row each); on PostgreSQL {@code consumer,
     * ids} with the ids as one {@code bigint[]} ({@code id = ANY(?)}): one statement for the whole claim.
     */
    final String lease;
    /** Whether {@link #lease} takes an array of ids ({@code = ANY(?)}) rather than one id per batch entry. */
    final boolean leaseByArray;
    /** Move a claimed row to the dead letters: {@code attemptIncrement, consumer, lastError, id}. */
    final String buryClaimed;
    /** Insert: {@code queue, commandId, typeName, payload, payloadLength, payloadCrc32c}. */
    final String insert;
    /** Mark done: {@code emptyPayload, id, queue, commandId}. */
    final String acknowledge;
    /** Release for a retry: {@code delayMicros, lastError, id, queue, commandId, attempt}. */
    final String release;
    /** Move a held row to the dead letters on failure: {@code lastError, id, queue, commandId, attempt}. */
    final String buryFailed;
    /** Dead letters: {@code queue, limit}; the claim's columns, then {@code due_at}. */
    final String deadLetters;
    /** Purge a batch of done rows whose id retention ran out: {@code queue}. */
    final String purge;
    /** The database's clock in microseconds: no parameters. */
    final String clock;
    /** Pending rows (state ready: waiting, held or due for a retry) of a queue, one index range: {@code queue}. */
    final String depth;

    QueueStatements(JdbcDialect dialect, String tableName, long leaseMicros, long retentionMicros) {
        SQLDialect renderAs = dialect.mysqlFamily() ? SQLDialect.MYSQL : dialect.sqlDialect();
        DSLContext render = DSL.using(renderAs, JdbcEventStore.jooqSettings());
        Table<Record> t = DSL.table(DSL.name(tableName));
        Field<Long> id = DSL.field(DSL.name("id"), SQLDataType.BIGINT.notNull());
        Field<String> queue = DSL.field(DSL.name("queue_name"), SQLDataType.VARCHAR(64).notNull());
        Field<String> commandId = DSL.field(DSL.name("command_id"), SQLDataType.VARCHAR(128).notNull());
        Field<String> typeName = DSL.field(DSL.name("type_name"), SQLDataType.VARCHAR(100).notNull());
        Field<byte[]> payload = DSL.field(DSL.name("payload"), SQLDataType.BLOB.notNull());
        Field<Integer> payloadLength = DSL.field(DSL.name("payload_length"), SQLDataType.INTEGER.notNull());
        Field<Long> payloadCrc = DSL.field(DSL.name("payload_crc32c"), SQLDataType.BIGINT.notNull());
        Field<Integer> state = DSL.field(DSL.name("state"), SQLDataType.INTEGER.notNull());
        Field<Integer> attempt = DSL.field(DSL.name("attempt"), SQLDataType.INTEGER.notNull());
        Field<Long> dueAt = DSL.field(DSL.name("due_at"), SQLDataType.BIGINT.notNull());
        Field<String> leaseOwner = DSL.field(DSL.name("lease_owner"), SQLDataType.VARCHAR(64));
        Field<Long> enqueuedAt = DSL.field(DSL.name("enqueued_at"), SQLDataType.BIGINT.notNull());
        Field<String> lastError = DSL.field(DSL.name("last_error"), SQLDataType.VARCHAR(1000));
        Field<Long> now = now(dialect);

        Field<?>[] columns = {id, commandId, typeName, payload, payloadLength, payloadCrc, attempt, leaseOwner,
                lastError};
        Condition thisRow = id.eq(param(id)).and(queue.eq(param(queue))).and(commandId.eq(param(commandId)));

        this.claim = render.render(DSL.select(columns).from(t)
                .where(queue.eq(param(queue))).and(state.eq(DSL.inline(READY))).and(dueAt.le(now))
                .orderBy(dueAt, id).limit(param(SQLDataType.INTEGER)).forUpdate().skipLocked());
        this.leaseByArray = dialect == JdbcDialect.POSTGRESQL;
        this.lease = render.render(DSL.update(t)
                .set(attempt, attempt.plus(DSL.inline(1)))
                .set(leaseOwner, param(leaseOwner))
                .set(dueAt, now.plus(DSL.inline(leaseMicros)))
                .where(leaseByArray ? id.eq(DSL.any(param(SQLDataType.BIGINT.getArrayDataType())))
                        : id.eq(param(id))));
        this.buryClaimed = render.render(DSL.update(t)
                .set(state, DSL.inline(DEAD))
                .set(attempt, attempt.plus(param(attempt)))
                .set(leaseOwner, param(leaseOwner))
                .set(lastError, param(lastError))
                .set(dueAt, now)
                .where(id.eq(param(id))));
        var insertQuery = DSL.insertInto(t, queue, commandId, typeName, payload, payloadLength, payloadCrc, state,
                        attempt, dueAt, enqueuedAt)
                .values(param(queue), param(commandId), param(typeName), param(payload), param(payloadLength),
                        param(payloadCrc), DSL.inline(READY), DSL.inline(0), now, now);
        // PostgreSQL: a duplicate id is "0 rows"; MySQL/MariaDB and H2 report it as a duplicate-key error
        // (jOOQ would render INSERT IGNORE there, which also turns data errors into warnings)
        this.insert = render.render(dialect == JdbcDialect.POSTGRESQL ? insertQuery.onConflictDoNothing()
                : insertQuery);
        this.acknowledge = render.render(DSL.update(t)
                .set(state, DSL.inline(DONE))
                .set(dueAt, enqueuedAt.plus(DSL.inline(retentionMicros)))
                .set(leaseOwner, DSL.inline((String) null))
                .set(lastError, DSL.inline((String) null))
                .set(payload, param(payload))
                .set(payloadLength, DSL.inline(0))
                .set(payloadCrc, DSL.inline(0L))
                .where(thisRow).and(state.eq(DSL.inline(READY))));
        this.release = render.render(DSL.update(t)
                .set(dueAt, now.plus(param(dueAt)))
                .set(leaseOwner, DSL.inline((String) null))
                .set(lastError, param(lastError))
                .where(thisRow).and(state.eq(DSL.inline(READY))).and(attempt.eq(param(attempt))));
        this.buryFailed = render.render(DSL.update(t)
                .set(state, DSL.inline(DEAD))
                .set(dueAt, now)
                .set(lastError, param(lastError))
                .where(thisRow).and(state.eq(DSL.inline(READY))).and(attempt.eq(param(attempt))));
        this.deadLetters = render.render(DSL.select(columns).select(dueAt).from(t)
                .where(queue.eq(param(queue))).and(state.eq(DSL.inline(DEAD)))
                .orderBy(dueAt, id).limit(param(SQLDataType.INTEGER)));
        var purgeQuery = DSL.deleteFrom(t)
                .where(queue.eq(param(queue))).and(state.eq(DSL.inline(DONE))).and(dueAt.lt(now));
        // H2 takes DELETE ... LIMIT; jOOQ's emulation (_rowid_ IN (SELECT ... FETCH NEXT n)) re-runs the
        // subquery for every row there: 17 s for 1,000 rows instead of 0.1 s
        this.purge = dialect == JdbcDialect.H2 ? render.render(purgeQuery) + " limit " + PURGE_BATCH
                : render.render(purgeQuery.limit(DSL.inline(PURGE_BATCH)));
        this.clock = render.render(DSL.select(now));
        this.depth = render.render(DSL.selectCount().from(t)
                .where(queue.eq(param(queue))).and(state.eq(DSL.inline(READY))));
    }

    /**
     * The database's clock as microseconds since 1970 (UTC), constant within a statement (PostgreSQL and H2:
     * within a transaction), so a comparison with it is an index range.
     * <ul>
     *   <li>MySQL/MariaDB: {@code TIMESTAMPDIFF(MICROSECOND, '1970-01-01 00:00:00', UTC_TIMESTAMP(6))}, free of
     *       the session time zone;</li>
     *   <li>PostgreSQL: {@code EXTRACT(EPOCH FROM CURRENT_TIMESTAMP)} (a {@code timestamptz}: no zone
     *       involved) in microseconds;</li>
     *   <li>H2: {@code DATEDIFF(MICROSECOND, ...)} from 1970 to {@code CURRENT_TIMESTAMP(6)} moved to UTC (H2
     *       re-evaluates it for every row it reads; {@code EXTRACT(EPOCH ...)} costs 100 µs a row there, this
     *       about 10; without the move to UTC the session's time zone shifts the result).</li>
     * </ul>
     */
    static Field<Long> now(JdbcDialect dialect) {
        String sql = switch (dialect) {
            case MARIADB, MYSQL -> "TIMESTAMPDIFF(MICROSECOND, '1970-01-01 00:00:00', UTC_TIMESTAMP(6))";
            case POSTGRESQL -> "CAST(EXTRACT(EPOCH FROM CURRENT_TIMESTAMP) * 1000000 AS BIGINT)";
            case H2 -> "DATEDIFF(MICROSECOND, TIMESTAMP WITH TIME ZONE '1970-01-01 00:00:00+00', "
                    + "CAST(CURRENT_TIMESTAMP(6) AT TIME ZONE 'UTC' AS TIMESTAMP WITH TIME ZONE))";
        };
        return DSL.field("(" + sql + ")", SQLDataType.BIGINT);
    }

    private static <T> Field<T> param(Field<T> like) {
        return DSL.val(null, like);
    }

    private static <T> Field<T> param(org.jooq.DataType<T> type) {
        return DSL.val(null, type);
    }
}
