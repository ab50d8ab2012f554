package io.modularddd.integration;

import io.modularddd.testkit.ServiceFixtures;
import io.modularddd.testkit.ServiceFixtures.JdbcService;

/** {@link ProjectionsOverJdbcContract} on the real MariaDB. */
class ProjectionsOverMariaDbTest extends ProjectionsOverJdbcContract {

    @Override
    JdbcService service() {
        return ServiceFixtures.mariadb();
    }

    @Override
    JdbcReadModel.Dialect dialect() {
        return JdbcReadModel.Dialect.MARIADB;
    }

    @Override
    String sessionIdQuery() {
        return "SELECT CONNECTION_ID()";
    }

    @Override
    void kill(long sessionId) {
        Services.execute(service(), "KILL " + sessionId);
    }
}
