package io.modularddd.eventstore.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.modularddd.core.AggregateId;
import io.modularddd.core.AppendRequest;
import io.modularddd.core.ExpectedVersion;
import io.modularddd.core.NewEvent;
import io.modularddd.core.StreamState;
import io.modularddd.core.snapshot.Snapshot;
import io.modularddd.core.snapshot.SnapshotStore;
import io.modularddd.core.snapshot.StateAndSnapshot;
import io.modularddd.testkit.ContractEvents.Happened;
import io.modularddd.testkit.ServiceFixtures.JdbcService;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code SnapshotStore.newestWithState} on the JDBC store: the stream's state and the newest snapshot in
 * one statement, answering exactly what the two separate reads answer, through every lifecycle change.
 */
class SnapshotWithStateTest {

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

    private static Snapshot snapshot(AggregateId id, long version) {
        return new Snapshot(id, "Thing", version, 1, ("{\"v\":" + version + "}").getBytes(StandardCharsets.UTF_8),
                Instant.parse("2026-11-30T10:15:30Z"));
    }

    private void assertSameAsSeparateReads(SnapshotStore snapshots, AggregateId id) {
        StateAndSnapshot both = snapshots.newestWithState(store, id);
        StreamState state = store.streamState(id);
        assertThat(both.state()).isEqualTo(state);
        assertThat(both.snapshot()).isEqualTo(snapshots.newest(id));
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.class)
    void one_statement_answers_what_the_two_reads_answer(TestDatabases db) {
        // given
        service = db.service();
        table = TestDatabases.uniqueTable();
        store = db.builder(service, table).build();
        store.createSchema();
        SnapshotStore snapshots = store.snapshotStore();
        AggregateId id = AggregateId.of("s-" + UUID.randomUUID());
        AggregateId none = AggregateId.of("none-" + UUID.randomUUID());
        store.append(AppendRequest.of(id, "Thing", ExpectedVersion.noStream(), NewEvent.of(new Happened("a", 1)),
                NewEvent.of(new Happened("b", 2)), NewEvent.of(new Happened("c", 3))));

        // then: no snapshot yet; a snapshot; an unknown stream
        assertSameAsSeparateReads(snapshots, id);
        snapshots.save(snapshot(id, 3));
        assertSameAsSeparateReads(snapshots, id);
        assertThat(snapshots.newestWithState(store, id).snapshot()).map(Snapshot::version).contains(3L);
        assertThat(snapshots.newestWithState(store, id).state().version()).isEqualTo(3);
        assertSameAsSeparateReads(snapshots, none);

        // and through the lifecycle: truncated, deleted, started again, erased
        store.truncateBefore(id, 2);
        assertSameAsSeparateReads(snapshots, id);
        assertThat(snapshots.newestWithState(store, id).state().truncatedBefore()).isEqualTo(2);
        store.delete(id, ExpectedVersion.any());
        assertSameAsSeparateReads(snapshots, id);
        assertThat(snapshots.newestWithState(store, id).state().deleted()).isTrue();
        store.append(AppendRequest.of(id, "Thing", ExpectedVersion.noStream(), NewEvent.of(new Happened("d", 4))));
        assertSameAsSeparateReads(snapshots, id);
        assertThat(snapshots.newestWithState(store, id).state().startVersion()).isEqualTo(4);
        store.erase(id);
        assertSameAsSeparateReads(snapshots, id);
        assertThat(snapshots.newestWithState(store, id).state().erased()).isTrue();
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.class)
    void reads_the_newest_of_several_snapshots_whatever_the_save_order(TestDatabases db) {
        // given: three snapshots of one aggregate saved out of order, and a newer one of another aggregate
        service = db.service();
        table = TestDatabases.uniqueTable();
        store = db.builder(service, table).build();
        store.createSchema();
        SnapshotStore snapshots = store.snapshotStore();
        AggregateId id = AggregateId.of("s-" + UUID.randomUUID());
        AggregateId other = AggregateId.of(id.value() + "-other");
        for (AggregateId each : new AggregateId[] {id, other}) {
            NewEvent[] events = new NewEvent[9];
            for (int i = 0; i < events.length; i++) {
                events[i] = NewEvent.of(new Happened("e" + i, i));
            }
            store.append(AppendRequest.of(each, "Thing", ExpectedVersion.noStream(), events));
        }
        snapshots.save(snapshot(id, 5));
        snapshots.save(snapshot(id, 7));
        snapshots.save(snapshot(id, 6));
        snapshots.save(snapshot(other, 9));

        // then
        assertSameAsSeparateReads(snapshots, id);
        assertThat(snapshots.newestWithState(store, id).snapshot()).map(Snapshot::version).contains(7L);
        assertThat(snapshots.newestWithState(store, other).snapshot()).map(Snapshot::version).contains(9L);

        // and after a newer one is saved, and after the aggregate's snapshots are deleted
        snapshots.save(snapshot(id, 8));
        assertThat(snapshots.newestWithState(store, id).snapshot()).map(Snapshot::version).contains(8L);
        assertSameAsSeparateReads(snapshots, id);
        snapshots.delete(id);
        assertSameAsSeparateReads(snapshots, id);
        assertThat(snapshots.newestWithState(store, id).snapshot()).isEmpty();
        assertThat(snapshots.newestWithState(store, id).state().version()).isEqualTo(9);
    }
}
