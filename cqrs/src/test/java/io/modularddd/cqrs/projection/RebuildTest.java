package io.modularddd.cqrs.projection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modularddd.core.EventStore;
import io.modularddd.core.InMemoryEventStore;
import io.modularddd.core.projection.InMemoryCheckpointStore;
import io.modularddd.core.projection.Projection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Replay: reset, the reset hook, a full-speed catch-up while appends go on, and back to tailing. */
class RebuildTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private final InMemoryEventStore store = Ledger.newStore();
    private final FencedCheckpoints checkpoints = new FencedCheckpoints(InMemoryCheckpointStore.create());
    private final ReadModel model = new ReadModel();
    private final List<ProjectionEngine> engines = new ArrayList<>();
    private final ExecutorService writers = Executors.newFixedThreadPool(4);

    @AfterEach
    void close() throws InterruptedException {
        writers.shutdownNow();
        assertThat(writers.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        engines.forEach(ProjectionEngine::close);
    }

    private Projection credits(String name) {
        return Projection.builder(name)
                .on(Ledger.Credited.class, (c, event, tx) -> model.apply(event))
                .onReset(model::clear)
                .build();
    }

    private ProjectionEngine start(Projection projection, ProjectionStrategy strategy) {
        ProjectionEngine engine = ProjectionEngine.builder(store, checkpoints).register(projection, strategy)
                .pageSize(500).build();
        engines.add(engine);
        engine.start();
        return engine;
    }

    /** Appends {@code count} credits on each of {@code threads} threads once {@code go} opens. */
    private List<Future<?>> writeWhile(EventStore events, int threads, int count, CountDownLatch go) {
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            done.add(writers.submit(() -> {
                go.await();
                for (int i = 0; i < count; i++) {
                    Ledger.append(events, "w" + thread + "-" + (i % 5), new Ledger.Credited(i));
                }
                return null;
            }));
        }
        return done;
    }

    @Test
    void an_async_rebuild_while_appends_go_on_loses_and_repeats_nothing() throws Exception {
        // given: a writer that goes on until told to stop
        Ledger.credits(store, 2000, 10);
        ProjectionEngine engine = start(credits("rebuilt-async"), ProjectionStrategy.async());
        assertThat(engine.awaitCaughtUp("rebuilt-async", 2000, WAIT)).isTrue();
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch first = new CountDownLatch(100);
        CountDownLatch more = new CountDownLatch(400);
        Future<?> writing = writers.submit(() -> {
            for (int i = 0; !stop.get(); i++) {
                Ledger.append(engine.eventStore(), "w-" + (i % 7), new Ledger.Credited(i));
                (first.getCount() > 0 ? first : more).countDown();
            }
        });
        assertThat(first.await(10, TimeUnit.SECONDS)).isTrue();
        int commitsBefore = checkpoints.commits().size();

        // when: rebuilt while the writer appends; it keeps appending past the catch-up
        engine.rebuild("rebuilt-async");
        assertThat(engine.awaitCaughtUp("rebuilt-async", 2100, WAIT)).isTrue();
        assertThat(more.await(10, TimeUnit.SECONDS)).isTrue();
        stop.set(true);
        writing.get(10, TimeUnit.SECONDS);
        long head = store.headPosition();

        // then
        assertThat(engine.awaitCaughtUp("rebuilt-async", head, WAIT)).isTrue();
        assertThat(model.positions()).isEqualTo(ReadModel.range(1, head));
        // the catch-up went a full page per commit
        assertThat(checkpoints.commits().subList(commitsBefore, checkpoints.commits().size()))
                .extracting(FencedCheckpoints.Commit::position).contains(500L, 1000L, 1500L);
    }

    @Test
    void a_realtime_rebuild_catches_up_on_the_calling_thread_while_appenders_go_on() throws Exception {
        // given
        Ledger.credits(store, 1500, 10);
        ProjectionEngine engine = start(credits("rebuilt-realtime"), ProjectionStrategy.realtime());
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> writing = writeWhile(engine.eventStore(), 4, 200, go);

        // when
        go.countDown();
        long before = store.headPosition();
        engine.rebuild("rebuilt-realtime");

        // then: caught up with everything committed before the call when it returns
        assertThat(model.positions().size()).isGreaterThanOrEqualTo((int) before);
        for (Future<?> f : writing) {
            f.get(30, TimeUnit.SECONDS);
        }
        assertThat(model.positions()).isEqualTo(ReadModel.range(1, store.headPosition()));
    }

    @Test
    void a_failing_reset_hook_stops_the_projection_until_a_rebuild_succeeds() {
        // given
        long head = Ledger.credits(store, 20, 2);
        AtomicBoolean broken = new AtomicBoolean(true);
        Projection projection = Projection.builder("reset-fails")
                .on(Ledger.Credited.class, (c, event, tx) -> model.apply(event))
                .onReset(() -> {
                    if (broken.get()) {
                        throw new IllegalStateException("cannot truncate");
                    }
                    model.clear();
                }).build();
        ProjectionEngine engine = start(projection, ProjectionStrategy.async());
        assertThat(engine.awaitCaughtUp("reset-fails", head, WAIT)).isTrue();

        // when
        assertThatThrownBy(() -> engine.rebuild("reset-fails")).isInstanceOf(ProjectionResetException.class)
                .hasMessageContaining("cannot truncate").hasMessageContaining("rebuild(\"reset-fails\")");

        // then: not replayed onto the old model
        assertThat(engine.status("reset-fails").state()).isEqualTo(ProjectionEngine.State.STOPPED);
        assertThat(engine.awaitCaughtUp("reset-fails", head, Duration.ofMillis(200))).isFalse();
        assertThat(model.positions()).isEqualTo(ReadModel.range(1, head));

        // and when the hook works
        broken.set(false);
        engine.rebuild("reset-fails");
        assertThat(engine.awaitCaughtUp("reset-fails", head, WAIT)).isTrue();
        assertThat(model.positions()).isEqualTo(ReadModel.range(1, head));
    }
}
