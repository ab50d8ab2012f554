package io.modularddd.eventstore.jdbc;

import io.modularddd.testkit.ServiceFixtures.JdbcService;
import java.util.UUID;

/**
 * The command queue contract on H2: one in-memory database per test, kept open while the JVM runs
 * ({@code DB_CLOSE_DELAY=-1}) so that closing one client never drops the others' data; the table is dropped
 * after each test.
 */
class JdbcCommandQueueH2ContractTest extends JdbcCommandQueueContractTest {

    @Override
    TestDatabases db() {
        return TestDatabases.H2;
    }

    @Override
    JdbcService service() {
        return new JdbcService("jdbc:h2:mem:queue-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa", "",
                "embedded");
    }
}
