package io.modularddd.integration;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.modularddd.testkit.ServiceFixtures.JdbcService;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A pool (HikariCP) that notes the server session of every connection it hands out, so a test can kill them
 * server-side — MariaDB {@code KILL}, PostgreSQL {@code pg_terminate_backend} — the way a crashed process's
 * connections end: what eventstore-jdbc's {@code QueueSessions} does through the queue's package-private hook,
 * done here from outside the package with the queue's {@code dataSource(...)} setting.
 */
final class SessionRecordingDataSource implements DataSource, AutoCloseable {

    private final JdbcService service;
    private final boolean mariadb;
    private final HikariDataSource pool;
    private final Map<Connection, Boolean> seen = Collections.synchronizedMap(new IdentityHashMap<>());
    private final Set<Long> sessions = ConcurrentHashMap.newKeySet();

    SessionRecordingDataSource(JdbcService service, int size) {
        this.service = service;
        this.mariadb = service.jdbcUrl().startsWith("jdbc:mariadb:") || service.jdbcUrl().startsWith("jdbc:mysql:");
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(service.jdbcUrl());
        config.setUsername(service.username());
        config.setPassword(service.password());
        config.setMaximumPoolSize(size);
        config.setMinimumIdle(0);
        config.setConnectionTimeout(5_000);
        this.pool = new HikariDataSource(config);
    }

    @Override
    public Connection getConnection() throws SQLException {
        Connection c = pool.getConnection();
        try {
            Connection physical = mariadb ? c.unwrap(org.mariadb.jdbc.Connection.class)
                    : c.unwrap(org.postgresql.jdbc.PgConnection.class);
            if (seen.putIfAbsent(physical, Boolean.TRUE) == null) {
                try (Statement s = c.createStatement();
                     ResultSet rs = s.executeQuery(mariadb ? "SELECT CONNECTION_ID()" : "SELECT pg_backend_pid()")) {
                    rs.next();
                    sessions.add(rs.getLong(1));
                }
            }
            return c;
        } catch (SQLException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /** Kills every session noted so far, from a connection of its own; returns how many. */
    int killAll() throws SQLException {
        List<Long> ids = new ArrayList<>(sessions);
        try (Connection admin = DriverManager.getConnection(service.jdbcUrl(), service.username(), service.password());
             Statement s = admin.createStatement()) {
            for (long id : ids) {
                if (mariadb) {
                    try {
                        s.execute("KILL " + id);
                    } catch (SQLException e) {
                        if (e.getErrorCode() != 1094) { // unknown thread: it is gone already
                            throw e;
                        }
                    }
                } else {
                    s.executeQuery("SELECT pg_terminate_backend(" + id + ")").close();
                }
            }
        }
        return ids.size();
    }

    @Override
    public void close() {
        pool.close();
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        throw new SQLFeatureNotSupportedException("the pool has its own credentials");
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return pool.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        pool.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        pool.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return pool.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface.isInstance(this)) {
            return iface.cast(this);
        }
        return pool.unwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        return iface.isInstance(this) || pool.isWrapperFor(iface);
    }
}
