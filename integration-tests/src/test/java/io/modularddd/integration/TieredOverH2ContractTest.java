package io.modularddd.integration;

import io.modularddd.core.serialization.EventSerializer;
import io.modularddd.eventstore.jdbc.JdbcEventStore;
import io.modularddd.testkit.ServiceFixtures;
import io.modularddd.testkit.ServiceFixtures.JdbcService;
import org.junit.jupiter.api.AfterAll;

/**
 * The contract on the tiered store over H2: the shared Redis in front of a {@link JdbcEventStore} on a
 * fresh in-memory H2 database per test (gone when the store closes); the class's Redis keys live
 * under a random prefix and are deleted at the end.
 */
class TieredOverH2ContractTest extends TieredOverJdbcContract {

    private static final String PREFIX = Services.randomPrefix("h2");
    private static final HotTierUse USE = new HotTierUse();

    private JdbcService h2;
    private String table;

    @Override
    protected JdbcEventStore createWarm(EventSerializer serializer) {
        h2 = new JdbcService(Services.h2MemUrl(), "sa", "", "embedded");
        table = Services.uniqueTable();
        return Services.jdbcStore(h2, table, serializer);
    }

    @Override
    protected JdbcEventStore sameWarm(EventSerializer serializer) {
        return JdbcEventStore.builder().jdbcUrl(h2.jdbcUrl()).username("sa").password("").serializer(serializer)
                .tableName(table).build();
    }

    @Override
    protected String prefix() {
        return PREFIX;
    }

    @Override
    protected HotTierUse use() {
        return USE;
    }

    @AfterAll
    static void deleteKeysAndCheckTheHotTierWasUsed() {
        if (USE.recorded()) {
            Services.deleteKeys(ServiceFixtures.redis(), PREFIX);
            USE.assertRedisServed();
        }
    }
}
