package io.modularddd.eventstore.jdbc;

import io.modularddd.core.EventStoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.conf.Settings;
import org.jooq.impl.DSL;

/**
 * The SQL of the append transaction, built by jOOQ once per store and reused: the transaction then
 * spends its time in the database, not in rendering. Every statement binds its values as JDBC
 * parameters; identifiers come from {@link EventTable}, quoted by jOOQ.
 *
 * <ol>
 *   <li>{@link #lockHead}: {@code SELECT id FROM head WHERE id = 1 FOR UPDATE} — the lock that orders all
 *       appends.</li>
 *   <li>{@link #state(int)}: {@code SELECT (SELECT MAX(sequence_number) FROM events), (last version of
 *       stream ?), ...} — the log's last position and each stream's version, in one round trip. Run
 *       after the lock is granted, so at {@code READ COMMITTED} it sees every earlier append.</li>
 *   <li>{@link #insert()}: a one-row {@code INSERT}, executed as a JDBC batch: MariaDB Connector/J
 *       sends the batch as one bulk command, PostgreSQL's driver pipelines it — one round trip.</li>
 * </ol>
 */
final class AppendStatements {

    /** Streams per state query; more are read in further queries. */
    static final int MAX_STREAMS_PER_STATE = 500;

    private final DSLContext render;
    private final JdbcDialect dialect;
    private final EventTable table;
    private final String lock;
    private final String insert;
    private final AtomicReferenceArray<String> states = new AtomicReferenceArray<>(MAX_STREAMS_PER_STATE + 1);

    AppendStatements(JdbcDialect dialect, EventTable table, Settings settings) {
        this.render = DSL.using(dialect.sqlDialect(), settings);
        this.dialect = dialect;
        this.table = table;
        this.lock = render.render(DSL.select(table.headId).from(table.head)
                .where(table.headId.eq(DSL.inline(EventTable.HEAD_ID))).forUpdate());
        Field<?>[] columns = table.columns();
        List<Field<?>> values = new ArrayList<>(columns.length);
        for (Field<?> column : columns) {
            values.add(DSL.val(null, column));
        }
        this.insert = render.render(DSL.insertInto(table.events, columns).values(values));
    }

    /**
     * Takes the head-row lock in the connection's transaction: every append and lifecycle change does this
     * first, so they follow each other in commit order.
     *
     * @param c      a connection with auto-commit off
     * @param target where the store connects, for the message
     * @throws SQLException         when the statement fails
     * @throws EventStoreException  when the head row is missing (the schema was never created)
     */
    void lockHead(Connection c, String target) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(lock); ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                throw new EventStoreException("The head row of table " + table.names.head() + " is missing on "
                        + target + ": call JdbcEventStore.createSchema() (idempotent), or apply the shipped DDL.");
            }
        }
    }

    /** The one-row insert; parameters in the order of {@link EventTable#columns()}. */
    String insert() {
        return insert;
    }

    /**
     * The state query for {@code streams} streams: column 1 is the last position (NULL when the log is
     * empty), column {@code i + 2} the version of the {@code i}-th stream bound at parameter {@code i + 1},
     * column {@code streams + i + 2} the version through which that stream is deleted (NULL when it never
     * was), bound again at parameter {@code streams + i + 1}: a primary-key look-up in the streams table.
     */
    String state(int streams) {
        if (streams < 1 || streams > MAX_STREAMS_PER_STATE) {
            throw new IllegalArgumentException("streams must be 1.." + MAX_STREAMS_PER_STATE + " but was " + streams);
        }
        String sql = states.get(streams);
        if (sql == null) {
            List<Field<?>> fields = new ArrayList<>(streams + 1);
            fields.add(DSL.field(DSL.select(DSL.max(table.position)).from(table.events)));
            for (int i = 0; i < streams; i++) {
                fields.add(DSL.field(lastVersion(DSL.val((String) null, table.aggregateId))));
            }
            for (int i = 0; i < streams; i++) {
                fields.add(DSL.field(DSL.select(table.deletedThrough).from(table.streams)
                        .where(table.streamId.eq(DSL.val((String) null, table.streamId)))));
            }
            sql = render.render(DSL.select(fields));
            states.set(streams, sql);
        }
        return sql;
    }

    /**
     * The version of a stream's last event: one entry at the end of the {@code (aggregate_id, version)}
     * index. MySQL/MariaDB and PostgreSQL answer {@code MAX(version)} from that entry ("Select tables
     * optimized away", "Index Only Scan Backward ... Limit"); H2 walks an index backwards only for an
     * {@code ORDER BY ... DESC LIMIT 1} matching the index. (MariaDB does not stop early for the ORDER BY
     * form: jOOQ renders it as {@code FETCH NEXT 1 ROWS ONLY}, which reads the whole stream there.)
     *
     * @param id the stream id, a bind value or a parameter placeholder
     * @return the scalar query
     */
    org.jooq.Select<org.jooq.Record1<Long>> lastVersion(Field<String> id) {
        if (dialect.lastVersionByMax()) {
            return DSL.select(DSL.max(table.version)).from(table.events).where(table.aggregateId.eq(id));
        }
        return DSL.select(table.version).from(table.events).where(table.aggregateId.eq(id))
                .orderBy(table.aggregateId.desc(), table.version.desc()).limit(DSL.inline(1));
    }
}
