package io.modularddd.eventstore.jdbc;

import io.modularddd.core.EventStore;
import io.modularddd.core.serialization.EventSerializer;
import io.modularddd.testkit.EventStoreContract;

/** The contract on H2 in memory: a fresh database per test. */
class H2EventStoreContractTest extends EventStoreContract {

    private String url;
    private String table;

    @Override
    protected EventStore createStore(EventSerializer serializer) {
        url = TestDatabases.h2MemUrl();
        table = TestDatabases.uniqueTable();
        JdbcEventStore s = JdbcEventStore.builder().jdbcUrl(url).username("sa").password("")
                .serializer(serializer).tableName(table).build();
        s.createSchema();
        return s;
    }

    @Override
    protected EventStore sameEvents(EventStore store, EventSerializer serializer) {
        return JdbcEventStore.builder().jdbcUrl(url).username("sa").password("").serializer(serializer)
                .tableName(table).build();
    }
}
