package io.modularddd.cqrs.projection;

import static org.assertj.core.api.Assertions.assertThat;

import io.modularddd.core.AppendResult;
import io.modularddd.core.InMemoryEventStore;
import io.modularddd.core.projection.InMemoryCheckpointStore;
import io.modularddd.core.projection.Projection;
import io.modularddd.core.projection.ProjectionDeadLetter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Retries, dead letters, the stop policy, events that cannot be read, and dead-letter replay. */
class FailurePolicyTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final long POISON = 13;

    private final InMemoryEventStore store = Ledger.newStore();
    private final InMemoryCheckpointStore checkpoints = InMemoryCheckpointStore.create();
    private final ReadModel model = new ReadModel();
    private final Map<Long, AtomicInteger> tries = new ConcurrentHashMap<>();
    private final AtomicBoolean fixed = new AtomicBoolean();
    private final List<ProjectionEngine> engines = new ArrayList<>();

    @AfterEach
    void close() {
        engines.forEach(ProjectionEngine::close);
    }

    /** Fails on the credit of amount {@link #POISON} until {@link #fixed}; fails {@code transient} times on 7. */
    private Projection failing(String name, int transientFailures) {
        return Projection.builder(name).on(Ledger.Credited.class, (c, event, tx) -> {
            int n = tries.computeIfAbsent(c.amount(), k -> new AtomicInteger()).incrementAndGet();
            if (c.amount() == POISON && !fixed.get()) {
                throw new IllegalStateException("cannot apply credit " + c.amount());
            }
            if (c.amount() == 7 && n <= transientFailures) {
                throw new java.io.IOException("read model unavailable (try " + n + ")");
            }
            model.apply(event);
        }).build();
    }

    private ProjectionEngine start(Projection projection, ProjectionStrategy strategy) {
        ProjectionEngine engine = ProjectionEngine.builder(store, checkpoints).register(projection, strategy)
                .build();
        engines.add(engine);
        engine.start();
        return engine;
    }

    private static ProjectionStrategy fast(ProjectionStrategy s) {
        return s.retries(3, Duration.ofMillis(1), Duration.ofMillis(5));
    }

    @Test
    void a_failure_that_passes_is_retried_and_the_event_applied_once() {
        // given
        long head = Ledger.credits(store, 10, 2);

        // when
        ProjectionEngine engine = start(failing("transient", 2), fast(ProjectionStrategy.batched(1)));

        // then
        assertThat(engine.awaitCaughtUp("transient", head, WAIT)).isTrue();
        assertThat(tries.get(7L)).hasValue(3);
        assertThat(model.positions()).isEqualTo(ReadModel.range(1, head));
        assertThat(engine.deadLetters("transient", 10)).isEmpty();
    }

    @Nested
    class DeadLetterPolicy {

        @Test
        void after_the_last_attempt_the_event_becomes_a_dead_letter_and_the_projection_goes_on() {
            // given
            long head = Ledger.credits(store, 20, 3);

            // when
            ProjectionEngine engine = start(failing("dead-letters", 0), fast(ProjectionStrategy.async()));

            // then
            assertThat(engine.awaitCaughtUp("dead-letters", head, WAIT)).isTrue();
            assertThat(model.positions()).doesNotContain(POISON).hasSize(19);
            List<ProjectionDeadLetter> letters = engine.deadLetters("dead-letters", 10);
            assertThat(letters).singleElement().satisfies(l -> {
                assertThat(l.position()).isEqualTo(POISON);
                assertThat(l.streamId()).isEqualTo("acc-" + (POISON % 3));
                assertThat(l.eventType()).isEqualTo("ledger.credited.v1");
                assertThat(l.attempts()).isEqualTo(3);
                assertThat(l.error()).contains("IllegalStateException", "cannot apply credit 13");
            });
            assertThat(engine.status("dead-letters").state()).isEqualTo(ProjectionEngine.State.RUNNING);
        }

        @Test
        void a_failing_batch_is_split_to_find_the_failing_event_and_the_others_are_applied_at_least_once() {
            // given
            long head = Ledger.credits(store, 20, 3);

            // when
            ProjectionEngine engine = start(failing("split", 0), fast(ProjectionStrategy.batched(10)));

            // then
            assertThat(engine.awaitCaughtUp("split", head, WAIT)).isTrue();
            List<Long> expected = new ArrayList<>(ReadModel.range(1, head));
            expected.remove(POISON);
            assertThat(model.positions().stream().distinct().toList()).isEqualTo(expected);
            // an in-memory read model has no transaction to roll back: the events the failing handler call applied
            // before the poison (11, 12) are applied again by the retries (at least once); none of another batch
            assertThat(model.positions().stream().filter(p -> p < 11 || p > 12)).doesNotHaveDuplicates();
            assertThat(engine.deadLetters("split", 10)).extracting(ProjectionDeadLetter::position)
                    .containsExactly(POISON);
        }

        @Test
        void dead_letters_are_replayed_once_the_cause_is_fixed() {
            // given
            long head = Ledger.credits(store, 20, 3);
            ProjectionEngine engine = start(failing("replayed", 0), fast(ProjectionStrategy.async().segments(2)));
            assertThat(engine.awaitCaughtUp("replayed", head, WAIT)).isTrue();
            ProjectionEngine.ReplayReport stillFailing = engine.replayDeadLetters("replayed", 10);

            // when
            fixed.set(true);
            ProjectionEngine.ReplayReport report = engine.replayDeadLetters("replayed", 10);

            // then
            assertThat(stillFailing).isEqualTo(new ProjectionEngine.ReplayReport(0, 1, 0));
            assertThat(report).isEqualTo(new ProjectionEngine.ReplayReport(1, 0, 0));
            assertThat(engine.deadLetters("replayed", 10)).isEmpty();
            assertThat(model.positions()).contains(POISON).hasSize(20);
        }

        @Test
        void a_failed_replay_keeps_the_dead_letter_with_one_more_attempt() {
            // given
            long head = Ledger.credits(store, 15, 1);
            ProjectionEngine engine = start(failing("replay-fails", 0), fast(ProjectionStrategy.async()));
            assertThat(engine.awaitCaughtUp("replay-fails", head, WAIT)).isTrue();

            // when
            engine.replayDeadLetters("replay-fails", 10);

            // then
            assertThat(engine.deadLetters("replay-fails", 10)).singleElement()
                    .satisfies(l -> assertThat(l.attempts()).isEqualTo(4));
        }
    }

    @Nested
    class StopPolicy {

        @Test
        void the_projection_stops_at_the_failing_event_and_resumes_there() {
            // given
            long head = Ledger.credits(store, 20, 3);
            ProjectionEngine engine = start(failing("stops", 0),
                    fast(ProjectionStrategy.async()).onFailure(ProjectionStrategy.OnFailure.STOP));

            // when
            assertThat(engine.awaitCaughtUp("stops", head, WAIT)).isFalse();

            // then
            ProjectionEngine.Status status = engine.status("stops");
            assertThat(status.state()).isEqualTo(ProjectionEngine.State.STOPPED);
            assertThat(status.stoppedAt()).isEqualTo(POISON);
            assertThat(status.failure()).contains("cannot apply credit 13");
            assertThat(model.positions()).isEqualTo(ReadModel.range(1, POISON - 1));
            assertThat(tries.get(POISON)).hasValue(3);
            assertThat(engine.deadLetters("stops", 10)).isEmpty();

            // and when fixed
            fixed.set(true);
            engine.resume("stops");
            assertThat(engine.awaitCaughtUp("stops", head, WAIT)).isTrue();
            assertThat(model.positions()).isEqualTo(ReadModel.range(1, head));
        }

        @Test
        void a_realtime_projection_stops_too_and_the_append_still_succeeds() {
            // given
            ProjectionEngine engine = start(failing("realtime-stops", 0),
                    fast(ProjectionStrategy.realtime()).onFailure(ProjectionStrategy.OnFailure.STOP));

            // when
            long head = Ledger.credits(engine.eventStore(), 20, 3);

            // then
            assertThat(store.headPosition()).isEqualTo(head);
            assertThat(engine.status("realtime-stops").stoppedAt()).isEqualTo(POISON);
            assertThat(model.positions()).isEqualTo(ReadModel.range(1, POISON - 1));
            fixed.set(true);
            engine.resume("realtime-stops");
            assertThat(model.positions()).isEqualTo(ReadModel.range(1, head));
        }
    }

    @Nested
    class UnreadableEvents {

        private long appendSecretBetweenCredits() {
            InMemoryEventStore writer = Ledger.writer(store);
            Ledger.credits(store, 5, 2);
            AppendResult secret = Ledger.append(writer, "acc-1", new Ledger.Secret("s"));
            Ledger.credits(store, 5, 2);
            return secret.lastPosition();
        }

        private Projection everything(String name, AtomicInteger calls) {
            return Projection.builder(name).onAny((payload, event, tx) -> {
                calls.incrementAndGet();
                model.apply(event);
            }).build();
        }

        @Test
        void a_projection_of_every_type_dead_letters_an_event_whose_type_is_not_registered_and_goes_on() {
            // given
            long secret = appendSecretBetweenCredits();
            AtomicInteger calls = new AtomicInteger();

            // when
            ProjectionEngine engine = start(everything("audit", calls), fast(ProjectionStrategy.batched(3)));

            // then
            assertThat(engine.awaitCaughtUp("audit", 11, WAIT)).isTrue();
            assertThat(model.positions()).hasSize(10).doesNotContain(secret);
            assertThat(calls).hasValue(10);
            assertThat(engine.deadLetters("audit", 10)).singleElement().satisfies(l -> {
                assertThat(l.position()).isEqualTo(secret);
                assertThat(l.eventType()).isEqualTo("ledger.secret.v1");
                assertThat(l.attempts()).isEqualTo(1);
                assertThat(l.error()).contains("not registered");
            });
        }

        @Test
        void one_in_a_page_read_ahead_while_catching_up_is_dealt_with_the_same_way() {
            // given: pages of 20, read two ahead; the unreadable event lies in the fifth page
            Ledger.credits(store, 90, 4);
            AppendResult secret = Ledger.append(Ledger.writer(store), "acc-1", new Ledger.Secret("s"));
            long head = Ledger.credits(store, 70, 4);
            AtomicInteger calls = new AtomicInteger();
            ProjectionEngine engine = ProjectionEngine.builder(store, checkpoints)
                    .register(everything("audit-ahead", calls), fast(ProjectionStrategy.async()))
                    .pageSize(20).readAhead(2).build();
            engines.add(engine);

            // when
            engine.start();

            // then
            assertThat(engine.awaitCaughtUp("audit-ahead", head, WAIT)).isTrue();
            assertThat(model.positions()).hasSize(160).doesNotContain(secret.lastPosition()).doesNotHaveDuplicates();
            assertThat(engine.deadLetters("audit-ahead", 10)).extracting(ProjectionDeadLetter::position)
                    .containsExactly(secret.lastPosition());
        }

        @Test
        void with_the_stop_policy_it_stops_there_rather_than_loop() {
            // given
            long secret = appendSecretBetweenCredits();
            AtomicInteger calls = new AtomicInteger();

            // when
            ProjectionEngine engine = start(everything("audit-stops", calls),
                    fast(ProjectionStrategy.async()).onFailure(ProjectionStrategy.OnFailure.STOP));

            // then
            assertThat(engine.awaitCaughtUp("audit-stops", 11, Duration.ofMillis(500))).isFalse();
            assertThat(engine.status("audit-stops").stoppedAt()).isEqualTo(secret);
            assertThat(model.positions()).isEqualTo(ReadModel.range(1, secret - 1));
        }

        @Test
        void a_projection_of_other_types_skips_it_without_a_dead_letter() {
            // given
            long secret = appendSecretBetweenCredits();

            // when
            ProjectionEngine engine = start(failing("typed", 0), fast(ProjectionStrategy.async()));

            // then
            assertThat(engine.awaitCaughtUp("typed", 11, WAIT)).isTrue();
            assertThat(model.positions()).hasSize(10).doesNotContain(secret);
            assertThat(engine.deadLetters("typed", 10)).isEmpty();
        }

        @Test
        void a_realtime_projection_of_every_type_dead_letters_it_in_the_appending_thread() {
            // given
            AtomicInteger calls = new AtomicInteger();
            ProjectionEngine engine = start(everything("audit-realtime", calls), fast(ProjectionStrategy.realtime()));

            // when: the unreadable event is committed by another writer, then a credit through the engine
            AppendResult secret = Ledger.append(Ledger.writer(store), "acc-1", new Ledger.Secret("s"));
            AppendResult credit = Ledger.append(engine.eventStore(), "acc-1", new Ledger.Credited(1));

            // then
            assertThat(model.positions()).containsExactly(credit.lastPosition());
            assertThat(engine.deadLetters("audit-realtime", 10)).extracting(ProjectionDeadLetter::position)
                    .containsExactly(secret.lastPosition());
        }
    }

    @Test
    void a_batch_handler_gets_the_same_policy() {
        // given
        long head = Ledger.credits(store, 30, 3);
        Projection batches = Projection.builder("batch-poison").batch(Set.of(Ledger.Credited.class), (events, tx) -> {
            for (var e : events) {
                if (e.payloadAs(Ledger.Credited.class).amount() == POISON) {
                    throw new IllegalStateException("poison in batch");
                }
            }
            events.forEach(model::apply);
        }).build();

        // when
        ProjectionEngine engine = start(batches, fast(ProjectionStrategy.batched(8)));

        // then
        assertThat(engine.awaitCaughtUp("batch-poison", head, WAIT)).isTrue();
        assertThat(model.positions()).hasSize(29).doesNotContain(POISON);
        assertThat(engine.deadLetters("batch-poison", 10)).extracting(ProjectionDeadLetter::position)
                .containsExactly(POISON);
    }
}
