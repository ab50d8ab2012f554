package io.modularddd.eventstore.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.modularddd.core.AggregateId;
import io.modularddd.core.EventStoreException;
import io.modularddd.core.InvalidInputException;
import io.modularddd.core.snapshot.Snapshot;
import io.modularddd.core.snapshot.SnapshotStore;
import io.modularddd.testkit.ServiceFixtures.JdbcService;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What the JDBC snapshot store adds to the contract: pruning to the newest K, the upsert under
 * concurrent writers of the same versions, each kind of damage, time stamps, options and failures.
 */
class JdbcSnapshotStoreTest {

    private SnapshotFixture fixture;

    @AfterEach
    void dropTables() {
        if (fixture != null) {
            fixture.close();
        }
    }

    private SnapshotStore open(TestDatabases db, Integer keep) {
        fixture = new SnapshotFixture(db);
        return fixture.create(keep, null);
    }

    private static AggregateId id(String name) {
        return AggregateId.of(name + "-" + UUID.randomUUID().toString().substring(0, 8));
    }

    private static Snapshot snapshot(AggregateId id, long version, String state) {
        return new Snapshot(id, "Account", version, 1, state.getBytes(StandardCharsets.UTF_8),
                Instant.parse("2026-11-30T10:15:30.123456Z"));
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.class)
    void a_save_prunes_the_aggregate_to_its_newest_k(TestDatabases db) {
        // given
        SnapshotStore store = open(db, 3);
        AggregateId id = id("prune");
        AggregateId other = id("other");
        store.save(snapshot(other, 1, "o1"));
        // when
        for (long v = 1; v <= 10; v++) {
            store.save(snapshot(id, v, "v" + v));
        }
        // then
        assertThat(fixture.versions(id)).isEqualTo("8,9,10");
        assertThat(store.newest(id)).contains(snapshot(id, 10, "v10"));
        // an older version saved late is pruned at once, and the newest stays
        store.save(snapshot(id, 5, "v5"));
        assertThat(fixture.versions(id)).isEqualTo("8,9,10");
        assertThat(fixture.versions(other)).isEqualTo("1");
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.class)
    void the_default_keeps_three_and_keep_one_keeps_one(TestDatabases db) {
        SnapshotStore three = open(db, null);
        SnapshotStore one = fixture.events.snapshotStore(1);
        AggregateId a = id("three");
        AggregateId b = id("one");
        for (long v = 1; v <= 6; v++) {
            three.save(snapshot(a, v, "a" + v));
            one.save(snapshot(b, v, "b" + v));
        }
        assertThat(fixture.versions(a)).isEqualTo("4,5,6");
        assertThat(fixture.versions(b)).isEqualTo("6");
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.class)
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void eight_writers_saving_the_same_versions_leave_the_highest_whole(TestDatabases db) throws Exception {
        // given: 8 writers that all save versions 1..40 of one aggregate, each with its own state
        SnapshotStore store = open(db, 2);
        AggregateId id = id("upsert");
        int writers = 8;
        int last = 40;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        CyclicBarrier start = new CyclicBarrier(writers);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                int writer = w;
                futures.add(pool.submit(() -> {
                    start.await(30, TimeUnit.SECONDS);
                    for (long v = 1; v <= last; v++) {
                        store.save(snapshot(id, v, "{\"writer\":" + writer + ",\"version\":" + v + ",\"pad\":\""
                                + "x".repeat(writer * 100) + "\"}"));
                    }
                    return null;
                }));
            }
            // when
            for (Future<?> f : futures) {
                f.get(2, TimeUnit.MINUTES); // no writer fails: same-version saves are upserts
            }
        } finally {
            pool.shutdownNow();
        }
        // then: version 40 is the newest, and its state is exactly one writer's
        Snapshot newest = store.newest(id).orElseThrow();
        assertThat(newest.version()).isEqualTo(last);
        Set<String> candidates = new HashSet<>();
        for (int w = 0; w < writers; w++) {
            candidates.add("{\"writer\":" + w + ",\"version\":" + last + ",\"pad\":\"" + "x".repeat(w * 100) + "\"}");
        }
        assertThat(candidates).contains(new String(newest.state(), StandardCharsets.UTF_8));
        store.save(snapshot(id, last, "final"));
        assertThat(fixture.rows(id)).isEqualTo(2);
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.class)
    void truncated_data_is_a_typed_error_naming_the_aggregate_and_delete_clears_it(TestDatabases db) {
        // given
        SnapshotStore store = open(db, null);
        AggregateId id = id("cut");
        store.save(snapshot(id, 3, "{\"balance\":1234567890}"));
        // when
        fixture.truncate(id);
        // then
        assertThatThrownBy(() -> store.newest(id)).isInstanceOf(EventStoreException.class)
                .hasMessageContaining(id.value()).hasMessageContaining("version 3").hasMessageContaining("truncated")
                .hasMessageContaining(fixture.table + "_snapshots")
                .satisfies(e -> assertThat(((EventStoreException) e).isTransient()).isFalse());
        store.delete(id);
        assertThat(store.newest(id)).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.class)
    void a_row_with_schema_version_0_is_a_typed_error(TestDatabases db) {
        SnapshotStore store = open(db, null);
        AggregateId id = id("schema");
        store.save(snapshot(id, 2, "{}"));
        fixture.setNewest(id, "schema_version", 0);
        assertThatThrownBy(() -> store.newest(id)).isInstanceOf(EventStoreException.class)
                .hasMessageContaining(id.value()).hasMessageContaining("schemaVersion");
        // a newer snapshot is read as usual
        store.save(snapshot(id, 3, "{\"ok\":true}"));
        assertThat(store.newest(id)).contains(snapshot(id, 3, "{\"ok\":true}"));
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.class)
    void created_at_is_kept_in_utc_to_the_microsecond(TestDatabases db) {
        SnapshotStore store = open(db, null);
        AggregateId id = id("time");
        // 02:30 on 2024-03-10 does not exist in New York (the tests' zone): no zone may touch the value
        Instant gap = Instant.parse("2024-03-10T02:30:00.123456Z");
        store.save(new Snapshot(id, "Account", 1, 1, new byte[] {0, 1, -1}, gap));
        assertThat(store.newest(id).orElseThrow().createdAt()).isEqualTo(gap);
        store.save(new Snapshot(id, "Account", 2, 1, new byte[] {0, 1, -1}, Instant.parse("2026-01-01T00:00:00.1234569Z")));
        Snapshot read = store.newest(id).orElseThrow();
        assertThat(read.createdAt()).isEqualTo(Instant.parse("2026-01-01T00:00:00.123456Z"));
        assertThat(read.state()).containsExactly(0, 1, -1);
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.class)
    void ids_that_differ_in_case_are_different_aggregates(TestDatabases db) {
        SnapshotStore store = open(db, null);
        String suffix = UUID.randomUUID().toString();
        AggregateId upper = AggregateId.of("Acc-" + suffix);
        AggregateId lower = AggregateId.of("acc-" + suffix);
        store.save(snapshot(upper, 1, "U"));
        store.save(snapshot(lower, 2, "l"));
        assertThat(store.newest(upper)).map(Snapshot::version).contains(1L);
        assertThat(store.newest(lower)).map(Snapshot::version).contains(2L);
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.class)
    void create_schema_again_keeps_the_snapshots(TestDatabases db) {
        SnapshotStore store = open(db, null);
        AggregateId id = id("idem");
        store.save(snapshot(id, 4, "kept"));
        fixture.events.createSchema();
        assertThat(store.newest(id)).contains(snapshot(id, 4, "kept"));
    }

    @ParameterizedTest
    @EnumSource(value = TestDatabases.class, names = {"MARIADB", "POSTGRESQL"})
    void without_the_schema_a_save_names_the_missing_table_and_the_fix(TestDatabases db) {
        JdbcService service = db.service();
        String table = TestDatabases.uniqueTable();
        try (JdbcEventStore events = db.builder(service, table).build()) {
            SnapshotStore store = events.snapshotStore();
            assertThatThrownBy(() -> store.save(snapshot(id("none"), 1, "x"))).isInstanceOf(EventStoreException.class)
                    .hasMessageContaining(table + "_snapshots").hasMessageContaining("createSchema()")
                    .hasMessageNotContaining("password");
            assertThatThrownBy(() -> store.newest(id("none"))).isInstanceOf(EventStoreException.class)
                    .hasMessageContaining("createSchema()");
        } finally {
            TestDatabases.drop(service, table);
        }
    }

    @Test
    void the_meters_count_saves_prunes_and_damaged_reads() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        fixture = new SnapshotFixture(TestDatabases.H2);
        SnapshotStore store = fixture.create(1, meters);
        AggregateId id = id("metered");
        for (long v = 1; v <= 4; v++) {
            store.save(snapshot(id, v, "s" + v));
        }
        fixture.damage(id);
        assertThatThrownBy(() -> store.newest(id)).isInstanceOf(EventStoreException.class);
        assertThat(meters.get("modularddd.eventstore.jdbc.snapshots").tag("outcome", "saved")
                .tag("table", fixture.table + "_snapshots").counter().count()).isEqualTo(4);
        assertThat(meters.get("modularddd.eventstore.jdbc.snapshots.pruned").counter().count()).isEqualTo(3);
        assertThat(meters.get("modularddd.eventstore.jdbc.snapshots.damaged").counter().count()).isEqualTo(1);
    }

    @Test
    void keep_newest_is_validated_naming_the_setting_the_value_and_the_range() {
        fixture = new SnapshotFixture(TestDatabases.H2);
        fixture.create();
        for (int bad : new int[] {0, -1, 101}) {
            assertThatThrownBy(() -> fixture.events.snapshotStore(bad)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("keepNewest must be between 1 and 100 but was " + bad);
        }
        assertThat(fixture.events.snapshotStore(100)).hasToString("JdbcSnapshotStore[H2, table " + fixture.table
                + "_snapshots, keeps the newest 100, " + fixture.service.jdbcUrl() + "]");
    }

    @Test
    void a_closed_store_or_event_store_refuses_calls() {
        fixture = new SnapshotFixture(TestDatabases.H2);
        SnapshotStore store = fixture.create();
        SnapshotStore second = fixture.events.snapshotStore();
        AggregateId id = id("closed");
        store.close();
        assertThatThrownBy(() -> store.newest(id)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
        assertThat(second.newest(id)).isEmpty(); // closing one snapshot store leaves the event store open
        fixture.events.close();
        assertThatThrownBy(() -> second.save(snapshot(id, 1, "x"))).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(fixture.events::snapshotStore).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void a_state_larger_than_max_allowed_packet_is_refused_before_it_is_sent() {
        SnapshotStore store = open(TestDatabases.MARIADB, null);
        fixture.events.packetLimit().assume(1024 * 1024);
        AggregateId id = id("huge");
        byte[] state = new byte[2 * 1024 * 1024];
        assertThatThrownBy(() -> store.save(new Snapshot(id, "Account", 1, 1, state, Instant.now())))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining(id.value())
                .hasMessageContaining("max_allowed_packet");
        assertThat(fixture.rows(id)).isZero();
    }

    @Test
    void the_partitioned_layout_has_the_snapshots_table_too() {
        fixture = new SnapshotFixture(TestDatabases.MARIADB);
        fixture.service = TestDatabases.MARIADB.service();
        fixture.table = TestDatabases.uniqueTable();
        fixture.events = TestDatabases.MARIADB.builder(fixture.service, fixture.table).partitioned(true).build();
        fixture.events.createSchema();
        SnapshotStore store = fixture.events.snapshotStore();
        AggregateId id = id("partitioned");
        store.save(snapshot(id, 7, "p"));
        assertThat(store.newest(id)).contains(snapshot(id, 7, "p"));
    }
}
