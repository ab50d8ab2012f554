package io.modularddd.integration;

import io.modularddd.core.StoredEvent;
import io.modularddd.core.projection.CheckpointTransaction;
import io.modularddd.core.projection.Projection;
import io.modularddd.core.projection.SegmentLease;
import io.modularddd.testkit.ServiceFixtures.JdbcService;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A read model in the database written through the checkpoint's transaction: one row per event applied (an
 * auto-increment id gives the order applied), with the lease it was applied under. A row is never a key, so
 * an event applied twice shows as two rows.
 */
final class JdbcReadModel {

    /** A row: the event and who applied it. */
    record Row(long id, long position, String stream, long version, String owner, long token, int segment) {
    }

    /**
     * What differs between databases.
     *
     * @param quote    the identifier quote
     * @param idColumn the definition of an auto-increment primary key column {@code id}
     */
    record Dialect(String quote, String idColumn) {
        static final Dialect MARIADB = new Dialect("`", "id BIGINT AUTO_INCREMENT PRIMARY KEY");
        static final Dialect POSTGRES = new Dialect("\"", "id BIGSERIAL PRIMARY KEY");

        String quote(String name) {
            return quote + name + quote;
        }
    }

    private final JdbcService db;
    private final String quoted;
    final String table;

    JdbcReadModel(JdbcService db, Dialect dialect, String table) {
        this.db = db;
        this.table = table;
        this.quoted = dialect.quote(table);
        run("CREATE TABLE " + quoted + " (" + dialect.idColumn() + ", position BIGINT NOT NULL, "
                + "stream VARCHAR(128) NOT NULL, version BIGINT NOT NULL, owner VARCHAR(100), token BIGINT, "
                + "segment INT)");
    }

    /** Inserts rows for events on the checkpoint's connection. */
    void insert(List<StoredEvent> events, CheckpointTransaction tx) throws SQLException {
        Connection c = tx.unwrap(Connection.class).orElseThrow(() -> new IllegalStateException(
                "the checkpoint store offers no connection"));
        SegmentLease lease = LeaseRecordingCheckpoints.current();
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + quoted
                + " (position, stream, version, owner, token, segment) VALUES (?, ?, ?, ?, ?, ?)")) {
            for (StoredEvent e : events) {
                ps.setLong(1, e.position());
                ps.setString(2, e.aggregateId().value());
                ps.setLong(3, e.version());
                ps.setString(4, lease == null ? null : lease.owner());
                ps.setLong(5, lease == null ? -1 : lease.token());
                ps.setInt(6, lease == null ? -1 : lease.segment());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** A per-event projection of every type into this table. */
    Projection perEvent(String name) {
        return Projection.builder(name).onAny((payload, event, tx) -> insert(List.of(event), tx))
                .onReset(() -> run("DELETE FROM " + quoted)).build();
    }

    /** A batch projection of every type into this table. */
    Projection batched(String name) {
        return Projection.builder(name).batch(Set.of(), this::insert)
                .onReset(() -> run("DELETE FROM " + quoted)).build();
    }

    List<Row> rows() {
        List<Row> rows = new ArrayList<>();
        try (Connection c = connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT id, position, stream, version, owner, token, segment FROM "
                     + quoted + " ORDER BY id")) {
            while (rs.next()) {
                rows.add(new Row(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getLong(4), rs.getString(5),
                        rs.getLong(6), rs.getInt(7)));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("reading " + table + " failed", e);
        }
        return rows;
    }

    void drop() {
        run("DROP TABLE IF EXISTS " + quoted);
    }

    private void run(String sql) {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("'" + sql + "' failed", e);
        }
    }

    private Connection connect() throws SQLException {
        return DriverManager.getConnection(db.jdbcUrl(), db.username(), db.password());
    }
}
