package io.modularddd.core.queue;

import io.modularddd.core.ModularDddException;
import java.util.Optional;

/**
 * A {@link CommandQueue}'s storage failed: a Redis or database error while sending, polling, acknowledging,
 * failing or listing dead letters, or while a transport connects or creates its table. Bad arguments are
 * {@link io.modularddd.core.InvalidInputException}s instead, and a closed queue throws
 * {@link IllegalStateException}.
 *
 * <p>The transport attaches the driver's exception as the cause and classifies it: {@link #isTransient()} is
 * {@code true} for a lost connection, an unavailable server, a timeout or a deadlock — repeating the same call
 * may succeed (a failed {@code send} may or may not have happened: send again with the same command id, which
 * the queue accepts once). The message names the operation, the queue and the server, never a credential.
 */
public class CommandQueueException extends ModularDddException {

    private static final long serialVersionUID = 1L;

    private final String queue;
    private final boolean transientFailure;

    /**
     * Creates the exception.
     *
     * @param queue            the queue's name; {@code null} when the failure concerns the transport as a whole
     *                         (connecting, creating its table)
     * @param message          what failed, on which server, and what to do
     * @param cause            the driver's exception, or {@code null}
     * @param transientFailure {@code true} when repeating the same call may succeed
     */
    public CommandQueueException(String queue, String message, Throwable cause, boolean transientFailure) {
        super(message, cause);
        this.queue = queue;
        this.transientFailure = transientFailure;
    }

    /**
     * Returns the queue the failed operation was about.
     *
     * @return the queue's name; empty when the failure concerns the transport as a whole
     */
    public Optional<String> queue() {
        return Optional.ofNullable(queue);
    }

    @Override
    public boolean isTransient() {
        return transientFailure;
    }
}
