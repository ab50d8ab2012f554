package io.modularddd.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modularddd.core.AggregateId;
import io.modularddd.core.AppendRequest;
import io.modularddd.core.AppendResult;
import io.modularddd.core.ConcurrencyConflictException;
import io.modularddd.core.EventIdConflictException;
import io.modularddd.core.EventMetadata;
import io.modularddd.core.ErasedEvent;
import io.modularddd.core.EventStore;
import io.modularddd.core.EventStream;
import io.modularddd.core.ExpectedVersion;
import io.modularddd.core.InvalidInputException;
import io.modularddd.core.NewEvent;
import io.modularddd.core.SerializationException;
import io.modularddd.core.StoredEvent;
import io.modularddd.core.StreamNotFoundException;
import io.modularddd.core.StreamState;
import io.modularddd.core.UnknownEventTypeException;
import io.modularddd.core.UnreadableEventException;
import io.modularddd.core.serialization.EventSerializer;
import io.modularddd.testkit.ContractEvents.Blob;
import io.modularddd.testkit.ContractEvents.Happened;
import io.modularddd.testkit.ContractEvents.Unreadable;
import io.modularddd.testkit.ContractEvents.Unregistered;
import io.modularddd.testkit.ContractEvents.Unwritable;
import java.lang.ref.WeakReference;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The behaviour every {@link EventStore} must show. Extend it with a fixture that returns an empty
 * store:
 *
 * <pre>{@code
 * class InMemoryEventStoreContractTest extends EventStoreContract {
 *     protected EventStore createStore(EventSerializer serializer) {
 *         return InMemoryEventStore.create(serializer);
 *     }
 * }
 * }</pre>
 *
 * <p>It covers appends and version conditions, load bounds, concurrency (racing writers, contiguous
 * versions, dense commit-ordered positions under a tailing reader), atomic batches, idempotency by
 * event id, metadata, Unicode, large payloads, exact microsecond timestamps, {@code readAll},
 * {@code loadBatch}, lazy reading of a 100,000-event stream, {@link EventStream} semantics, and bad
 * input — which must raise the typed error and store nothing.
 *
 * <p>Why this class is longer than 500 lines: it is one suite that a store's test extends once, and
 * JUnit runs its {@code @Nested} groups only as inner classes of that one abstract class. Splitting
 * it would make every store's test extend several classes and let a store skip a group unnoticed.
 */
public abstract class EventStoreContract {

    /** A registered event of about the size real events have. */
    private static final String TEXT = "the quick brown fox jumps over the lazy dog";

    /** The store under test, fresh for each test. */
    protected EventStore store;

    /**
     * Returns an empty store that uses {@code serializer}. Called before each test.
     *
     * @param serializer the serializer of the contract's event types ({@link ContractEvents})
     * @return an empty store
     */
    protected abstract EventStore createStore(EventSerializer serializer);

    /**
     * Returns a store over the same events as {@code store} that reads (and writes) them with
     * {@code serializer}: for the schema-evolution cases, where events written by one version of an
     * application are read by a later one. The in-memory store answers with
     * {@code withSerializer(serializer)}; a JDBC store with a second store on the same table; a tiered
     * store with both. The suite closes what this returns. Every store's test must override it.
     *
     * @param store      the store under test
     * @param serializer the other serializer
     * @return a store over the same events
     */
    protected EventStore sameEvents(EventStore store, EventSerializer serializer) {
        throw new AssertionError(getClass().getName() + " must override sameEvents(store, serializer) so that the "
                + "schema-evolution cases can read the store's events with another serializer");
    }

    /** Stores opened by {@link #sameEvents}, closed after each test. */
    private final List<EventStore> views = new ArrayList<>();

    private EventStore view(EventSerializer serializer) {
        EventStore view = sameEvents(store, serializer);
        views.add(view);
        return view;
    }

    /**
     * How many rounds the racing-writers test runs. Override only to make it longer.
     *
     * @return the number of rounds, 100 by default
     */
    protected int racingRounds() {
        return 100;
    }

    @BeforeEach
    void openStore() {
        store = createStore(ContractEvents.serializer());
    }

    @AfterEach
    void closeStore() {
        for (EventStore view : views) {
            view.close();
        }
        views.clear();
        if (store != null) {
            store.close();
        }
    }

    // ------------------------------------------------------------------ helpers

    /**
     * A stream id unique to this run.
     *
     * @param name a readable prefix
     * @return the id
     */
    protected static AggregateId id(String name) {
        return AggregateId.of(name + "-" + UUID.randomUUID().toString().substring(0, 8));
    }

    /**
     * An ordinary event.
     *
     * @param n a number to tell events apart
     * @return the event
     */
    protected static NewEvent event(long n) {
        return NewEvent.of(new Happened(TEXT, n));
    }

    private static NewEvent[] events(int count) {
        NewEvent[] events = new NewEvent[count];
        for (int i = 0; i < count; i++) {
            events[i] = event(i + 1);
        }
        return events;
    }

    private AppendResult append(AggregateId id, ExpectedVersion expected, NewEvent... events) {
        return store.append(AppendRequest.of(id, "Thing", expected, events));
    }

    private List<StoredEvent> all() {
        try (EventStream s = store.readAll(1, Integer.MAX_VALUE)) {
            return s.toList();
        }
    }

    private List<StoredEvent> load(AggregateId id) {
        try (EventStream s = store.load(id)) {
            return s.toList();
        }
    }

    private static List<Long> versions(List<StoredEvent> events) {
        return events.stream().map(StoredEvent::version).collect(Collectors.toList());
    }

    private static List<Long> positions(List<StoredEvent> events) {
        return events.stream().map(StoredEvent::position).collect(Collectors.toList());
    }

    private static List<Long> range(long from, long to) {
        return java.util.stream.LongStream.rangeClosed(from, to).boxed().collect(Collectors.toList());
    }

    private void assertNothingStored() {
        assertThat(all()).as("the store must be unchanged").isEmpty();
    }

