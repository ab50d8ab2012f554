package io.modularddd.core.serialization;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.jsontype.BasicPolymorphicTypeValidator;
import io.modularddd.core.EventMetadata;
import io.modularddd.core.InvalidInputException;
import io.modularddd.core.SerializationException;
import io.modularddd.core.UnknownEventTypeException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class JacksonEventSerializerTest {

    record Placed(String orderId, BigDecimal total, Instant at, List<String> lines) {
    }

    record Wrapper(Object anything) {
    }

    record NotRegistered(int x) {
    }

    record Marker() {
    }

    /** A value with no property Jackson can see: written as {} it would silently lose its amount. */
    static final class Opaque {
        private final long cents;

        Opaque(long cents) {
            this.cents = cents;
        }

        @Override
        public String toString() {
            return "Opaque" + cents;
        }
    }

    record Carrying(Opaque value) {
    }

    static final EventTypeRegistry TYPES = EventTypeRegistry.builder()
            .register("order.placed.v1", Placed.class)
            .register("nested.v1", Wrapper.class)
            .register("marker.v1", Marker.class)
            .register("carrying.v1", Carrying.class)
            .build();

    final JacksonEventSerializer serializer = JacksonEventSerializer.json(TYPES);

    @Test
    void a_payload_round_trips_with_exact_decimals_and_instants() {
        Placed placed = new Placed("o-1", new BigDecimal("10.10"), Instant.parse("2024-01-01T00:00:00.000001Z"),
                List.of("a", "é", "🚀"));
        byte[] bytes = serializer.serialize(placed);
        assertThat(new String(bytes, StandardCharsets.UTF_8)).contains("\"2024-01-01T00:00:00.000001Z\"");
        assertThat(serializer.deserialize("order.placed.v1", bytes)).isEqualTo(placed);
        assertThat(serializer.typeName(placed)).isEqualTo("order.placed.v1");
    }

    @Test
    void unknown_properties_are_ignored_so_old_events_stay_readable() {
        byte[] json = "{\"orderId\":\"o-1\",\"removedField\":42}".getBytes(StandardCharsets.UTF_8);
        Placed placed = (Placed) serializer.deserialize("order.placed.v1", json);
        assertThat(placed.orderId()).isEqualTo("o-1");
    }

    @Test
    void unregistered_classes_and_names_are_typed_errors() {
        assertThatThrownBy(() -> serializer.serialize(new NotRegistered(1)))
                .isInstanceOf(UnknownEventTypeException.class).hasMessageContaining("NotRegistered");
        assertThatThrownBy(() -> serializer.deserialize("java.lang.Runtime", "{}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(UnknownEventTypeException.class,
                        e -> assertThat(e.typeName()).isEqualTo("java.lang.Runtime"));
    }

    @Test
    void type_ids_in_the_data_are_never_turned_into_classes() {
        byte[] json = "{\"anything\":[\"java.net.URL\",\"http://example.invalid\"]}".getBytes(StandardCharsets.UTF_8);
        Wrapper n = (Wrapper) serializer.deserialize("nested.v1", json);
        assertThat(n.anything()).isInstanceOf(List.class);
    }

    @Test
    void a_mapper_with_default_typing_is_refused() {
        ObjectMapper unsafe = new ObjectMapper();
        unsafe.activateDefaultTyping(BasicPolymorphicTypeValidator.builder().allowIfBaseType(Object.class).build());
        assertThatThrownBy(() -> JacksonEventSerializer.builder(TYPES).objectMapper(unsafe))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("default typing");
    }

    @Test
    void deeply_nested_stored_data_is_rejected_by_the_read_constraints() {
        String deep = "{\"anything\":" + "[".repeat(5_000) + "]".repeat(5_000) + "}";
        assertThatThrownBy(() -> serializer.deserialize("nested.v1", deep.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(SerializationException.class).hasMessageContaining("nested.v1");
    }

    @Test
    void payloads_over_the_limit_are_refused_with_the_setting_to_change() {
        JacksonEventSerializer small = JacksonEventSerializer.builder(TYPES).maxPayloadBytes(1024).build();
        Placed big = new Placed("x".repeat(2_000), BigDecimal.ONE, Instant.EPOCH, List.of());
        assertThatThrownBy(() -> small.serialize(big)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("maxPayloadBytes").hasMessageContaining("1024");
        assertThatThrownBy(() -> JacksonEventSerializer.builder(TYPES).maxPayloadBytes(10))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void garbage_bytes_are_a_serialization_error_naming_the_type() {
        assertThatThrownBy(() -> serializer.deserialize("order.placed.v1", "{not json".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(SerializationException.class,
                        e -> assertThat(e.typeName()).isEqualTo("order.placed.v1"));
    }

    @Nested
    class Metadata {

        @Test
        void metadata_round_trips_sorted_and_deterministic() {
            EventMetadata meta = EventMetadata.of(Map.of("b", "2", "a", "1", "emoji", "🚀"));
            byte[] bytes = serializer.serializeMetadata(meta);
            assertThat(new String(bytes, StandardCharsets.UTF_8)).isEqualTo("{\"a\":\"1\",\"b\":\"2\",\"emoji\":\"🚀\"}");
            assertThat(serializer.deserializeMetadata(bytes)).isEqualTo(meta);
        }

        @Test
        void invalid_stored_metadata_is_a_serialization_error() {
            assertThatThrownBy(() -> serializer.deserializeMetadata("{\"k\":{\"nested\":1}}".getBytes(StandardCharsets.UTF_8)))
                    .isInstanceOf(SerializationException.class);
            assertThatThrownBy(() -> serializer.deserializeMetadata("{\"\":\"blank key\"}".getBytes(StandardCharsets.UTF_8)))
                    .isInstanceOf(SerializationException.class);
            assertThat(serializer.deserializeMetadata("null".getBytes(StandardCharsets.UTF_8))).isEqualTo(EventMetadata.empty());
        }
    }

    @Test
    void any_jackson_format_gets_the_same_safe_settings() {
        ObjectMapper mapper = JacksonEventSerializer.newObjectMapper(new JsonFactory(), 4096);
        JacksonEventSerializer custom = JacksonEventSerializer.builder(TYPES).objectMapper(mapper).build();
        Placed placed = new Placed("o", BigDecimal.TEN, Instant.EPOCH, List.of());
        assertThat(custom.deserialize("order.placed.v1", custom.serialize(placed))).isEqualTo(placed);
        String longDoc = "{\"orderId\":\"" + "x".repeat(5_000) + "\"}";
        assertThatThrownBy(() -> custom.deserialize("order.placed.v1", longDoc.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(SerializationException.class);
    }

    @Test
    void a_value_with_no_visible_properties_fails_instead_of_being_stored_empty() {
        assertThatThrownBy(() -> serializer.serialize(new Carrying(new Opaque(1234))))
                .isInstanceOf(SerializationException.class).hasMessageContaining("carrying.v1");
    }

    @Test
    void marker_events_without_fields_round_trip() {
        byte[] bytes = serializer.serialize(new Marker());
        assertThat(new String(bytes, StandardCharsets.UTF_8)).isEqualTo("{}");
        assertThat(serializer.deserialize("marker.v1", bytes)).isEqualTo(new Marker());
    }
}
