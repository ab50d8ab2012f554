package io.modularddd.eventstore.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modularddd.core.AggregateId;
import io.modularddd.core.AppendRequest;
import io.modularddd.core.AppendResult;
import io.modularddd.core.ConcurrencyConflictException;
import io.modularddd.core.EventIdConflictException;
import io.modularddd.core.ExpectedVersion;
import io.modularddd.core.NewEvent;
import io.modularddd.testkit.ContractEvents.Happened;
import io.modularddd.testkit.ServiceFixtures.JdbcService;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The opt-in partitioned MariaDB layout has no unique key on (aggregate_id, version) or event_id (error
 * 1503 forbids them); the append transaction must enforce both. Racing writers prove it does.
 */
class PartitionedLayoutTest {

    private static final int THREADS = 16;
    private static final int STREAMS = 6;
    private static final int ROUNDS = 40;

    private JdbcService service;
    private String table;
    private JdbcEventStore store;

    @BeforeEach
    void open() {
        service = TestDatabases.MARIADB.service();
        table = TestDatabases.uniqueTable();
        store = TestDatabases.MARIADB.builder(service, table, THREADS).partitioned(true).build();
        store.createSchema();
        store.createSchema(); // idempotent
    }

    @AfterEach
    void cleanUp() {
        if (store != null) {
            store.close();
            TestDatabases.drop(service, table);
        }
    }

