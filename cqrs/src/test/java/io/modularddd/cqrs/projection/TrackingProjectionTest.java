package io.modularddd.cqrs.projection;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.modularddd.core.AppendResult;
import io.modularddd.core.InMemoryEventStore;
import io.modularddd.core.StoredEvent;
import io.modularddd.core.projection.InMemoryCheckpointStore;
import io.modularddd.core.projection.LocalAppendSignal;
import io.modularddd.core.projection.Projection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Async and batched projections: catch-up, live tailing, wake-ups, batches and their commits, metrics. */
class TrackingProjectionTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final InMemoryEventStore store = Ledger.newStore();
    private final FencedCheckpoints checkpoints = new FencedCheckpoints(InMemoryCheckpointStore.create());
    private final ReadModel model = new ReadModel();
    private final List<ProjectionEngine> engines = new ArrayList<>();

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

    @Nested
    class Async {

        @Test
        void catches_up_from_its_checkpoint_then_tails_the_log() {
            // given
            long stored = Ledger.credits(store, 300, 5);
            ProjectionEngine engine = start(ProjectionEngine.builder(store, checkpoints)
                    .register(credits("async-credits"), ProjectionStrategy.async()).pageSize(100));

            // when
            assertThat(engine.awaitCaughtUp("async-credits", stored, WAIT)).isTrue();
            AppendResult live = Ledger.append(engine.eventStore(), "acc-9", new Ledger.Credited(1));

            // then
            assertThat(engine.awaitCaughtUp("async-credits", live.lastPosition(), WAIT)).isTrue();
            assertThat(model.positions()).isEqualTo(ReadModel.range(1, live.lastPosition()));
            assertThat(model.applied()).extracting(ReadModel.Applied::thread)
                    .containsOnly("modularddd-projection-async-credits");
        }

        @Test
        void an_append_through_the_engine_wakes_the_processor_long_before_the_poll() {
            // given: a poll interval no test waits for
            ProjectionEngine engine = start(ProjectionEngine.builder(store, checkpoints)
                    .register(credits("async-wake"), ProjectionStrategy.async()).pollInterval(Duration.ofMinutes(5)));
            assertThat(engine.awaitCaughtUp("async-wake", 0, WAIT)).isTrue();

            // when
            AppendResult r = Ledger.append(engine.eventStore(), "acc-1", new Ledger.Credited(3));

            // then
            assertThat(engine.awaitCaughtUp("async-wake", r.lastPosition(), WAIT)).isTrue();
        }

        @Test
        void the_signal_wakes_it_for_appends_made_elsewhere() {
            // given: appends go to the store directly (another process), announced on the signal
            LocalAppendSignal signal = LocalAppendSignal.create();
            ProjectionEngine engine = start(ProjectionEngine.builder(store, checkpoints)
                    .register(credits("async-signal"), ProjectionStrategy.async()).signal(signal)
                    .pollInterval(Duration.ofMinutes(5)));
            assertThat(engine.awaitCaughtUp("async-signal", 0, WAIT)).isTrue();

            // when
            AppendResult r = Ledger.append(store, "acc-1", new Ledger.Credited(3));
            signal.appended(r.lastPosition());

            // then
            assertThat(engine.awaitCaughtUp("async-signal", r.lastPosition(), WAIT)).isTrue();
            signal.close();
        }

        @Test
        void without_a_wake_up_the_bounded_poll_finds_new_events() {
            // given
            ProjectionEngine engine = start(ProjectionEngine.builder(store, checkpoints)
                    .register(credits("async-poll"), ProjectionStrategy.async()).pollInterval(Duration.ofMillis(20)));
            assertThat(engine.awaitCaughtUp("async-poll", 0, WAIT)).isTrue();

            // when: appended past the engine, announced nowhere
            AppendResult r = Ledger.append(store, "acc-1", new Ledger.Credited(3));

            // then
            assertThat(engine.awaitCaughtUp("async-poll", r.lastPosition(), WAIT)).isTrue();
            assertThat(model.positions()).containsExactly(r.lastPosition());
        }
    }

    @Nested
    class Batched {

        @Test
        void hands_the_handler_batches_of_up_to_n_with_one_commit_per_batch() {
            // given
            long head = Ledger.credits(store, 25, 3);
            List<Integer> sizes = new ArrayList<>();
            Projection batches = Projection.builder("batched-credits")
                    .batch(Set.of(Ledger.Credited.class), (events, tx) -> {
                        synchronized (sizes) {
                            sizes.add(events.size());
                        }
                        events.forEach(model::apply);
                    }).build();

            // when
            ProjectionEngine engine = start(ProjectionEngine.builder(store, checkpoints)
                    .register(batches, ProjectionStrategy.batched(10)));
            assertThat(engine.awaitCaughtUp("batched-credits", head, WAIT)).isTrue();

            // then
            assertThat(sizes).containsExactly(10, 10, 5);
            assertThat(checkpoints.commits()).extracting(FencedCheckpoints.Commit::position).containsExactly(10L, 20L,
                    25L);
            assertThat(model.positions()).isEqualTo(ReadModel.range(1, head));
        }

        @Test
        void while_catching_up_commits_a_page_at_a_time_in_calls_of_up_to_n() {
            // given: 250 stored, pages of 100: the first two pages are full
            long head = Ledger.credits(store, 250, 3);
            List<Integer> sizes = new ArrayList<>();
            Projection batches = Projection.builder("batched-catch-up")
                    .batch(Set.of(), (events, tx) -> {
                        synchronized (sizes) {
                            sizes.add(events.size());
                        }
                    }).build();

            // when
            ProjectionEngine engine = start(ProjectionEngine.builder(store, checkpoints)
                    .register(batches, ProjectionStrategy.batched(40)).pageSize(100));
            assertThat(engine.awaitCaughtUp("batched-catch-up", head, WAIT)).isTrue();

            // then
            assertThat(sizes).allSatisfy(size -> assertThat(size).isLessThanOrEqualTo(40));
            assertThat(sizes.stream().mapToInt(Integer::intValue).sum()).isEqualTo(250);
            assertThat(checkpoints.commits()).extracting(FencedCheckpoints.Commit::position)
                    .containsExactly(100L, 200L, 240L, 250L);
        }

        @Test
        void a_batch_handler_without_types_receives_every_event() {
            // given
            Ledger.append(store, "acc-1", new Ledger.Noted("a"), new Ledger.Credited(1));
            List<StoredEvent> seen = new ArrayList<>();
            Projection all = Projection.builder("batched-all").batch(Set.of(), (events, tx) -> {
                synchronized (seen) {
                    seen.addAll(events);
                }
            }).build();

            // when
            ProjectionEngine engine = start(ProjectionEngine.builder(store, checkpoints)
                    .register(all, ProjectionStrategy.batched(5)));

            // then
            assertThat(engine.awaitCaughtUp("batched-all", 2, WAIT)).isTrue();
            assertThat(seen).extracting(StoredEvent::payload).containsExactly(new Ledger.Noted("a"),
                    new Ledger.Credited(1));
        }
    }

    @Test
    void lag_and_throughput_are_metered_per_projection_and_segment() {
        // given
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        long head = Ledger.credits(store, 40, 4);

        // when
        ProjectionEngine engine = start(ProjectionEngine.builder(store, checkpoints)
                .register(credits("metered"), ProjectionStrategy.async().segments(2)).meterRegistry(meters));
        assertThat(engine.awaitCaughtUp("metered", head, WAIT)).isTrue();

        // then
        double events = 0;
        for (String segment : List.of("0", "1")) {
            assertThat(meters.get("modularddd.projection.lag").tag("projection", "metered").tag("segment", segment)
                    .gauge().value()).isZero();
            events += meters.get("modularddd.projection.events").tag("projection", "metered")
                    .tag("segment", segment).counter().count();
        }
        assertThat(events).isEqualTo(40);
    }

    @Test
    void the_lag_gauge_shows_how_far_behind_the_head_a_segment_is() throws InterruptedException {
        // given: a handler held at its first event
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Projection slow = Projection.builder("lagging").on(Ledger.Credited.class, (c, e, tx) -> {
            entered.countDown();
            release.await();
        }).build();
        long head = Ledger.credits(store, 10, 1);
        ProjectionEngine engine = start(ProjectionEngine.builder(store, checkpoints)
                .register(slow, ProjectionStrategy.batched(1)).meterRegistry(meters));

        // when
        try {
            assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();

            // then
            assertThat(meters.get("modularddd.projection.lag").tag("projection", "lagging").gauge().value())
                    .isEqualTo(10.0);
        } finally {
            release.countDown();
        }
        assertThat(engine.awaitCaughtUp("lagging", head, WAIT)).isTrue();
        assertThat(meters.get("modularddd.projection.lag").tag("projection", "lagging").gauge().value()).isZero();
    }
}
