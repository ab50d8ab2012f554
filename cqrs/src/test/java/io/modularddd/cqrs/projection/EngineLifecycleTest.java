package io.modularddd.cqrs.projection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modularddd.core.AggregateId;
import io.modularddd.core.ErasedEvent;
import io.modularddd.core.ExpectedVersion;
import io.modularddd.core.InMemoryEventStore;
import io.modularddd.core.InvalidInputException;
import io.modularddd.core.StoredEvent;
import io.modularddd.core.projection.InMemoryCheckpointStore;
import io.modularddd.core.projection.Projection;
import io.modularddd.core.serialization.EventTypeRegistry;
import io.modularddd.core.serialization.JacksonEventSerializer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Threads and leases on close, what handlers receive (upcast, erased, deleted streams), configuration errors. */
class EngineLifecycleTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final InMemoryEventStore store = Ledger.newStore();
    private final InMemoryCheckpointStore checkpoints = InMemoryCheckpointStore.create();

    private static Projection counting(String name, List<StoredEvent> seen) {
        return Projection.builder(name).onAny((payload, event, tx) -> {
            synchronized (seen) {
                seen.add(event);
            }
        }).build();
    }

    private static List<Thread> projectionThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("modularddd-projection-") && t.isAlive()).toList();
    }

    @Nested
    class Close {

        @Test
        void stops_and_joins_every_thread_it_started_even_one_waiting_to_retry() throws Exception {
            // given: one processor idle, one in a long backoff between attempts
            CountDownLatch failing = new CountDownLatch(1);
            Projection stuck = Projection.builder("stuck").on(Ledger.Credited.class, (c, e, tx) -> {
                failing.countDown();
                throw new IllegalStateException("always");
            }).build();
            Ledger.credits(store, 1, 1);
            ProjectionEngine engine = ProjectionEngine.builder(store, checkpoints)
                    .register(counting("idle", new ArrayList<>()), ProjectionStrategy.async())
                    .register(stuck, ProjectionStrategy.batched(5).retries(5, Duration.ofMinutes(1),
                            Duration.ofMinutes(1)))
                    .build();
            engine.start();
            assertThat(failing.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(projectionThreads()).extracting(Thread::getName)
                    .contains("modularddd-projection-idle", "modularddd-projection-stuck");

            // when
            long started = System.nanoTime();
            engine.close();

            // then
            assertThat(projectionThreads()).isEmpty();
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
        }

        @Test
        void releases_its_leases_so_another_process_takes_over_at_once() {
            // given
            ProjectionEngine engine = ProjectionEngine.builder(store, checkpoints)
                    .register(counting("released", new ArrayList<>()), ProjectionStrategy.async().segments(3))
                    .owner("first").build();
            engine.start();
            assertThat(engine.awaitCaughtUp("released", 0, WAIT)).isTrue();
            long head = Ledger.credits(engine.eventStore(), 12, 6);
            assertThat(engine.awaitCaughtUp("released", head, WAIT)).isTrue();

            // when
            engine.close();

            // then
            for (int segment = 0; segment < 3; segment++) {
                assertThat(checkpoints.tryClaim("released", segment, 3, "second", Duration.ofSeconds(5)))
                        .as("segment %d", segment).hasValueSatisfying(l -> assertThat(l.position()).isEqualTo(head));
            }
        }

        @Test
        void is_idempotent_and_a_closed_engine_does_not_start() {
            ProjectionEngine engine = ProjectionEngine.builder(store, checkpoints)
                    .register(counting("closed", new ArrayList<>()), ProjectionStrategy.async()).build();
            engine.close();
            engine.close();
            assertThatThrownBy(engine::start).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        }
    }

    @Nested
    class WhatHandlersReceive {

        record NoteV2(String first, String last) {
        }

        @Test
        void old_shapes_arrive_upcast_by_the_registry() {
            // given: stored as v1 by an older registry
            EventTypeRegistry v1 = EventTypeRegistry.builder().register("note.v1", Ledger.Noted.class).build();
            EventTypeRegistry v2 = EventTypeRegistry.builder().register("note.v2", NoteV2.class)
                    .upcast("note.v1", "note.v2", json -> {
                        String[] parts = ((ObjectNode) json).remove("text").asText().split(" ");
                        return ((ObjectNode) json).put("first", parts[0]).put("last", parts[1]);
                    }).build();
            InMemoryEventStore old = InMemoryEventStore.create(JacksonEventSerializer.json(v1));
            Ledger.append(old, "p-1", new Ledger.Noted("Ada Lovelace"));
            List<NoteV2> seen = new ArrayList<>();
            Projection names = Projection.builder("names")
                    .on(NoteV2.class, (note, event, tx) -> seen.add(note)).build();

            // when
            ProjectionEngine engine = ProjectionEngine.builder(old.withSerializer(JacksonEventSerializer.json(v2)),
                    checkpoints).register(names, ProjectionStrategy.realtime()).build();
            engine.start();
            engine.close();

            // then
            assertThat(seen).containsExactly(new NoteV2("Ada", "Lovelace"));
        }

        @Test
        void erased_events_arrive_as_the_erased_event_and_deleted_streams_stay_in_the_log() {
            // given
            Ledger.append(store, "gone", new Ledger.Credited(1));
            Ledger.append(store, "deleted", new Ledger.Credited(2));
            store.erase(AggregateId.of("gone"));
            store.delete(AggregateId.of("deleted"), ExpectedVersion.any());
            List<Object> seen = new ArrayList<>();
            Projection projection = Projection.builder("privacy")
                    .on(Ledger.Credited.class, (c, event, tx) -> seen.add(c))
                    .on(ErasedEvent.class, (erased, event, tx) -> seen.add(event.storedEventType()))
                    .build();

            // when
            ProjectionEngine engine = ProjectionEngine.builder(store, checkpoints)
                    .register(projection, ProjectionStrategy.realtime()).build();
            engine.start();
            engine.close();

            // then
            assertThat(seen).containsExactly("ledger.credited.v1", new Ledger.Credited(2));
        }
    }

    @Nested
    class Configuration {

        @Test
        void a_projection_of_an_unregistered_class_is_refused_naming_the_class_and_the_registered_types() {
            Projection projection = Projection.builder("bad").on(String.class, (s, e, tx) -> { }).build();
            assertThatThrownBy(() -> ProjectionEngine.builder(store, checkpoints)
                    .register(projection, ProjectionStrategy.async()).build())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("java.lang.String").hasMessageContaining("ledger.credited.v1");
        }

        @Test
        void two_projections_of_one_name_are_refused() {
            Projection one = counting("twice", new ArrayList<>());
            ProjectionEngineBuilder builder = ProjectionEngine.builder(store, checkpoints)
                    .register(one, ProjectionStrategy.async());
            assertThatThrownBy(() -> builder.register(one, ProjectionStrategy.batched(2)))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("'twice'");
        }

        @Test
        void strategies_check_their_settings() {
            assertThatThrownBy(() -> ProjectionStrategy.realtime().segments(2))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("realtime");
            assertThatThrownBy(() -> ProjectionStrategy.batched(0)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("maxBatch");
            assertThatThrownBy(() -> ProjectionStrategy.async().retries(2, Duration.ofSeconds(2),
                    Duration.ofSeconds(1))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("max");
            assertThatThrownBy(() -> Projection.builder("bad name")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("bad name");
            assertThatThrownBy(() -> Projection.builder("x").onAny((p, e, tx) -> { })
                    .on(Ledger.Credited.class, (c, e, tx) -> { })).isInstanceOf(IllegalStateException.class);
        }

        @Test
        void an_unknown_projection_name_is_an_invalid_input_naming_the_known_ones() {
            ProjectionEngine engine = ProjectionEngine.builder(store, checkpoints)
                    .register(counting("known", new ArrayList<>()), ProjectionStrategy.async()).build();
            assertThatThrownBy(() -> engine.rebuild("unknown")).isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("unknown").hasMessageContaining("[known]");
            engine.close();
        }
    }
}
