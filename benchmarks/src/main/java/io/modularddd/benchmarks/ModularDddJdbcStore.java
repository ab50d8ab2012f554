package io.modularddd.benchmarks;

import io.modularddd.core.AggregateId;
import io.modularddd.core.AppendRequest;
import io.modularddd.core.EventStream;
import io.modularddd.core.ExpectedVersion;
import io.modularddd.core.NewEvent;
import io.modularddd.core.StoredEvent;
import io.modularddd.core.serialization.EventTypeRegistry;
import io.modularddd.core.serialization.JacksonEventSerializer;
import io.modularddd.eventstore.jdbc.JdbcEventStore;
import java.util.ArrayList;
import java.util.List;
import org.openjdk.jmh.infra.Blackhole;

/**
 * modular-ddd's {@link JdbcEventStore} on the benchmark database: group commit, dense positions,
 * exact expected versions, Jackson payloads.
 */
public final class ModularDddJdbcStore implements StoreUnderTest {

    private static final String TABLE = "bench_modddd_events";

    private final JdbcEventStore store;

    /** Creates fresh tables on the benchmark database. */
    public ModularDddJdbcStore() {
        try (var pool = BenchmarkDatabase.pool("modddd-setup", true)) {
            BenchmarkDatabase.execute(pool, "DROP TABLE IF EXISTS " + TABLE, "DROP TABLE IF EXISTS " + TABLE + "_head", "DROP TABLE IF EXISTS " + TABLE + "_streams", "DROP TABLE IF EXISTS " + TABLE + "_snapshots");
        }
        EventTypeRegistry registry = EventTypeRegistry.builder().register(BenchEvent.TYPE, BenchEvent.class).build();
        store = JdbcEventStore.builder()
                .jdbcUrl(BenchmarkDatabase.url())
                .username(BenchmarkDatabase.username())
                .password(BenchmarkDatabase.password())
                .readPoolSize(BenchmarkDatabase.POOL_SIZE)
                .serializer(JacksonEventSerializer.json(registry))
                .tableName(TABLE)
                .build();
        store.createSchema();
    }

    @Override
    public void appendOne(String aggregateId, long version, BenchEvent event) {
        store.append(AppendRequest.of(AggregateId.of(aggregateId), "Account", ExpectedVersion.of(version),
                NewEvent.of(event)));
    }

    @Override
    public void appendBatch(String aggregateId, long version, List<BenchEvent> events) {
        List<NewEvent> newEvents = new ArrayList<>(events.size());
        for (BenchEvent e : events) {
            newEvents.add(NewEvent.of(e));
        }
        store.append(new AppendRequest(AggregateId.of(aggregateId), "Account", ExpectedVersion.of(version), newEvents));
    }

    @Override
    public int load(String aggregateId, Blackhole blackhole) {
        int n = 0;
        try (EventStream events = store.load(AggregateId.of(aggregateId))) {
            for (StoredEvent e : events) {
                blackhole.consume(e.payload());
                blackhole.consume(e.version());
                n++;
            }
        }
        return n;
    }

    @Override
    public void close() {
        store.close();
    }
}
