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
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issue 9, item 7: reads page by dense version/position ranges and used to end at the first short page,
 * so a hole (rows deleted by hand) made {@code readAll} and {@code load} stop early or skip, without error.
 * A hole in the middle must raise {@link MissingEventsException}; a stream whose first versions are gone
 * raises {@link StreamArchivedException}; {@code readAll} from inside a removed prefix of the log continues
 * at the first stored position.
 */
class ReadHolesTest {

    private JdbcService service;
    private String table;
    private JdbcEventStore store;
    private TestDatabases db;

    private void open(TestDatabases database, int pageSize) {
        db = database;
        service = database.service();
        table = TestDatabases.uniqueTable();
        store = database.builder(service, table).pageSize(pageSize).build();
        store.createSchema();
    }

    @AfterEach
    void cleanUp() {
        if (store != null) {
            store.close();
            TestDatabases.drop(service, table);
        }
    }

    /** Appends {@code n} events to a new stream: versions 1..n at positions 1..n. */
    private AggregateId stream(int n) {
        AggregateId id = AggregateId.of("holes-" + UUID.randomUUID());
        NewEvent[] events = new NewEvent[n];
        for (int i = 0; i < n; i++) {
            events[i] = NewEvent.of(new Happened("e", i + 1));
        }
        store.append(AppendRequest.of(id, "Thing", ExpectedVersion.noStream(), events));
        return id;
    }

    private void deletePositions(long from, long to) throws SQLException {
        String q = db == TestDatabases.MARIADB ? "`" : "\"";
        try (Connection c = TestDatabases.connect(service); Statement s = c.createStatement()) {
            s.executeUpdate("DELETE FROM " + q + table + q + " WHERE " + q + "sequence_number" + q + " BETWEEN " + from
                    + " AND " + to);
        }
    }

    private static List<Long> positions(List<StoredEvent> events) {
        return events.stream().map(StoredEvent::position).collect(Collectors.toList());
    }

