package io.modularddd.eventstore.jdbc;

import io.modularddd.core.EventStore;
import io.modularddd.core.serialization.EventSerializer;
import io.modularddd.testkit.EventStoreContract;
import io.modularddd.testkit.ServiceFixtures.JdbcService;
import org.junit.jupiter.api.AfterEach;

/** The contract on MariaDB, with a store built from a JDBC URL (its own pool) and its own tables per test. */
class MariaDbEventStoreContractTest extends EventStoreContract {

    private JdbcService service;
    private String table;

    @Override
    protected EventStore createStore(EventSerializer serializer) {
        service = TestDatabases.MARIADB.service();
        table = TestDatabases.uniqueTable();
        JdbcEventStore s = TestDatabases.MARIADB.builderWithoutSerializer(service, table).serializer(serializer)
                .build();
        s.createSchema();
        return s;
    }

    @Override
    protected EventStore sameEvents(EventStore store, EventSerializer serializer) {
        return TestDatabases.MARIADB.builderWithoutSerializer(service, table).serializer(serializer).build();
    }

    @AfterEach
    void dropTables() {
        if (store != null) {
            store.close();
        }
        if (table != null) {
            TestDatabases.drop(service, table);
        }
    }
}
