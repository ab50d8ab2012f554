package io.modularddd.eventstore.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modularddd.core.AggregateId;
import io.modularddd.core.AppendRequest;
import io.modularddd.core.ExpectedVersion;
import io.modularddd.core.MissingEventsException;
import io.modularddd.core.NewEvent;
import io.modularddd.core.StoredEvent;
import io.modularddd.core.StreamArchivedException;
import io.modularddd.testkit.ContractEvents.Happened;
import io.modularddd.testkit.ServiceFixtures.JdbcService;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 9, item 7 on the partitioned MariaDB layout: dropping the oldest partitions is the supported way to
 * archive the start of the log ({@link JdbcEventStore#dropPartitionsBefore(long)}), and readers handle it;
 * a partition dropped by hand in the middle of the log is a hole and reads say so.
 */
class PartitionArchivalTest {

    private JdbcService service;
    private String table;
    private JdbcEventStore store;

    @BeforeEach
    void open() throws SQLException {
        service = TestDatabases.MARIADB.service();
        table = TestDatabases.uniqueTable();
        store = TestDatabases.MARIADB.builder(service, table).partitioned(true).pageSize(5).build();
        store.createSchema();
        // small partitions, so a test needs tens of events rather than millions
        exec("ALTER TABLE `" + table + "` PARTITION BY RANGE (`sequence_number`) (PARTITION `p10` VALUES LESS THAN "
                + "(10), PARTITION `p20` VALUES LESS THAN (20), PARTITION `p30` VALUES LESS THAN (30), "
                + "PARTITION `pmax` VALUES LESS THAN MAXVALUE)");
    }

    @AfterEach
    void cleanUp() {
        if (store != null) {
            store.close();
            TestDatabases.drop(service, table);
        }
    }

    private void exec(String sql) throws SQLException {
        try (Connection c = TestDatabases.connect(service); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private List<String> partitions() throws SQLException {
        try (Connection c = TestDatabases.connect(service); Statement s = c.createStatement()) {
            ResultSet rs = s.executeQuery("SELECT PARTITION_NAME FROM information_schema.PARTITIONS WHERE TABLE_SCHEMA = "
                    + "DATABASE() AND TABLE_NAME = '" + table + "' ORDER BY PARTITION_ORDINAL_POSITION");
            List<String> names = new ArrayList<>();
            while (rs.next()) {
                names.add(rs.getString(1));
            }
            return names;
        }
    }

    private AggregateId stream(String name, int n) {
        AggregateId id = AggregateId.of(name + "-" + UUID.randomUUID());
        NewEvent[] events = new NewEvent[n];
        for (int i = 0; i < n; i++) {
            events[i] = NewEvent.of(new Happened(name, i + 1));
        }
        store.append(AppendRequest.of(id, "Thing", ExpectedVersion.noStream(), events));
        return id;
    }

    private static List<Long> positions(List<StoredEvent> events) {
        return events.stream().map(StoredEvent::position).collect(Collectors.toList());
    }

    private static List<Long> range(long from, long to) {
        return LongStream.rangeClosed(from, to).boxed().collect(Collectors.toList());
    }

    @Test
    void dropping_the_oldest_partitions_archives_the_start_of_the_log_and_readers_continue() throws Exception {
        // given: a at positions 1..5, b at 6..25 (versions 1..20), c at 26..35
        AggregateId a = stream("a", 5);
        AggregateId b = stream("b", 20);
        AggregateId c = stream("c", 10);

        // when
        assertThat(store.dropPartitionsBefore(25)).containsExactly("p10", "p20");

        // then: positions 20..35 remain
        assertThat(partitions()).containsExactly("p30", "pmax");
        assertThat(positions(store.readAll(1, 100).toList())).isEqualTo(range(20, 35));
        assertThat(positions(store.readAll(12, 3).toList())).isEqualTo(range(20, 22));
        assertThat(positions(store.readAll(23, 100).toList())).isEqualTo(range(23, 35));
        // a stream whose start was archived says where it starts now (b's version 15 sits at position 20)
        assertThatThrownBy(() -> store.load(b).toList()).isInstanceOf(StreamArchivedException.class)
                .satisfies(e -> {
                    StreamArchivedException x = (StreamArchivedException) e;
                    assertThat(x.aggregateId()).isEqualTo(b);
                    assertThat(x.requestedVersion()).isEqualTo(1);
                    assertThat(x.firstAvailableVersion()).isEqualTo(15);
                });
        assertThat(store.load(b, 15, Long.MAX_VALUE).toList()).extracting(StoredEvent::version)
                .containsExactly(15L, 16L, 17L, 18L, 19L, 20L);
        assertThat(store.load(c).toList()).hasSize(10);
        assertThat(store.load(a).toList()).as("a stream archived entirely").isEmpty();
        // and appends go on from the last position
        assertThat(store.append(AppendRequest.of(c, "Thing", ExpectedVersion.exactly(10),
                NewEvent.of(new Happened("c", 11)))).firstPosition()).isEqualTo(36);
    }

    @Test
    void the_partition_holding_the_newest_event_is_never_dropped() throws Exception {
        stream("a", 15);
        assertThat(store.dropPartitionsBefore(1_000)).containsExactly("p10");
        assertThat(store.dropPartitionsBefore(1_000)).isEmpty();
        assertThat(partitions()).containsExactly("p20", "p30", "pmax");
        AggregateId d = stream("d", 1);
        assertThat(store.load(d).toList().get(0).position()).isEqualTo(16);
        assertThat(positions(store.readAll(1, 100).toList())).isEqualTo(range(10, 16));
    }

    @Test
    void a_partition_dropped_by_hand_in_the_middle_of_the_log_is_a_hole() throws Exception {
        AggregateId a = stream("a", 35);
        exec("ALTER TABLE `" + table + "` DROP PARTITION `p20`");
        assertThatThrownBy(() -> store.readAll(1, 100).toList()).isInstanceOf(MissingEventsException.class)
                .hasMessageContaining("positions 10 to 19");
        assertThatThrownBy(() -> store.readAll(12, 100).toList()).isInstanceOf(MissingEventsException.class)
                .hasMessageContaining("positions 12 to 19");
        assertThatThrownBy(() -> store.load(a).toList()).isInstanceOf(MissingEventsException.class)
                .hasMessageContaining("versions 10 to 19");
    }

    @Test
    void drop_partitions_before_is_refused_outside_the_partitioned_layout_and_for_a_bad_position() {
        assertThatThrownBy(() -> store.dropPartitionsBefore(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("position").hasMessageContaining("0");
        try (JdbcEventStore plain = TestDatabases.H2.builder(TestDatabases.H2.service(), "es").build()) {
            assertThatThrownBy(() -> plain.dropPartitionsBefore(10)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("partitioned(true)");
        }
    }
}
