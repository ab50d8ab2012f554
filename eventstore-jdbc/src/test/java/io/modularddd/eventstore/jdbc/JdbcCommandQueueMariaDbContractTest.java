package io.modularddd.eventstore.jdbc;

/** The command queue contract on MariaDB. */
class JdbcCommandQueueMariaDbContractTest extends JdbcCommandQueueContractTest {

    @Override
    TestDatabases db() {
        return TestDatabases.MARIADB;
    }
}
