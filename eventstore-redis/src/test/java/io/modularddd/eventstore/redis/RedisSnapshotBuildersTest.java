package io.modularddd.eventstore.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The builders of the Redis snapshot store and aggregate statistics follow the library's builder rules
 * (BuilderChecks, ADR 0103) and never show a password. Needs no server: nothing is built that connects.
 */
class RedisSnapshotBuildersTest {

    static final String SECRET = "pw-never-shown-42";

    @Test
    void each_setting_is_checked_at_once_naming_the_setting_and_the_value() {
        assertThatThrownBy(() -> RedisSnapshotStore.builder().ttl(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("ttl must be between PT1S and PT8760H but was PT0S");
        assertThatThrownBy(() -> RedisSnapshotStore.builder().ttl(null))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("ttl must not be null");
        assertThatThrownBy(() -> RedisSnapshotStore.builder().maxSaveAttempts(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxSaveAttempts").hasMessageContaining("0");
        assertThatThrownBy(() -> RedisSnapshotStore.builder().maxConnections(2000))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxConnections");
        assertThatThrownBy(() -> RedisSnapshotStore.builder().readTimeout(Duration.ofMinutes(5)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("readTimeout");
        assertThatThrownBy(() -> RedisSnapshotStore.builder().keyPrefix("bad prefix{"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("keyPrefix");
        assertThatThrownBy(() -> RedisAggregateStats.builder().window(Duration.ofDays(2)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("window").hasMessageContaining("P2D".replace("P2D", "PT48H"));
        assertThatThrownBy(() -> RedisAggregateStats.builder().retryAfterFailure(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("retryAfterFailure");
        assertThatThrownBy(() -> RedisAggregateStats.builder().clock(null))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("clock must not be null");
        assertThatThrownBy(() -> RedisAggregateStats.builder().cluster())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one seed");
        assertThatThrownBy(() -> RedisAggregateStats.builder().uri("http://127.0.0.1"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("redis://");
    }

    @Test
    void a_setting_given_twice_and_conflicting_settings_are_refused() {
        assertThatThrownBy(() -> RedisSnapshotStore.builder().ttl(Duration.ofHours(1)).ttl(Duration.ofHours(2)))
                .isInstanceOf(IllegalStateException.class).hasMessage("ttl was already set to PT1H; set each setting once");
        assertThatThrownBy(() -> RedisSnapshotStore.builder().uri("redis://a:1").cluster("redis://b:2"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("cannot be combined");
        assertThatThrownBy(() -> RedisAggregateStats.builder().window(Duration.ofMinutes(1)).window(Duration.ofMinutes(2)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("window was already set");
        assertThatThrownBy(() -> RedisSnapshotStore.builder().build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("uri(");
        assertThatThrownBy(() -> RedisAggregateStats.builder().build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("uri(");
    }

    @Test
    void a_password_is_never_shown() {
        // in a message about a malformed URI
        assertThatThrownBy(() -> RedisSnapshotStore.builder().uri("redis://user:" + SECRET + "@host:99999"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining(SECRET).hasMessageContaining("***");
        // in the message of a second credentials(...)
        assertThatThrownBy(() -> RedisAggregateStats.builder().credentials(null, SECRET).credentials(null, "x"))
                .isInstanceOf(IllegalStateException.class).hasMessageNotContaining(SECRET);
        assertThatThrownBy(() -> RedisSnapshotStore.builder().uri("redis://:" + SECRET + "@h:1").credentials(null, "y"))
                .isInstanceOf(IllegalStateException.class).hasMessageNotContaining(SECRET);
        // in toString (a standalone pool connects lazily: nothing is contacted here)
        try (RedisSnapshotStore store = RedisSnapshotStore.builder().uri("redis://me:" + SECRET + "@127.0.0.1:1").build();
             RedisAggregateStats stats = RedisAggregateStats.builder().uri("redis://127.0.0.1:1")
                     .credentials("me", SECRET).build()) {
            assertThat(store.toString()).contains("redis://127.0.0.1:1").contains("password=***").doesNotContain(SECRET);
            assertThat(stats.toString()).contains("redis://127.0.0.1:1").doesNotContain(SECRET);
        }
    }
}