    private static <T> List<Future<T>> runTogether(int threads, Callable<T> task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                futures.add(pool.submit(task));
            }
            for (Future<T> f : futures) {
                f.get(5, TimeUnit.MINUTES);
            }
            return futures;
        } finally {
            pool.shutdownNow();
        }
    }

    // ------------------------------------------------------------------ appends

    /** Appending and version conditions. */
    @Nested
    class Appending {

        @Test
        void first_append_creates_the_stream_at_version_one() {
            // given
            AggregateId id = id("order");
            // when
            AppendResult result = append(id, ExpectedVersion.noStream(), events(3));
            // then
            assertThat(result.aggregateId()).isEqualTo(id);
            assertThat(result.firstVersion()).isEqualTo(1);
            assertThat(result.lastVersion()).isEqualTo(3);
            assertThat(result.lastPosition() - result.firstPosition()).isEqualTo(2);
            assertThat(store.currentVersion(id)).isEqualTo(3);
            List<StoredEvent> loaded = load(id);
            assertThat(versions(loaded)).containsExactly(1L, 2L, 3L);
            assertThat(positions(loaded)).containsExactly(result.firstPosition(), result.firstPosition() + 1,
                    result.firstPosition() + 2);
        }

        @Test
        void stored_events_carry_every_field_of_the_request() {
            // given
            AggregateId id = id("fields");
            NewEvent e = new NewEvent(UUID.randomUUID(), new Happened("fields", 7),
                    EventMetadata.empty().withCorrelationId("c-1"), Instant.parse("2024-05-06T07:08:09.123456Z"));
            // when
            AppendResult result = store.append(new AppendRequest(id, "Order", ExpectedVersion.noStream(), List.of(e)));
            // then
            StoredEvent stored = load(id).get(0);
            assertThat(stored.position()).isEqualTo(result.firstPosition());
            assertThat(stored.eventId()).isEqualTo(e.eventId());
            assertThat(stored.aggregateId()).isEqualTo(id);
            assertThat(stored.aggregateType()).isEqualTo("Order");
            assertThat(stored.eventType()).isEqualTo("contract.happened.v1");
            assertThat(stored.payload()).isEqualTo(new Happened("fields", 7));
            assertThat(stored.metadata()).isEqualTo(e.metadata());
            assertThat(stored.version()).isEqualTo(1);
            assertThat(stored.occurredAt()).isEqualTo(e.occurredAt());
        }

        @Test
        void exactly_appends_after_the_expected_version() {
            AggregateId id = id("exact");
            AppendResult first = append(id, ExpectedVersion.noStream(), events(2));
            AppendResult second = append(id, first.nextExpectedVersion(), events(3));
            assertThat(second.firstVersion()).isEqualTo(3);
            assertThat(second.lastVersion()).isEqualTo(5);
            assertThat(second.firstPosition()).isGreaterThan(first.lastPosition());
            assertThat(versions(load(id))).isEqualTo(range(1, 5));
        }

        @Test
        void any_appends_to_new_and_existing_streams() {
            AggregateId id = id("any");
            assertThat(append(id, ExpectedVersion.any(), events(1)).lastVersion()).isEqualTo(1);
            assertThat(append(id, ExpectedVersion.any(), events(2)).lastVersion()).isEqualTo(3);
            assertThat(store.currentVersion(id)).isEqualTo(3);
        }

        @Test
        void no_stream_on_an_existing_stream_is_a_conflict_that_stores_nothing() {
            AggregateId id = id("nostream");
            append(id, ExpectedVersion.noStream(), events(2));
            List<StoredEvent> before = all();

            assertThatThrownBy(() -> append(id, ExpectedVersion.noStream(), event(9)))
                    .isInstanceOfSatisfying(ConcurrencyConflictException.class, e -> {
                        assertThat(e.aggregateId()).isEqualTo(id);
                        assertThat(e.expected()).isEqualTo(ExpectedVersion.noStream());
                        assertThat(e.actualVersion()).isEqualTo(2);
                        assertThat(e.getMessage()).contains(id.value()).contains("version 2");
                    });
            assertThat(all()).hasSameSizeAs(before);
            assertThat(store.currentVersion(id)).isEqualTo(2);
        }

        @Test
        void a_wrong_exact_version_is_a_conflict_that_stores_nothing() {
            AggregateId id = id("wrong");
            append(id, ExpectedVersion.noStream(), events(3));

            assertThatThrownBy(() -> append(id, ExpectedVersion.exactly(2), event(9)))
                    .isInstanceOfSatisfying(ConcurrencyConflictException.class, e -> {
                        assertThat(e.expected()).isEqualTo(ExpectedVersion.exactly(2));
                        assertThat(e.actualVersion()).isEqualTo(3);
                    });
            assertThatThrownBy(() -> append(id, ExpectedVersion.exactly(4), event(9)))
                    .isInstanceOfSatisfying(ConcurrencyConflictException.class,
                            e -> assertThat(e.actualVersion()).isEqualTo(3));
            assertThat(store.currentVersion(id)).isEqualTo(3);
            assertThat(all()).hasSize(3);
        }

        @Test
        void exact_version_on_a_missing_stream_is_a_conflict() {
            AggregateId id = id("missing");
            assertThatThrownBy(() -> append(id, ExpectedVersion.exactly(1), event(1)))
                    .isInstanceOfSatisfying(ConcurrencyConflictException.class,
                            e -> assertThat(e.actualVersion()).isZero());
            assertNothingStored();
        }

        @Test
        void a_multi_event_append_with_an_unregistered_event_stores_nothing() {
            AggregateId id = id("partial");
            NewEvent good = event(1);
            NewEvent bad = NewEvent.of(new Unregistered("x"));

            assertThatThrownBy(() -> append(id, ExpectedVersion.noStream(), good, bad))
                    .isInstanceOfSatisfying(UnknownEventTypeException.class,
                            e -> assertThat(e.className()).isEqualTo(Unregistered.class.getName()));
            assertThat(store.currentVersion(id)).isZero();
            assertNothingStored();
        }

        @Test
        void a_multi_event_append_with_an_unwritable_event_stores_nothing() {
            AggregateId id = id("unwritable");
            assertThatThrownBy(() -> append(id, ExpectedVersion.noStream(), event(1), NewEvent.of(new Unwritable())))
                    .isInstanceOf(SerializationException.class)
                    .hasMessageContaining("contract.unwritable.v1");
            assertNothingStored();
            // the stream is still usable afterwards
            assertThat(append(id, ExpectedVersion.noStream(), event(1)).lastVersion()).isEqualTo(1);
        }

        @Test
        void a_conflicting_multi_event_append_stores_none_of_its_events() {
            AggregateId id = id("atomic");
            append(id, ExpectedVersion.noStream(), event(1));
            assertThatThrownBy(() -> append(id, ExpectedVersion.noStream(), events(5)))
                    .isInstanceOf(ConcurrencyConflictException.class);
            assertThat(all()).hasSize(1);
        }

        @Test
        void current_version_is_zero_for_unknown_streams() {
            assertThat(store.currentVersion(id("nobody"))).isZero();
        }
    }

    // ------------------------------------------------------------------ load bounds

    /** {@code load(id, from, to)} bounds. */
    @Nested
    class LoadBounds {

        private AggregateId id;

        @BeforeEach
        void tenEvents() {
            id = id("bounds");
            append(id, ExpectedVersion.noStream(), events(10));
        }

        private List<Long> loaded(long from, long to) {
            try (EventStream s = store.load(id, from, to)) {
                return versions(s.toList());
            }
        }

        @Test
        void whole_stream() {
            assertThat(versions(load(id))).isEqualTo(range(1, 10));
            try (EventStream s = store.load(id, 1)) {
                assertThat(s.count()).isEqualTo(10);
            }
        }

        @Test
        void inner_range_is_inclusive() {
            assertThat(loaded(3, 6)).isEqualTo(range(3, 6));
        }

        @Test
        void single_version() {
            assertThat(loaded(4, 4)).containsExactly(4L);
        }

        @Test
        void from_only() {
            try (EventStream s = store.load(id, 8)) {
                assertThat(versions(s.toList())).containsExactly(8L, 9L, 10L);
            }
        }

        @Test
        void to_beyond_the_head_stops_at_the_head() {
            assertThat(loaded(9, 1_000)).containsExactly(9L, 10L);
            assertThat(loaded(1, Long.MAX_VALUE)).isEqualTo(range(1, 10));
        }

        @Test
        void from_beyond_the_head_is_empty() {
            assertThat(loaded(11, 20)).isEmpty();
            assertThat(loaded(Long.MAX_VALUE, Long.MAX_VALUE)).isEmpty();
        }

        @Test
        void unknown_stream_is_empty() {
            try (EventStream s = store.load(id("unknown"))) {
                assertThat(s.toList()).isEmpty();
            }
        }

        @Test
        void from_greater_than_to_is_rejected() {
            assertThatThrownBy(() -> store.load(id, 5, 4))
                    .isInstanceOfSatisfying(InvalidInputException.class,
                            e -> assertThat(e.argument()).isEqualTo("fromVersion"))
                    .hasMessageContaining("5").hasMessageContaining("4");
        }

        @Test
        void zero_and_negative_versions_are_rejected() {
            assertThatThrownBy(() -> store.load(id, 0, 5)).isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("fromVersion");
            assertThatThrownBy(() -> store.load(id, -1, 5)).isInstanceOf(InvalidInputException.class);
            assertThatThrownBy(() -> store.load(id, 1, 0)).isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("toVersion");
            assertThatThrownBy(() -> store.load(id, 0)).isInstanceOf(InvalidInputException.class);
        }

        @Test
        void range_across_many_pages() {
            AggregateId big = id("pages");
            append(big, ExpectedVersion.noStream(), events(2_500));
            assertThat(loadedFrom(big, 700, 2_301)).isEqualTo(range(700, 2_301));
        }

        private List<Long> loadedFrom(AggregateId stream, long from, long to) {
            try (EventStream s = store.load(stream, from, to)) {
                return versions(s.toList());
            }
        }
    }

    // ------------------------------------------------------------------ concurrency

    /** Racing writers and readers. */
    @Nested
    class Concurrency {

        @Test
        @Timeout(value = 5, unit = TimeUnit.MINUTES)
        void of_two_writers_at_the_same_expected_version_exactly_one_wins() throws Exception {
            AggregateId id = id("race");
            append(id, ExpectedVersion.noStream(), event(0));
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                for (int round = 1; round <= racingRounds(); round++) {
                    long expected = round;
                    CyclicBarrier start = new CyclicBarrier(2);
                    Callable<Boolean> writer = () -> {
                        start.await(30, TimeUnit.SECONDS);
                        try {
                            append(id, ExpectedVersion.exactly(expected), event(expected));
                            return true;
                        } catch (ConcurrencyConflictException e) {
                            assertThat(e.actualVersion()).isEqualTo(expected + 1);
                            return false;
                        }
                    };
                    Future<Boolean> a = pool.submit(writer);
                    Future<Boolean> b = pool.submit(writer);
                    boolean wonA = a.get(1, TimeUnit.MINUTES);
                    boolean wonB = b.get(1, TimeUnit.MINUTES);
                    assertThat(wonA ^ wonB).as("exactly one winner in round %d", round).isTrue();
                    assertThat(store.currentVersion(id)).isEqualTo(expected + 1);
                }
            } finally {
                pool.shutdownNow();
            }
            assertThat(versions(load(id))).isEqualTo(range(1, racingRounds() + 1L));
        }

        @Test
        @Timeout(value = 5, unit = TimeUnit.MINUTES)
        void concurrent_unconditional_appends_get_contiguous_versions() throws Exception {
            AggregateId id = id("crowd");
            int threads = 8;
            int appendsPerThread = 25;
            ConcurrentLinkedQueue<AppendResult> results = new ConcurrentLinkedQueue<>();
            runTogether(threads, () -> {
                for (int i = 0; i < appendsPerThread; i++) {
                    results.add(append(id, ExpectedVersion.any(), event(i), event(i)));
                }
                return null;
            });
            int total = threads * appendsPerThread * 2;
            List<StoredEvent> loaded = load(id);
            assertThat(versions(loaded)).isEqualTo(range(1, total));
            assertThat(loaded.stream().map(StoredEvent::eventId).distinct().count()).isEqualTo(total);
            Set<Long> firstVersions = new HashSet<>();
            for (AppendResult r : results) {
                assertThat(r.eventCount()).isEqualTo(2);
                assertThat(firstVersions.add(r.firstVersion())).isTrue();
            }
            assertThat(positions(all())).isEqualTo(range(1, total));
        }

        @Test
        @Timeout(value = 5, unit = TimeUnit.MINUTES)
        void a_tailing_reader_sees_every_committed_event_once_in_order() throws Exception {
            int writers = 4;
            int appendsPerWriter = 40;
            Set<UUID> committed = ConcurrentHashMap.newKeySet();
            AtomicBoolean writing = new AtomicBoolean(true);
            AtomicInteger conflicts = new AtomicInteger();
            ExecutorService pool = Executors.newFixedThreadPool(writers + 1);
            try {
                Future<List<StoredEvent>> reader = pool.submit(() -> {
                    List<StoredEvent> seen = new ArrayList<>();
                    long next = 1;
                    while (true) {
                        boolean last = !writing.get();
                        try (EventStream page = store.readAll(next, 50)) {
                            for (StoredEvent e : page) {
                                assertThat(e.position()).as("dense, ordered positions").isEqualTo(next);
                                seen.add(e);
                                next++;
                            }
                        }
                        if (last && seen.size() >= committed.size()) {
                            return seen;
                        }
                    }
                });
                List<Future<Object>> writes = new ArrayList<>();
                for (int w = 0; w < writers; w++) {
                    AggregateId stream = id("tail" + w);
                    writes.add(pool.submit(() -> {
                        long version = 0;
                        for (int i = 0; i < appendsPerWriter; i++) {
                            NewEvent[] batch = events(1 + ThreadLocalRandom.current().nextInt(3));
                            if (i % 7 == 3) {
                                // a deliberately stale expected version: must store nothing
                                try {
                                    append(stream, ExpectedVersion.of(version + 5), batch);
                                } catch (ConcurrencyConflictException e) {
                                    conflicts.incrementAndGet();
                                }
                                continue;
                            }
                            AppendResult r = append(stream, ExpectedVersion.of(version), batch);
                            version = r.lastVersion();
                            for (NewEvent e : batch) {
                                committed.add(e.eventId());
                            }
                        }
                        return null;
                    }));
                }
                for (Future<Object> f : writes) {
                    f.get(3, TimeUnit.MINUTES);
                }
                writing.set(false);
                List<StoredEvent> seen = reader.get(3, TimeUnit.MINUTES);
                assertThat(conflicts.get()).isPositive();
                assertThat(seen.stream().map(StoredEvent::eventId).collect(Collectors.toSet())).isEqualTo(committed);
                assertThat(seen).hasSize(committed.size());
            } finally {
                pool.shutdownNow();
            }
        }
    }

    // ------------------------------------------------------------------ appendBatch

    /** {@code appendBatch} atomicity. */
    @Nested
    class Batches {

        @Test
        void appends_to_several_streams_and_returns_results_in_order() {
            AggregateId a = id("a");
            AggregateId b = id("b");
            append(b, ExpectedVersion.noStream(), events(2));
            List<AppendResult> results = store.appendBatch(List.of(
                    AppendRequest.of(a, "Thing", ExpectedVersion.noStream(), events(3)),
                    AppendRequest.of(b, "Thing", ExpectedVersion.exactly(2), events(1))));
            assertThat(results).hasSize(2);
            assertThat(results.get(0).aggregateId()).isEqualTo(a);
            assertThat(results.get(0).lastVersion()).isEqualTo(3);
            assertThat(results.get(1).aggregateId()).isEqualTo(b);
            assertThat(results.get(1).firstVersion()).isEqualTo(3);
            assertThat(store.currentVersion(a)).isEqualTo(3);
            assertThat(store.currentVersion(b)).isEqualTo(3);
            assertThat(positions(all())).isEqualTo(range(1, 6));
            for (AppendResult r : results) {
                List<StoredEvent> loaded;
                try (EventStream s = store.load(r.aggregateId(), r.firstVersion(), r.lastVersion())) {
                    loaded = s.toList();
                }
                assertThat(positions(loaded)).isEqualTo(range(r.firstPosition(), r.lastPosition()));
            }
        }

        @Test
        void one_conflicting_request_fails_the_whole_batch() {
            AggregateId a = id("a");
            AggregateId b = id("b");
            append(b, ExpectedVersion.noStream(), events(1));
            assertThatThrownBy(() -> store.appendBatch(List.of(
                    AppendRequest.of(a, "Thing", ExpectedVersion.noStream(), events(2)),
                    AppendRequest.of(b, "Thing", ExpectedVersion.noStream(), events(1)))))
                    .isInstanceOfSatisfying(ConcurrencyConflictException.class,
                            e -> assertThat(e.aggregateId()).isEqualTo(b));
            assertThat(store.currentVersion(a)).isZero();
            assertThat(all()).hasSize(1);
        }

        @Test
        void an_unregistered_event_fails_the_whole_batch() {
            AggregateId a = id("a");
            AggregateId b = id("b");
            assertThatThrownBy(() -> store.appendBatch(List.of(
                    AppendRequest.of(a, "Thing", ExpectedVersion.noStream(), events(2)),
                    AppendRequest.of(b, "Thing", ExpectedVersion.noStream(), NewEvent.of(new Unregistered("x"))))))
                    .isInstanceOf(UnknownEventTypeException.class);
            assertNothingStored();
        }

        @Test
        void bad_batches_are_rejected_before_anything_is_stored() {
            AggregateId a = id("a");
            NewEvent shared = event(1);
            assertThatThrownBy(() -> store.appendBatch(List.of())).isInstanceOf(InvalidInputException.class);
            assertThatThrownBy(() -> store.appendBatch(null)).isInstanceOf(InvalidInputException.class);
            assertThatThrownBy(() -> store.appendBatch(Arrays.asList(
                    AppendRequest.of(a, "Thing", ExpectedVersion.any(), event(1)), null)))
                    .isInstanceOf(InvalidInputException.class);
            assertThatThrownBy(() -> store.appendBatch(List.of(
                    AppendRequest.of(a, "Thing", ExpectedVersion.any(), event(1)),
                    AppendRequest.of(a, "Thing", ExpectedVersion.any(), event(2)))))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining(a.value());
            assertThatThrownBy(() -> store.appendBatch(List.of(
                    AppendRequest.of(a, "Thing", ExpectedVersion.any(), shared),
                    AppendRequest.of(id("b"), "Thing", ExpectedVersion.any(), shared))))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining(shared.eventId().toString());
            assertNothingStored();
        }
    }

    // ------------------------------------------------------------------ idempotency

    /** Re-appending stored event ids. */
    @Nested
    class Idempotency {

        @Test
        void repeating_an_append_returns_the_original_result_and_stores_nothing_twice() {
            AggregateId id = id("idem");
            AppendRequest request = AppendRequest.of(id, "Thing", ExpectedVersion.noStream(), events(3));
            AppendResult first = store.append(request);
            AppendResult again = store.append(request);
            assertThat(again).isEqualTo(first);
            assertThat(all()).hasSize(3);
            assertThat(store.currentVersion(id)).isEqualTo(3);
        }

        @Test
        void repeating_an_old_append_after_the_stream_moved_on_returns_the_original_result() {
            AggregateId id = id("idem");
            append(id, ExpectedVersion.noStream(), events(2));
            AppendRequest request = AppendRequest.of(id, "Thing", ExpectedVersion.exactly(2), events(2));
            AppendResult original = store.append(request);
            append(id, ExpectedVersion.exactly(4), events(3));

            assertThat(store.append(request)).isEqualTo(original);
            assertThat(store.currentVersion(id)).isEqualTo(7);
            assertThat(all()).hasSize(7);
        }

        @Test
        void repeating_with_expected_any_returns_the_original_result() {
            AggregateId id = id("idem");
            AppendRequest request = AppendRequest.of(id, "Thing", ExpectedVersion.any(), events(2));
            AppendResult original = store.append(request);
            append(id, ExpectedVersion.any(), events(1));
            assertThat(store.append(request)).isEqualTo(original);
            assertThat(all()).hasSize(3);
        }

        @Test
        void repeating_inside_a_batch_returns_the_original_result() {
            AggregateId a = id("a");
            AggregateId b = id("b");
            AppendRequest request = AppendRequest.of(a, "Thing", ExpectedVersion.noStream(), events(2));
            AppendResult original = store.append(request);
            List<AppendResult> results = store.appendBatch(List.of(request,
                    AppendRequest.of(b, "Thing", ExpectedVersion.noStream(), events(1))));
            assertThat(results.get(0)).isEqualTo(original);
            assertThat(results.get(1).lastVersion()).isEqualTo(1);
            assertThat(all()).hasSize(3);
        }

        @Test
        void an_event_id_stored_in_another_stream_is_a_conflict() {
            NewEvent e = event(1);
            AggregateId a = id("a");
            AggregateId b = id("b");
            append(a, ExpectedVersion.noStream(), e);
            assertThatThrownBy(() -> append(b, ExpectedVersion.noStream(), e))
                    .isInstanceOfSatisfying(EventIdConflictException.class, x -> {
                        assertThat(x.eventId()).isEqualTo(e.eventId());
                        assertThat(x.storedIn()).isEqualTo(a);
                        assertThat(x.storedVersion()).isEqualTo(1);
                    });
            assertThat(store.currentVersion(b)).isZero();
            assertThat(all()).hasSize(1);
        }

        @Test
        void a_request_mixing_stored_and_new_ids_is_a_conflict() {
            AggregateId id = id("mix");
            NewEvent old = event(1);
            append(id, ExpectedVersion.noStream(), old);
            assertThatThrownBy(() -> append(id, ExpectedVersion.any(), old, event(2)))
                    .isInstanceOf(EventIdConflictException.class);
            assertThatThrownBy(() -> append(id, ExpectedVersion.exactly(1), event(3), old))
                    .isInstanceOf(EventIdConflictException.class);
            assertThat(all()).hasSize(1);
        }

        @Test
        void a_stored_id_repeated_at_another_version_is_a_conflict() {
            AggregateId id = id("moved");
            NewEvent e = event(1);
            append(id, ExpectedVersion.noStream(), e);
            append(id, ExpectedVersion.exactly(1), event(2));
            assertThatThrownBy(() -> append(id, ExpectedVersion.exactly(2), e))
                    .isInstanceOf(EventIdConflictException.class);
            assertThat(all()).hasSize(2);
        }

        @Test
        void the_same_id_twice_in_one_request_is_bad_input() {
            NewEvent e = event(1);
            assertThatThrownBy(() -> AppendRequest.of(id("dup"), "Thing", ExpectedVersion.any(), e, e))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining(e.eventId().toString());
        }
    }

    // ------------------------------------------------------------------ data fidelity

    /** Metadata, Unicode, sizes and times survive the round trip exactly. */
    @Nested
    class Fidelity {

        private StoredEvent roundTrip(AggregateId id, NewEvent e) {
            store.append(AppendRequest.of(id, "Thing", ExpectedVersion.any(), e));
            List<StoredEvent> loaded = load(id);
            StoredEvent last = loaded.get(loaded.size() - 1);
            assertThat(last.eventId()).isEqualTo(e.eventId());
            return last;
        }

        @Test
        void absent_metadata_reads_back_empty() {
            StoredEvent e = roundTrip(id("meta"), event(1));
            assertThat(e.metadata()).isEqualTo(EventMetadata.empty());
            assertThat(e.metadata().correlationId()).isEmpty();
        }

        @Test
        void correlation_and_causation_ids_round_trip() {
            EventMetadata meta = EventMetadata.empty().withCorrelationId("corr-1").withCausationId("cause-2");
            StoredEvent e = roundTrip(id("meta"), event(1).withMetadata(meta));
            assertThat(e.metadata().correlationId()).contains("corr-1");
            assertThat(e.metadata().causationId()).contains("cause-2");
        }

        @Test
        void many_metadata_entries_round_trip() {
            Map<String, String> entries = new LinkedHashMap<>();
            for (int i = 0; i < 200; i++) {
                entries.put("key-" + i, "value " + i + " ✓ \"quoted\" \\ " + "🚀".repeat(i % 5));
            }
            entries.put("empty", "");
            EventMetadata meta = EventMetadata.of(entries);
            StoredEvent e = roundTrip(id("meta"), event(1).withMetadata(meta));
            assertThat(e.metadata()).isEqualTo(meta);
            assertThat(e.metadata().entries()).hasSize(201);
        }

        @Test
        void four_byte_utf8_in_ids_payloads_and_metadata() {
            AggregateId id = AggregateId.of("ордер:*?[{🚀 x}] " + UUID.randomUUID());
            String text = "emoji 🚀🎉👩‍👩‍👧 math 𝔸𝔹 cjk 漢字 quote \" backslash \\ newline \n tab \t end";
            EventMetadata meta = EventMetadata.empty().with("emoji-🔑", "value-🎯").withCorrelationId("🧵");
            StoredEvent e = roundTrip(id, NewEvent.of(new Happened(text, 1)).withMetadata(meta));
            assertThat(e.aggregateId()).isEqualTo(id);
            assertThat(e.payload()).isEqualTo(new Happened(text, 1));
            assertThat(e.metadata()).isEqualTo(meta);
            assertThat(store.currentVersion(id)).isEqualTo(1);
        }

        @Test
        void control_characters_and_nul_in_payload_strings_round_trip() {
            String text = "nul \u0000 bell \u0007 escape \u001b del \u007f line-sep \u2028 bom \uFEFF end";
            StoredEvent e = roundTrip(id("ctrl"), NewEvent.of(new Happened(text, 1)));
            assertThat(((Happened) e.payload()).text()).isEqualTo(text);
        }

        @Test
        void an_id_of_128_four_byte_characters_is_valid_and_stored() {
            AggregateId id = AggregateId.of("😀".repeat(AggregateId.MAX_LENGTH));
            StoredEvent e = roundTrip(id, event(1));
            assertThat(e.aggregateId().value()).isEqualTo(id.value());
        }

        @Test
        void ids_that_differ_in_case_accents_or_spacing_are_different_streams() {
            String suffix = UUID.randomUUID().toString().substring(0, 8);
            List<AggregateId> ids = List.of(
                    AggregateId.of("Stream-" + suffix), AggregateId.of("stream-" + suffix),
                    AggregateId.of("cafe-" + suffix), AggregateId.of("café-" + suffix),
                    AggregateId.of("cafe\u0301-" + suffix), AggregateId.of("a b-" + suffix),
                    AggregateId.of("a  b-" + suffix), AggregateId.of("strasse-" + suffix),
                    AggregateId.of("straße-" + suffix));
            for (AggregateId id : ids) {
                append(id, ExpectedVersion.noStream(), event(1));
            }
            for (AggregateId id : ids) {
                assertThat(store.currentVersion(id)).as(id.value()).isEqualTo(1);
                assertThat(load(id)).singleElement().satisfies(e -> assertThat(e.aggregateId()).isEqualTo(id));
            }
        }

        @Test
        void a_one_mebibyte_payload_round_trips() {
            StringBuilder sb = new StringBuilder(1 << 20);
            String unit = "abcdefghij-é-🚀-\"\\\n";
            while (sb.length() < (1 << 20)) {
                sb.append(unit);
            }
            Blob blob = new Blob(sb.toString());
            StoredEvent e = roundTrip(id("big"), NewEvent.of(blob));
            assertThat(e.payload()).isEqualTo(blob);
        }

        @Test
        void microsecond_timestamps_are_kept_exactly() {
            AggregateId id = id("time");
            List<Instant> times = List.of(
                    Instant.parse("2024-02-29T23:59:59.123456Z"),
                    Instant.parse("2024-03-31T02:30:00.000001Z"),
                    Instant.parse("2024-03-10T02:30:00.999999Z"),
                    Instant.parse("1970-01-01T00:00:00Z"),
                    Instant.parse("2038-01-19T03:14:08Z"),
                    NewEvent.EARLIEST,
                    NewEvent.LATEST);
            NewEvent[] events = times.stream().map(t -> event(1).withOccurredAt(t)).toArray(NewEvent[]::new);
            append(id, ExpectedVersion.noStream(), events);
            assertThat(load(id).stream().map(StoredEvent::occurredAt).collect(Collectors.toList())).isEqualTo(times);
            assertThat(all().stream().map(StoredEvent::occurredAt).collect(Collectors.toList())).isEqualTo(times);
        }

        @Test
        void nanoseconds_are_truncated_to_microseconds_before_storing() {
            NewEvent e = event(1).withOccurredAt(Instant.parse("2024-01-01T00:00:00.123456789Z"));
            assertThat(e.occurredAt()).isEqualTo(Instant.parse("2024-01-01T00:00:00.123456Z"));
            assertThat(roundTrip(id("nanos"), e).occurredAt()).isEqualTo(e.occurredAt());
        }
    }

    // ------------------------------------------------------------------ text that is not valid Unicode

    /**
     * One rule for every store (issue 9): text holding a lone surrogate is refused before anything is
     * stored, naming where it is; valid surrogate pairs (emoji) and text that merely looks like an
     * escape are stored and read back exactly.
     */
    @Nested
    class LoneSurrogates {

        @Test
        void a_lone_surrogate_in_a_payload_string_is_refused_naming_the_field_and_nothing_is_stored() {
            AggregateId id = id("lone");
            for (String text : List.of("\uD800", "\uDC00", "before \uDC00\uD800 after", "ends high \uDBFF",
                    "\\\uD800", "pair \uD83D\uDE00 then lone \uDE00")) {
                assertThatThrownBy(() -> append(id, ExpectedVersion.any(), event(1), NewEvent.of(new Happened(text, 2))))
                        .as("text %s", text.chars().mapToObj(c -> String.format("%04X", c))
                                .collect(Collectors.joining(" ")))
                        .isInstanceOfSatisfying(InvalidInputException.class,
                                e -> assertThat(e.argument()).isEqualTo("payload/text"))
                        .hasMessageContaining("contract.happened.v1")
                        .hasMessageContaining("lone surrogate");
            }
            assertThatThrownBy(() -> store.appendBatch(List.of(
                    AppendRequest.of(id("fine"), "Thing", ExpectedVersion.any(), event(1)),
                    AppendRequest.of(id, "Thing", ExpectedVersion.any(), NewEvent.of(new Happened("x\uDFFF", 1))))))
                    .isInstanceOf(InvalidInputException.class);
            assertThat(store.currentVersion(id)).isZero();
            assertNothingStored();
        }

        @Test
        void lone_surrogates_in_metadata_ids_and_aggregate_types_are_refused_naming_the_argument() {
            assertThatThrownBy(() -> EventMetadata.empty().with("tenant", "a\uD800"))
                    .isInstanceOfSatisfying(InvalidInputException.class,
                            e -> assertThat(e.argument()).isEqualTo("metadata['tenant']"))
                    .hasMessageContaining("lone surrogate");
            assertThatThrownBy(() -> EventMetadata.empty().with("key\uDC00", "v"))
                    .isInstanceOfSatisfying(InvalidInputException.class,
                            e -> assertThat(e.argument()).isEqualTo("metadata key"));
            assertThatThrownBy(() -> AggregateId.of("order-\uD800"))
                    .isInstanceOfSatisfying(InvalidInputException.class,
                            e -> assertThat(e.argument()).isEqualTo("aggregateId"));
            assertThatThrownBy(() -> AppendRequest.of(id("type"), "Thing\uDC00", ExpectedVersion.any(), event(1)))
                    .isInstanceOfSatisfying(InvalidInputException.class,
                            e -> assertThat(e.argument()).isEqualTo("aggregateType"));
            assertNothingStored();
        }

        @Test
        void surrogate_pairs_and_text_that_looks_like_an_escape_round_trip() {
            AggregateId id = id("pairs-\uD83D\uDE00");
            String text = "\uD83D\uDE00 \uDBFF\uDFFF \uD800\uDC00 \\uD800 \\\\uDC00 \\\\ \\u0041 \\";
            EventMetadata meta = EventMetadata.empty().with("emoji-\uD83D\uDD11", "\\uD800 \uD83C\uDFAF");
            store.append(AppendRequest.of(id, "Thing", ExpectedVersion.noStream(),
                    NewEvent.of(new Happened(text, 1)).withMetadata(meta)));
            StoredEvent e = load(id).get(0);
            assertThat(e.aggregateId()).isEqualTo(id);
            assertThat(((Happened) e.payload()).text()).isEqualTo(text);
            assertThat(e.metadata()).isEqualTo(meta);
        }
    }

    // ------------------------------------------------------------------ events that do not decode

    /**
     * An event the store holds but cannot decode fails the read with an error naming it — stream,
     * version, position, type — so a reader can report it and go on past it (issue 9).
     */
    @Nested
    class UnreadableEvents {

        private void readPayloads(EventStream stream) {
            try (stream) {
                stream.forEach(StoredEvent::payload);
            }
        }

        @Test
        void an_event_that_does_not_decode_is_reported_with_its_stream_version_position_and_type() {
            // given: the second event of a stream was stored but its class cannot read it back
            AggregateId id = id("unreadable");
            append(id, ExpectedVersion.noStream(), event(1));
            long position = append(id, ExpectedVersion.exactly(1), NewEvent.of(new Unreadable("stored")))
                    .firstPosition();
            append(id, ExpectedVersion.exactly(2), event(3));
            // when / then: every read that meets it names it
            List<Runnable> reads = List.of(() -> readPayloads(store.load(id)), () -> readPayloads(store.load(id, 2, 2)),
                    () -> readPayloads(store.readAll(1, 10)),
                    () -> store.loadBatch(List.of(id), 1, Long.MAX_VALUE).values().forEach(this::readPayloads));
            for (Runnable read : reads) {
                assertThatThrownBy(read::run).isInstanceOfSatisfying(UnreadableEventException.class, e -> {
                    assertThat(e.aggregateId()).isEqualTo(id);
                    assertThat(e.version()).isEqualTo(2);
                    assertThat(e.position()).isEqualTo(position);
                    assertThat(e.typeName()).isEqualTo("contract.unreadable.v1");
                    assertThat(e.getMessage()).contains("'" + id.value() + "'", "version 2", "position " + position,
                            "contract.unreadable.v1");
                });
            }
            // and a reader can go on past it
            try (EventStream rest = store.readAll(position + 1, 10)) {
                List<StoredEvent> events = rest.toList();
                assertThat(versions(events)).containsExactly(3L);
                assertThat(events.get(0).payload()).isEqualTo(new Happened(TEXT, 3));
            }
            try (EventStream rest = store.load(id, 3, Long.MAX_VALUE)) {
                assertThat(rest.toList()).extracting(StoredEvent::payload).containsExactly(new Happened(TEXT, 3));
            }
        }
    }

    // ------------------------------------------------------------------ readAll

    /** The global log. */
    @Nested
    class ReadAll {

        @Test
        void returns_every_event_once_in_commit_order_with_dense_positions() {
            List<UUID> order = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                AggregateId id = id("s" + (i % 4));
                NewEvent[] batch = events(1 + i % 3);
                store.append(AppendRequest.of(id, "Thing", ExpectedVersion.any(), batch));
                for (NewEvent e : batch) {
                    order.add(e.eventId());
                }
            }
            List<StoredEvent> read = all();
            assertThat(positions(read)).isEqualTo(range(1, order.size()));
            assertThat(read.stream().map(StoredEvent::eventId).collect(Collectors.toList())).isEqualTo(order);
        }

        @Test
        void from_and_limit_select_a_window() {
            append(id("w"), ExpectedVersion.noStream(), events(10));
            try (EventStream s = store.readAll(1, 3)) {
                assertThat(positions(s.toList())).containsExactly(1L, 2L, 3L);
            }
            try (EventStream s = store.readAll(4, 100)) {
                assertThat(positions(s.toList())).isEqualTo(range(4, 10));
            }
            try (EventStream s = store.readAll(10, 1)) {
                assertThat(positions(s.toList())).containsExactly(10L);
            }
            try (EventStream s = store.readAll(11, 100)) {
                assertThat(s.toList()).isEmpty();
            }
        }

        @Test
        void pages_through_a_long_log() {
            AggregateId a = id("a");
            AggregateId b = id("b");
            for (int i = 0; i < 6; i++) {
                append(i % 2 == 0 ? a : b, ExpectedVersion.any(), events(200));
            }
            List<Long> read = new ArrayList<>();
            long next = 1;
            while (true) {
                List<StoredEvent> page;
                try (EventStream s = store.readAll(next, 700)) {
                    page = s.toList();
                }
                if (page.isEmpty()) {
                    break;
                }
                read.addAll(positions(page));
                next = page.get(page.size() - 1).position() + 1;
            }
            assertThat(read).isEqualTo(range(1, 1_200));
        }

        @Test
        void the_head_position_is_the_last_committed_position() {
            // given: an empty store
            assertThat(store.headPosition()).isZero();

            // when: single appends and a batch
            append(id("h1"), ExpectedVersion.noStream(), events(3));
            assertThat(store.headPosition()).isEqualTo(3);
            store.appendBatch(List.of(AppendRequest.of(id("h2"), "Thing", ExpectedVersion.noStream(), events(2)),
                    AppendRequest.of(id("h3"), "Thing", ExpectedVersion.noStream(), events(4))));

            // then: it is the last readable position, and reading from just after it finds nothing
            assertThat(store.headPosition()).isEqualTo(9);
            try (EventStream s = store.readAll(1, 100)) {
                assertThat(positions(s.toList())).isEqualTo(range(1, 9));
            }
            try (EventStream s = store.readAll(store.headPosition() + 1, 100)) {
                assertThat(s.toList()).isEmpty();
            }
        }

        @Test
        void a_failed_or_repeated_append_does_not_move_the_head() {
            AggregateId id = id("still");
            NewEvent[] first = events(2);
            append(id, ExpectedVersion.noStream(), first);
            assertThatThrownBy(() -> append(id, ExpectedVersion.noStream(), events(1)))
                    .isInstanceOf(ConcurrencyConflictException.class);
            append(id, ExpectedVersion.noStream(), first); // an idempotent repeat
            assertThat(store.headPosition()).isEqualTo(2);
        }

        @Test
        void bad_arguments_are_rejected() {
            assertThatThrownBy(() -> store.readAll(0, 10)).isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("fromPosition");
            assertThatThrownBy(() -> store.readAll(-5, 10)).isInstanceOf(InvalidInputException.class);
            assertThatThrownBy(() -> store.readAll(1, 0)).isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("limit");
        }
    }

    // ------------------------------------------------------------------ readAll of some types

    /**
     * The type-filtered global read: exactly the events {@code readAll} returns whose stored type is wanted, and a
     * scanned-through position that moves over the events of other types.
     */
    @Nested
    class TypeFilteredReadAll {

        private static final String HAPPENED = "contract.happened.v1";
        private static final String BLOB = "contract.blob.v1";

        private NewEvent blob(long n) {
            return NewEvent.of(new Blob("blob-" + n));
        }

        /** Pages through the whole log with the filter, checking each page's bounds; returns every event read. */
        private List<StoredEvent> pageThrough(EventStore reader, int limit, Set<String> types) {
            long head = reader.headPosition();
            List<StoredEvent> read = new ArrayList<>();
            long next = 1;
            int calls = 0;
            while (next <= head) {
                io.modularddd.core.EventPage page = reader.readAll(next, limit, types);
                assertThat(page.events()).as("a page holds at most the limit").hasSizeLessThanOrEqualTo(limit);
                assertThat(page.scannedThrough()).as("each read examines at least one position")
                        .isGreaterThanOrEqualTo(next);
                assertThat(page.scannedThrough()).as("no read examines past the head").isLessThanOrEqualTo(head);
                for (StoredEvent e : page.events()) {
                    assertThat(e.position()).isBetween(next, page.scannedThrough());
                }
                read.addAll(page.events());
                next = page.nextPosition();
                assertThat(++calls).as("the reads end").isLessThan(100_000);
            }
            return read;
        }

        private List<Long> expected(Set<String> types) {
            return positions(all().stream().filter(e -> types.contains(e.storedEventType()))
                    .collect(Collectors.toList()));
        }

        @Test
        void returns_only_the_wanted_types_in_position_order_and_scans_to_the_head() {
            // given: two types interleaved over three streams
            for (int i = 1; i <= 30; i++) {
                append(id("mix" + (i % 3)), ExpectedVersion.any(), i % 3 == 0 ? blob(i) : event(i));
            }

            // when
            io.modularddd.core.EventPage page = store.readAll(1, 100, Set.of(BLOB));

            // then: the ten blobs, as readAll returns them, and the whole log examined
            assertThat(positions(page.events())).isEqualTo(expected(Set.of(BLOB))).hasSize(10);
            assertThat(page.events()).extracting(StoredEvent::payload).allMatch(p -> p instanceof Blob);
            assertThat(page.scannedThrough()).isEqualTo(30);
            assertThat(page.nextPosition()).isEqualTo(31);
            assertThat(positions(store.readAll(1, 100, Set.of(BLOB, HAPPENED)).events())).isEqualTo(range(1, 30));
        }

        @Test
        void a_rare_type_is_found_and_the_scanned_position_moves_over_every_other_event() {
            // given: 1,000 events of one type, then one of another
            AggregateId id = id("rare");
            for (int i = 0; i < 10; i++) {
                append(id, ExpectedVersion.any(), events(100));
            }
            long rare = append(id("rare-one"), ExpectedVersion.noStream(), blob(1)).firstPosition();

            // when / then: paging with a small limit reaches the head and finds the one event
            assertThat(positions(pageThrough(store, 3, Set.of(BLOB)))).containsExactly(rare);
            // and a type with no event at all still moves the reader to the head
            assertThat(pageThrough(store, 3, Set.of("contract.no-such-type.v1"))).isEmpty();
        }

        @Test
        void the_limit_is_honoured_and_pages_see_every_wanted_event_once() {
            // given: a random mix of two types over many streams
            List<AggregateId> ids = List.of(id("p1"), id("p2"), id("p3"), id("p4"));
            java.util.Random random = new java.util.Random(15);
            for (int i = 1; i <= 400; i++) {
                boolean isBlob = random.nextInt(5) == 0;
                append(ids.get(i % ids.size()), ExpectedVersion.any(), isBlob ? blob(i) : event(i));
            }
            for (Set<String> types : List.of(Set.of(BLOB), Set.of(HAPPENED), Set.of(BLOB, HAPPENED))) {
                for (int limit : new int[] {1, 7, 64, 1_000}) {
                    // when
                    List<StoredEvent> read = pageThrough(store, limit, types);
                    // then: the same events as readAll, filtered
                    assertThat(positions(read)).as("types %s, limit %d", types, limit).isEqualTo(expected(types));
                }
            }
        }

        @Test
        void an_unknown_type_matches_nothing_and_reading_after_the_head_examines_nothing() {
            // given: an empty store
            io.modularddd.core.EventPage empty = store.readAll(1, 10, Set.of(HAPPENED));
            assertThat(empty.events()).isEmpty();
            assertThat(empty.scannedThrough()).isZero();

            // when: five events are stored
            append(id("u"), ExpectedVersion.noStream(), events(5));

            // then: a name no event is stored under finds none; from past the head nothing is examined
            assertThat(pageThrough(store, 10, Set.of("contract.unknown.v9"))).isEmpty();
            io.modularddd.core.EventPage after = store.readAll(6, 10, Set.of(HAPPENED));
            assertThat(after.events()).isEmpty();
            assertThat(after.scannedThrough()).isEqualTo(5);
            assertThat(positions(store.readAll(3, 10, Set.of(HAPPENED)).events())).containsExactly(3L, 4L, 5L);
        }

        @Test
        void deleted_truncated_and_erased_streams_read_as_readAll_reads_them() {
            // given: a deleted, a truncated and an erased stream, each with both types
            AggregateId deleted = id("del");
            AggregateId truncated = id("trunc");
            AggregateId erased = id("erase");
            for (AggregateId id : List.of(deleted, truncated, erased)) {
                append(id, ExpectedVersion.any(), event(1), blob(2), event(3));
            }
            store.delete(deleted, ExpectedVersion.any());
            store.truncateBefore(truncated, 3);
            store.erase(erased);

            // when
            List<StoredEvent> happened = store.readAll(1, 100, Set.of(HAPPENED)).events();

            // then: every event stays in the global log, erased ones as ErasedEvent under their stored type
            assertThat(positions(happened)).isEqualTo(expected(Set.of(HAPPENED))).hasSize(6);
            assertThat(happened).filteredOn(e -> e.aggregateId().equals(erased))
                    .hasSize(2)
                    .allSatisfy(e -> {
                        assertThat(e.payload()).isEqualTo(ErasedEvent.INSTANCE);
                        assertThat(e.eventType()).isEqualTo(ErasedEvent.TYPE);
                        assertThat(e.storedEventType()).isEqualTo(HAPPENED);
                    });
            assertThat(positions(store.readAll(1, 100, Set.of(BLOB)).events())).isEqualTo(expected(Set.of(BLOB)))
                    .hasSize(3);
        }

        @Test
        void types_match_as_stored_so_upcast_events_are_found_by_their_old_name() {
            // given: notes stored in their old shape, read by the evolved application
            AggregateId id = id("notes");
            append(id, ExpectedVersion.noStream(), NewEvent.of(new ContractEvents.NoteV1("Ada Lovelace")), event(2),
                    NewEvent.of(new ContractEvents.NoteV1("Grace")));
            EventStore reader = view(ContractEvents.evolvedSerializer());

            // when
            List<StoredEvent> notes = reader.readAll(1, 10, Set.of(ContractEvents.NOTE_V1)).events();

            // then: found under the stored name, delivered upcast; the new name alone finds none of them
            assertThat(positions(notes)).containsExactly(1L, 3L);
            assertThat(notes).extracting(StoredEvent::payload).containsExactly(
                    new ContractEvents.NoteV3("Ada", "Lovelace", "EUR"), new ContractEvents.NoteV3("Grace", "", "EUR"));
            assertThat(reader.readAll(1, 10, Set.of(ContractEvents.NOTE_V3)).events()).isEmpty();
        }

        @Test
        void an_unreadable_event_of_another_type_is_skipped_and_one_of_a_wanted_type_is_reported() {
            // given: an event that does not decode between readable ones
            AggregateId id = id("unreadable");
            append(id, ExpectedVersion.noStream(), event(1));
            long bad = append(id, ExpectedVersion.exactly(1), NewEvent.of(new Unreadable("stored"))).firstPosition();
            append(id, ExpectedVersion.exactly(2), event(3), blob(4));

            // when / then: a read that does not want its type never meets it
            List<StoredEvent> happened = pageThrough(store, 10, Set.of(HAPPENED));
            assertThat(happened).extracting(StoredEvent::payload)
                    .containsExactly(new Happened(TEXT, 1), new Happened(TEXT, 3));
            // and one that wants it is told which event it is, as readAll tells
            assertThatThrownBy(() -> store.readAll(1, 10, Set.of("contract.unreadable.v1", BLOB)).events()
                    .forEach(StoredEvent::payload))
                    .isInstanceOfSatisfying(UnreadableEventException.class, e -> {
                        assertThat(e.position()).isEqualTo(bad);
                        assertThat(e.typeName()).isEqualTo("contract.unreadable.v1");
                    });
        }

        @Test
        void bad_arguments_are_rejected_with_the_argument_named() {
            Set<String> withNull = new HashSet<>();
            withNull.add(null);
            assertThatThrownBy(() -> store.readAll(1, 10, null)).isInstanceOfSatisfying(InvalidInputException.class,
                    e -> assertThat(e.argument()).isEqualTo("eventTypes"))
                    .hasMessageContaining("readAll(fromPosition, limit)");
            assertThatThrownBy(() -> store.readAll(1, 10, Set.of())).isInstanceOfSatisfying(InvalidInputException.class,
                    e -> assertThat(e.argument()).isEqualTo("eventTypes")).hasMessageContaining("empty");
            assertThatThrownBy(() -> store.readAll(1, 10, withNull)).isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("null");
            assertThatThrownBy(() -> store.readAll(1, 10, Set.of(""))).isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("empty name");
            assertThatThrownBy(() -> store.readAll(0, 10, Set.of(HAPPENED))).isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("fromPosition");
            assertThatThrownBy(() -> store.readAll(1, 0, Set.of(HAPPENED))).isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("limit");
        }
    }

    // ------------------------------------------------------------------ schema evolution

    /** Events stored in an old shape read in the new one through the registry's upcasters, on every read path. */
    @Nested
    class Evolution {

        private AggregateId writeOldNotes() {
            AggregateId id = id("notes");
            append(id, ExpectedVersion.noStream(), NewEvent.of(new ContractEvents.NoteV1("Ada Lovelace")),
                    NewEvent.of(new ContractEvents.NoteV1("Grace")), event(3));
            return id;
        }

        @Test
        void events_stored_in_an_old_shape_read_in_the_newest_through_two_upcasters() {
            // given: notes written by the old version of the application
            AggregateId id = writeOldNotes();

            // when: the new version reads them
            EventStore reader = view(ContractEvents.evolvedSerializer());
            List<StoredEvent> loaded;
            try (EventStream s = reader.load(id)) {
                loaded = s.toList();
            }

            // then: the newest shape, under the newest name; the stored name kept; the event in the current shape
            // read as it is
            assertThat(loaded).extracting(StoredEvent::payload).containsExactly(
                    new ContractEvents.NoteV3("Ada", "Lovelace", "EUR"), new ContractEvents.NoteV3("Grace", "", "EUR"),
                    new Happened(TEXT, 3));
            assertThat(loaded).extracting(StoredEvent::eventType)
                    .containsExactly(ContractEvents.NOTE_V3, ContractEvents.NOTE_V3, "contract.happened.v1");
            assertThat(loaded).extracting(StoredEvent::storedEventType)
                    .containsExactly(ContractEvents.NOTE_V1, ContractEvents.NOTE_V1, "contract.happened.v1");
            try (EventStream s = reader.readAll(1, 10)) {
                assertThat(s.toList()).extracting(StoredEvent::eventType).startsWith(ContractEvents.NOTE_V3);
            }
            assertThat(reader.loadBatch(List.of(id), 1, 2).get(id).toList()).extracting(StoredEvent::payload)
                    .hasOnlyElementsOfType(ContractEvents.NoteV3.class);
            // and reading rewrote nothing: the old version still reads its own shape
            assertThat(load(id).get(0).payload()).isEqualTo(new ContractEvents.NoteV1("Ada Lovelace"));
        }

        @Test
        void an_upcaster_that_throws_names_the_stream_version_position_and_step() {
            AggregateId id = writeOldNotes();
            EventStore reader = view(ContractEvents.failingEvolvedSerializer());

            assertThatThrownBy(() -> {
                try (EventStream s = reader.load(id)) {
                    for (StoredEvent e : s) {
                        e.payload();
                    }
                }
            }).isInstanceOfSatisfying(UnreadableEventException.class, e -> {
                assertThat(e.aggregateId()).isEqualTo(id);
                assertThat(e.version()).isEqualTo(1);
                assertThat(e.position()).isEqualTo(1);
            }).hasMessageContaining("'contract.note.v2' -> 'contract.note.v3'").hasMessageContaining("always fails");
        }

        @Test
        void an_untyped_reader_gets_every_payload_as_stored_json() {
            AggregateId id = writeOldNotes();
            EventStore raw = view(io.modularddd.core.serialization.UntypedJsonSerializer.raw());

            List<StoredEvent> loaded;
            try (EventStream s = raw.load(id)) {
                loaded = s.toList();
            }
            assertThat(loaded.get(0).payload()).isInstanceOf(com.fasterxml.jackson.databind.JsonNode.class);
            assertThat(((com.fasterxml.jackson.databind.JsonNode) loaded.get(0).payload()).get("name").asText())
                    .isEqualTo("Ada Lovelace");
            assertThat(loaded.get(0).eventType()).isEqualTo(ContractEvents.NOTE_V1);
            assertThat(((com.fasterxml.jackson.databind.JsonNode) loaded.get(2).payload()).get("n").asLong())
                    .isEqualTo(3);
        }
    }

    // ------------------------------------------------------------------ lifecycle

    /** Soft delete, truncation and erasure: what reads see afterwards, and what stays in the global log. */
    @Nested
    class Lifecycle {

        @Test
        void a_deleted_stream_reads_as_absent_while_the_global_log_keeps_its_events() {
            // given
            AggregateId id = id("del");
            AggregateId other = id("keep");
            append(id, ExpectedVersion.noStream(), events(3));
            append(other, ExpectedVersion.noStream(), events(1));

            // when
            assertThat(store.delete(id, ExpectedVersion.exactly(3))).isEqualTo(3);

            // then
            assertThat(load(id)).isEmpty();
            assertThat(store.currentVersion(id)).isZero();
            assertThat(store.loadBatch(List.of(id, other), 1, Long.MAX_VALUE).get(id).toList()).isEmpty();
            assertThat(load(other)).hasSize(1);
            assertThat(positions(all())).isEqualTo(range(1, 4));
            assertThat(store.headPosition()).isEqualTo(4);
            StreamState state = store.streamState(id);
            assertThat(state.deleted()).isTrue();
            assertThat(state.exists()).isFalse();
            assertThat(state.storedVersion()).isEqualTo(3);
        }

        @Test
        void an_append_with_no_stream_starts_a_deleted_stream_again_at_the_next_version() {
            AggregateId id = id("again");
            append(id, ExpectedVersion.noStream(), events(2));
            store.delete(id, ExpectedVersion.any());

            AppendResult restarted = append(id, ExpectedVersion.noStream(), event(10));

            assertThat(restarted.firstVersion()).isEqualTo(3);
            assertThat(versions(load(id))).containsExactly(3L);
            assertThat(store.currentVersion(id)).isEqualTo(3);
            StreamState state = store.streamState(id);
            assertThat(state.startVersion()).isEqualTo(3);
            assertThat(state.deleted()).isFalse();
            assertThat(append(id, ExpectedVersion.exactly(3), event(11)).lastVersion()).isEqualTo(4);
            assertThatThrownBy(() -> append(id, ExpectedVersion.noStream(), event(12)))
                    .isInstanceOf(ConcurrencyConflictException.class);
        }

        @Test
        void delete_checks_the_expected_version_and_refuses_unknown_or_deleted_streams() {
            AggregateId id = id("del-check");
            append(id, ExpectedVersion.noStream(), events(2));

            assertThatThrownBy(() -> store.delete(id, ExpectedVersion.exactly(1)))
                    .isInstanceOfSatisfying(ConcurrencyConflictException.class,
                            e -> assertThat(e.actualVersion()).isEqualTo(2));
            assertThat(load(id)).hasSize(2);
            assertThatThrownBy(() -> store.delete(id("never"), ExpectedVersion.any()))
                    .isInstanceOf(StreamNotFoundException.class).hasMessageContaining("no events");
            store.delete(id, ExpectedVersion.any());
            assertThatThrownBy(() -> store.delete(id, ExpectedVersion.any()))
                    .isInstanceOf(StreamNotFoundException.class).hasMessageContaining("deleted already");
            assertThatThrownBy(() -> store.delete(null, ExpectedVersion.any()))
                    .isInstanceOf(InvalidInputException.class);
            assertThatThrownBy(() -> store.delete(id, null)).isInstanceOf(InvalidInputException.class);
        }

        @Test
        void truncation_hides_older_versions_from_load_only() {
            AggregateId id = id("trunc");
            append(id, ExpectedVersion.noStream(), events(6));

            store.truncateBefore(id, 4);

            assertThat(versions(load(id))).containsExactly(4L, 5L, 6L);
            try (EventStream s = store.load(id, 1, 3)) {
                assertThat(s.toList()).isEmpty();
            }
            try (EventStream s = store.load(id, 5)) {
                assertThat(versions(s.toList())).containsExactly(5L, 6L);
            }
            assertThat(store.loadBatch(List.of(id), 1, 10).get(id).toList()).hasSize(3);
            assertThat(positions(all())).isEqualTo(range(1, 6));
            assertThat(store.currentVersion(id)).isEqualTo(6);
            assertThat(store.streamState(id).truncatedBefore()).isEqualTo(4);
            // idempotent, never moves back, and appends go on
            store.truncateBefore(id, 4);
            store.truncateBefore(id, 2);
            assertThat(versions(load(id))).containsExactly(4L, 5L, 6L);
            assertThat(append(id, ExpectedVersion.exactly(6), event(7)).lastVersion()).isEqualTo(7);
        }

        @Test
        void truncation_refuses_unknown_streams_and_versions_out_of_range() {
            AggregateId id = id("trunc-bad");
            append(id, ExpectedVersion.noStream(), events(2));
            assertThatThrownBy(() -> store.truncateBefore(id("never"), 1)).isInstanceOf(StreamNotFoundException.class);
            assertThatThrownBy(() -> store.truncateBefore(id, 0)).isInstanceOf(InvalidInputException.class);
            assertThatThrownBy(() -> store.truncateBefore(id, 4)).isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("between 1 and 3");
            store.truncateBefore(id, 3); // everything: load is empty, the stream still exists
            assertThat(load(id)).isEmpty();
            assertThat(store.currentVersion(id)).isEqualTo(2);
        }

        @Test
        void erasure_replaces_payload_and_metadata_and_keeps_every_place() {
            // given: a stream with metadata, among others
            AggregateId id = id("erase");
            AggregateId other = id("untouched");
            append(other, ExpectedVersion.noStream(), events(1));
            store.append(AppendRequest.of(id, "Thing", ExpectedVersion.noStream(),
                    NewEvent.of(new Happened("personal", 1)).withMetadata(EventMetadata.of(Map.of("user", "ada"))),
                    NewEvent.of(new Happened("personal", 2))));

            // when
            assertThat(store.erase(id)).isEqualTo(2);

            // then: typed erased events in the same places, nothing of the data left
            List<StoredEvent> erased = load(id);
            assertThat(erased).extracting(StoredEvent::payload).containsOnly(ErasedEvent.INSTANCE);
            assertThat(erased).extracting(StoredEvent::eventType).containsOnly(ErasedEvent.TYPE);
            assertThat(erased).extracting(StoredEvent::storedEventType).containsOnly("contract.happened.v1");
            assertThat(erased).allMatch(e -> e.metadata().isEmpty());
            assertThat(versions(erased)).containsExactly(1L, 2L);
            assertThat(positions(erased)).containsExactly(2L, 3L);
            List<StoredEvent> log = all();
            assertThat(positions(log)).isEqualTo(range(1, 3));
            assertThat(log.get(0).payload()).isInstanceOf(Happened.class);
            assertThat(log.get(1).payload()).isEqualTo(ErasedEvent.INSTANCE);
            assertThat(store.streamState(id).erased()).isTrue();
            assertThat(store.currentVersion(id)).isEqualTo(2);
            // idempotent; later events are new data
            assertThat(store.erase(id)).isZero();
            append(id, ExpectedVersion.exactly(2), event(3));
            assertThat(load(id).get(2).payload()).isInstanceOf(Happened.class);
        }

        @Test
        void erasure_refuses_unknown_streams() {
            assertThatThrownBy(() -> store.erase(id("never"))).isInstanceOf(StreamNotFoundException.class);
            assertThatThrownBy(() -> store.erase(null)).isInstanceOf(InvalidInputException.class);
        }

        @Test
        void an_unknown_stream_has_the_absent_state() {
            AggregateId id = id("none");
            assertThat(store.streamState(id)).isEqualTo(StreamState.absent(id));
        }
    }

    // ------------------------------------------------------------------ loadBatch

    /** Many streams in one call. */
    @Nested
    class LoadBatch {

        @Test
        void loads_many_streams_in_one_call_in_the_order_given() {
            AggregateId a = id("a");
            AggregateId b = id("b");
            AggregateId c = id("c");
            AggregateId unknown = id("unknown");
            append(a, ExpectedVersion.noStream(), events(3));
            append(b, ExpectedVersion.noStream(), events(1));
            append(c, ExpectedVersion.noStream(), events(5));
            append(a, ExpectedVersion.exactly(3), events(2));

            Map<AggregateId, EventStream> streams = store.loadBatch(List.of(c, unknown, a, b, a), 1, Long.MAX_VALUE);

            assertThat(new ArrayList<>(streams.keySet())).containsExactly(c, unknown, a, b);
            assertThat(versions(streams.get(c).toList())).isEqualTo(range(1, 5));
            assertThat(streams.get(unknown).toList()).isEmpty();
            List<StoredEvent> loadedA = streams.get(a).toList();
            assertThat(versions(loadedA)).isEqualTo(range(1, 5));
            assertThat(loadedA).allSatisfy(e -> assertThat(e.aggregateId()).isEqualTo(a));
            assertThat(versions(streams.get(b).toList())).containsExactly(1L);
        }

        @Test
        void honours_the_version_bounds() {
            AggregateId a = id("a");
            AggregateId b = id("b");
            append(a, ExpectedVersion.noStream(), events(6));
            append(b, ExpectedVersion.noStream(), events(2));
            Map<AggregateId, EventStream> streams = store.loadBatch(List.of(a, b), 2, 4);
            assertThat(versions(streams.get(a).toList())).containsExactly(2L, 3L, 4L);
            assertThat(versions(streams.get(b).toList())).containsExactly(2L);
        }

        @Test
        void an_empty_collection_gives_an_empty_map_and_bad_input_is_rejected() {
            assertThat(store.loadBatch(List.of(), 1, Long.MAX_VALUE)).isEmpty();
            assertThatThrownBy(() -> store.loadBatch(null, 1, 10)).isInstanceOf(InvalidInputException.class);
            assertThatThrownBy(() -> store.loadBatch(Arrays.asList(id("x"), null), 1, 10))
                    .isInstanceOf(InvalidInputException.class);
            assertThatThrownBy(() -> store.loadBatch(List.of(id("x")), 3, 2)).isInstanceOf(InvalidInputException.class);
        }
    }

    // ------------------------------------------------------------------ EventStream

    /** Lazy, single-use streams. */
    @Nested
    class Streams {

        @Test
        @Timeout(value = 10, unit = TimeUnit.MINUTES)
        void a_100_000_event_stream_is_read_lazily() throws Exception {
            // given: a stream of 100,000 events, appended 1,000 at a time
            AggregateId id = id("huge");
            int total = 100_000;
            long version = 0;
            for (int start = 0; start < total; start += 1_000) {
                NewEvent[] chunk = new NewEvent[1_000];
                for (int i = 0; i < chunk.length; i++) {
                    chunk[i] = NewEvent.of(new Happened("e", start + i + 1L));
                }
                version = append(id, ExpectedVersion.of(version), chunk).lastVersion();
            }
            assertThat(store.currentVersion(id)).isEqualTo(total);

            // when: it is iterated while nothing holds on to events already read
            long count = 0;
            long expectedVersion = 1;
            WeakReference<StoredEvent> firstRead;
            try (EventStream events = store.load(id)) {
                Iterator<StoredEvent> it = events.iterator();
                StoredEvent first = it.next();
                assertThat(first.version()).isEqualTo(1);
                firstRead = new WeakReference<>(first);
                first = null;
                count++;
                expectedVersion++;
                boolean firstCollected = false;
                while (it.hasNext()) {
                    StoredEvent e = it.next();
                    assertThat(e.version()).isEqualTo(expectedVersion);
                    assertThat(((Happened) e.payload()).n()).isEqualTo(expectedVersion);
                    expectedVersion++;
                    count++;
                    if (count == total / 2) {
                        firstCollected = collected(firstRead);
                    }
                }
                // then: every event arrived in order, and the stream did not keep the early ones
                assertThat(count).isEqualTo(total);
                assertThat(firstCollected)
                        .as("halfway through, the first event must be garbage-collectable: the stream must not "
                                + "materialise all events")
                        .isTrue();
            }
        }

        private boolean collected(WeakReference<?> ref) throws InterruptedException {
            for (int i = 0; i < 10 && ref.get() != null; i++) {
                System.gc();
                Thread.sleep(20);
            }
            return ref.get() == null;
        }

        @Test
        void chunk_count_and_stream_cover_the_same_events() {
            AggregateId id = id("chunks");
            append(id, ExpectedVersion.noStream(), events(25));
            try (Stream<List<StoredEvent>> chunks = store.load(id).chunk(10)) {
                List<List<StoredEvent>> all = chunks.collect(Collectors.toList());
                assertThat(all).extracting(List::size).containsExactly(10, 10, 5);
                assertThat(versions(all.stream().flatMap(List::stream).collect(Collectors.toList())))
                        .isEqualTo(range(1, 25));
            }
            try (EventStream s = store.load(id)) {
                assertThat(s.count()).isEqualTo(25);
            }
            try (Stream<StoredEvent> s = store.load(id, 20).stream()) {
                assertThat(s.map(StoredEvent::version).collect(Collectors.toList())).isEqualTo(range(20, 25));
            }
            assertThatThrownBy(() -> store.load(id).chunk(0)).isInstanceOf(InvalidInputException.class);
        }

        @Test
        void a_stream_is_single_use_and_closing_is_idempotent() {
            AggregateId id = id("once");
            append(id, ExpectedVersion.noStream(), events(3));
            EventStream s = store.load(id);
            List<StoredEvent> events = s.toList();
            assertThat(events).hasSize(3);
            assertThatThrownBy(() -> events.remove(0)).isInstanceOf(UnsupportedOperationException.class);
            assertThatThrownBy(s::iterator).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(s::count).isInstanceOf(IllegalStateException.class);
            s.close();
            s.close();
        }

        @Test
        void a_stream_closed_early_releases_cleanly_and_the_store_stays_usable() {
            AggregateId id = id("early");
            append(id, ExpectedVersion.noStream(), events(3_000));
            for (int i = 0; i < 50; i++) {
                try (EventStream s = store.load(id)) {
                    Iterator<StoredEvent> it = s.iterator();
                    assertThat(it.next().version()).isEqualTo(1);
                }
            }
            try (EventStream s = store.readAll(1, 5_000)) {
                assertThat(s.iterator().next().position()).isEqualTo(1);
            }
            assertThat(append(id, ExpectedVersion.exactly(3_000), event(1)).lastVersion()).isEqualTo(3_001);
        }
    }

    // ------------------------------------------------------------------ bad input

    /** Invalid arguments raise the typed error and store nothing. */
    @Nested
    class BadInput {

        @Test
        void invalid_aggregate_ids_are_rejected_with_the_reason() {
            assertThatThrownBy(() -> AggregateId.of("")).isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("blank");
            assertThatThrownBy(() -> AggregateId.of("   ")).isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("blank");
            assertThatThrownBy(() -> AggregateId.of(null)).isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("null");
            assertThatThrownBy(() -> AggregateId.of("x".repeat(AggregateId.MAX_LENGTH + 1)))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("at most 128");
            assertThatThrownBy(() -> AggregateId.of("😀".repeat(AggregateId.MAX_LENGTH + 1)))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("129");
            assertThatThrownBy(() -> AggregateId.of("bell\u0007")).isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("U+0007");
            assertThatThrownBy(() -> AggregateId.of("line\nbreak")).isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("control");
            assertThatThrownBy(() -> AggregateId.of("lone\uD800")).isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("surrogate");
            assertThatThrownBy(() -> AggregateId.of(" padded")).isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("whitespace");
            assertThatThrownBy(() -> AggregateId.of("padded ")).isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("whitespace");
            assertNothingStored();
        }

        @Test
        void negative_expected_versions_are_rejected() {
            assertThatThrownBy(() -> ExpectedVersion.exactly(-3)).isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("-3").hasMessageContaining("noStream()");
        }

        @Test
        void expected_version_zero_means_the_stream_has_no_events_yet() {
            // given: exactly(0) is the condition noStream(), as in Occurrent (ADR 0002)
            assertThat(ExpectedVersion.exactly(0)).isEqualTo(ExpectedVersion.noStream());
            AggregateId id = id("zero");

            // when / then: it starts a stream, and conflicts once the stream has events
            assertThat(append(id, ExpectedVersion.exactly(0), event(1)).lastVersion()).isEqualTo(1);
            assertThatThrownBy(() -> append(id, ExpectedVersion.exactly(0), event(2)))
                    .isInstanceOf(ConcurrencyConflictException.class);
            assertThat(store.currentVersion(id)).isEqualTo(1);
        }

        @Test
        void an_unregistered_event_type_is_rejected_and_nothing_stored() {
            AggregateId id = id("unknown");
            assertThatThrownBy(() -> append(id, ExpectedVersion.any(), NewEvent.of(new Unregistered("x"))))
                    .isInstanceOf(UnknownEventTypeException.class)
                    .hasMessageContaining(Unregistered.class.getName())
                    .hasMessageContaining("register");
            assertThat(store.currentVersion(id)).isZero();
            assertNothingStored();
        }

        @Test
        void invalid_requests_are_rejected() {
            AggregateId id = id("req");
            assertThatThrownBy(() -> new AppendRequest(id, "Thing", ExpectedVersion.any(), List.of()))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("at least one event");
            assertThatThrownBy(() -> new AppendRequest(id, "Thing", ExpectedVersion.any(), null))
                    .isInstanceOf(InvalidInputException.class);
            assertThatThrownBy(() -> new AppendRequest(id, "Thing", ExpectedVersion.any(),
                    Collections.singletonList(null))).isInstanceOf(InvalidInputException.class);
            assertThatThrownBy(() -> new AppendRequest(null, "Thing", ExpectedVersion.any(), List.of(event(1))))
                    .isInstanceOf(InvalidInputException.class);
            assertThatThrownBy(() -> new AppendRequest(id, " ", ExpectedVersion.any(), List.of(event(1))))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("aggregateType");
            assertThatThrownBy(() -> new AppendRequest(id, "T".repeat(101), ExpectedVersion.any(), List.of(event(1))))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("aggregateType");
            assertThatThrownBy(() -> new AppendRequest(id, "Thing", null, List.of(event(1))))
                    .isInstanceOf(InvalidInputException.class);
            assertThatThrownBy(() -> NewEvent.of(null)).isInstanceOf(InvalidInputException.class);
            assertThatThrownBy(() -> event(1).withOccurredAt(Instant.parse("0999-12-31T23:59:59Z")))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("occurredAt");
            assertNothingStored();
        }

        @Test
        void null_arguments_are_rejected_with_the_argument_name() {
            assertThatThrownBy(() -> store.append(null))
                    .isInstanceOfSatisfying(InvalidInputException.class,
                            e -> assertThat(e.argument()).isEqualTo("request"));
            assertThatThrownBy(() -> store.load(null)).isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("aggregateId");
            assertThatThrownBy(() -> store.load(null, 1, 2)).isInstanceOf(InvalidInputException.class);
            assertThatThrownBy(() -> store.currentVersion(null)).isInstanceOf(InvalidInputException.class);
            assertThatThrownBy(() -> store.loadBatch(null, 1, 2)).isInstanceOf(InvalidInputException.class);
            assertNothingStored();
        }

        @Test
        void invalid_metadata_is_rejected() {
            assertThatThrownBy(() -> EventMetadata.empty().with("", "x")).isInstanceOf(InvalidInputException.class);
            assertThatThrownBy(() -> EventMetadata.empty().with("k", null)).isInstanceOf(InvalidInputException.class);
            assertThatThrownBy(() -> EventMetadata.empty().with("k\n", "x")).isInstanceOf(InvalidInputException.class);
            assertThatThrownBy(() -> EventMetadata.empty().with("k", "x".repeat(EventMetadata.MAX_VALUE_LENGTH + 1)))
                    .isInstanceOf(InvalidInputException.class);
            Map<String, String> tooMany = IntStream.range(0, EventMetadata.MAX_ENTRIES + 1).boxed()
                    .collect(Collectors.toMap(i -> "k" + i, i -> "v"));
            assertThatThrownBy(() -> EventMetadata.of(tooMany)).isInstanceOf(InvalidInputException.class);
        }
    }
}
