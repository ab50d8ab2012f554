package io.modularddd.eventstore.jdbc;

import io.modularddd.core.queue.CommandQueue;
import io.modularddd.testkit.CommandQueueContract;
import io.modularddd.testkit.ServiceFixtures.JdbcService;
import java.sql.SQLException;
import java.time.Duration;
import java.util.IdentityHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;

/**
 * {@link CommandQueueContract} for {@link JdbcCommandQueue}, run on each database by the subclasses
 * {@link JdbcCommandQueueMariaDbContractTest}, {@link JdbcCommandQueuePostgresContractTest} and
 * {@link JdbcCommandQueueH2ContractTest}. Every client is built from the JDBC URL (its own pools), on a
 * table of its own per test, dropped afterwards. On the servers {@link #kill} ends the client's sessions
 * server-side (MariaDB {@code KILL}, PostgreSQL {@code pg_terminate_backend}) before closing its pools: no
 * goodbye reaches the server from the "dead" process first.
 */
abstract class JdbcCommandQueueContractTest extends CommandQueueContract {

    private final Map<CommandQueue, QueueSessions> sessions = new IdentityHashMap<>();
    private JdbcService service;
    private String table;
    private boolean schemaCreated;

    /** The database under test. */
    abstract TestDatabases db();

    /** Where the clients connect; every client of a test sees the same database. */
    JdbcService service() {
        return db().service();
    }

    @Override
    protected CommandQueue createQueue(Duration leaseTime, int maxAttempts) {
        if (service == null) {
            service = service();
            table = "cq_" + TestDatabases.uniqueTable();
        }
        JdbcCommandQueue queue = JdbcCommandQueue.builder().jdbcUrl(service.jdbcUrl()).username(service.username())
                .password(service.password()).tableName(table).poolSize(3).leaseTime(leaseTime)
                .maxAttempts(maxAttempts).build();
        if (!schemaCreated) {
            queue.createSchema();
            schemaCreated = true;
        }
        if (db() != TestDatabases.H2) {
            sessions.put(queue, QueueSessions.record(queue, db()));
        }
        return queue;
    }

    @Override
    protected void kill(CommandQueue queue) {
        QueueSessions recorded = sessions.get(queue);
        if (recorded != null) {
            try {
                if (recorded.killAll(service) == 0) {
                    throw new IllegalStateException(queue + " used no connection: nothing to kill");
                }
            } catch (SQLException e) {
                throw new IllegalStateException("killing the sessions of " + queue + " failed", e);
            }
        }
        queue.close();
    }

    @AfterEach
    void dropTable() {
        if (table != null) {
            QueueTables.drop(service, table);
        }
    }
}
