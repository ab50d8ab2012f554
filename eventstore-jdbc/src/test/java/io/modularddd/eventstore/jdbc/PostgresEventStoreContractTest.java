package io.modularddd.eventstore.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.modularddd.core.EventStore;
import io.modularddd.core.serialization.EventSerializer;
import io.modularddd.testkit.EventStoreContract;
import io.modularddd.testkit.ServiceFixtures.JdbcService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;

/**
 * The contract on PostgreSQL, with stores built on an application-managed {@code DataSource} (shared by
 * the class, left open by each store) and their own tables per test.
 */
class PostgresEventStoreContractTest extends EventStoreContract {

    private static HikariDataSource pool;
    private static JdbcService service;
    private String table;

    @Override
    protected EventStore createStore(EventSerializer serializer) {
        if (pool == null) {
            service = TestDatabases.POSTGRESQL.service();
            HikariConfig config = new HikariConfig();
            config.setJdbcUrl(service.jdbcUrl());
            config.setUsername(service.username());
            config.setPassword(service.password());
            config.setMaximumPoolSize(6);
            config.setPoolName("pg-contract");
            pool = new HikariDataSource(config);
        }
        table = TestDatabases.uniqueTable();
        JdbcEventStore s = JdbcEventStore.builder().dataSource(pool).serializer(serializer).tableName(table).build();
        s.createSchema();
        return s;
    }

    @Override
    protected EventStore sameEvents(EventStore store, EventSerializer serializer) {
        return JdbcEventStore.builder().dataSource(pool).serializer(serializer).tableName(table).build();
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

    @AfterAll
    static void closePool() {
        if (pool != null) {
            pool.close();
            pool = null;
        }
    }
}
