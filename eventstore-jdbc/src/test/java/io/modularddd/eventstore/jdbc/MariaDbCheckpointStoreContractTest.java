package io.modularddd.eventstore.jdbc;

import io.modularddd.core.projection.CheckpointStore;
import io.modularddd.testkit.CheckpointStoreContract;
import org.junit.jupiter.api.AfterEach;

/** The checkpoint store contract on MariaDb: a unique table per test, dropped afterwards. */
class MariaDbCheckpointStoreContractTest extends CheckpointStoreContract {

    private final CheckpointFixture fixture = new CheckpointFixture(TestDatabases.MARIADB);

    @Override
    protected CheckpointStore createStore() {
        return fixture.create();
    }

    @AfterEach
    void dropTables() {
        fixture.close();
    }
}
