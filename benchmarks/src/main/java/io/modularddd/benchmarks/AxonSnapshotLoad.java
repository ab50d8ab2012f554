package io.modularddd.benchmarks;

import com.zaxxer.hikari.HikariDataSource;
import java.util.ArrayList;
import java.util.List;
import org.axonframework.common.jdbc.DataSourceConnectionProvider;
import org.axonframework.common.jdbc.UnitOfWorkAwareConnectionProviderWrapper;
import org.axonframework.common.transaction.NoTransactionManager;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventsourcing.AggregateSnapshotter;
import org.axonframework.eventsourcing.EventCountSnapshotTriggerDefinition;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.eventsourcing.EventSourcingRepository;
import org.axonframework.eventsourcing.GenericAggregateFactory;
import org.axonframework.eventsourcing.eventstore.EmbeddedEventStore;
import org.axonframework.eventsourcing.eventstore.jdbc.EventSchema;
import org.axonframework.eventsourcing.eventstore.jdbc.JdbcEventStorageEngine;
import org.axonframework.eventsourcing.eventstore.jdbc.MySqlEventTableFactory;
import org.axonframework.messaging.unitofwork.DefaultUnitOfWork;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.serialization.json.JacksonSerializer;

/**
 * The peer of a snapshotted load: Axon Framework 4.13's {@code EventSourcingRepository} with an
 * {@code AggregateSnapshotter} and an event-count trigger, on {@code JdbcEventStorageEngine} on the same
 * MariaDB as modular-ddd's stores. After {@link #prepare} the aggregate's stream holds {@code events}
 * events and a snapshot at its head, so {@link #load} reads the snapshot and an empty tail — what Axon
 * does on every load of a snapshotted aggregate.
 */
public final class AxonSnapshotLoad implements AutoCloseable {

    private static final String EVENTS = "bench_axon_snap_domain_event_entry";
    private static final String SNAPSHOTS = "bench_axon_snap_snapshot_event_entry";

    /** An event-sourced account, as Axon expects one: annotated, with a no-argument constructor. */
    public static class Account {
        @AggregateIdentifier
        private String id;
        private long balance;

        /** For Axon's aggregate factory and its snapshot serializer. */
        public Account() {
        }

        /**
         * Applies a deposit.
         *
         * @param event the deposit
         * @param message its message, for the aggregate id
         */
        @EventSourcingHandler
        public void on(BenchEvent event, DomainEventMessage<BenchEvent> message) {
            id = message.getAggregateIdentifier();
            balance += event.amountCents();
        }

        /**
         * Returns the balance.
         *
         * @return the balance in cents
         */
        public long getBalance() {
            return balance;
        }

        /**
         * Sets the balance (for the snapshot serializer).
         *
         * @param balance the balance
         */
        public void setBalance(long balance) {
            this.balance = balance;
        }

        /**
         * Returns the id.
         *
         * @return the id
         */
        public String getId() {
            return id;
        }

        /**
         * Sets the id (for the snapshot serializer).
         *
         * @param id the id
         */
        public void setId(String id) {
            this.id = id;
        }
    }

    private final HikariDataSource pool;
    private final JdbcEventStorageEngine engine;
    private final EventSourcingRepository<Account> repository;
    private final AggregateSnapshotter snapshotter;

    /**
     * Creates fresh Axon tables and the repository.
     *
     * @param threshold the snapshot trigger: a snapshot after a load applied more events than this
     */
    public AxonSnapshotLoad(int threshold) {
        // auto-commit on: outside a unit of work (where Axon's snapshotter writes) every statement commits; inside
        // one, the unit-of-work-aware wrapper turns it off and commits at the end
        pool = BenchmarkDatabase.pool("axon-snap", true);
        BenchmarkDatabase.execute(pool, "DROP TABLE IF EXISTS " + EVENTS, "DROP TABLE IF EXISTS " + SNAPSHOTS);
        JacksonSerializer serializer = JacksonSerializer.defaultSerializer();
        engine = JdbcEventStorageEngine.builder()
                .connectionProvider(new UnitOfWorkAwareConnectionProviderWrapper(
                        new DataSourceConnectionProvider(pool)))
                .transactionManager(NoTransactionManager.INSTANCE)
                .eventSerializer(serializer)
                .snapshotSerializer(serializer)
                .schema(EventSchema.builder().eventTable(EVENTS).snapshotTable(SNAPSHOTS).build())
                .build();
        DefaultUnitOfWork.startAndGet(null).execute(() -> engine.createSchema(MySqlEventTableFactory.INSTANCE));
        EmbeddedEventStore store = EmbeddedEventStore.builder().storageEngine(engine).build();
        snapshotter = AggregateSnapshotter.builder().eventStore(store)
                .aggregateFactories(new GenericAggregateFactory<>(Account.class))
                .transactionManager(NoTransactionManager.INSTANCE).build();
        repository = EventSourcingRepository.builder(Account.class).eventStore(store)
                .snapshotTriggerDefinition(new EventCountSnapshotTriggerDefinition(snapshotter, threshold)).build();
    }

    /**
     * Writes {@code events} events to the aggregate in batches, then loads it once so that the trigger
     * takes a snapshot at its head (or takes it through the snapshotter directly when the trigger's
     * scheduled snapshot did not reach the database).
     *
     * @param aggregateId the aggregate
     * @param events      how many events
     */
    public void prepare(String aggregateId, int events) {
        for (int from = 0; from < events; from += 1_000) {
            List<DomainEventMessage<?>> batch = new ArrayList<>();
            for (int i = from; i < Math.min(events, from + 1_000); i++) {
                batch.add(new GenericDomainEventMessage<>("Account", aggregateId, i, BenchEvent.sample(i)));
            }
            DefaultUnitOfWork.startAndGet(null).execute(() -> engine.appendEvents(batch));
        }
        load(aggregateId);
        if (engine.readSnapshot(aggregateId).isEmpty()) {
            // the trigger schedules the snapshot after the load's unit of work has committed; should it not have
            // reached the database, take the same snapshot through the snapshotter directly
            snapshotter.scheduleSnapshot(Account.class, aggregateId);
        }
        if (engine.readSnapshot(aggregateId).isEmpty()) {
            throw new IllegalStateException("Axon took no snapshot of " + aggregateId);
        }
    }

    /**
     * Loads the aggregate through the repository, in a unit of work, as a command handler would.
     *
     * @param aggregateId the aggregate
     * @return its balance
     */
    public long load(String aggregateId) {
        long[] balance = {0};
        DefaultUnitOfWork.startAndGet(null).execute(() ->
                balance[0] = repository.load(aggregateId).invoke(Account::getBalance));
        return balance[0];
    }

    @Override
    public void close() {
        pool.close();
    }
}
