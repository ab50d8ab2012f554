package io.modularddd.core.serialization;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonFactory;
import org.junit.jupiter.api.Test;

/** The serialization builders speak the builders' shared vocabulary (ADR 0103). */
class SerializationBuildersTest {

    record Placed(String id) {
    }

    private static final EventTypeRegistry TYPES = EventTypeRegistry.builder().register("placed.v1", Placed.class)
            .build();

    @Test
    void a_null_setting_is_an_illegal_argument_naming_it_not_a_bare_null_pointer() {
        assertThatThrownBy(() -> JacksonEventSerializer.builder(null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("registry must not be null");
        assertThatThrownBy(() -> JacksonEventSerializer.builder(TYPES).objectMapper(null))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("objectMapper must not be null");
        assertThatThrownBy(() -> EventTypeRegistry.builder().register("placed.v1", null))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("eventClass must not be null");
        assertThatThrownBy(() -> EventTypeRegistry.builder().alias("placed.v0", null))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("eventClass must not be null");
    }

    @Test
    void a_value_out_of_range_names_the_setting_and_the_value() {
        assertThatThrownBy(() -> JacksonEventSerializer.builder(TYPES).maxPayloadBytes(1023))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxPayloadBytes must be between 1024 and 1073741824 but was 1023");
    }

    @Test
    void a_setting_given_twice_is_an_illegal_state_naming_its_first_value() {
        assertThatThrownBy(() -> JacksonEventSerializer.builder(TYPES).maxPayloadBytes(4096).maxPayloadBytes(8192))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("maxPayloadBytes was already set to 4096; set each setting once");
        assertThatThrownBy(() -> JacksonEventSerializer.builder(TYPES)
                .objectMapper(JacksonEventSerializer.newObjectMapper(new JsonFactory()))
                .objectMapper(JacksonEventSerializer.newObjectMapper(new JsonFactory())))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("objectMapper was already set to a ")
                .hasMessageContaining("ObjectMapper with modules");
        // once each, they build
        assertThat(JacksonEventSerializer.builder(TYPES).maxPayloadBytes(4096)
                .objectMapper(JacksonEventSerializer.newObjectMapper(new JsonFactory())).build()).isNotNull();
    }

    @Test
    void a_registration_given_twice_stays_an_illegal_argument_naming_the_fix() {
        // registrations are entries, not settings: the same name or class twice is a bad value
        assertThatThrownBy(() -> EventTypeRegistry.builder().register("placed.v1", Placed.class)
                .register("placed.v2", Placed.class)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("already registered as 'placed.v1'").hasMessageContaining("alias(");
    }
}
