package io.modularddd.integration;

import io.modularddd.testkit.ServiceFixtures;
import io.modularddd.testkit.ServiceFixtures.JdbcService;

/** {@link QueueDispatchEndToEnd} on the {@code JdbcCommandQueue} of the local MariaDB. */
class QueueDispatchOverMariaDbTest extends QueueDispatchOverJdbc {

    @Override
    JdbcService service() {
        return ServiceFixtures.mariadb();
    }
}
