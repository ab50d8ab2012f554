package io.modularddd.integration;

import io.modularddd.testkit.ServiceFixtures;
import io.modularddd.testkit.ServiceFixtures.JdbcService;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** {@link ProjectionsOverJdbcContract} on the real PostgreSQL: its checkpoint SQL and clock differ. */
class ProjectionsOverPostgresTest extends ProjectionsOverJdbcContract {

    @Override
    JdbcService service() {
        return ServiceFixtures.postgres();
    }

    @Override
    JdbcReadModel.Dialect dialect() {
        return JdbcReadModel.Dialect.POSTGRES;
    }

    @Override
    String sessionIdQuery() {
        return "SELECT pg_backend_pid()";
    }

    @Override
    void kill(long sessionId) {
        JdbcService db = service();
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.username(), db.password());
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT pg_terminate_backend(" + sessionId + ")")) {
            rs.next();
        } catch (SQLException e) {
            throw new IllegalStateException("terminating backend " + sessionId + " failed", e);
        }
    }
}
