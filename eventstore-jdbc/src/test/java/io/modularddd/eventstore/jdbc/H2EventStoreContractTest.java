package io.modularddd.eventstore.jdbc;

import io.modularddd.core.EventStore;
import io.modularddd.core.serialization.EventSerializer;
import io.modularddd.testkit.EventStoreContract;

/** The contract on H2 in memory: a fresh database per test. */
class H2EventStoreContractTest extends EventStoreContract {

    @Override
    protected EventStore createStore(EventSerializer serializer) {
        JdbcEventStore s = JdbcEventStore.builder().jdbcUrl(TestDatabases.h2MemUrl()).username("sa").password("")
                .serializer(serializer).tableName(TestDatabases.uniqueTable()).build();
        s.createSchema();
        return s;
    }
}
