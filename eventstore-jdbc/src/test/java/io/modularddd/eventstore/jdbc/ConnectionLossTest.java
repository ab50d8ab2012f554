package io.modularddd.eventstore.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modularddd.core.AggregateId;
import io.modularddd.core.AppendOutcomeUnknownException;
import io.modularddd.core.AppendRequest;
import io.modularddd.core.AppendResult;
import io.modularddd.core.EventStoreException;
import io.modularddd.core.EventStream;
import io.modularddd.core.ExpectedVersion;
import io.modularddd.core.NewEvent;
import io.modularddd.core.StoredEvent;
import io.modularddd.testkit.ContractEvents.Happened;
import io.modularddd.testkit.ServiceFixtures.JdbcService;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The store's connection is killed server-side in the middle of an append (MariaDB {@code KILL},
 * PostgreSQL {@code pg_terminate_backend}). Before COMMIT the append is known rolled back; once COMMIT
 * is under way its outcome is unknown, and repeating the same request reconciles it: the events end up
 * stored exactly once.
 */
class ConnectionLossTest {

    private JdbcService service;
    private String table;
    private JdbcEventStore store;

    @AfterEach
    void cleanUp() {
        if (store != null) {
            store.close();
            TestDatabases.drop(service, table);
        }
    }

    private void open(TestDatabases db) {
        service = db.service();
        table = TestDatabases.uniqueTable();
        store = db.builder(service, table).build();
        store.createSchema();
    }

    /** Kills the given connection of the store from another connection, the way an operator or a failover would. */
    private void killServerSide(TestDatabases db, Connection victim) throws SQLException {
        try (Statement own = victim.createStatement();
             ResultSet rs = own.executeQuery(db == TestDatabases.MARIADB ? "SELECT CONNECTION_ID()"
                     : "SELECT pg_backend_pid()")) {
            rs.next();
            long id = rs.getLong(1);
            try (Connection admin = TestDatabases.connect(service); Statement s = admin.createStatement()) {
                if (db == TestDatabases.MARIADB) {
                    s.execute("KILL " + id);
                } else {
                    try (ResultSet r = s.executeQuery("SELECT pg_terminate_backend(" + id + ")")) {
                        r.next();
                        assertThat(r.getBoolean(1)).isTrue();
                    }
                }
            }
        }
        // give the server a moment to tear the session down
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private TransactionHook killOnce(TestDatabases db, boolean beforeCommit) {
        AtomicBoolean armed = new AtomicBoolean(true);
        return new TransactionHook() {
            @Override
            public void afterLock(Connection connection) throws SQLException {
                if (!beforeCommit && armed.getAndSet(false)) {
                    killServerSide(db, connection);
                }
            }

            @Override
            public void beforeCommit(Connection connection) throws SQLException {
                if (beforeCommit && armed.getAndSet(false)) {
                    killServerSide(db, connection);
                }
            }
        };
    }

    private List<StoredEvent> load(AggregateId id) {
        try (EventStream s = store.load(id)) {
            return s.toList();
        }
    }

    @ParameterizedTest
    @EnumSource(value = TestDatabases.class, names = {"MARIADB", "POSTGRESQL"})
    void killed_before_commit_the_append_is_known_rolled_back(TestDatabases db) {
        // given
        open(db);
        AggregateId id = AggregateId.of("killed-early-" + UUID.randomUUID());
        AppendRequest request = AppendRequest.of(id, "Thing", ExpectedVersion.noStream(),
                NewEvent.of(new Happened("a", 1)), NewEvent.of(new Happened("b", 2)));
        store.hook(killOnce(db, false));

        // when / then
        assertThatThrownBy(() -> store.append(request))
                .isInstanceOf(EventStoreException.class)
                .isNotInstanceOf(AppendOutcomeUnknownException.class)
                .hasMessageContaining("rolled back")
                .hasMessageContaining("check that the database server is running")
                .hasCauseInstanceOf(SQLException.class)
                .matches(e -> ((EventStoreException) e).isTransient(), "is transient");
        assertThat(store.currentVersion(id)).isZero();

        // and the store goes on: the same request now succeeds, once
        AppendResult result = store.append(request);
        assertThat(result.firstPosition()).isEqualTo(1);
        assertThat(load(id)).extracting(StoredEvent::eventId)
                .containsExactly(request.events().get(0).eventId(), request.events().get(1).eventId());
    }

    @ParameterizedTest
    @EnumSource(value = TestDatabases.class, names = {"MARIADB", "POSTGRESQL"})
    void killed_at_commit_the_outcome_is_unknown_and_repeating_the_request_stores_it_exactly_once(TestDatabases db) {
        // given: a stream with history, and an append whose connection dies as COMMIT is sent
        open(db);
        AggregateId id = AggregateId.of("killed-at-commit-" + UUID.randomUUID());
        store.append(AppendRequest.of(id, "Thing", ExpectedVersion.noStream(), NewEvent.of(new Happened("h", 0))));
        AppendRequest request = AppendRequest.of(id, "Thing", ExpectedVersion.exactly(1),
                NewEvent.of(new Happened("a", 1)), NewEvent.of(new Happened("b", 2)));
        store.hook(killOnce(db, true));

        // when
        assertThatThrownBy(() -> store.append(request))
                .isInstanceOfSatisfying(AppendOutcomeUnknownException.class, e -> {
                    assertThat(e).isNotInstanceOf(EventStoreException.class); // that one means "nothing stored"
                    assertThat(e.isTransient()).isTrue();
                    assertThat(e.aggregateId()).isEqualTo(id);
                    assertThat(e.eventIds()).containsExactly(request.events().get(0).eventId(),
                            request.events().get(1).eventId());
                })
                .hasMessageContaining("may or may not have been committed");

        // then: reconciling by repeating the request gives one result, and the events are stored once
        AppendResult reconciled = store.append(request);
        assertThat(reconciled.firstVersion()).isEqualTo(2);
        assertThat(store.append(request)).isEqualTo(reconciled);
        assertThat(load(id)).extracting(StoredEvent::version).containsExactly(1L, 2L, 3L);
        try (EventStream all = store.readAll(1, 100)) {
            assertThat(all.toList()).extracting(StoredEvent::position).containsExactly(1L, 2L, 3L);
        }
    }
}
