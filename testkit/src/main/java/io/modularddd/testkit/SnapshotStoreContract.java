package io.modularddd.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modularddd.core.AggregateId;
import io.modularddd.core.EventStoreException;
import io.modularddd.core.InvalidInputException;
import io.modularddd.core.snapshot.Snapshot;
import io.modularddd.core.snapshot.SnapshotStore;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link SnapshotStore} must show. Extend it with a fixture that returns an empty
 * store:
 *
 * <pre>{@code
 * class InMemorySnapshotStoreContractTest extends SnapshotStoreContract {
 *     protected SnapshotStore createStore() {
 *         return InMemorySnapshotStore.create();
 *     }
 *     protected Optional<Boolean> damage(SnapshotStore store, AggregateId id) {
 *         return Optional.empty(); // nothing is stored as bytes that could be damaged
 *     }
 * }
 * }</pre>
 *
 * <p>It covers: the newest snapshot wins whatever the write order, concurrent writers to one aggregate,
 * a 2 MiB state, Unicode ids, an unknown aggregate, deletion, bad input, and a damaged stored value
 * (a typed error or an empty result, never a half-read state).
 */
public abstract class SnapshotStoreContract {

    /** The store under test, fresh for each test. */
    protected SnapshotStore store;

    /**
     * Returns an empty store. Called before each test.
     *
     * @return the store
     */
    protected abstract SnapshotStore createStore();

    /**
     * Damages the stored value of the aggregate's newest snapshot in place (truncated bytes, garbage), as
     * a disk or a hand edit would.
     *
     * @param store the store under test
     * @param id    an aggregate with a snapshot
     * @return empty when the store keeps no bytes that could be damaged; else whether the store, by its
     *         documented rule, answers a damaged value with an empty result ({@code true}) or with an
     *         {@link EventStoreException} ({@code false})
     */
    protected abstract Optional<Boolean> damage(SnapshotStore store, AggregateId id);

    @BeforeEach
    void openStore() {
        store = createStore();
    }

    @AfterEach
    void closeStore() {
        if (store != null) {
            store.close();
        }
    }

    /**
     * A unique aggregate id.
     *
     * @param name a readable prefix
     * @return the id
     */
    protected static AggregateId id(String name) {
        return AggregateId.of(name + "-" + UUID.randomUUID().toString().substring(0, 8));
    }

    /**
     * A snapshot of {@code id} at {@code version}, whose state names the version.
     *
     * @param id      the aggregate
     * @param version the version
     * @return the snapshot
     */
    protected static Snapshot snapshot(AggregateId id, long version) {
        return new Snapshot(id, "Account", version, 1, ("{\"version\":" + version + "}").getBytes(StandardCharsets.UTF_8),
                Instant.parse("2026-11-30T10:15:30.123456Z").plus(version, ChronoUnit.SECONDS));
    }

    @Test
    void a_saved_snapshot_is_the_newest_with_every_field_kept() {
        AggregateId id = id("kept");
        Snapshot s = new Snapshot(id, "Account", 7, 3, "{\"balance\":42}".getBytes(StandardCharsets.UTF_8),
                Instant.parse("2026-11-30T10:15:30.123456Z"));
        store.save(s);
        assertThat(store.newest(id)).contains(s);
    }

    @Test
    void the_newest_wins_whatever_the_write_order() {
        AggregateId id = id("order");
        store.save(snapshot(id, 20));
        store.save(snapshot(id, 10));
        assertThat(store.newest(id)).map(Snapshot::version).contains(20L);
        store.save(snapshot(id, 30));
        assertThat(store.newest(id)).map(Snapshot::version).contains(30L);
        store.save(snapshot(id, 30)); // the same version again replaces it, harmlessly
        assertThat(store.newest(id)).contains(snapshot(id, 30));
    }

