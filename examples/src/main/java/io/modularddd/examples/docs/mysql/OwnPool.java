package io.modularddd.examples.docs.mysql;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.modularddd.core.serialization.EventSerializer;
import io.modularddd.eventstore.jdbc.JdbcEventStore;

/**
 * docs/mysql-tuning.md's sample: the event store on a HikariCP pool the application owns, configured as
 * the store configures its own pools.
 */
public final class OwnPool {

    private OwnPool() {
    }

    /**
     * Builds a pool for the store and the store on it.
     *
     * @param secret     the database password
     * @param serializer the events' serializer
     * @return the store; the caller closes the store, then the pool
     */
    public static JdbcEventStore store(String secret, EventSerializer serializer) {
        // tag::pool[]
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl("jdbc:mariadb://db:3306/app");
        config.setUsername("app");
        config.setPassword(secret);
        config.setMaximumPoolSize(14);                          // reads + maxCommitsInFlight + 1 appends
        config.setTransactionIsolation("TRANSACTION_READ_COMMITTED");  // what appends need: no switch per transaction
        config.addDataSourceProperty("useServerPrepStmts", "true");    // parsed once per connection (MariaDB Connector/J)
        HikariDataSource ds = new HikariDataSource(config);

        JdbcEventStore store = JdbcEventStore.builder()
                .dataSource(ds)                                 // the store never closes it
                .serializer(serializer)
                .build();
        // end::pool[]
        return store;
    }
}
