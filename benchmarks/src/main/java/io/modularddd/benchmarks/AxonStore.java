package io.modularddd.benchmarks;

import com.zaxxer.hikari.HikariDataSource;
import java.util.ArrayList;
import java.util.List;
import org.axonframework.common.jdbc.DataSourceConnectionProvider;
import org.axonframework.common.jdbc.UnitOfWorkAwareConnectionProviderWrapper;
import org.axonframework.common.transaction.NoTransactionManager;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventsourcing.eventstore.DomainEventStream;
import org.axonframework.eventsourcing.eventstore.jdbc.EventSchema;
import org.axonframework.eventsourcing.eventstore.jdbc.JdbcEventStorageEngine;
import org.axonframework.eventsourcing.eventstore.jdbc.MySqlEventTableFactory;
import org.axonframework.messaging.unitofwork.DefaultUnitOfWork;
import org.axonframework.serialization.json.JacksonSerializer;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The peer: Axon Framework 4's {@code JdbcEventStorageEngine} on the same MariaDB, with its Jackson
 * serializer and MySQL table factory. Each append runs in a Unit of Work whose JDBC connection
 * commits once at the end — one transaction per append, as in an Axon application.
 */
public final class AxonStore implements StoreUnderTest {

    private static final String EVENTS = "bench_axon_domain_event_entry";
    private static final String SNAPSHOTS = "bench_axon_snapshot_event_entry";

    private final HikariDataSource pool;
    private final JdbcEventStorageEngine engine;

    /** Creates fresh Axon tables on the benchmark database. */
    public AxonStore() {
        pool = BenchmarkDatabase.pool("axon", false);
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
    }

    @Override
    public void appendOne(String aggregateId, long version, BenchEvent event) {
        DomainEventMessage<BenchEvent> message = new GenericDomainEventMessage<>("Account", aggregateId, version,
                event);
        DefaultUnitOfWork.startAndGet(null).execute(() -> engine.appendEvents(message));
    }

    @Override
    public void appendBatch(String aggregateId, long version, List<BenchEvent> events) {
        List<DomainEventMessage<?>> messages = new ArrayList<>(events.size());
        long sequence = version;
        for (BenchEvent e : events) {
            messages.add(new GenericDomainEventMessage<>("Account", aggregateId, sequence++, e));
        }
        DefaultUnitOfWork.startAndGet(null).execute(() -> engine.appendEvents(messages));
    }

    @Override
    public int load(String aggregateId, Blackhole blackhole) {
        int[] n = {0};
        DefaultUnitOfWork.startAndGet(null).execute(() -> {
            DomainEventStream stream = engine.readEvents(aggregateId);
            while (stream.hasNext()) {
                DomainEventMessage<?> m = stream.next();
                blackhole.consume(m.getPayload());
                blackhole.consume(m.getSequenceNumber());
                n[0]++;
            }
        });
        return n[0];
    }

    @Override
    public void close() {
        pool.close();
    }
}
