package io.modularddd.cqrs.projection;

import static org.assertj.core.api.Assertions.assertThat;

import io.modularddd.core.AppendResult;
import io.modularddd.core.EventStore;
import io.modularddd.core.InMemoryEventStore;
import io.modularddd.core.projection.InMemoryCheckpointStore;
import io.modularddd.core.projection.Projection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RealtimeProjectionTest {

    private final InMemoryEventStore store = Ledger.newStore();
    private final InMemoryCheckpointStore checkpoints = InMemoryCheckpointStore.create();
    private final ReadModel model = new ReadModel();
    private final Projection projection = Projection.builder("realtime-credits")
            .on(Ledger.Credited.class, (credited, event, tx) -> model.apply(event))
            .onReset(model::clear)
            .build();
    private ProjectionEngine engine;

    @AfterEach
    void close() {
        if (engine != null) {
            engine.close();
        }
    }

    private EventStore started() {
        engine = ProjectionEngine.builder(store, checkpoints).register(projection, ProjectionStrategy.realtime())
                .build();
        engine.start();
        return engine.eventStore();
    }

    @Test
    void the_caller_reads_its_own_write_as_the_append_returns() {
        // given
        EventStore events = started();

        // when
        AppendResult result = Ledger.append(events, "acc-1", new Ledger.Credited(5), new Ledger.Credited(7));

        // then: applied before append returned, on the appending thread
        assertThat(model.positions()).containsExactly(result.firstPosition(), result.lastPosition());
        assertThat(model.applied()).extracting(ReadModel.Applied::thread)
                .containsOnly(Thread.currentThread().getName());
        assertThat(checkpoints.position("realtime-credits", 0)).isEqualTo(result.lastPosition());
    }

    @Test
    void start_catches_up_with_events_stored_before_it() {
        // given
        long head = Ledger.credits(store, 30, 3);

        // when
        started();

        // then
        assertThat(model.positions()).isEqualTo(ReadModel.range(1, head));
    }

    @Test
    void events_of_other_types_are_skipped_and_the_checkpoint_still_moves() {
        // given
        EventStore events = started();

        // when
        Ledger.append(events, "acc-1", new Ledger.Noted("hello"));
        AppendResult credit = Ledger.append(events, "acc-1", new Ledger.Credited(1));
        Ledger.append(events, "acc-1", new Ledger.Noted("bye"));

        // then
        assertThat(model.positions()).containsExactly(credit.lastPosition());
        assertThat(model.applied().get(0).payload()).isEqualTo(new Ledger.Credited(1));
    }

    @Test
    void concurrent_appenders_each_read_their_own_write_and_every_event_is_applied_once_in_stream_order()
            throws Exception {
        // given
        EventStore events = started();
        int threads = 8;
        int perThread = 50;
        CyclicBarrier start = new CyclicBarrier(threads);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<Integer>> results = new ArrayList<>();

        // when
        for (int t = 0; t < threads; t++) {
            int thread = t;
            results.add(pool.submit(() -> {
                start.await();
                int missing = 0;
                for (int i = 0; i < perThread; i++) {
                    AppendResult r = Ledger.append(events, "acc-" + (i % 4), new Ledger.Credited(thread * 1000L + i));
                    if (!model.positions().contains(r.lastPosition())) {
                        missing++;
                    }
                }
                return missing;
            }));
        }
        pool.shutdown();
        assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();

        // then
        for (Future<Integer> f : results) {
            assertThat(f.get()).as("appends whose event was not applied when append returned").isZero();
        }
        assertThat(model.positions()).isEqualTo(ReadModel.range(1, threads * perThread));
        for (Map.Entry<String, List<Long>> stream : model.versionsByStream().entrySet()) {
            assertThat(stream.getValue()).as(stream.getKey()).isSorted().doesNotHaveDuplicates();
        }
    }

    @Test
    void a_restarted_engine_goes_on_from_the_checkpoint_without_repeating() {
        // given
        EventStore events = started();
        Ledger.credits(events, 10, 2);
        engine.close();
        long head = Ledger.credits(store, 5, 2);

        // when
        started();

        // then
        assertThat(model.positions()).isEqualTo(ReadModel.range(1, head));
    }
}
