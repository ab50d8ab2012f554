package io.modularddd.eventstore.jdbc;

import io.modularddd.core.projection.CheckpointStore;
import io.modularddd.testkit.ServiceFixtures.JdbcService;
import java.util.ArrayList;
import java.util.List;

/** Event stores with their own tables on one of the test databases, and their checkpoint stores; dropped on close. */
final class CheckpointFixture implements AutoCloseable {

    final TestDatabases db;
    JdbcService service;
    String table;
    JdbcEventStore events;
    private final List<JdbcEventStore> opened = new ArrayList<>();

    CheckpointFixture(TestDatabases db) {
        this.db = db;
    }

    /** A fresh event store (schema created) and its checkpoint store. */
    CheckpointStore create() {
        service = db.service();
        table = TestDatabases.uniqueTable();
        events = db.builder(service, table).build();
        opened.add(events);
        events.createSchema();
        return events.checkpointStore();
    }

    /**
     * Another event store on the same tables (what another process holds): for H2 in memory the same store,
     * since each H2 store has a database of its own.
     */
    CheckpointStore another() {
        if (db == TestDatabases.H2) {
            return events.checkpointStore();
        }
        JdbcEventStore other = db.builder(service, table).build();
        opened.add(other);
        return other.checkpointStore();
    }

    /** The table, quoted for this database. */
    String quoted(String suffix) {
        String q = db == TestDatabases.MARIADB ? "`" : "\"";
        return q + table + suffix + q;
    }

    @Override
    public void close() {
        for (JdbcEventStore s : opened) {
            s.close();
        }
        opened.clear();
        if (service != null && table != null) {
            TestDatabases.drop(service, table);
        }
    }
}
