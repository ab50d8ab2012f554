package io.modularddd.eventstore.jdbc;

import io.modularddd.testkit.ServiceFixtures.JdbcService;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/** Cleanup of the queue tests' tables. */
final class QueueTables {

    private QueueTables() {
    }

    /** Drops a queue table (on H2 also the whole in-memory database, when it was kept open for the test). */
    static void drop(JdbcService service, String table) {
        String url = service.jdbcUrl();
        String q = url.startsWith("jdbc:mariadb:") || url.startsWith("jdbc:mysql:") ? "`" : "\"";
        try (Connection c = TestDatabases.connect(service); Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS " + q + table + q);
            if (url.startsWith("jdbc:h2:mem:")) {
                s.execute("SHUTDOWN");
            }
        } catch (SQLException e) {
            throw new IllegalStateException("dropping test table " + table + " failed", e);
        }
    }
}