    private static List<Long> range(long from, long to) {
        return LongStream.rangeClosed(from, to).boxed().collect(Collectors.toList());
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.class)
    void read_all_across_a_hole_inside_a_page_names_the_missing_positions(TestDatabases database) throws Exception {
        open(database, 500);
        stream(10);
        deletePositions(5, 7);
        assertThatThrownBy(() -> store.readAll(1, 100).toList()).isInstanceOf(MissingEventsException.class)
                .hasMessageContaining("positions 5 to 7")
                .satisfies(e -> {
                    MissingEventsException m = (MissingEventsException) e;
                    assertThat(m.firstMissing()).isEqualTo(5);
                    assertThat(m.lastMissing()).isEqualTo(7);
                    assertThat(m.aggregateId()).isEmpty();
                });
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.class)
    void read_all_across_a_hole_spanning_whole_pages_names_the_missing_positions(TestDatabases database)
            throws Exception {
        open(database, 3);
        stream(12);
        deletePositions(4, 9); // pages 4..6 and 7..9 come back empty
        assertThatThrownBy(() -> store.readAll(1, 100).toList()).isInstanceOf(MissingEventsException.class)
                .hasMessageContaining("positions 4 to 9");
        // a reader that checkpointed before the hole gets the same error, not an empty result
        assertThatThrownBy(() -> store.readAll(5, 100).toList()).isInstanceOf(MissingEventsException.class)
                .hasMessageContaining("positions 5 to 9");
        // and one that stops before the hole is not bothered
        assertThat(positions(store.readAll(1, 3).toList())).containsExactly(1L, 2L, 3L);
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.class)
    void read_all_across_a_hole_that_starts_after_a_short_page_is_detected(TestDatabases database) throws Exception {
        open(database, 5);
        stream(12);
        deletePositions(4, 10); // page 1..5 returns 1..3, and nothing up to the page's end
        assertThatThrownBy(() -> store.readAll(1, 100).toList()).isInstanceOf(MissingEventsException.class)
                .hasMessageContaining("positions 4 to 10");
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.class)
    void read_all_from_inside_a_removed_prefix_continues_at_the_first_stored_position(TestDatabases database)
            throws Exception {
        open(database, 2);
        stream(10);
        deletePositions(1, 5);
        assertThat(positions(store.readAll(1, 100).toList())).isEqualTo(range(6, 10));
        assertThat(positions(store.readAll(3, 3).toList())).isEqualTo(range(6, 8));
        assertThat(positions(store.readAll(11, 100).toList())).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.class)
    void load_across_a_hole_inside_a_page_names_the_missing_versions(TestDatabases database) throws Exception {
        open(database, 500);
        AggregateId id = stream(10);
        deletePositions(4, 5);
        assertThatThrownBy(() -> store.load(id).toList()).isInstanceOf(MissingEventsException.class)
                .hasMessageContaining("versions 4 to 5").hasMessageContaining(id.value())
                .satisfies(e -> assertThat(((MissingEventsException) e).aggregateId()).contains(id));
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.class)
    void load_across_a_hole_spanning_a_whole_page_names_the_missing_versions(TestDatabases database)
            throws Exception {
        open(database, 3);
        AggregateId id = stream(10);
        deletePositions(4, 6); // the page 4..6 comes back empty
        assertThatThrownBy(() -> store.load(id).toList()).isInstanceOf(MissingEventsException.class)
                .hasMessageContaining("versions 4 to 6");
        assertThatThrownBy(() -> store.loadBatch(List.of(id), 1, Long.MAX_VALUE))
                .isInstanceOf(MissingEventsException.class).hasMessageContaining("versions 4 to 6");
        // the part before the hole can still be read
        assertThat(store.load(id, 1, 3).toList()).hasSize(3);
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.class)
    void load_across_a_hole_that_starts_after_a_short_page_is_detected(TestDatabases database) throws Exception {
        open(database, 5);
        AggregateId id = stream(12);
        deletePositions(4, 10); // page 1..5 returns 1..3, and nothing up to the page's end
        assertThatThrownBy(() -> store.load(id).toList()).isInstanceOf(MissingEventsException.class)
                .hasMessageContaining("versions 4 to 10");
        // a range that ends before the hole is whole
        assertThat(store.load(id, 1, 3).toList()).hasSize(3);
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.class)
    void load_of_a_stream_whose_first_versions_are_gone_says_where_it_starts_now(TestDatabases database)
            throws Exception {
        open(database, 500);
        AggregateId id = stream(10);
        deletePositions(1, 3);
        assertThatThrownBy(() -> store.load(id).toList()).isInstanceOf(StreamArchivedException.class)
                .satisfies(e -> {
                    StreamArchivedException a = (StreamArchivedException) e;
                    assertThat(a.aggregateId()).isEqualTo(id);
                    assertThat(a.requestedVersion()).isEqualTo(1);
                    assertThat(a.firstAvailableVersion()).isEqualTo(4);
                });
        assertThatThrownBy(() -> store.loadBatch(List.of(id), 1, Long.MAX_VALUE))
                .isInstanceOf(StreamArchivedException.class).hasMessageContaining("first available version is 4");
        // loading from the first available version works
        assertThat(store.load(id, 4, Long.MAX_VALUE).toList()).hasSize(7);
        assertThat(store.loadBatch(List.of(id), 4, Long.MAX_VALUE).get(id).toList()).hasSize(7);
    }

    @Test
    void streams_without_holes_read_as_before() {
        open(TestDatabases.H2, 3);
        AggregateId id = stream(7);
        assertThat(store.load(id).toList()).hasSize(7);
        assertThat(store.load(id, 8, Long.MAX_VALUE).toList()).isEmpty();
        assertThat(store.load(AggregateId.of("nobody-" + UUID.randomUUID())).toList()).isEmpty();
        assertThat(positions(store.readAll(1, 100).toList())).isEqualTo(range(1, 7));
        assertThat(positions(store.readAll(8, 100).toList())).isEmpty();
        assertThat(store.loadBatch(List.of(id, AggregateId.of("nobody")), 1, Long.MAX_VALUE).get(id).toList())
                .hasSize(7);
    }
}
