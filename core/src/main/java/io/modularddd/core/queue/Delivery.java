package io.modularddd.core.queue;

import io.modularddd.core.internal.Checks;

/**
 * A command handed to one consumer by {@link CommandQueue#poll}: the consumer holds it for the queue's
 * lease time, then either {@link CommandQueue#acknowledge acknowledges} it or {@link CommandQueue#fail
 * fails} it. A delivery that is neither within the lease (the consumer died) goes to another consumer.
 *
 * @param queue      the queue's name
 * @param deliveryId the transport's id for this entry (a stream entry id, a row id)
 * @param command    the command
 * @param attempt    1 for the first delivery, 2 for the next, and so on
 * @param consumer   the consumer that holds it
 */
public record Delivery(String queue, String deliveryId, QueuedCommand command, int attempt, String consumer) {

    /**
     * Checks the fields.
     *
     * @param queue      the queue's name
     * @param deliveryId the transport's id
     * @param command    the command
     * @param attempt    the attempt, from 1
     * @param consumer   the consumer
     */
    public Delivery {
        Checks.notNull("queue", queue);
        Checks.notNull("deliveryId", deliveryId);
        Checks.notNull("command", command);
        Checks.notNull("consumer", consumer);
        if (attempt < 1) {
            throw new IllegalArgumentException("attempt counts from 1 but was " + attempt);
        }
    }
}
