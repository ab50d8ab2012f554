package io.modularddd.eventstore.jdbc;

import io.modularddd.testkit.ServiceFixtures.JdbcService;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * An event store with its own tables on one of the test databases, its L3 cache tier, peers (second stores on the
 * same tables, as another node would have), and plain-SQL access to the cache tables.
 */
final class CacheTierFixture implements AutoCloseable {

    final TestDatabases db;
    JdbcService service;
    String table;
    JdbcEventStore events;
    JdbcCacheTier tier;
    private final List<JdbcEventStore> peers = new ArrayList<>();

    CacheTierFixture(TestDatabases db) {
        this.db = db;
    }

    /** A fresh event store (schema created) and its cache tier with the defaults. */
    JdbcCacheTier create() {
        return create(UnaryOperator.identity());
    }

    /** A fresh event store (schema created) and its cache tier, configured by {@code options}. */
    JdbcCacheTier create(UnaryOperator<JdbcCacheTierBuilder> options) {
        service = db.service();
        table = TestDatabases.uniqueTable();
        events = db.builder(service, table).build();
        events.createSchema();
        tier = options.apply(JdbcCacheTier.builder(events)).build();
        return tier;
    }

    /** A tier of a second event store on the same tables: another node. */
    JdbcCacheTier peer() {
        JdbcEventStore peer = db.builder(service, table, 4).build();
        peers.add(peer);
        return peer.cacheTier();
    }

    /** A table of the cache, quoted for this database, e.g. {@code _qc_tags}. */
    String quoted(String suffix) {
        String q = db == TestDatabases.MARIADB ? "`" : "\"";
        return q + table + suffix + q;
    }

    /** {@code SELECT COUNT(*)} of a cache table. */
    long rows(String suffix) {
        return longQuery("SELECT COUNT(*) FROM " + quoted(suffix));
    }

    long longQuery(String sql, Object... args) {
        try (Connection c = TestDatabases.connect(service); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    /** Runs a statement on a connection of the store's own pool (H2 in memory has no other way in). */
    List<String> query(String sql) {
        List<String> lines = new ArrayList<>();
        try (Connection c = events.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(sql);
             ResultSet rs = ps.executeQuery()) {
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                StringBuilder line = new StringBuilder();
                for (int i = 1; i <= columns; i++) {
                    line.append(i == 1 ? "" : " | ").append(rs.getString(i));
                }
                lines.add(line.toString());
            }
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
        return lines;
    }

    /** Runs an update on a connection of the store's own pool. */
    void execute(String sql) {
        try (Connection c = events.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.execute();
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    /** Closes the stores and drops the tables. */
    @Override
    public void close() {
        for (JdbcEventStore peer : peers) {
            peer.close();
        }
        peers.clear();
        if (events != null) {
            events.close();
            events = null;
        }
        if (table != null) {
            TestDatabases.drop(service, table);
            table = null;
        }
    }

    /** A clock the test moves by hand. */
    static final class MutableClock extends Clock {
        private volatile Instant now;

        MutableClock(Instant start) {
            this.now = start;
        }

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }
    }
}
