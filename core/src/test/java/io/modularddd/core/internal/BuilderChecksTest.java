package io.modularddd.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The builders' shared vocabulary: a bad value names the setting and the value; a second setting is a state error. */
class BuilderChecksTest {

    @Test
    void a_null_setting_is_an_illegal_argument_naming_the_setting_and_the_fix() {
        assertThat(BuilderChecks.notNull("clock", "x")).isEqualTo("x");
        assertThatThrownBy(() -> BuilderChecks.notNull("clock", null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("clock must not be null");
        assertThatThrownBy(() -> BuilderChecks.notNull("dialect", null, "leave it unset to detect it"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("dialect must not be null; leave it unset to detect it");
    }

    @Test
    void a_value_out_of_range_names_the_setting_the_bounds_and_the_value() {
        assertThat(BuilderChecks.inRange("pageSize", 1, 1, 10)).isEqualTo(1);
        assertThat(BuilderChecks.inRange("pageSize", 10, 1, 10)).isEqualTo(10);
        assertThatThrownBy(() -> BuilderChecks.inRange("pageSize", 0, 1, 10))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("pageSize must be between 1 and 10 but was 0");
        assertThatThrownBy(() -> BuilderChecks.inRange("pageSize", 11, 1, 10))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("but was 11");
        assertThatThrownBy(() -> BuilderChecks.inRange("bytes", 5_000_000_000L, 1L, 4_000_000_000L))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("bytes must be between 1 and 4000000000 but was 5000000000");
    }

    @Test
    void a_duration_out_of_range_or_null_names_the_setting_and_the_value() {
        Duration max = Duration.ofSeconds(1);
        assertThat(BuilderChecks.inRange("wait", Duration.ZERO, Duration.ZERO, max)).isEqualTo(Duration.ZERO);
        assertThat(BuilderChecks.inRange("wait", max, Duration.ZERO, max)).isEqualTo(max);
        assertThatThrownBy(() -> BuilderChecks.inRange("wait", Duration.ofSeconds(2), Duration.ZERO, max))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("wait must be between PT0S and PT1S but was PT2S");
        assertThatThrownBy(() -> BuilderChecks.inRange("wait", Duration.ofMillis(-1), Duration.ZERO, max))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("but was PT-0.001S");
        assertThatThrownBy(() -> BuilderChecks.inRange("wait", null, Duration.ZERO, max))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("wait must not be null");
    }

    @Test
    void a_setting_given_twice_or_a_conflict_is_an_illegal_state() {
        BuilderChecks.setOnce("ttl", false, "PT1H");
        BuilderChecks.noConflict(false, "never thrown");
        assertThatThrownBy(() -> BuilderChecks.setOnce("ttl", true, Duration.ofHours(1)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("ttl was already set to PT1H; set each setting once");
        assertThatThrownBy(() -> BuilderChecks.noConflict(true, "a and b cannot be combined"))
                .isInstanceOf(IllegalStateException.class).hasMessage("a and b cannot be combined");
    }
}
