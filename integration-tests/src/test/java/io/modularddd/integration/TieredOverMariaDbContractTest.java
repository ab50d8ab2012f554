package io.modularddd.integration;

import io.modularddd.core.serialization.EventSerializer;
import io.modularddd.eventstore.jdbc.JdbcEventStore;
import io.modularddd.testkit.ServiceFixtures;
import io.modularddd.testkit.ServiceFixtures.JdbcService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;

/**
 * The contract on the tiered store over MariaDB: the shared Redis in front of a {@link JdbcEventStore}
 * on its own table per test (dropped afterwards); the class's Redis keys live under a random prefix
 * and are deleted at the end.
 */
class TieredOverMariaDbContractTest extends TieredOverJdbcContract {

    private static final String PREFIX = Services.randomPrefix("mariadb");
    private static final HotTierUse USE = new HotTierUse();

    private JdbcService db;
    private String table;

    @Override
    protected JdbcEventStore createWarm(EventSerializer serializer) {
        db = ServiceFixtures.mariadb();
        table = Services.uniqueTable();
        return Services.jdbcStore(db, table, serializer);
    }

    @Override
    protected JdbcEventStore sameWarm(EventSerializer serializer) {
        return JdbcEventStore.builder().jdbcUrl(db.jdbcUrl()).username(db.username()).password(db.password())
                .serializer(serializer).tableName(table).readPoolSize(2).build();
    }

    @Override
    protected String prefix() {
        return PREFIX;
    }

    @Override
    protected HotTierUse use() {
        return USE;
    }

    @AfterEach
    void dropTables() {
        if (store != null) {
            store.close(); // before the DROP, so no pooled connection is left on the table
            store = null;
        }
        if (table != null) {
            Services.dropTables(db, table);
        }
    }

    @AfterAll
    static void deleteKeysAndCheckTheHotTierWasUsed() {
        if (USE.recorded()) {
            Services.deleteKeys(ServiceFixtures.redis(), PREFIX);
            USE.assertRedisServed();
        }
    }
}
