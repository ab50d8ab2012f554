package io.modularddd.core.serialization;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modularddd.core.AggregateId;
import io.modularddd.core.AppendRequest;
import io.modularddd.core.EventStream;
import io.modularddd.core.ExpectedVersion;
import io.modularddd.core.InMemoryEventStore;
import io.modularddd.core.InvalidInputException;
import io.modularddd.core.NewEvent;
import io.modularddd.core.StoredEvent;
import io.modularddd.core.UnreadableEventException;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Schema evolution: upcaster chains composed at build, applied on every read, never rewriting storage. */
class UpcastingTest {

    /** v1: one name field, amount as text. */
    record OpenedV1(String name, String amount) {
    }

    /** v3: the name split in two, amount a number, a currency with its default. */
    record OpenedV3(String first, String last, long amountCents, String currency) {
    }

    static final String V1 = "acct.opened.v1";
    static final String V2 = "acct.opened.v2";
    static final String V3 = "acct.opened.v3";

    /** v1 -> v2: amount from text to cents; v2 -> v3: name split, currency added. */
    static EventTypeRegistry.Builder evolved() {
        return EventTypeRegistry.builder()
                .register(V3, OpenedV3.class)
                .upcast(V1, V2, json -> {
                    ObjectNode o = (ObjectNode) json;
                    o.put("amountCents", Math.round(Double.parseDouble(o.remove("amount").asText()) * 100));
                    return o;
                })
                .upcast(V2, V3, json -> {
                    ObjectNode o = (ObjectNode) json;
                    String[] parts = o.remove("name").asText().split(" ", 2);
                    o.put("first", parts[0]);
                    o.put("last", parts.length > 1 ? parts[1] : "");
                    o.put("currency", "EUR");
                    return o;
                });
    }

    /** A store holding two v1 events, written by the old code. */
    static InMemoryEventStore oldEvents(AggregateId id) {
        InMemoryEventStore old = InMemoryEventStore.create(JacksonEventSerializer.json(EventTypeRegistry.builder()
                .register(V1, OpenedV1.class).build()));
        old.append(AppendRequest.of(id, "Account", ExpectedVersion.noStream(),
                NewEvent.of(new OpenedV1("Ada Lovelace", "12.50")), NewEvent.of(new OpenedV1("Grace", "3"))));
        return old;
    }

    @Nested
    class Reading {

        @Test
        void old_events_read_in_the_newest_shape_with_their_stored_type_kept() {
            // given: v1 events in the store, and a reader whose registry knows only v3 and two steps
            AggregateId id = AggregateId.of("acc-1");
            InMemoryEventStore store = oldEvents(id).withSerializer(JacksonEventSerializer.json(evolved().build()));

            // when
            List<StoredEvent> events;
            try (EventStream s = store.load(id)) {
                events = s.toList();
            }

            // then: payloads in the v3 shape, read as v3, the stored name visible for auditing
            assertThat(events).extracting(StoredEvent::payload).containsExactly(
                    new OpenedV3("Ada", "Lovelace", 1250, "EUR"), new OpenedV3("Grace", "", 300, "EUR"));
            assertThat(events).extracting(StoredEvent::eventType).containsOnly(V3);
            assertThat(events).extracting(StoredEvent::storedEventType).containsOnly(V1);
            assertThat(events).allMatch(StoredEvent::isUpcast);
            assertThat(events.get(0).metadata().isEmpty()).isTrue();
            // the same through readAll and loadBatch
            try (EventStream s = store.readAll(1, 10)) {
                assertThat(s.toList()).extracting(StoredEvent::eventType).containsOnly(V3);
            }
            assertThat(store.loadBatch(List.of(id), 1, 2).get(id).toList()).extracting(StoredEvent::payload)
                    .hasOnlyElementsOfType(OpenedV3.class);
        }

        @Test
        void reading_never_rewrites_the_stored_events() {
            AggregateId id = AggregateId.of("acc-2");
            InMemoryEventStore old = oldEvents(id);
            old.withSerializer(JacksonEventSerializer.json(evolved().build())).load(id).count();

            try (EventStream s = old.load(id)) {
                StoredEvent first = s.toList().get(0);
                assertThat(first.payload()).isEqualTo(new OpenedV1("Ada Lovelace", "12.50"));
                assertThat(first.isUpcast()).isFalse();
            }
        }

        @Test
        void a_failing_step_names_the_stream_version_position_and_the_step() {
            AggregateId id = AggregateId.of("acc-3");
            EventTypeRegistry broken = EventTypeRegistry.builder().register(V3, OpenedV3.class)
                    .upcast(V1, V2, json -> json)
                    .upcast(V2, V3, json -> {
                        throw new IllegalStateException("no name to split");
                    }).build();
            InMemoryEventStore store = oldEvents(id).withSerializer(JacksonEventSerializer.json(broken));

            assertThatThrownBy(() -> store.load(id).toList())
                    .isInstanceOfSatisfying(UnreadableEventException.class, e -> {
                        assertThat(e.aggregateId()).isEqualTo(id);
                        assertThat(e.version()).isEqualTo(1);
                        assertThat(e.position()).isEqualTo(1);
                    })
                    .hasMessageContaining("'acct.opened.v2' -> 'acct.opened.v3'")
                    .hasMessageContaining("no name to split");
        }