    @Test
    void concurrent_writers_to_one_aggregate_leave_the_highest_whole() throws Exception {
        AggregateId id = id("race");
        int writers = 8;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        CyclicBarrier start = new CyclicBarrier(writers);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                int first = w;
                futures.add(pool.submit(() -> {
                    start.await(30, TimeUnit.SECONDS);
                    for (long v = first + 1; v <= 200; v += writers) {
                        store.save(snapshot(id, v));
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
        assertThat(store.newest(id)).contains(snapshot(id, 200));
    }

    @Test
    void a_two_mebibyte_state_round_trips() {
        AggregateId id = id("large");
        byte[] state = new byte[2 * 1024 * 1024];
        for (int i = 0; i < state.length; i++) {
            state[i] = (byte) ('a' + i % 26);
        }
        state[0] = '"';
        state[state.length - 1] = '"';
        store.save(new Snapshot(id, "Account", 1, 1, state, Instant.parse("2026-11-30T10:15:30Z")));
        assertThat(store.newest(id).orElseThrow().state()).isEqualTo(state);
    }

    @Test
    void unicode_ids_are_distinct_aggregates() {
        AggregateId cafe = AggregateId.of("café-" + UUID.randomUUID());
        AggregateId plain = AggregateId.of(cafe.value().replace("é", "e"));
        AggregateId emoji = AggregateId.of("acc-\uD83D\uDE00-" + UUID.randomUUID());
        store.save(snapshot(cafe, 1));
        store.save(snapshot(plain, 2));
        store.save(snapshot(emoji, 3));
        assertThat(store.newest(cafe)).map(Snapshot::version).contains(1L);
        assertThat(store.newest(plain)).map(Snapshot::version).contains(2L);
        assertThat(store.newest(emoji)).map(Snapshot::version).contains(3L);
    }

    @Test
    void an_unknown_aggregate_has_no_snapshot() {
        assertThat(store.newest(id("none"))).isEmpty();
    }

    @Test
    void delete_removes_every_snapshot_of_the_aggregate_only() {
        AggregateId id = id("gone");
        AggregateId other = id("stays");
        store.save(snapshot(id, 1));
        store.save(snapshot(id, 2));
        store.save(snapshot(other, 5));
        store.delete(id);
        store.delete(id);
        assertThat(store.newest(id)).isEmpty();
        assertThat(store.newest(other)).map(Snapshot::version).contains(5L);
    }

    @Test
    void bad_input_is_a_typed_error_and_nothing_is_stored() {
        assertThatThrownBy(() -> store.save(null)).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> store.newest(null)).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> store.delete(null)).isInstanceOf(InvalidInputException.class);
        AggregateId id = id("bad");
        assertThatThrownBy(() -> new Snapshot(id, "Account", 0, 1, new byte[] {1}, Instant.now()))
                .isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> new Snapshot(id, "Account", 1, 0, new byte[] {1}, Instant.now()))
                .isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> new Snapshot(id, "Account", 1, 1, new byte[0], Instant.now()))
                .isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> new Snapshot(id, " ", 1, 1, new byte[] {1}, Instant.now()))
                .isInstanceOf(InvalidInputException.class);
        assertThat(store.newest(id)).isEmpty();
    }

    @Test
    void a_damaged_stored_value_is_never_read_as_a_snapshot() {
        AggregateId id = id("damaged");
        Snapshot good = snapshot(id, 4);
        store.save(good);
        Optional<Boolean> rule = damage(store, id);
        if (rule.isEmpty()) {
            assertThat(store.newest(id)).contains(good); // nothing stored as bytes: nothing to damage
            return;
        }
        if (rule.get()) {
            assertThat(store.newest(id)).isEmpty();
        } else {
            assertThatThrownBy(() -> store.newest(id)).isInstanceOf(EventStoreException.class)
                    .hasMessageContaining(id.value());
        }
        // and a new snapshot is stored and read as usual
        store.save(snapshot(id, 5));
        assertThat(store.newest(id)).map(s -> Arrays.equals(s.state(), snapshot(id, 5).state())).contains(true);
    }
}
