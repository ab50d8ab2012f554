package io.modularddd.core;

/**
 * The storage behind an {@link EventStore} failed: a database or Redis error that is not a
 * concurrency conflict or bad input.
 *
 * <p>Adapters attach the driver's exception as the cause. For appends, this exception means that
 * nothing of the request was stored: the transaction was rolled back or never began. When the
 * outcome cannot be known (the connection died during commit) the adapter throws
 * {@link AppendOutcomeUnknownException} instead, which is not an {@code EventStoreException}.
 * {@link #isTransient()} tells a failure worth retrying (connection, timeout, deadlock) from a
 * permanent one.
 */
public class EventStoreException extends ModularDddException {

    private static final long serialVersionUID = 1L;

    private final boolean transientFailure;

    /**
     * Creates the exception.
     *
     * @param message what failed and what to check
     * @param cause   the driver's exception
     */
    public EventStoreException(String message, Throwable cause) {
        this(message, cause, false);
    }

    /**
     * Creates the exception, saying whether the failure may pass by itself.
     *
     * @param message          what failed and what to check
     * @param cause            the driver's exception
     * @param transientFailure {@code true} for a lost connection, an unavailable server, a timeout or a
     *                         deadlock: repeating the same call may succeed
     */
    public EventStoreException(String message, Throwable cause, boolean transientFailure) {
        super(message, cause);
        this.transientFailure = transientFailure;
    }

    /**
     * Creates the exception without a cause.
     *
     * @param message what failed and what to check
     */
    public EventStoreException(String message) {
        super(message);
        this.transientFailure = false;
    }

    @Override
    public boolean isTransient() {
        return transientFailure;
    }
}
