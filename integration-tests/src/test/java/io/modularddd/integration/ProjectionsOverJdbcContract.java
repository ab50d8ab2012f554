package io.modularddd.integration;

import static org.assertj.core.api.Assertions.assertThat;

import io.modularddd.core.AggregateId;
import io.modularddd.core.AppendRequest;
import io.modularddd.core.ConcurrencyConflictException;
import io.modularddd.core.EventStore;
import io.modularddd.core.EventStream;
import io.modularddd.core.ExpectedVersion;
import io.modularddd.core.NewEvent;
import io.modularddd.core.StoredEvent;
import io.modularddd.core.projection.CheckpointStore;
import io.modularddd.core.projection.Projection;
import io.modularddd.cqrs.projection.ProjectionEngine;
import io.modularddd.cqrs.projection.ProjectionStrategy;
import io.modularddd.eventstore.jdbc.JdbcEventStore;
import io.modularddd.eventstore.redis.RedisAppendSignal;
import io.modularddd.testkit.ContractEvents;
import io.modularddd.testkit.ContractEvents.Happened;
import io.modularddd.testkit.ServiceFixtures;
import io.modularddd.testkit.ServiceFixtures.JdbcService;
import io.modularddd.testkit.ServiceFixtures.RedisService;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The projection engine over a real database: a {@link JdbcEventStore}, its checkpoint store, and read models in
 * the same database written through the checkpoint's transaction. Extended per database.
 */
abstract class ProjectionsOverJdbcContract {

    /** The database under test. */
    abstract JdbcService service();

    /** The read models' SQL for this database. */
    abstract JdbcReadModel.Dialect dialect();

    /** The query that returns the current session's id, for {@link #kill}. */
    abstract String sessionIdQuery();

    /** Ends a session server-side, as the death of the process holding it would (its transaction rolls back). */
    abstract void kill(long sessionId);

    private static final Duration WAIT = Duration.ofSeconds(60);

    private JdbcService db;
    private String table;
    private JdbcEventStore jdbc;
    private CheckpointStore checkpoints;
    private final List<JdbcReadModel> models = new ArrayList<>();
    private final List<ProjectionEngine> engines = new ArrayList<>();
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @BeforeEach
    void open() {
        db = service();
        table = Services.uniqueTable();
        jdbc = JdbcEventStore.builder().jdbcUrl(db.jdbcUrl()).username(db.username()).password(db.password())
                .serializer(ContractEvents.serializer()).tableName(table).readPoolSize(24).build();
        jdbc.createSchema();
        checkpoints = new LeaseRecordingCheckpoints(jdbc.checkpointStore());
    }

    @AfterEach
    void close() throws Exception {
        engines.forEach(ProjectionEngine::close);
        for (AutoCloseable c : closeables) {
            c.close();
        }
        models.forEach(JdbcReadModel::drop);
        if (jdbc != null) {
            jdbc.close();
        }
        if (table != null) {
            for (String suffix : List.of("", "_head", "_streams", "_snapshots", "_checkpoints", "_dead_letters")) {
                Services.execute(db, "DROP TABLE IF EXISTS " + dialect().quote(table + suffix));
            }
        }
    }

    private JdbcReadModel model(String suffix) {
        JdbcReadModel m = new JdbcReadModel(db, dialect(), table + "_rm_" + suffix);
        models.add(m);
        return m;
    }

    private ProjectionEngine started(ProjectionEngine engine) {
        engines.add(engine);
        engine.start();
        return engine;
    }

    private static AppendRequest request(String stream, ExpectedVersion expected, int events) {
        NewEvent[] news = new NewEvent[events];
        for (int i = 0; i < events; i++) {
            news[i] = NewEvent.of(new Happened(stream, i));
        }
        return AppendRequest.of(AggregateId.of(stream), "It", expected, news);
    }

    private List<StoredEvent> log() {
        try (EventStream all = jdbc.readAll(1, Integer.MAX_VALUE)) {
            return all.toList();
        }
    }

    /** The model holds every event of the log exactly once, and each stream's events in version order. */
    private void assertHoldsExactly(JdbcReadModel model, List<StoredEvent> log) {
        List<JdbcReadModel.Row> rows = model.rows();
        assertThat(rows).as(model.table).hasSize(log.size());
        assertThat(rows.stream().map(JdbcReadModel.Row::position).sorted().toList()).as(model.table)
                .isEqualTo(LongStream.rangeClosed(1, log.size()).boxed().toList());
        Map<String, List<Long>> expected = new HashMap<>();
        for (StoredEvent e : log) {
            expected.computeIfAbsent(e.aggregateId().value(), k -> new ArrayList<>()).add(e.version());
        }
        Map<String, List<Long>> applied = new HashMap<>();
        for (JdbcReadModel.Row r : rows) {
            applied.computeIfAbsent(r.stream(), k -> new ArrayList<>()).add(r.version());
        }
        assertThat(applied).as("versions per stream, in the order applied, in " + model.table).isEqualTo(expected);
    }

