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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
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

    record Named(Map<String, String> names) {
    }

    /** Counts how often Jackson reads its text, so a test can tell whether the payload was walked twice. */
    static final class Counted {
        final AtomicInteger reads = new AtomicInteger();
        private final String text;

        Counted(String text) {
            this.text = text;
        }

        public String getText() {
            reads.incrementAndGet();
            return text;
        }
    }

    static final EventTypeRegistry TYPES = EventTypeRegistry.builder()
            .register("order.placed.v1", Placed.class)
            .register("nested.v1", Wrapper.class)
            .register("marker.v1", Marker.class)
            .register("carrying.v1", Carrying.class)
            .register("named.v1", Named.class)
            .register("counted.v1", Counted.class)
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

    /** Issue 9: text that is not valid Unicode is refused on write, naming the field; valid pairs pass. */
    @Nested
    class LoneSurrogates {

        private Placed placed(String orderId, List<String> lines) {
            return new Placed(orderId, BigDecimal.ONE, Instant.EPOCH, lines);
        }

        @Test
        void a_lone_surrogate_in_a_string_is_refused_naming_its_json_path() {
            for (String bad : List.of("\uD800", "\uDFFF", "a\uDC00\uD800b", "ends \uDBFF", "\\\uD800", "\\\\\uDC00")) {
                assertThatThrownBy(() -> serializer.serialize(placed(bad, List.of())))
                        .as("orderId %s", Integer.toHexString(bad.charAt(bad.length() - 1)))
                        .isInstanceOfSatisfying(InvalidInputException.class,
                                e -> assertThat(e.argument()).isEqualTo("payload/orderId"))
                        .hasMessageContaining("order.placed.v1")
                        .hasMessageContaining("lone surrogate U+D")
                        .hasMessageContaining("payload field /orderId");
            }
            assertThatThrownBy(() -> serializer.serialize(placed("o", List.of("fine", "🚀", "x\uDE00"))))
                    .isInstanceOfSatisfying(InvalidInputException.class,
                            e -> assertThat(e.argument()).isEqualTo("payload/lines/2"))
                    .hasMessageContaining("U+DE00 at index 1");
        }

        @Test
        void a_lone_surrogate_in_a_property_name_is_refused_and_shown_escaped() {
            Map<String, String> names = new LinkedHashMap<>();
            names.put("ok", "1");
            names.put("k\uD800", "2");
            assertThatThrownBy(() -> serializer.serialize(new Named(names)))
                    .isInstanceOfSatisfying(InvalidInputException.class,
                            e -> assertThat(e.argument()).isEqualTo("payload/names/k\\uD800"))
                    .hasMessageContaining("named.v1");
        }

        @Test
        void surrogate_pairs_are_written_as_four_utf8_bytes_and_round_trip() {
            Placed emoji = placed("\uD83D\uDE00 \uDBFF\uDFFF", List.of("👩‍👩‍👧", "𝔸"));
            byte[] bytes = serializer.serialize(emoji);
            assertThat(new String(bytes, StandardCharsets.UTF_8)).contains("😀").doesNotContain("\\u");
            assertThat(serializer.deserialize("order.placed.v1", bytes)).isEqualTo(emoji);
        }

        @Test
        void text_that_looks_like_an_escape_is_not_mistaken_for_one() {
            Placed lookalike = placed("\\uD800 \\\\uDC00 \\\\ \\", List.of("\\u", "\\uD8", "\\uDZ00"));
            byte[] bytes = serializer.serialize(lookalike);
            assertThat(serializer.deserialize("order.placed.v1", bytes)).isEqualTo(lookalike);
        }

        @Test
        void a_mapper_that_escapes_pairs_still_passes_pairs_and_refuses_lone_surrogates() {
            // given: a mapper without COMBINE_UNICODE_SURROGATES_IN_UTF8 writes a pair as two escapes
            JacksonEventSerializer custom = JacksonEventSerializer.builder(TYPES)
                    .objectMapper(JacksonEventSerializer.newObjectMapper(new JsonFactory())).build();
            Placed emoji = placed("\uD83D\uDE00", List.of("a\uDBFF\uDFFFb"));
            byte[] bytes = custom.serialize(emoji);
            assertThat(new String(bytes, StandardCharsets.UTF_8)).containsIgnoringCase("\\uD83D\\uDE00");
            assertThat(custom.deserialize("order.placed.v1", bytes)).isEqualTo(emoji);
            assertThatThrownBy(() -> custom.serialize(placed("\uD83D\uD83D\uDE00", List.of())))
                    .isInstanceOfSatisfying(InvalidInputException.class,
                            e -> assertThat(e.argument()).isEqualTo("payload/orderId"));
        }

        @Test
        void the_payload_is_walked_again_only_when_its_bytes_hold_a_lone_surrogate() {
            Counted fine = new Counted("emoji \uD83D\uDE00 and \\uD800");
            serializer.serialize(fine);
            assertThat(fine.reads).as("reads of a valid payload").hasValue(1);
            Counted bad = new Counted("lone \uD800");
            assertThatThrownBy(() -> serializer.serialize(bad)).isInstanceOfSatisfying(InvalidInputException.class,
                    e -> assertThat(e.argument()).isEqualTo("payload/text"));
            assertThat(bad.reads).as("reads of a payload with a lone surrogate").hasValue(2);
        }

        @Test
        void the_escape_scan_finds_exactly_the_unpaired_escapes() {
            assertThat(scan("{\"a\":\"plain\"}")).isEqualTo(-1);
            assertThat(scan("\"\\\\uD800\"")).isEqualTo(-1);
            assertThat(scan("\"\\\\\\uD800\"")).isEqualTo(3);
            assertThat(scan("\"\\uD83D\\uDE00\"")).isEqualTo(-1);
            assertThat(scan("\"\\ud83d\\ude00\"")).isEqualTo(-1);
            assertThat(scan("\"\\uD83D\\uD83D\"")).isEqualTo(1);
            assertThat(scan("\"x\\udfff\"")).isEqualTo(2);
            assertThat(scan("\"\\u0041\\\"\\uDC00\"")).isEqualTo(9);
            assertThat(scan("\"\\uD8\"")).isEqualTo(-1);
            for (int k = 0; k <= 17; k++) { // the scan reads 8 bytes at a time: every place in a word
                String prefix = "x".repeat(k);
                assertThat(scan(prefix + "\\uD800")).as("lone at %d", k).isEqualTo(k);
                assertThat(scan(prefix + "\\\\uD800" + prefix)).as("escaped backslash at %d", k).isEqualTo(-1);
                assertThat(scan(prefix + "\\\\" + prefix + "\\uDFFF")).as("lone after %d", k).isEqualTo(2 * k + 2);
            }
        }

        private int scan(String json) {
            return JacksonEventSerializer.escapedLoneSurrogate(json.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** Issue 9: the size cap protects writes; reads take whatever a store holds. */
    @Nested
    class ReadLimits {

        @Test
        void a_payload_written_under_a_raised_cap_reads_back_with_the_default_serializer() {
            // given: 9 MiB of text, over the default 8 MiB cap, written by a serializer whose cap is 16 MiB
            JacksonEventSerializer raised = JacksonEventSerializer.builder(TYPES).maxPayloadBytes(16 << 20).build();
            Placed big = new Placed("x".repeat(9 << 20), BigDecimal.ONE, Instant.EPOCH, List.of());
            byte[] bytes = raised.serialize(big);
            // when / then
            assertThat(serializer.deserialize("order.placed.v1", bytes)).isEqualTo(big);
            assertThatThrownBy(() -> serializer.serialize(big)).isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("8388608");
        }

        @Test
        void nesting_depth_and_number_length_stay_bounded_on_read() {
            String longNumber = "{\"total\":" + "9".repeat(1_001) + "}";
            assertThatThrownBy(() -> serializer.deserialize("order.placed.v1",
                    longNumber.getBytes(StandardCharsets.UTF_8)))
                    .isInstanceOf(SerializationException.class).hasMessageContaining("1000");
            String deep = "{\"anything\":" + "[".repeat(201) + "]".repeat(201) + "}";
            assertThatThrownBy(() -> serializer.deserialize("nested.v1", deep.getBytes(StandardCharsets.UTF_8)))
                    .isInstanceOf(SerializationException.class).hasMessageContaining("200");
        }
    }
}
