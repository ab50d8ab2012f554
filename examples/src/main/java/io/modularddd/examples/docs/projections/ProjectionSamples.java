package io.modularddd.examples.docs.projections;

import io.micrometer.core.instrument.MeterRegistry;
import io.modularddd.core.EventStore;
import io.modularddd.core.StoredEvent;
import io.modularddd.core.projection.CheckpointTransaction;
import io.modularddd.core.projection.Projection;
import io.modularddd.cqrs.projection.ProjectionEngine;
import io.modularddd.cqrs.projection.ProjectionStrategy;
import io.modularddd.eventstore.jdbc.JdbcEventStore;
import io.modularddd.eventstore.redis.RedisAppendSignal;
import io.modularddd.examples.quickstart.AccountEvents.AccountOpened;
import io.modularddd.examples.quickstart.AccountEvents.MoneyDeposited;
import io.modularddd.examples.quickstart.AccountEvents.MoneyWithdrawn;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Set;
import javax.sql.DataSource;

/** The samples of docs/projections.md: the code between the tag markers is what the page shows. */
public final class ProjectionSamples {

    private ProjectionSamples() {
    }

    /** A search index the batched projection feeds. */
    public interface SearchIndex {
        /**
         * Indexes a batch of events.
         *
         * @param events the events, in global order
         */
        void bulk(List<StoredEvent> events);
    }

    /**
     * Two projections on the JDBC store's checkpoints, a Redis signal across nodes.
     *
     * @param jdbc          the event store, also the checkpoint store
     * @param readModel     the database of the balances table
     * @param index         the search index
     * @param meterRegistry the meters
     * @return the engine's store (closed with the engine)
     */
    public static EventStore engine(JdbcEventStore jdbc, DataSource readModel, SearchIndex index, MeterRegistry meterRegistry) {
        // tag::engine[]
        Projection balances = Projection.builder("account-balances")
                .on(MoneyDeposited.class, (deposited, event, tx) -> upsert(tx, event, +deposited.amountCents()))
                .on(MoneyWithdrawn.class, (withdrawn, event, tx) -> upsert(tx, event, -withdrawn.amountCents()))
                .onReset(() -> truncate(readModel))
                .build();
        Projection search = Projection.builder("account-search")
                .batch(Set.of(AccountOpened.class), (events, tx) -> index.bulk(events))
                .build();

        ProjectionEngine engine = ProjectionEngine.builder(jdbc, jdbc.checkpointStore())
                .register(balances, ProjectionStrategy.realtime())
                .register(search, ProjectionStrategy.batched(500).segments(4))
                .signal(RedisAppendSignal.builder().uri("redis://redis:6379").build())   // optional, across nodes
                .meterRegistry(meterRegistry)
                .build();
        engine.start();
        EventStore store = engine.eventStore();   // append through this one: realtime handlers, local wake-ups
        // ... the application runs ...
        engine.close();
        // end::engine[]
        return store;
    }

    // tag::upsert[]
    static void upsert(CheckpointTransaction tx, StoredEvent event, long delta) throws SQLException {
        Connection c = tx.unwrap(Connection.class).orElseThrow();   // the checkpoint's own transaction
        try (PreparedStatement upsert = c.prepareStatement(          // commits with the checkpoint, or not at all
                "INSERT INTO account_balances (account_id, balance) VALUES (?, ?)"
                        + " ON DUPLICATE KEY UPDATE balance = balance + VALUES(balance)")) {
            upsert.setString(1, event.aggregateId().value());
            upsert.setLong(2, delta);
            upsert.executeUpdate();
        }
    }
    // end::upsert[]

    private static void truncate(DataSource readModel) throws SQLException {
        try (Connection c = readModel.getConnection(); Statement statement = c.createStatement()) {
            statement.executeUpdate("TRUNCATE TABLE account_balances");
        }
    }
}