    @Test
    void sixteen_writers_with_conflicts_and_rollbacks_while_realtime_async_and_batched_projections_run()
            throws Exception {
        // given
        JdbcReadModel realtime = model("rt");
        JdbcReadModel async = model("as");
        JdbcReadModel batched = model("ba");
        ProjectionEngine engine = started(ProjectionEngine.builder(jdbc, checkpoints)
                .register(realtime.perEvent("it-realtime"), ProjectionStrategy.realtime())
                .register(async.perEvent("it-async"), ProjectionStrategy.async().segments(2))
                .register(batched.batched("it-batched"), ProjectionStrategy.batched(50))
                .pollInterval(Duration.ofMillis(200)).build());
        EventStore events = engine.eventStore();
        int writers = 16;
        AtomicInteger conflicts = new AtomicInteger();
        AtomicInteger rollbacks = new AtomicInteger();
        CyclicBarrier start = new CyclicBarrier(writers);
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        List<Future<?>> done = new ArrayList<>();

        // when
        for (int w = 0; w < writers; w++) {
            done.add(pool.submit(() -> {
                start.await();
                ThreadLocalRandom random = ThreadLocalRandom.current();
                for (int op = 0; op < 25; op++) {
                    String stream = "s-" + random.nextInt(12);
                    long version = events.currentVersion(AggregateId.of(stream));
                    ExpectedVersion expected = version == 0 ? ExpectedVersion.noStream() : ExpectedVersion.exactly(version);
                    try {
                        if (op % 5 == 4) {
                            // a batch with one stale request: nothing of it is stored
                            String other = "t-" + random.nextInt(4);
                            long stale = events.currentVersion(AggregateId.of(other)) + 5;
                            events.appendBatch(List.of(request(stream, expected, 2),
                                    request(other, ExpectedVersion.exactly(stale), 1)));
                        } else {
                            events.append(request(stream, expected, 1 + random.nextInt(3)));
                        }
                    } catch (ConcurrencyConflictException e) {
                        (op % 5 == 4 ? rollbacks : conflicts).incrementAndGet();
                    }
                }
                return null;
            }));
        }
        pool.shutdown();
        for (Future<?> f : done) {
            f.get(120, TimeUnit.SECONDS);
        }
        long head = jdbc.headPosition();

        // then
        assertThat(conflicts).as("conflicting appends").hasPositiveValue();
        assertThat(rollbacks).as("rolled back batches").hasValue(writers * 5);
        assertThat(engine.awaitCaughtUp("it-async", head, WAIT)).isTrue();
        assertThat(engine.awaitCaughtUp("it-batched", head, WAIT)).isTrue();
        assertThat(engine.awaitCaughtUp("it-realtime", head, Duration.ZERO)).as("realtime: done as appends returned")
                .isTrue();
        List<StoredEvent> log = log();
        assertThat(log).hasSize((int) head);
        assertHoldsExactly(realtime, log);
        assertHoldsExactly(async, log);
        assertHoldsExactly(batched, log);
    }

