package io.modularddd.core.queue;

import io.modularddd.core.internal.Checks;
import java.time.Instant;

/**
 * A command the queue gave up on: it failed {@link CommandQueue#maxAttempts()} times. It stays in the
 * queue's dead-letter store, out of the way of the commands behind it, until an operator looks at it.
 *
 * @param queue     the queue's name
 * @param command   the command
 * @param attempts  how many times it was tried
 * @param lastError what the last failure said (an exception's type and message, shortened)
 * @param deadAt    when it was moved aside
 */
public record DeadLetter(String queue, QueuedCommand command, int attempts, String lastError, Instant deadAt) {

    /**
     * Checks the fields.
     *
     * @param queue     the queue's name
     * @param command   the command
     * @param attempts  how many times it was tried
     * @param lastError the last failure
     * @param deadAt    when it was moved aside
     */
    public DeadLetter {
        Checks.notNull("queue", queue);
        Checks.notNull("command", command);
        Checks.notNull("lastError", lastError);
        Checks.notNull("deadAt", deadAt);
    }
}
