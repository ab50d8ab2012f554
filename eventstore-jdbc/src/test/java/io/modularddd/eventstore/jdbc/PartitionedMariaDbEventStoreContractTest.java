package io.modularddd.eventstore.jdbc;

import io.modularddd.core.EventStore;
import io.modularddd.core.serialization.EventSerializer;
import io.modularddd.testkit.EventStoreContract;
import io.modularddd.testkit.ServiceFixtures.JdbcService;
import org.junit.jupiter.api.AfterEach;

/** The whole contract again on the partitioned MariaDB layout, where the store enforces uniqueness itself. */
class PartitionedMariaDbEventStoreContractTest extends EventStoreContract {

    private JdbcService service;
    private String table;

    @Override
    protected EventStore createStore(EventSerializer serializer) {
        service = TestDatabases.MARIADB.service();
        table = TestDatabases.uniqueTable();
        JdbcEventStore s = TestDatabases.MARIADB.builderWithoutSerializer(service, table).serializer(serializer)
                .partitioned(true).build();
        s.createSchema();
        return s;
    }

    @Override
    protected EventStore sameEvents(EventStore store, EventSerializer serializer) {
        return TestDatabases.MARIADB.builderWithoutSerializer(service, table).serializer(serializer).partitioned(true).build();
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
