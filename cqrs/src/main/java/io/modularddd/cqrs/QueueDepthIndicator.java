package io.modularddd.cqrs;

import io.modularddd.core.InvalidInputException;
import io.modularddd.core.health.Health;
import io.modularddd.core.health.HealthIndicator;
import io.modularddd.core.internal.Checks;
import io.modularddd.core.queue.CommandQueue;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A {@link HealthIndicator} for one named queue of a {@link CommandQueue}: its depth (pending commands,
 * {@link CommandQueue#depth}). Down above the allowed depth, or when the queue's storage
 * fails.
 *
 * <pre>{@code
 * HealthIndicator queue = QueueDepthIndicator.of(commandQueue, "high-priority", 5_000);
 * // UP   {queue=high-priority, depth=42, maxDepth=5000}
 * // DOWN {queue=high-priority, depth=7310, maxDepth=5000}
 * }</pre>
 *
 * <p>Named {@code queue:<name>}, so several queues can sit in one report. A check is one {@code depth} read.
 * Thread-safe.
 */
public final class QueueDepthIndicator implements HealthIndicator {

    private final CommandQueue queue;
    private final String queueName;
    private final long maxDepth;

    private QueueDepthIndicator(CommandQueue queue, String queueName, long maxDepth) {
        this.queue = queue;
        this.queueName = queueName;
        this.maxDepth = maxDepth;
    }

    /**
     * An indicator for one queue.
     *
     * @param queue     the command queue
     * @param queueName the queue's name, e.g. {@code high-priority}
     * @param maxDepth  the most pending commands for the queue to be up, at least 0
     * @return the indicator
     * @throws InvalidInputException when an argument is null, the name malformed or {@code maxDepth} negative
     */
    public static QueueDepthIndicator of(CommandQueue queue, String queueName, long maxDepth) {
        Checks.notNull("queue", queue);
        Checks.identifier("queueName", queueName, CommandQueue.MAX_QUEUE_NAME_CHARS, "high-priority");
        if (maxDepth < 0) {
            throw new InvalidInputException("maxDepth", "maxDepth must not be negative but was " + maxDepth
                    + "; pass e.g. 5000 (commands)");
        }
        return new QueueDepthIndicator(queue, queueName, maxDepth);
    }

    @Override
    public String name() {
        return "queue:" + queueName;
    }

    @Override
    public Health check() {
        Map<String, String> detail = new LinkedHashMap<>();
        detail.put("queue", queueName);
        try {
            long depth = queue.depth(queueName);
            detail.put("depth", Long.toString(depth));
            detail.put("maxDepth", Long.toString(maxDepth));
            return depth <= maxDepth ? Health.up(detail) : Health.down(detail);
        } catch (RuntimeException e) {
            detail.put("error", e.getClass().getSimpleName() + ": " + e.getMessage());
            return Health.down(detail);
        }
    }

    @Override
    public String toString() {
        return "QueueDepthIndicator[" + queueName + ", maxDepth=" + maxDepth + "]";
    }
}
