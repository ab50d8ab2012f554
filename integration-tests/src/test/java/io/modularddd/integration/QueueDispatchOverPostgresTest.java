package io.modularddd.integration;

import io.modularddd.testkit.ServiceFixtures;
import io.modularddd.testkit.ServiceFixtures.JdbcService;

/** {@link QueueDispatchEndToEnd} on the {@code JdbcCommandQueue} of the local PostgreSQL. */
class QueueDispatchOverPostgresTest extends QueueDispatchOverJdbc {

    @Override
    JdbcService service() {
        return ServiceFixtures.postgres();
    }
}
