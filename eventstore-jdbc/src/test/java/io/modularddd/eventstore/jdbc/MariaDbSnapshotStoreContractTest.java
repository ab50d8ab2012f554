package io.modularddd.eventstore.jdbc;

import io.modularddd.core.AggregateId;
import io.modularddd.core.snapshot.SnapshotStore;
import io.modularddd.testkit.SnapshotStoreContract;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;

/** The snapshot store contract on MariaDB: a unique table per test, dropped afterwards. */
class MariaDbSnapshotStoreContractTest extends SnapshotStoreContract {

    private final SnapshotFixture fixture = new SnapshotFixture(TestDatabases.MARIADB);

    @Override
    protected SnapshotStore createStore() {
        return fixture.create();
    }

    @Override
    protected Optional<Boolean> damage(SnapshotStore store, AggregateId id) {
        return fixture.damage(id);
    }

    @AfterEach
    void dropTables() {
        fixture.close();
    }
}
