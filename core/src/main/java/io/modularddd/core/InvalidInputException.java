package io.modularddd.core;

/**
 * An argument passed to the library was invalid: null where a value is required, blank, too long,
 * out of range, or malformed.
 *
 * <p>Thrown before anything is stored, so an invalid request never leaves a partial write behind.
 * {@link #argument()} names the offending argument; the message also says what a valid value
 * looks like.
 */
public class InvalidInputException extends ModularDddException {

    private static final long serialVersionUID = 1L;

    private final String argument;

    /**
     * Creates the exception.
     *
     * @param argument the name of the invalid argument, as the caller knows it (e.g. {@code "aggregateId"})
     * @param message  the full message: what was wrong, the value, and the fix
     */
    public InvalidInputException(String argument, String message) {
        super(message);
        this.argument = argument;
    }

    /**
     * Returns the name of the invalid argument.
     *
     * @return the argument's name, e.g. {@code "aggregateId"} or {@code "events[2].occurredAt"}
     */
    public String argument() {
        return argument;
    }
}