        @Test
        void new_events_are_read_without_any_step() {
            AggregateId id = AggregateId.of("acc-4");
            InMemoryEventStore store = InMemoryEventStore.create(JacksonEventSerializer.json(evolved().build()));
            store.append(AppendRequest.of(id, "Account", ExpectedVersion.noStream(),
                    NewEvent.of(new OpenedV3("Ada", "L", 1, "GBP"))));
            StoredEvent e = store.load(id).toList().get(0);
            assertThat(e.payload()).isEqualTo(new OpenedV3("Ada", "L", 1, "GBP"));
            assertThat(e.isUpcast()).isFalse();
            assertThat(e.storedEventType()).isEqualTo(V3);
        }
    }

    @Nested
    class Composition {

        @Test
        void chains_are_composed_once_when_the_registry_is_built() {
            EventTypeRegistry registry = evolved().build();
            UpcastChain chain = registry.upcastOf(V1).orElseThrow();
            assertThat(chain.length()).isEqualTo(2);
            assertThat(chain.targetType()).isEqualTo(V3);
            assertThat(registry.upcastOf(V1).orElseThrow()).isSameAs(chain);
            assertThat(registry.upcastOf(V2).orElseThrow().length()).isEqualTo(1);
            assertThat(registry.upcastOf(V3)).isEmpty();
            assertThat(registry.currentTypeName(V1)).isEqualTo(V3);
            assertThat(registry.isReadable(V1)).isTrue();
            assertThat(registry.isReadable("acct.unknown.v1")).isFalse();
        }

        @Test
        void a_cycle_is_refused_naming_the_types() {
            assertThatThrownBy(() -> EventTypeRegistry.builder().register(V3, OpenedV3.class)
                    .upcast(V1, V2, j -> j).upcast(V2, V1, j -> j).build())
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("cycle")
                    .hasMessageContaining(V1).hasMessageContaining(V2);
        }

        @Test
        void two_steps_from_one_type_are_refused() {
            assertThatThrownBy(() -> EventTypeRegistry.builder().upcast(V1, V2, j -> j).upcast(V1, V3, j -> j))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("two upcaster steps start at '"
                            + V1 + "'");
        }

        @Test
        void a_chain_ending_in_an_unregistered_type_is_refused() {
            assertThatThrownBy(() -> EventTypeRegistry.builder().register(V3, OpenedV3.class)
                    .upcast(V1, V2, j -> j).build())
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining(V1 + " -> " + V2).hasMessageContaining("not registered");
        }

        @Test
        void a_source_that_is_also_registered_is_refused() {
            assertThatThrownBy(() -> EventTypeRegistry.builder().register(V3, OpenedV3.class)
                    .register(V1, OpenedV1.class).upcast(V1, V3, j -> j).build())
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("either read into its class or "
                            + "upcast");
        }

        @Test
        void bad_steps_are_refused_at_once() {
            assertThatThrownBy(() -> EventTypeRegistry.builder().upcast(V1, V1, j -> j))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> EventTypeRegistry.builder().upcast(V1, V2, null))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("null");
            assertThatThrownBy(() -> EventTypeRegistry.builder().upcast("bad name", V2, j -> j))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bad name");
        }
    }

    @Nested
    class Untyped {

        @Test
        void the_raw_view_reads_every_event_as_stored_json_without_classes() {
            AggregateId id = AggregateId.of("acc-5");
            InMemoryEventStore raw = oldEvents(id).withSerializer(UntypedJsonSerializer.raw());

            StoredEvent e = raw.load(id).toList().get(0);
            assertThat(e.payload()).isInstanceOf(JsonNode.class);
            assertThat(((JsonNode) e.payload()).get("name").asText()).isEqualTo("Ada Lovelace");
            assertThat(e.eventType()).isEqualTo(V1);
        }

        @Test
        void the_upcasting_view_reads_the_newest_shape_as_json() {
            AggregateId id = AggregateId.of("acc-6");
            InMemoryEventStore view = oldEvents(id).withSerializer(UntypedJsonSerializer.upcasting(evolved().build()));

            StoredEvent e = view.load(id).toList().get(0);
            JsonNode json = (JsonNode) e.payload();
            assertThat(json.get("first").asText()).isEqualTo("Ada");
            assertThat(json.get("amountCents").asLong()).isEqualTo(1250);
            assertThat(e.eventType()).isEqualTo(V3);
            assertThat(e.storedEventType()).isEqualTo(V1);
        }

        @Test
        void an_untyped_view_refuses_appends_with_a_clear_error() {
            InMemoryEventStore view = InMemoryEventStore.create(JacksonEventSerializer.json(evolved().build()))
                    .withSerializer(UntypedJsonSerializer.raw());
            assertThatThrownBy(() -> view.append(AppendRequest.of(AggregateId.of("x"), "Account",
                    ExpectedVersion.any(), NewEvent.of(new OpenedV3("a", "b", 1, "EUR")))))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("reads only");
        }
    }
}
