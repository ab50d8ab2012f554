package io.modularddd.eventstore.redis;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modularddd.testkit.ContractEvents;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The hot tier's builder follows the rule every builder of the library follows (ADR 0103): a setting
 * given twice is an {@link IllegalStateException} naming the setting and the value it already has —
 * never a secret — and a bad value an {@link IllegalArgumentException}, never a bare null pointer.
 */
class RedisHotTierBuilderRulesTest {

    private static final String SECRET = "hot-pa55-" + System.nanoTime();

    private static RedisHotTierBuilder builder() {
        return RedisHotTier.builder().serializer(ContractEvents.serializer());
    }

    @Test
    void a_setting_given_twice_names_the_value_it_already_has() {
        assertThatThrownBy(() -> builder().ttl(Duration.ofHours(1)).ttl(Duration.ofHours(2)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("ttl was already set to PT1H; set each setting once");
        assertThatThrownBy(() -> builder().maxConnections(4).maxConnections(8))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("maxConnections was already set to 4");
        assertThatThrownBy(() -> builder().keyPrefix("app:one").keyPrefix("app:two"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("keyPrefix was already set to \"app:one\"");
        assertThatThrownBy(() -> builder().enabled(false).enabled(true))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("enabled was already set to false");
        assertThatThrownBy(() -> builder().serializer(ContractEvents.serializer()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("serializer was already set to a io.modularddd.core.serialization"
                        + ".JacksonEventSerializer");
    }

    @Test
    void a_server_or_credentials_given_twice_never_show_the_password() {
        assertThatThrownBy(() -> builder().uri("redis://:" + SECRET + "@a:1").uri("redis://b:2"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("uri was already set to [redis://a:1]")
                .message().doesNotContain(SECRET);
        assertThatThrownBy(() -> builder().credentials("u", SECRET).credentials("u", "other"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("credentials was already set to ***")
                .message().doesNotContain(SECRET);
        assertThatThrownBy(() -> builder().cluster("redis://:" + SECRET + "@a:1").cluster("redis://b:2"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("cluster was already set to")
                .message().doesNotContain(SECRET);
    }

    @Test
    void a_null_cluster_is_an_illegal_argument_naming_the_setting() {
        assertThatThrownBy(() -> builder().cluster((String[]) null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("cluster must not be null");
    }
}
