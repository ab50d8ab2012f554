package io.modularddd.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The rule of issue 9 for the strings a store persists outside the payload: text holding a lone
 * surrogate is refused where it is made, naming the argument; valid surrogate pairs are kept. (Payload
 * strings: {@code JacksonEventSerializerTest.LoneSurrogates}; every store: the testkit contract.)
 */
class LoneSurrogateRuleTest {

    @Test
    void metadata_values_and_keys_with_a_lone_surrogate_are_refused_naming_the_entry() {
        assertThatThrownBy(() -> EventMetadata.empty().with("tenant", "acme\uD800"))
                .isInstanceOfSatisfying(InvalidInputException.class,
                        e -> assertThat(e.argument()).isEqualTo("metadata['tenant']"))
                .hasMessageContaining("lone surrogate U+D800 at index 4");
        assertThatThrownBy(() -> EventMetadata.of(Map.of("\uDC00key", "v")))
                .isInstanceOfSatisfying(InvalidInputException.class,
                        e -> assertThat(e.argument()).isEqualTo("metadata key"))
                .hasMessageContaining("U+DC00");
        assertThat(EventMetadata.empty().with("emoji-\uD83D\uDD11", "\uD83C\uDFAF").get("emoji-🔑")).contains("🎯");
    }

    @Test
    void aggregate_ids_and_types_with_a_lone_surrogate_are_refused_naming_the_argument() {
        assertThatThrownBy(() -> AggregateId.of("order-\uDBFF"))
                .isInstanceOfSatisfying(InvalidInputException.class,
                        e -> assertThat(e.argument()).isEqualTo("aggregateId"))
                .hasMessageContaining("lone surrogate");
        assertThatThrownBy(() -> AppendRequest.of(AggregateId.of("order-1"), "Order\uDFFF", ExpectedVersion.any(),
                NewEvent.of("payload")))
                .isInstanceOfSatisfying(InvalidInputException.class,
                        e -> assertThat(e.argument()).isEqualTo("aggregateType"));
        assertThat(AggregateId.of("order-\uD83D\uDE80").value()).isEqualTo("order-🚀");
    }
}
