package io.modularddd.core.serialization;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modularddd.core.UnknownEventTypeException;
import org.junit.jupiter.api.Test;

class EventTypeRegistryTest {

    record A() {
    }

    record B() {
    }

    interface NotConcrete {
    }

    @Test
    void names_and_classes_map_both_ways_and_aliases_only_read() {
        EventTypeRegistry registry = EventTypeRegistry.builder()
                .register("a.v1", A.class)
                .alias("a-old", A.class)
                .build();
        assertThat(registry.typeNameOf(A.class)).isEqualTo("a.v1");
        assertThat(registry.classOf("a.v1")).isEqualTo(A.class);
        assertThat(registry.classOf("a-old")).isEqualTo(A.class);
        assertThat(registry.typeNames()).containsExactly("a-old", "a.v1");
        assertThat(registry.isRegistered(B.class)).isFalse();
        assertThat(registry.isRegistered("a-old")).isTrue();
    }

    @Test
    void unknown_lookups_are_typed_errors_with_the_fix() {
        EventTypeRegistry registry = EventTypeRegistry.builder().register("a.v1", A.class).build();
        assertThatThrownBy(() -> registry.typeNameOf(B.class)).isInstanceOf(UnknownEventTypeException.class)
                .hasMessageContaining("EventTypeRegistry.builder().register");
        assertThatThrownBy(() -> registry.classOf("b.v1")).isInstanceOf(UnknownEventTypeException.class)
                .hasMessageContaining("'b.v1'");
    }

    @Test
    void conflicting_or_malformed_registrations_fail_at_once() {
        assertThatThrownBy(() -> EventTypeRegistry.builder().register("a.v1", A.class).register("a.v1", B.class))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("already registered");
        assertThatThrownBy(() -> EventTypeRegistry.builder().register("a.v1", A.class).register("a.v2", A.class))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("alias");
        assertThatThrownBy(() -> EventTypeRegistry.builder().register("has space", A.class))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("invalid");
        assertThatThrownBy(() -> EventTypeRegistry.builder().register("", A.class))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EventTypeRegistry.builder().register("x".repeat(101), A.class))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EventTypeRegistry.builder().register("i", NotConcrete.class))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("concrete");
        assertThatThrownBy(() -> EventTypeRegistry.builder().alias("old", A.class).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("no primary name");
    }
}
