package io.modularddd.eventstore.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modularddd.core.AggregateId;
import io.modularddd.core.AppendRequest;
import io.modularddd.core.EventStream;
import io.modularddd.core.ExpectedVersion;
import io.modularddd.core.NewEvent;
import io.modularddd.core.StoredEvent;
import io.modularddd.core.UnknownEventTypeException;
import io.modularddd.core.UnreadableEventException;
import io.modularddd.core.serialization.JacksonEventSerializer;
import io.modularddd.testkit.ContractEvents;
import io.modularddd.testkit.ContractEvents.Blob;
import io.modularddd.testkit.ContractEvents.Happened;
import io.modularddd.testkit.ServiceFixtures.JdbcService;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issue 9, item 6: a store reads back whatever it holds, and an event it holds but cannot decode fails
 * the read with an {@link UnreadableEventException} naming stream, version, position and type, so a
 * reader following the log can report it and go on past it.
 */
class ReadWhatWasStoredTest {

    private static final int MIB = 1 << 20;

    private JdbcService service;
    private String table;
    private final List<JdbcEventStore> stores = new ArrayList<>();

    @AfterEach
    void cleanUp() {
        stores.forEach(JdbcEventStore::close);
        if (table != null) {
            TestDatabases.drop(service, table);
        }
    }

    /** A builder on the test's table, no serializer set; every store of a test shares that table (on H2, one database). */
    private JdbcEventStoreBuilder builder(TestDatabases db) {
        if (service == null) {
            service = db.service(); // once: on H2 each call names a new in-memory database
            table = TestDatabases.uniqueTable();
        }
        return db.builderWithoutSerializer(service, table);
    }

    private JdbcEventStore open(JdbcEventStoreBuilder builder) {
        JdbcEventStore store = builder.build();
        stores.add(store);
        if (stores.size() == 1) {
            store.createSchema();
        }
        return store;
    }

    private static List<StoredEvent> decoded(EventStream stream) {
        try (stream) {
            List<StoredEvent> events = stream.toList();
            events.forEach(StoredEvent::payload);
            return events;
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.class)
    void an_event_written_under_a_raised_size_cap_reads_back_with_the_default_serializer(TestDatabases db) {
        // given: a 9 MiB event, over the default 8 MiB cap, appended by a store whose serializer allows 16 MiB
        JdbcEventStore writer = open(builder(db).serializer(
                JacksonEventSerializer.builder(ContractEvents.REGISTRY).maxPayloadBytes(16 * MIB).build()));
        JdbcEventStore reader = open(builder(db).serializer(ContractEvents.serializer()));
        AggregateId id = AggregateId.of("big-" + UUID.randomUUID());
        Blob big = new Blob("x".repeat(9 * MIB));
        writer.append(AppendRequest.of(id, "Thing", ExpectedVersion.noStream(), NewEvent.of(new Happened("a", 1)),
                NewEvent.of(big), NewEvent.of(new Happened("c", 3))));
        // when
        List<StoredEvent> loaded = decoded(reader.load(id));
        List<StoredEvent> all = decoded(reader.readAll(1, 10));
        // then
        assertThat(loaded).hasSize(3);
        assertThat(loaded.get(1).payload()).isEqualTo(big);
        assertThat(all).hasSize(3);
        assertThat(all.get(1).payload()).isEqualTo(big);
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.class)
    void a_stored_row_whose_json_does_not_fit_its_class_is_reported_with_stream_version_position_and_type(
            TestDatabases db) throws SQLException {
        // given: version 2 of a stream holds JSON its class cannot read (a number field holds text)
        JdbcEventStore store = open(builder(db).serializer(TestDatabases.serializer()));
        AggregateId id = AggregateId.of("damaged-" + UUID.randomUUID());
        long first = store.append(AppendRequest.of(id, "Thing", ExpectedVersion.noStream(),
                NewEvent.of(new Happened("a", 1)), NewEvent.of(new Happened("b", 2)),
                NewEvent.of(new Happened("c", 3)))).firstPosition();
        long position = first + 1;
        update(db, "event_data", "{\"text\":\"b\",\"n\":\"not a number\"}", position, true);
        // when / then: each read that meets it names it
        List<Supplier<List<StoredEvent>>> reads = List.of(() -> decoded(store.load(id)),
                () -> decoded(store.readAll(first, 10)), () -> decoded(store.load(id, 2, 2)));
        for (Supplier<List<StoredEvent>> read : reads) {
            assertThatThrownBy(read::get).isInstanceOfSatisfying(UnreadableEventException.class, e -> {
                assertThat(e.aggregateId()).isEqualTo(id);
                assertThat(e.version()).isEqualTo(2);
                assertThat(e.position()).isEqualTo(position);
                assertThat(e.typeName()).isEqualTo("contract.happened.v1");
                assertThat(e.getMessage()).contains("event 'contract.happened.v1' (version 2 of stream '"
                        + id.value() + "', position " + position + ")", "not a number", "position " + (position + 1));
            });
        }
        // and a tailing reader goes on past it
        assertThat(decoded(store.readAll(position + 1, 10))).extracting(StoredEvent::payload)
                .containsExactly(new Happened("c", 3));
        assertThat(decoded(store.load(id, 3, Long.MAX_VALUE))).extracting(StoredEvent::version).containsExactly(3L);
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.class)
    void a_stored_row_of_an_unregistered_type_is_reported_with_stream_version_position_and_type(TestDatabases db)
            throws SQLException {
        // given: a stored event whose type name is no longer registered
        JdbcEventStore store = open(builder(db).serializer(TestDatabases.serializer()));
        AggregateId id = AggregateId.of("renamed-" + UUID.randomUUID());
        long position = store.append(AppendRequest.of(id, "Thing", ExpectedVersion.noStream(),
                NewEvent.of(new Happened("a", 1)))).firstPosition();
        update(db, "event_type", "contract.renamed.v9", position, false);
        // when / then
        assertThatThrownBy(() -> decoded(store.readAll(position, 10)))
                .isInstanceOfSatisfying(UnreadableEventException.class, e -> {
                    assertThat(e.aggregateId()).isEqualTo(id);
                    assertThat(e.version()).isEqualTo(1);
                    assertThat(e.position()).isEqualTo(position);
                    assertThat(e.typeName()).isEqualTo("contract.renamed.v9");
                    assertThat(e).hasCauseInstanceOf(UnknownEventTypeException.class);
                });
    }

    /** Changes one column of the row at {@code position} behind the store's back. */
    private void update(TestDatabases db, String column, String value, long position, boolean json)
            throws SQLException {
        String q = db == TestDatabases.MARIADB ? "`" : "\"";
        try (Connection c = TestDatabases.connect(service);
             PreparedStatement ps = c.prepareStatement("UPDATE " + q + table + q + " SET " + q + column + q
                     + " = ? WHERE " + q + "sequence_number" + q + " = ?")) {
            if (json && db == TestDatabases.POSTGRESQL) {
                ps.setObject(1, value, Types.OTHER); // json or jsonb: let the server convert the text
            } else {
                ps.setString(1, value);
            }
            ps.setLong(2, position);
            assertThat(ps.executeUpdate()).as("rows updated").isEqualTo(1);
        }
    }
}
