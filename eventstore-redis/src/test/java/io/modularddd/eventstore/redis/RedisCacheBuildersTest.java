package io.modularddd.eventstore.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The builders of the Redis cache tier and invalidation bus follow the library's builder rules
 * (BuilderChecks, ADR 0103) and never show a password. Needs no server: a standalone tier connects
 * lazily, and a bus pointed at a closed port only retries in the background until it is closed.
 */
class RedisCacheBuildersTest {

    static final String SECRET = "pw-never-shown-13";

    @Test
    void each_setting_is_checked_at_once_naming_the_setting_and_the_value() {
        assertThatThrownBy(() -> RedisCacheTier.builder().promotionTtl(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("promotionTtl must be between PT1S and PT720H but was PT0S");
        assertThatThrownBy(() -> RedisCacheTier.builder().maxLoadTime(Duration.ofHours(2)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxLoadTime").hasMessageContaining("PT2H");
        assertThatThrownBy(() -> RedisCacheTier.builder().maxLoadTime(null))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("maxLoadTime must not be null");
        assertThatThrownBy(() -> RedisCacheTier.builder().maxValueBytes(100))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxValueBytes").hasMessageContaining("100");
        assertThatThrownBy(() -> RedisCacheTier.builder().keyPrefix("app:{cache}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("keyPrefix");
        assertThatThrownBy(() -> RedisCacheTier.builder().maxConnections(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxConnections");
        assertThatThrownBy(() -> RedisCacheInvalidationBus.builder().heartbeat(Duration.ofMillis(10)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("heartbeat");
        assertThatThrownBy(() -> RedisCacheInvalidationBus.builder().minBackoff(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("minBackoff");
        assertThatThrownBy(() -> RedisCacheInvalidationBus.builder().channel("bad channel"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("keyPrefix");
        assertThatThrownBy(() -> RedisCacheInvalidationBus.builder().uri("http://127.0.0.1"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("redis://");
    }

    @Test
    void a_setting_given_twice_and_conflicting_settings_are_refused() {
        assertThatThrownBy(() -> RedisCacheTier.builder().keyPrefix("a").keyPrefix("b"))
                .isInstanceOf(IllegalStateException.class).hasMessage("keyPrefix was already set to \"a\"; set each setting once");
        assertThatThrownBy(() -> RedisCacheTier.builder().uri("redis://a:1").cluster("redis://b:2"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("cannot be combined");
        assertThatThrownBy(() -> RedisCacheTier.builder().build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("uri(");
        assertThatThrownBy(() -> RedisCacheInvalidationBus.builder().keyPrefix("a").channel("a:events"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("cannot be combined");
        assertThatThrownBy(() -> RedisCacheInvalidationBus.builder().channel("a:events").keyPrefix("a"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("cannot be combined");
        assertThatThrownBy(() -> RedisCacheInvalidationBus.builder().uri("redis://127.0.0.1:1")
                .minBackoff(Duration.ofSeconds(2)).maxBackoff(Duration.ofSeconds(1)).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxBackoff");
        assertThatThrownBy(() -> RedisCacheInvalidationBus.builder().build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("uri(");
    }

    @Test
    void the_defaults_are_the_documented_ones_and_a_password_is_never_shown() {
        assertThatThrownBy(() -> RedisCacheTier.builder().uri("redis://user:" + SECRET + "@host:99999"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining(SECRET).hasMessageContaining("***");
        assertThatThrownBy(() -> RedisCacheInvalidationBus.builder().credentials(null, SECRET).credentials(null, "x"))
                .isInstanceOf(IllegalStateException.class).hasMessageNotContaining(SECRET);
        try (RedisCacheTier tier = RedisCacheTier.builder().uri("redis://me:" + SECRET + "@127.0.0.1:1").build();
             RedisCacheInvalidationBus bus = RedisCacheInvalidationBus.builder().uri("redis://127.0.0.1:1")
                     .credentials("me", SECRET).keyPrefix("myapp:cache").build()) {
            assertThat(tier.toString()).contains("redis://127.0.0.1:1").contains("password=***").doesNotContain(SECRET)
                    .contains("prefix=modularddd:cache").contains("shards=1");
            assertThat(tier.promotionTtl()).isEqualTo(Duration.ofMinutes(15));
            assertThat(tier.maxLoadTime()).isEqualTo(Duration.ofSeconds(60));
            assertThat(tier.maxValueBytes()).isEqualTo(8 * 1024 * 1024);
            assertThat(bus.toString()).contains("redis://127.0.0.1:1").doesNotContain(SECRET);
            assertThat(bus.channel()).isEqualTo("myapp:cache:invalidations");
        }
        try (RedisCacheInvalidationBus bus = RedisCacheInvalidationBus.builder().uri("redis://127.0.0.1:1")
                .channel("exact:name").build()) {
            assertThat(bus.channel()).isEqualTo("exact:name");
        }
    }
}