    @Test
    void the_table_is_range_partitioned_and_has_no_unique_key_but_the_primary_key() throws Exception {
        try (Connection c = TestDatabases.connect(service); Statement s = c.createStatement()) {
            ResultSet rs = s.executeQuery("SELECT PARTITION_NAME, PARTITION_METHOD FROM information_schema.PARTITIONS "
                    + "WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = '" + table + "' ORDER BY PARTITION_ORDINAL_POSITION");
            List<String> partitions = new ArrayList<>();
            while (rs.next()) {
                assertThat(rs.getString(2)).isEqualTo("RANGE");
                partitions.add(rs.getString(1));
            }
            assertThat(partitions).containsExactly("p1000000", "p2000000", "p3000000", "pmax");
            rs = s.executeQuery("SELECT DISTINCT INDEX_NAME FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = "
                    + "DATABASE() AND TABLE_NAME = '" + table + "' AND NON_UNIQUE = 0");
            List<String> unique = new ArrayList<>();
            while (rs.next()) {
                unique.add(rs.getString(1));
            }
            assertThat(unique).containsExactly("PRIMARY");
        }
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void racing_writers_never_store_a_duplicate_version_or_event_id() throws Exception {
        // given: streams everybody races on, and a pool of event ids that several writers try to reuse
        List<AggregateId> streams = new ArrayList<>();
        for (int i = 0; i < STREAMS; i++) {
            streams.add(AggregateId.of("race" + i + "-" + UUID.randomUUID()));
        }
        List<NewEvent> shared = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            shared.add(NewEvent.of(new Happened("shared", i)));
        }
        AtomicInteger wins = new AtomicInteger();
        AtomicInteger conflicts = new AtomicInteger();
        AtomicInteger idConflicts = new AtomicInteger();
        ConcurrentHashMap<UUID, AppendResult> sharedStored = new ConcurrentHashMap<>();
        CyclicBarrier round = new CyclicBarrier(THREADS);
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            // when: in every round all threads append at the version they last saw, to random streams
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                futures.add(pool.submit(() -> {
                    ThreadLocalRandom random = ThreadLocalRandom.current();
                    for (int r = 0; r < ROUNDS; r++) {
                        AggregateId stream = streams.get(random.nextInt(STREAMS));
                        long seen = store.currentVersion(stream);
                        NewEvent[] events = random.nextInt(4) == 0
                                ? new NewEvent[] {shared.get(random.nextInt(shared.size()))}
                                : new NewEvent[] {NewEvent.of(new Happened("race", r)), NewEvent.of(new Happened("race", r))};
                        round.await(30, TimeUnit.SECONDS);
                        try {
                            AppendResult result = store.append(AppendRequest.of(stream, "Thing",
                                    ExpectedVersion.of(seen), events));
                            wins.incrementAndGet();
                            if (events.length == 1) {
                                sharedStored.put(events[0].eventId(), result);
                            }
                        } catch (ConcurrencyConflictException e) {
                            conflicts.incrementAndGet();
                        } catch (EventIdConflictException e) {
                            idConflicts.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get(2, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }

        // then: the races happened ...
        assertThat(wins.get()).isPositive();
        assertThat(conflicts.get()).as("version conflicts").isPositive();
        assertThat(idConflicts.get()).as("event id conflicts").isPositive();
        // ... and the table holds no duplicate (aggregate_id, version) or event_id, and dense versions
        try (Connection c = TestDatabases.connect(service); Statement s = c.createStatement()) {
            ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM (SELECT aggregate_id, version FROM `" + table
                    + "` GROUP BY aggregate_id, version HAVING COUNT(*) > 1) d");
            rs.next();
            assertThat(rs.getLong(1)).as("duplicate (aggregate_id, version)").isZero();
            rs = s.executeQuery("SELECT COUNT(*) FROM (SELECT event_id FROM `" + table
                    + "` GROUP BY event_id HAVING COUNT(*) > 1) d");
            rs.next();
            assertThat(rs.getLong(1)).as("duplicate event_id").isZero();
            rs = s.executeQuery("SELECT aggregate_id, COUNT(*), MIN(version), MAX(version) FROM `" + table
                    + "` GROUP BY aggregate_id");
            while (rs.next()) {
                assertThat(rs.getLong(3)).isEqualTo(1);
                assertThat(rs.getLong(4)).as("dense versions of %s", rs.getString(1)).isEqualTo(rs.getLong(2));
            }
            rs = s.executeQuery("SELECT COUNT(*), MAX(sequence_number) FROM `" + table + "`");
            rs.next();
            assertThat(rs.getLong(2)).as("dense positions").isEqualTo(rs.getLong(1));
        }
    }

    @Test
    void a_reused_event_id_is_refused_and_a_repeat_answers_the_original_result() {
        // given
        AggregateId a = AggregateId.of("a-" + UUID.randomUUID());
        AggregateId b = AggregateId.of("b-" + UUID.randomUUID());
        AppendRequest first = AppendRequest.of(a, "Thing", ExpectedVersion.noStream(),
                NewEvent.of(new Happened("x", 1)));
        AppendResult original = store.append(first);

        // then
        assertThat(store.append(first)).isEqualTo(original);
        assertThatThrownBy(() -> store.append(AppendRequest.of(b, "Thing", ExpectedVersion.noStream(),
                first.events().get(0)))).isInstanceOf(EventIdConflictException.class);
        assertThatThrownBy(() -> store.append(AppendRequest.of(a, "Thing", ExpectedVersion.noStream(),
                NewEvent.of(new Happened("y", 2))))).isInstanceOf(ConcurrencyConflictException.class);
        assertThat(store.currentVersion(b)).isZero();
    }

    @Test
    void add_partition_splits_the_maxvalue_partition_and_appends_go_on() throws Exception {
        // when
        store.addPartition(4_000_000);
        // then
        try (Connection c = TestDatabases.connect(service); Statement s = c.createStatement()) {
            ResultSet rs = s.executeQuery("SELECT PARTITION_NAME FROM information_schema.PARTITIONS WHERE TABLE_SCHEMA = "
                    + "DATABASE() AND TABLE_NAME = '" + table + "' ORDER BY PARTITION_ORDINAL_POSITION");
            List<String> partitions = new ArrayList<>();
            while (rs.next()) {
                partitions.add(rs.getString(1));
            }
            assertThat(partitions).containsExactly("p1000000", "p2000000", "p3000000", "p4000000", "pmax");
        }
        AggregateId id = AggregateId.of("after-" + UUID.randomUUID());
        assertThat(store.append(AppendRequest.of(id, "Thing", ExpectedVersion.noStream(),
                NewEvent.of(new Happened("x", 1)))).lastVersion()).isEqualTo(1);
        assertThatThrownBy(() -> store.addPartition(2_500_000)).isInstanceOf(io.modularddd.core.EventStoreException.class)
                .hasMessageContaining("p2500000");
    }
}
