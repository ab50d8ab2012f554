package io.modularddd.benchmarks;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modularddd.core.AggregateId;
import io.modularddd.core.AppendRequest;
import io.modularddd.core.EventStore;
import io.modularddd.core.EventStream;
import io.modularddd.core.ExpectedVersion;
import io.modularddd.core.InMemoryEventStore;
import io.modularddd.core.NewEvent;
import io.modularddd.core.StoredEvent;
import io.modularddd.core.serialization.EventTypeRegistry;
import io.modularddd.core.serialization.JacksonEventSerializer;
import io.modularddd.eventstore.jdbc.JdbcEventStore;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * What schema evolution costs a load: a 100-event stream whose every event is stored in an old shape and
 * read through a two-step upcaster chain (a field renamed, a field added with a default), against the
 * same stream stored in the current shape and read without upcasting — same store, same run. On the
 * in-memory store (pure decoding, the worst case for the ratio) and on H2 in memory (a JDBC read). The
 * issue's target: upcast ≤ 1.3× the time without.
 *
 * <p>Run (after {@code mvn -pl benchmarks -am package -DskipTests}):
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar UpcastingBenchmark -rf json -rff target/upcasting.json
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Dorg.jooq.no-logo=true", "-Dorg.jooq.no-tips=true"})
public class UpcastingBenchmark {

    /** The old shape: {@code accountId} was called {@code account}; there was no {@code currency}. */
    public record DepositedV1(String account, long amountCents, String description, String reference) {
    }

    /** The intermediate shape: renamed, no currency yet. */
    public record DepositedV2(String accountId, long amountCents, String description, String reference) {
    }

    /** The current shape. */
    public record DepositedV3(String accountId, long amountCents, String currency, String description,
                              String reference) {
    }

    static final String V1 = "bench.deposited.v1";
    static final String V3 = "bench.deposited.v3";
    static final int EVENTS = 100;

    /** Which store: in-memory or h2. */
    @Param({"in-memory", "h2"})
    public String store;

    private EventStore reader;
    private EventStore writerOld;
    private AutoCloseable closer;
    private final AggregateId upcastStream = AggregateId.of("old-shape");
    private final AggregateId currentStream = AggregateId.of("current-shape");

    /** Writes one stream in the old shape and one in the current shape. */
    @Setup(Level.Trial)
    public void setUp() {
        EventTypeRegistry old = EventTypeRegistry.builder().register(V1, DepositedV1.class).build();
        EventTypeRegistry current = EventTypeRegistry.builder()
                .register(V3, DepositedV3.class)
                .upcast(V1, "bench.deposited.v2", json -> {
                    ObjectNode o = (ObjectNode) json;
                    o.set("accountId", o.remove("account"));
                    return o;
                })
                .upcast("bench.deposited.v2", V3, json -> ((ObjectNode) json).put("currency", "EUR"))
                .build();
        JacksonEventSerializer oldSerializer = JacksonEventSerializer.json(old);
        JacksonEventSerializer currentSerializer = JacksonEventSerializer.json(current);
        if (store.equals("in-memory")) {
            InMemoryEventStore memory = InMemoryEventStore.create(oldSerializer);
            writerOld = memory;
            reader = memory.withSerializer(currentSerializer);
            closer = memory;
        } else {
            String url = "jdbc:h2:mem:upcasting-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
            JdbcEventStore oldStore = JdbcEventStore.builder().jdbcUrl(url).username("sa").password("")
                    .serializer(oldSerializer).build();
            oldStore.createSchema();
            JdbcEventStore currentStore = JdbcEventStore.builder().jdbcUrl(url).username("sa").password("")
                    .serializer(currentSerializer).build();
            writerOld = oldStore;
            reader = currentStore;
            closer = () -> {
                currentStore.close();
                oldStore.close();
            };
        }
        List<NewEvent> oldEvents = new ArrayList<>();
        List<NewEvent> currentEvents = new ArrayList<>();
        for (int i = 0; i < EVENTS; i++) {
            oldEvents.add(NewEvent.of(new DepositedV1("acc-" + i, 1_000 + i,
                    "Deposit by bank transfer, monthly salary payment", "INV-2026-" + (100_000 + i))));
            currentEvents.add(NewEvent.of(new DepositedV3("acc-" + i, 1_000 + i, "EUR",
                    "Deposit by bank transfer, monthly salary payment", "INV-2026-" + (100_000 + i))));
        }
        writerOld.append(new AppendRequest(upcastStream, "Account", ExpectedVersion.noStream(), oldEvents));
        reader.append(new AppendRequest(currentStream, "Account", ExpectedVersion.noStream(), currentEvents));
        check(loadAll(upcastStream).get(99).payload() instanceof DepositedV3 d && d.currency().equals("EUR")
                && d.accountId().equals("acc-99"), "the old stream did not read in the current shape");
    }

    private List<StoredEvent> loadAll(AggregateId id) {
        try (EventStream s = reader.load(id)) {
            return s.toList();
        }
    }

    private static void check(boolean condition, String what) {
        if (!condition) {
            throw new IllegalStateException(what);
        }
    }

    /** Closes the stores. */
    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        closer.close();
    }

    /**
     * Loads the 100 events stored in the current shape: no upcasting.
     *
     * @param bh sink
     */
    @Benchmark
    public void load_current_shape(Blackhole bh) {
        consume(currentStream, bh);
    }

    /**
     * Loads the 100 events stored in the old shape, each through the two-step chain.
     *
     * @param bh sink
     */
    @Benchmark
    public void load_through_two_upcasters(Blackhole bh) {
        consume(upcastStream, bh);
    }

    private void consume(AggregateId id, Blackhole bh) {
        try (EventStream s = reader.load(id)) {
            for (StoredEvent e : s) {
                bh.consume(e.payload());
            }
        }
    }
}
