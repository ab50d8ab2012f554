package io.modularddd.eventstore.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modularddd.core.queue.CommandQueueException;
import io.modularddd.core.queue.QueuedCommand;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * {@link RedisCommandQueueBuilder} follows the library's builder rules (BuilderChecks, ADR 0103) and never
 * shows a password. Needs no server: a standalone pool connects lazily, and the one failing call goes to a
 * closed port.
 */
class RedisCommandQueueBuilderTest {

    static final String SECRET = "pw-never-shown-42";

    @Test
    void each_setting_is_checked_at_once_naming_the_setting_and_the_value() {
        assertThatThrownBy(() -> RedisCommandQueue.builder().leaseTime(Duration.ofMillis(99)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("leaseTime").hasMessageContaining("PT0.099S");
        assertThatThrownBy(() -> RedisCommandQueue.builder().leaseTime(null))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("leaseTime must not be null");
        assertThatThrownBy(() -> RedisCommandQueue.builder().maxAttempts(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxAttempts");
        assertThatThrownBy(() -> RedisCommandQueue.builder().idRetention(Duration.ofMillis(10)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("idRetention");
        assertThatThrownBy(() -> RedisCommandQueue.builder().maxPayloadBytes(100))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxPayloadBytes");
        assertThatThrownBy(() -> RedisCommandQueue.builder().pollConnections(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("pollConnections");
        assertThatThrownBy(() -> RedisCommandQueue.builder().consumerGroup("two words"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("consumerGroup")
                .hasMessageContaining("two words");
        assertThatThrownBy(() -> RedisCommandQueue.builder().consumerGroup(null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("consumerGroup");
        assertThatThrownBy(() -> RedisCommandQueue.builder().keyPrefix("bad{prefix"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("keyPrefix");
        assertThatThrownBy(() -> RedisCommandQueue.builder().uri("http://127.0.0.1"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("redis://");
    }

    @Test
    void a_setting_given_twice_and_a_missing_server_are_refused() {
        assertThatThrownBy(() -> RedisCommandQueue.builder().maxAttempts(3).maxAttempts(4))
                .isInstanceOf(IllegalStateException.class).hasMessage("maxAttempts was already set to 3; set each setting once");
        assertThatThrownBy(() -> RedisCommandQueue.builder().consumerGroup("a").consumerGroup("b"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("consumerGroup was already set");
        assertThatThrownBy(() -> RedisCommandQueue.builder().uri("redis://a:1").cluster("redis://b:2"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("cannot be combined");
        assertThatThrownBy(() -> RedisCommandQueue.builder().build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("a Redis command queue").hasMessageContaining("uri(");
    }

    @Test
    void the_defaults_are_the_documented_ones() {
        try (RedisCommandQueue queue = RedisCommandQueue.builder().uri("redis://127.0.0.1:1").build()) {
            assertThat(queue.leaseTime()).isEqualTo(Duration.ofSeconds(30));
            assertThat(queue.maxAttempts()).isEqualTo(5);
            assertThat(queue.idRetention()).isEqualTo(Duration.ofHours(24));
            assertThat(queue.maxPayloadBytes()).isEqualTo(1 << 20);
            assertThat(queue.keyPrefix()).isEqualTo("modularddd:queue");
            assertThat(queue.consumerGroup()).isEqualTo("modularddd");
            assertThat(queue.keys().stream("high-priority")).isEqualTo("modularddd:queue:{high-priority}");
            assertThat(queue.keys().dead("high-priority")).isEqualTo("modularddd:queue:{high-priority}:dead");
            assertThat(queue.clientName()).matches("modularddd-queue-[0-9a-f]{8}");
        }
    }

    @Test
    void a_password_is_never_shown_in_a_message_or_to_string() {
        assertThatThrownBy(() -> RedisCommandQueue.builder().uri("redis://user:" + SECRET + "@host:99999"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining(SECRET).hasMessageContaining("***");
        assertThatThrownBy(() -> RedisCommandQueue.builder().credentials(null, SECRET).credentials(null, "x"))
                .isInstanceOf(IllegalStateException.class).hasMessageNotContaining(SECRET);
        try (RedisCommandQueue queue = RedisCommandQueue.builder().uri("redis://me:" + SECRET + "@127.0.0.1:1")
                .connectTimeout(Duration.ofMillis(200)).build()) {
            assertThat(queue.toString()).contains("redis://127.0.0.1:1").contains("password=***").doesNotContain(SECRET);
            // a failure against a server that is not there: transient, naming the endpoint, not the password
            QueuedCommand command = new QueuedCommand("c-1", "T", "x".getBytes(StandardCharsets.UTF_8));
            assertThatThrownBy(() -> queue.send("q", command)).isInstanceOf(CommandQueueException.class)
                    .hasMessageContaining("redis://127.0.0.1:1").hasMessageContaining("send it again with the same")
                    .hasMessageNotContaining(SECRET)
                    .matches(e -> ((CommandQueueException) e).isTransient(), "transient")
                    .matches(e -> ((CommandQueueException) e).queue().orElseThrow().equals("q"), "names its queue");
        }
    }
}
