package io.modularddd.cqrs.projection;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.modularddd.core.AppendResult;
import io.modularddd.core.EventPage;
import io.modularddd.core.EventStore;
import io.modularddd.core.EventStream;
import io.modularddd.core.ForwardingEventStore;
import io.modularddd.core.InMemoryEventStore;
import io.modularddd.core.StoredEvent;
import io.modularddd.core.projection.InMemoryCheckpointStore;
import io.modularddd.core.projection.Projection;
import io.modularddd.core.projection.ProjectionDeadLetter;
import io.modularddd.core.serialization.EventTypeRegistry;
import io.modularddd.core.serialization.JacksonEventSerializer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Projections that declare their types ask the store for those types only, and still move their checkpoints (and
 * lag) to the head over the events of other types they never receive.
 */
class TypeFilteredReadsTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final InMemoryEventStore inMemory = Ledger.newStore();
    private final CountingStore store = new CountingStore(inMemory);
    private final InMemoryCheckpointStore checkpoints = InMemoryCheckpointStore.create();
    private final ReadModel model = new ReadModel();
    private final List<ProjectionEngine> engines = new ArrayList<>();

    /** Counts what each kind of global read hands the engine, by stored type. */
    static final class CountingStore extends ForwardingEventStore {
        final AtomicLong unfilteredReads = new AtomicLong();
        final AtomicLong filteredReads = new AtomicLong();
        final Set<String> typesReceived = ConcurrentHashMap.newKeySet();

        CountingStore(EventStore delegate) {
            super(delegate);
        }

        @Override
        public EventStream readAll(long fromPosition, int limit) {
            unfilteredReads.incrementAndGet();
            List<StoredEvent> events;
            try (EventStream s = super.readAll(fromPosition, limit)) {
                events = s.toList();
            }
            events.forEach(e -> typesReceived.add(e.storedEventType()));
            return EventStream.of(events);
        }

        @Override
        public EventPage readAll(long fromPosition, int limit, Set<String> eventTypes) {
            filteredReads.incrementAndGet();
            EventPage page = super.readAll(fromPosition, limit, eventTypes);
            page.events().forEach(e -> typesReceived.add(e.storedEventType()));
            return page;
        }
    }

    @AfterEach
    void close() {
        engines.forEach(ProjectionEngine::close);
    }

    private Projection credits(String name) {
        return Projection.builder(name).on(Ledger.Credited.class, (c, event, tx) -> model.apply(event)).build();
    }

    private ProjectionEngine start(ProjectionEngineBuilder builder) {
        ProjectionEngine engine = builder.build();
        engines.add(engine);
        engine.start();
        return engine;
    }

    /** 1,000 notes with one credit at position 500 and one at the end. */
    private List<Long> oneTypeAmongAThousand() {
        List<Long> creditPositions = new ArrayList<>();
        for (int i = 1; i <= 1_000; i++) {
            AppendResult r = i == 500 || i == 1_000
                    ? Ledger.append(store, "acc-" + (i % 7), new Ledger.Credited(i))
                    : Ledger.append(store, "note-" + (i % 13), new Ledger.Noted("n" + i));
            if (i == 500 || i == 1_000) {
                creditPositions.add(r.lastPosition());
            }
        }
        return creditPositions;
    }

    private void awaitCheckpoint(String name, int segment, long position) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (checkpoints.position(name, segment) < position && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(checkpoints.position(name, segment)).as("checkpoint of %s/%d", name, segment).isEqualTo(position);
    }

    @Test
    void a_projection_of_one_type_among_a_thousand_reaches_the_head_with_zero_lag_and_never_receives_the_others()
            throws Exception {
        // given
        List<Long> credits = oneTypeAmongAThousand();
        long head = store.headPosition();
        SimpleMeterRegistry meters = new SimpleMeterRegistry();

        // when
        ProjectionEngine engine = start(ProjectionEngine.builder(store, checkpoints)
                .register(credits("rare"), ProjectionStrategy.async()).pageSize(10).meterRegistry(meters));

        // then: both credits applied, the checkpoint and the lag at the head
        assertThat(engine.awaitCaughtUp("rare", head, WAIT)).isTrue();
        assertThat(model.positions()).isEqualTo(credits);
        awaitCheckpoint("rare", 0, head);
        assertThat(meters.get("modularddd.projection.lag").tag("projection", "rare").gauge().value()).isZero();
        // and the engine asked for its type only: the store never handed it a note
        assertThat(store.filteredReads).hasPositiveValue();
        assertThat(store.unfilteredReads).hasValue(0);
        assertThat(store.typesReceived).containsExactly("ledger.credited.v1");
    }

    @Test
    void declared_types_that_are_most_of_the_log_are_read_with_every_event_and_rare_ones_filtered_again()
            throws Exception {
        // given: 300 credits, then 1,000 notes with a credit every 100th, then 300 credits again
        List<Long> credits = new ArrayList<>();
        for (int i = 1; i <= 1_600; i++) {
            boolean credit = i <= 300 || i > 1_300 || i % 100 == 0;
            AppendResult r = credit ? Ledger.append(store, "acc-" + (i % 7), new Ledger.Credited(i))
                    : Ledger.append(store, "note-" + (i % 13), new Ledger.Noted("n" + i));
            if (credit) {
                credits.add(r.lastPosition());
            }
        }
        long head = store.headPosition();

        // when
        ProjectionEngine engine = start(ProjectionEngine.builder(store, checkpoints)
                .register(credits("dense"), ProjectionStrategy.async()).pageSize(10));

        // then: every credit once, in order, and the checkpoint at the head
        assertThat(engine.awaitCaughtUp("dense", head, WAIT)).isTrue();
        assertThat(model.positions()).isEqualTo(credits);
        awaitCheckpoint("dense", 0, head);
        // and the engine read every event where credits were dense (the notes reached it there), and by type in
        // the long run of notes: far fewer reads than the 100 pages of every event it would take
        assertThat(store.unfilteredReads).hasPositiveValue();
        assertThat(store.filteredReads).hasPositiveValue();
        assertThat(store.typesReceived).contains("ledger.credited.v1", "ledger.noted.v1");
        assertThat(store.unfilteredReads.get()).as("pages of every event").isLessThan(100);
    }

    @Test
    void a_rare_type_appended_later_is_found_from_a_checkpoint_at_the_head() throws Exception {
        // given: caught up over notes only
        for (int i = 0; i < 300; i++) {
            Ledger.append(store, "note-" + (i % 5), new Ledger.Noted("n" + i));
        }
        ProjectionEngine engine = start(ProjectionEngine.builder(store, checkpoints)
                .register(credits("later"), ProjectionStrategy.batched(5)).pageSize(50)
                .pollInterval(Duration.ofMillis(20)));
        assertThat(engine.awaitCaughtUp("later", 300, WAIT)).isTrue();
        awaitCheckpoint("later", 0, 300);
        assertThat(model.positions()).isEmpty();

        // when: more notes and a credit, through the engine
        for (int i = 0; i < 40; i++) {
            Ledger.append(engine.eventStore(), "note-1", new Ledger.Noted("m" + i));
        }
        AppendResult credit = Ledger.append(engine.eventStore(), "acc-1", new Ledger.Credited(9));

        // then
        assertThat(engine.awaitCaughtUp("later", credit.lastPosition(), WAIT)).isTrue();
        assertThat(model.positions()).containsExactly(credit.lastPosition());
        assertThat(store.typesReceived).containsExactly("ledger.credited.v1");
    }

    @Test
    void segments_still_split_by_stream_and_each_reaches_the_head() throws Exception {
        // given: credits over 20 streams between notes
        List<Long> creditPositions = new ArrayList<>();
        for (int i = 1; i <= 600; i++) {
            AppendResult r = i % 10 == 0 ? Ledger.append(store, "acc-" + (i % 20), new Ledger.Credited(i))
                    : Ledger.append(store, "note-" + (i % 3), new Ledger.Noted("n" + i));
            if (i % 10 == 0) {
                creditPositions.add(r.lastPosition());
            }
        }
        long head = store.headPosition();

        // when
        ProjectionEngine engine = start(ProjectionEngine.builder(store, checkpoints)
                .register(credits("segmented"), ProjectionStrategy.async().segments(4)).pageSize(7));

        // then: every credit once, in order per stream, and every segment's checkpoint at the head
        assertThat(engine.awaitCaughtUp("segmented", head, WAIT)).isTrue();
        assertThat(model.positions()).containsExactlyInAnyOrderElementsOf(creditPositions).doesNotHaveDuplicates();
        model.versionsByStream().values().forEach(v -> assertThat(v).isSorted());
        for (int s = 0; s < 4; s++) {
            awaitCheckpoint("segmented", s, head);
        }
        assertThat(store.typesReceived).containsExactly("ledger.credited.v1");
    }

    @Test
    void realtime_delivery_and_a_rebuild_read_by_type_too() throws Exception {
        // given
        ProjectionEngine engine = start(ProjectionEngine.builder(store, checkpoints)
                .register(credits("live"), ProjectionStrategy.realtime()).pageSize(10));
        EventStore appender = engine.eventStore();
        List<Long> credits = new ArrayList<>();
        for (int i = 1; i <= 200; i++) {
            AppendResult r = i % 50 == 0 ? Ledger.append(appender, "acc-1", new Ledger.Credited(i))
                    : Ledger.append(appender, "note-1", new Ledger.Noted("n" + i));
            if (i % 50 == 0) {
                credits.add(r.lastPosition());
                // then: read your own write
                assertThat(model.positions()).endsWith(r.lastPosition());
            }
        }
        assertThat(model.positions()).isEqualTo(credits);

        // when
        model.clear();
        engine.rebuild("live");

        // then
        assertThat(model.positions()).isEqualTo(credits);
        assertThat(store.unfilteredReads).hasValue(0);
        assertThat(store.typesReceived).containsExactly("ledger.credited.v1");
    }

    /** Writes events under the credit's type name whose payload a {@code Credited} cannot be read from. */
    record BadCredit(String amount) {
    }

    @Test
    void an_event_of_a_declared_type_that_cannot_be_read_is_dead_lettered_and_the_projection_goes_on() {
        // given: a credit that does not decode, among notes and good credits
        InMemoryEventStore badWriter = inMemory.withSerializer(JacksonEventSerializer.json(EventTypeRegistry.builder()
                .register("ledger.credited.v1", BadCredit.class).build()));
        for (int i = 0; i < 30; i++) {
            Ledger.append(store, "note-1", new Ledger.Noted("n" + i));
        }
        long good1 = Ledger.append(store, "acc-1", new Ledger.Credited(1)).lastPosition();
        for (int i = 0; i < 30; i++) {
            Ledger.append(store, "note-1", new Ledger.Noted("m" + i));
        }
        long bad = Ledger.append(badWriter, "acc-2", new BadCredit("not a number")).lastPosition();
        long good2 = Ledger.append(store, "acc-1", new Ledger.Credited(2)).lastPosition();
        long head = Ledger.append(store, "note-1", new Ledger.Noted("last")).lastPosition();

        // when
        ProjectionEngine engine = start(ProjectionEngine.builder(store, checkpoints)
                .register(credits("poisoned"), ProjectionStrategy.async().retries(2, Duration.ofMillis(1),
                        Duration.ofMillis(2))).pageSize(100));

        // then
        assertThat(engine.awaitCaughtUp("poisoned", head, WAIT)).isTrue();
        assertThat(model.positions()).containsExactly(good1, good2);
        assertThat(engine.deadLetters("poisoned", 10)).singleElement().satisfies(l -> {
            assertThat(l.position()).isEqualTo(bad);
            assertThat(l.eventType()).isEqualTo("ledger.credited.v1");
        });
        assertThat(engine.deadLetters("poisoned", 10)).extracting(ProjectionDeadLetter::attempts).containsExactly(1);
    }

    @Test
    void projections_of_every_type_and_the_switched_off_engine_read_every_event() {
        // given
        oneTypeAmongAThousand();
        long head = store.headPosition();

        // when
        ProjectionEngine engine = start(ProjectionEngine.builder(store, checkpoints)
                .register(credits("off"), ProjectionStrategy.async()).typeFilteredReads(false).pageSize(100));

        // then: the same result, from reads of every type
        assertThat(engine.awaitCaughtUp("off", head, WAIT)).isTrue();
        assertThat(model.positions()).hasSize(2);
        assertThat(store.filteredReads).hasValue(0);
        assertThat(store.typesReceived).contains("ledger.noted.v1");
    }
}
