package io.modularddd.eventstore.jdbc;

/** The command queue contract on PostgreSQL. */
class JdbcCommandQueuePostgresContractTest extends JdbcCommandQueueContractTest {

    @Override
    TestDatabases db() {
        return TestDatabases.POSTGRESQL;
    }
}
