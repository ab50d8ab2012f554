package io.modularddd.cqrs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modularddd.core.InvalidInputException;
import io.modularddd.core.health.Health;
import io.modularddd.core.queue.QueuedCommand;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * {@link QueueDepthIndicator} over a queue fake; the depth of the real transports is in {@code
 * CommandQueueContract}, run on Redis, MariaDB, PostgreSQL and H2.
 */
class QueueDepthIndicatorTest {

    private final InMemoryCommandQueue queue = new InMemoryCommandQueue(new InMemoryCommandQueue.Storage(),
            Duration.ofSeconds(30), 3);

    @Test
    void a_queue_deeper_than_the_limit_is_down() {
        QueueDepthIndicator indicator = QueueDepthIndicator.of(queue, "high-priority", 2);
        assertThat(indicator.name()).isEqualTo("queue:high-priority");
        assertThat(indicator.check().detail()).containsEntry("depth", "0");

        for (int i = 0; i < 3; i++) {
            queue.send("high-priority", new QueuedCommand("c" + i, "Pay", new byte[] {1}));
        }
        Health down = indicator.check();
        assertThat(down.status()).isEqualTo(Health.Status.DOWN);
        assertThat(down.detail()).containsEntry("queue", "high-priority").containsEntry("depth", "3")
                .containsEntry("maxDepth", "2");

        queue.acknowledge(queue.poll("high-priority", "w", 1, Duration.ZERO).get(0));
        assertThat(indicator.check().status()).isEqualTo(Health.Status.UP);
    }

    @Test
    void a_failing_queue_is_down_with_the_error() {
        QueueDepthIndicator indicator = QueueDepthIndicator.of(queue, "default", 10);
        queue.close();
        Health health = indicator.check();
        assertThat(health.status()).isEqualTo(Health.Status.DOWN);
        assertThat(health.detail().get("error")).contains("IllegalStateException", "closed");
    }

    @Test
    void bad_arguments_are_typed_errors() {
        assertThatThrownBy(() -> QueueDepthIndicator.of(null, "q", 1)).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> QueueDepthIndicator.of(queue, " ", 1)).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> QueueDepthIndicator.of(queue, "q", -1)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("maxDepth");
    }
}
