package io.modularddd.eventstore.jdbc;

import io.modularddd.testkit.ServiceFixtures.JdbcService;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Notes the server sessions a {@link JdbcCommandQueue} uses (through its {@link QueueHook}) so a test can kill
 * them server-side — MariaDB {@code KILL}, PostgreSQL {@code pg_terminate_backend} — the way a crashed
 * process's connections end, or an operator or a failover ends them.
 */
final class QueueSessions implements QueueHook {

    private final TestDatabases db;
    private final Map<Connection, Boolean> seen = Collections.synchronizedMap(new IdentityHashMap<>());
    private final Set<Long> sessions = ConcurrentHashMap.newKeySet();

    QueueSessions(TestDatabases db) {
        this.db = db;
    }

    /** Installs a recorder on a queue (MariaDB or PostgreSQL). */
    static QueueSessions record(JdbcCommandQueue queue, TestDatabases db) {
        QueueSessions sessions = new QueueSessions(db);
        queue.hook(sessions);
        return sessions;
    }

    @Override
    public void borrowed(Connection connection) throws SQLException {
        Connection physical = db == TestDatabases.MARIADB ? connection.unwrap(org.mariadb.jdbc.Connection.class)
                : connection.unwrap(org.postgresql.jdbc.PgConnection.class);
        if (seen.putIfAbsent(physical, Boolean.TRUE) == null) {
            sessions.add(sessionId(db, connection));
        }
    }

    /** The server's id of a connection's session. */
    static long sessionId(TestDatabases db, Connection connection) throws SQLException {
        try (Statement s = connection.createStatement();
             ResultSet rs = s.executeQuery(db == TestDatabases.MARIADB ? "SELECT CONNECTION_ID()"
                     : "SELECT pg_backend_pid()")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Kills every session noted so far from another connection; returns how many. */
    int killAll(JdbcService service) throws SQLException {
        List<Long> ids = new ArrayList<>(sessions);
        for (long id : ids) {
            kill(db, service, id);
        }
        return ids.size();
    }

    /** Kills one session from another connection. */
    static void kill(TestDatabases db, JdbcService service, long session) throws SQLException {
        try (Connection admin = TestDatabases.connect(service); Statement s = admin.createStatement()) {
            if (db == TestDatabases.MARIADB) {
                try {
                    s.execute("KILL " + session);
                } catch (SQLException e) {
                    if (e.getErrorCode() != 1094) { // unknown thread: it is gone already
                        throw e;
                    }
                }
            } else {
                s.executeQuery("SELECT pg_terminate_backend(" + session + ")").close();
            }
        }
    }
}
