package io.modularddd.core;

/**
 * The storage behind an {@link EventStore} failed: a database or Redis error that is not a
 * concurrency conflict or bad input.
 *
 * <p>Adapters attach the driver's exception as the cause. For appends, this exception means the
 * transaction was known to be rolled back; when the outcome cannot be known (the connection died
 * during commit) the adapter throws {@link AppendOutcomeUnknownException} instead.
 */
public class EventStoreException extends ModularDddException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what failed and what to check
     * @param cause   the driver's exception
     */
    public EventStoreException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * Creates the exception without a cause.
     *
     * @param message what failed and what to check
     */
    public EventStoreException(String message) {
        super(message);
    }
}
