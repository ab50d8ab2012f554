package io.modularddd.eventstore.jdbc;

import io.modularddd.core.projection.CheckpointStore;
import io.modularddd.testkit.CheckpointStoreContract;
import org.junit.jupiter.api.AfterEach;

/** The checkpoint store contract on H2 in memory: a fresh database per test, dropped afterwards. */
class H2CheckpointStoreContractTest extends CheckpointStoreContract {

    private final CheckpointFixture fixture = new CheckpointFixture(TestDatabases.H2);

    @Override
    protected CheckpointStore createStore() {
        return fixture.create();
    }

    @AfterEach
    void dropTables() {
        fixture.close();
    }
}