    @Test
    void a_processor_killed_between_handling_and_checkpoint_loses_nothing_and_applies_nothing_twice()
            throws Exception {
        // given: 100 events; process a handles in pages of 20 and dies in the middle of the third
        for (int i = 0; i < 100; i++) {
            jdbc.append(request("k-" + (i % 7), ExpectedVersion.any(), 1));
        }
        JdbcReadModel model = model("kill");
        AtomicLong connectionId = new AtomicLong();
        CountDownLatch inHandler = new CountDownLatch(1);
        CountDownLatch killed = new CountDownLatch(1);
        AtomicBoolean died = new AtomicBoolean();
        Projection dying = Projection.builder("it-killed").onAny((payload, event, tx) -> {
            model.insert(List.of(event), tx);
            if (event.position() == 50 && died.compareAndSet(false, true)) {
                Connection c = tx.unwrap(Connection.class).orElseThrow();
                try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sessionIdQuery())) {
                    rs.next();
                    connectionId.set(rs.getLong(1));
                }
                inHandler.countDown();
                killed.await();
                throw new OutOfMemoryError("simulated death of process a");
            }
        }).build();
        ProjectionEngine a = started(ProjectionEngine.builder(jdbc, checkpoints)
                .register(dying, ProjectionStrategy.async()).owner("process-a").pageSize(20)
                .leaseTime(Duration.ofSeconds(1)).build());
        assertThat(inHandler.await(30, TimeUnit.SECONDS)).isTrue();

        // when: the database loses process a's connection (its transaction is rolled back), and a dies
        kill(connectionId.get());
        killed.countDown();
        ProjectionEngine b = started(ProjectionEngine.builder(jdbc, checkpoints)
                .register(model.perEvent("it-killed"), ProjectionStrategy.async()).owner("process-b")
                .leaseTime(Duration.ofSeconds(1)).claimInterval(Duration.ofMillis(100))
                .pollInterval(Duration.ofMillis(100)).build());

        // then
        assertThat(b.awaitCaughtUp("it-killed", 100, WAIT)).isTrue();
        assertThat(a.status("it-killed").state()).isEqualTo(ProjectionEngine.State.STOPPED);
        assertHoldsExactly(model, log());
        assertThat(model.rows()).filteredOn(r -> "process-a".equals(r.owner()))
                .extracting(JdbcReadModel.Row::position).isNotEmpty().allMatch(p -> p <= 40);
    }

    @Test
    void three_processes_over_four_segments_one_stopped_mid_run_apply_every_event_once_and_one_owner_at_a_time()
            throws Exception {
        // given: three processes, each with its own Redis signal, each holding at most two segments
        RedisService redis = ServiceFixtures.redis();
        String channel = Services.randomPrefix("projections");
        JdbcReadModel model = model("seg");
        List<ProjectionEngine> processes = new ArrayList<>();
        for (String owner : List.of("process-a", "process-b", "process-c")) {
            var signalBuilder = RedisAppendSignal.builder().uri(redis.uri()).channel(channel);
            if (!redis.password().isEmpty()) {
                signalBuilder.credentials(null, redis.password());
            }
            RedisAppendSignal signal = signalBuilder.build();
            closeables.add(signal);
            processes.add(started(ProjectionEngine.builder(jdbc, checkpoints)
                    .register(model.batched("it-segments"), ProjectionStrategy.batched(25).segments(4))
                    .owner(owner).signal(signal).maxSegments(2).leaseTime(Duration.ofSeconds(5))
                    .claimInterval(Duration.ofMillis(100)).pollInterval(Duration.ofSeconds(5)).build()));
            if (owner.equals("process-a")) {
                // a claims first, so that the stopped process owns segments
                assertThat(awaitOwner(owner, 2)).isTrue();
            }
        }

        // when
        long half = append(processes.get(0).eventStore(), 300);
        assertThat(processes.get(1).awaitCaughtUp("it-segments", half, WAIT)).isTrue();
        processes.get(0).close();
        long head = append(processes.get(1).eventStore(), 300);

        // then
        assertThat(processes.get(2).awaitCaughtUp("it-segments", head, WAIT)).isTrue();
        assertHoldsExactly(model, log());
        Map<Integer, Long> lastToken = new HashMap<>();
        Map<String, String> ownerOfToken = new HashMap<>();
        for (JdbcReadModel.Row r : model.rows()) {
            assertThat(r.token()).as("token of position %d in segment %d", r.position(), r.segment())
                    .isGreaterThanOrEqualTo(lastToken.getOrDefault(r.segment(), 0L));
            lastToken.put(r.segment(), r.token());
            String previous = ownerOfToken.putIfAbsent(r.segment() + ":" + r.token(), r.owner());
            assertThat(previous == null || previous.equals(r.owner())).as("one owner per lease token").isTrue();
        }
        assertThat(model.rows().stream().map(JdbcReadModel.Row::owner).collect(Collectors.toSet()))
                .isEqualTo(Set.of("process-a", "process-b", "process-c"));
    }

    private long append(EventStore events, int count) {
        long last = 0;
        for (int i = 0; i < count; i++) {
            last = events.append(request("seg-" + (i % 40), ExpectedVersion.any(), 1)).lastPosition();
        }
        return last;
    }

    /** Waits until {@code owner} holds {@code count} segments of it-segments, as the checkpoints table shows. */
    private boolean awaitOwner(String owner, int count) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            try (Connection c = java.sql.DriverManager.getConnection(db.jdbcUrl(), db.username(), db.password());
                 Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + dialect().quote(table + "_checkpoints")
                         + " WHERE owner = '" + owner + "' AND segment >= 0")) {
                rs.next();
                if (rs.getInt(1) >= count) {
                    return true;
                }
            }
            Thread.sleep(20); // polling another process's table: there is nothing to wait on
        }
        return false;
    }
}
