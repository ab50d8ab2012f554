package io.modularddd.eventstore.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.modularddd.core.EventPage;
import io.modularddd.core.StoredEvent;
import io.modularddd.testkit.ServiceFixtures.JdbcService;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The type-filtered read's bounded window: one statement examines at most {@link EventReads#FILTERED_WINDOW}
 * positions, says so in {@code scannedThrough}, and the next read goes on from there. The log (100,010 events, one
 * of another type) is written with plain SQL, the way the store writes rows, to keep the test fast.
 */
class TypeFilteredWindowTest {

    private static final long EVENTS = EventReads.FILTERED_WINDOW + 10;
    private static final long RARE = EventReads.FILTERED_WINDOW + 5;
    private static final String HAPPENED = "contract.happened.v1";
    private static final String BLOB = "contract.blob.v1";

    private static String seed(TestDatabases db, String table) {
        String range;
        String id;
        String q = db == TestDatabases.MARIADB ? "`" : "\"";
        switch (db) {
            case MARIADB -> {
                range = "SELECT seq AS x FROM seq_1_to_" + EVENTS;
                id = "UNHEX(MD5(x))";
            }
            case POSTGRESQL -> {
                range = "SELECT g AS x FROM generate_series(1, " + EVENTS + ") g";
                id = "md5(x::text)::uuid";
            }
            default -> {
                range = "SELECT X AS x FROM SYSTEM_RANGE(1, " + EVENTS + ")";
                id = "RANDOM_UUID()";
            }
        }
        String concat = db == TestDatabases.MARIADB ? "CONCAT('a-', x % 1000)" : "'a-' || (x % 1000)";
        String json = db == TestDatabases.POSTGRESQL ? "::json" : "";
        List<String> columns = new java.util.ArrayList<>();
        for (String c : new String[] {"sequence_number", "event_id", "aggregate_id", "aggregate_type", "event_type",
                "event_data", "metadata", "version", "occurred_at"}) {
            columns.add(q + c + q); // quoted: H2 keeps the lower-case names the DDL quotes
        }
        return "INSERT INTO " + q + table + q + " (" + String.join(", ", columns) + ") SELECT x, " + id + ", " + concat + ", 'Thing', "
                + "CASE WHEN x = " + RARE + " THEN '" + BLOB + "' ELSE '" + HAPPENED + "' END, "
                + "CASE WHEN x = " + RARE + " THEN '{\"data\":\"rare\"}'" + json + " ELSE '{\"text\":\"t\",\"n\":1}'"
                + json + " END, NULL, x / 1000 + 1, CURRENT_TIMESTAMP FROM (" + range + ") r";
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.class)
    void one_statement_examines_at_most_a_window_and_the_next_goes_on_from_there(TestDatabases db) throws Exception {
        // given: a store over 100,010 events, one of them (at 100,005) of the rare type
        JdbcService service = db.service();
        String table = TestDatabases.uniqueTable();
        try (JdbcEventStore store = db.builder(service, table).build()) {
            store.createSchema();
            try (Connection c = TestDatabases.connect(service); Statement s = c.createStatement()) {
                s.executeUpdate(seed(db, table));
            }
            assertThat(store.headPosition()).isEqualTo(EVENTS);

            // when: the rare type from the start
            EventPage first = store.readAll(1, 10, Set.of(BLOB));
            EventPage second = store.readAll(first.nextPosition(), 10, Set.of(BLOB));

            // then: the first read stops at the window's end, empty; the second finds it and reaches the head
            assertThat(first.events()).isEmpty();
            assertThat(first.scannedThrough()).isEqualTo(EventReads.FILTERED_WINDOW);
            assertThat(second.events()).extracting(StoredEvent::position).containsExactly(RARE);
            assertThat(second.scannedThrough()).isEqualTo(EVENTS);
            assertThat(store.readAll(EVENTS + 1, 10, Set.of(BLOB)).scannedThrough()).isEqualTo(EVENTS);

            // and a common type fills the limit at once, the page ending at its last event
            EventPage common = store.readAll(1, 10, Set.of(HAPPENED));
            assertThat(common.events()).extracting(StoredEvent::position)
                    .containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);
            assertThat(common.scannedThrough()).isEqualTo(10);
            // a window cut by the head, with the rare event's position as a gap
            List<StoredEvent> tail = store.readAll(RARE - 10, 100, Set.of(HAPPENED)).events();
            assertThat(tail).extracting(StoredEvent::position).hasSize(15).doesNotContain(RARE);
        } finally {
            TestDatabases.drop(service, table);
        }
    }
}
