package io.modularddd.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modularddd.core.AggregateId;
import io.modularddd.core.InvalidInputException;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.StringLength;

class ChecksPropertiesTest {

    @Property
    void an_id_is_valid_exactly_when_it_follows_the_rules(@ForAll @StringLength(max = 140) String value) {
        boolean valid = !value.isBlank()
                && value.codePoints().noneMatch(Character::isISOControl)
                && value.codePoints().noneMatch(cp -> Character.isSurrogate((char) cp) && cp <= 0xFFFF)
                && value.codePointCount(0, value.length()) <= AggregateId.MAX_LENGTH
                && !Character.isWhitespace(value.charAt(0))
                && !Character.isWhitespace(value.charAt(value.length() - 1));
        if (valid) {
            assertThat(AggregateId.of(value).value()).isEqualTo(value);
        } else {
            assertThatThrownBy(() -> AggregateId.of(value)).isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("aggregateId");
        }
    }

    @Property
    void shown_values_are_printable_and_short(@ForAll String value) {
        String shown = Checks.show(value);
        assertThat(shown.chars().noneMatch(Character::isISOControl)).isTrue();
        assertThat(shown.length()).isLessThan(40 * 6 + 30);
        assertThat(shown.codePoints().noneMatch(cp -> cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE))
                .isTrue();
    }
}
