package io.modularddd.eventstore.jdbc;

import io.micrometer.core.instrument.MeterRegistry;
import io.modularddd.core.AggregateId;
import io.modularddd.core.snapshot.SnapshotStore;
import io.modularddd.testkit.ServiceFixtures.JdbcService;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.Optional;

/**
 * An event store with its own tables on one of the test databases, its snapshot store, and plain-SQL
 * access to the snapshots table (to count rows and to damage them as a disk or a hand edit would).
 */
final class SnapshotFixture implements AutoCloseable {

    final TestDatabases db;
    JdbcService service;
    String table;
    JdbcEventStore events;

    SnapshotFixture(TestDatabases db) {
        this.db = db;
    }

    /** A fresh event store (schema created) and its snapshot store with the default options. */
    SnapshotStore create() {
        return create(null, null);
    }

    /** A fresh event store (schema created) and its snapshot store keeping {@code keep} (null: the default). */
    SnapshotStore create(Integer keep, MeterRegistry meters) {
        service = db.service();
        table = TestDatabases.uniqueTable();
        JdbcEventStoreBuilder builder = db.builder(service, table);
        if (meters != null) {
            builder.meterRegistry(meters);
        }
        events = builder.build();
        events.createSchema();
        return keep == null ? events.snapshotStore() : events.snapshotStore(keep);
    }

    /** The snapshots table, quoted for this database. */
    String snapshots() {
        String q = db == TestDatabases.MARIADB ? "`" : "\"";
        return q + table + "_snapshots" + q;
    }

    /** Overwrites the data of the aggregate's newest snapshot with garbage of the same length: an error is the rule. */
    Optional<Boolean> damage(AggregateId id) {
        byte[] data = newestData(id);
        byte[] garbage = "garbage!".repeat(data.length / 8 + 1).substring(0, data.length)
                .getBytes(StandardCharsets.US_ASCII);
        setNewest(id, "data", garbage);
        return Optional.of(false);
    }

    /** Cuts the data of the aggregate's newest snapshot to half its length. */
    void truncate(AggregateId id) {
        byte[] data = newestData(id);
        setNewest(id, "data", Arrays.copyOf(data, data.length / 2));
    }

    /** Sets a column of the aggregate's newest snapshot row with plain SQL. */
    void setNewest(AggregateId id, String column, Object value) {
        execute("UPDATE " + snapshots() + " SET " + quote(column) + " = ? WHERE " + quote("aggregate_id")
                + " = ? AND " + quote("version") + " = (SELECT v FROM (SELECT MAX(" + quote("version") + ") AS v FROM "
                + snapshots() + " WHERE " + quote("aggregate_id") + " = ?) AS m)", value, id.value(), id.value());
    }

    /** The number of snapshot rows the aggregate has. */
    long rows(AggregateId id) {
        return longQuery("SELECT COUNT(*) FROM " + snapshots() + " WHERE " + quote("aggregate_id") + " = ?",
                id.value());
    }

    /** The versions stored for the aggregate, ascending, as text. */
    String versions(AggregateId id) {
        try (Connection c = TestDatabases.connect(service); PreparedStatement ps = c.prepareStatement("SELECT "
                + quote("version") + " FROM " + snapshots() + " WHERE " + quote("aggregate_id") + " = ? ORDER BY "
                + quote("version"))) {
            ps.setString(1, id.value());
            StringBuilder sb = new StringBuilder();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    sb.append(sb.length() == 0 ? "" : ",").append(rs.getLong(1));
                }
            }
            return sb.toString();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private byte[] newestData(AggregateId id) {
        try (Connection c = TestDatabases.connect(service); PreparedStatement ps = c.prepareStatement("SELECT "
                + quote("data") + " FROM " + snapshots() + " WHERE " + quote("aggregate_id") + " = ? ORDER BY "
                + quote("version") + " DESC")) {
            ps.setString(1, id.value());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBytes(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private long longQuery(String sql, Object... args) {
        try (Connection c = TestDatabases.connect(service); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    void execute(String sql, Object... args) {
        try (Connection c = TestDatabases.connect(service); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                if (args[i] instanceof byte[] bytes) {
                    ps.setBytes(i + 1, bytes);
                } else {
                    ps.setObject(i + 1, args[i]);
                }
            }
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private String quote(String name) {
        String q = db == TestDatabases.MARIADB ? "`" : "\"";
        return q + name + q;
    }

    /** Closes the event store and drops its tables. */
    @Override
    public void close() {
        if (events != null) {
            events.close();
            events = null;
        }
        if (table != null) {
            TestDatabases.drop(service, table);
            table = null;
        }
    }
}
