package io.modularddd.integration;

import io.modularddd.core.queue.CommandQueue;
import io.modularddd.eventstore.jdbc.JdbcCommandQueue;
import io.modularddd.testkit.ServiceFixtures.JdbcService;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * {@link QueueDispatchEndToEnd} on the real {@link JdbcCommandQueue}: every client has a pool of its own whose
 * sessions are noted, so a client's sessions can be killed server-side; all share one uniquely named table.
 */
abstract class QueueDispatchOverJdbc extends QueueDispatchEndToEnd {

    private final String table = "it_cq_" + Services.uniqueTable().substring(3);
    private final Map<CommandQueue, SessionRecordingDataSource> pools = new IdentityHashMap<>();
    private JdbcService db;
    private boolean schemaCreated;

    /** The database server, or the test is skipped. */
    abstract JdbcService service();

    @Override
    CommandQueue openClient(int maxAttempts) {
        if (db == null) {
            db = service();
        }
        SessionRecordingDataSource pool = new SessionRecordingDataSource(db, 4);
        JdbcCommandQueue client;
        try {
            client = JdbcCommandQueue.builder().dataSource(pool).tableName(table).leaseTime(LEASE)
                    .maxAttempts(maxAttempts).build();
            if (!schemaCreated) {
                client.createSchema();
                schemaCreated = true;
            }
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
        pools.put(client, pool);
        return client;
    }

    @Override
    int killConnections(CommandQueue client) throws SQLException {
        return pools.get(client).killAll();
    }

    @Override
    void dropStorage() {
        pools.values().forEach(SessionRecordingDataSource::close);
        if (db == null) {
            return;
        }
        String q = db.jdbcUrl().startsWith("jdbc:postgresql:") ? "\"" : "`";
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.username(), db.password());
             Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS " + q + table + q);
        } catch (SQLException e) {
            throw new IllegalStateException("dropping test table " + table + " failed", e);
        }
    }
}
