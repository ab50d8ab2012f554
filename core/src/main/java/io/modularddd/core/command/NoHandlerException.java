package io.modularddd.core.command;

import io.modularddd.core.ModularDddException;
import java.util.List;

/**
 * A command was dispatched whose exact class has no registered handler. The message names the class and
 * lists the types that do have one, so a typo, a missing registration or a subclass sent in place of the
 * registered class shows at once.
 */
public class NoHandlerException extends ModularDddException {

    private static final long serialVersionUID = 1L;

    /** The most registered types the message lists. */
    static final int LISTED = 50;

    private final Class<?> commandType;
    private final List<String> registered;

    /**
     * Creates the exception.
     *
     * @param commandType the command's class
     * @param registered  the names of the classes that have handlers, sorted
     */
    public NoHandlerException(Class<?> commandType, List<String> registered) {
        super(message("command", commandType, registered));
        this.commandType = commandType;
        this.registered = List.copyOf(registered);
    }

    static String message(String kind, Class<?> type, List<String> registered) {
        String listed = registered.isEmpty() ? "none"
                : registered.size() <= LISTED ? String.join(", ", registered)
                : String.join(", ", registered.subList(0, LISTED)) + " and " + (registered.size() - LISTED) + " more";
        return "no handler is registered for " + kind + " type " + type.getName() + "; registered " + kind
                + " types: " + listed + ". Register one with register(" + type.getSimpleName()
                + ".class, handler); types are matched by exact class.";
    }

    /**
     * Returns the command class that has no handler.
     *
     * @return the class
     */
    public Class<?> commandType() {
        return commandType;
    }

    /**
     * Returns the names of the command classes that have handlers.
     *
     * @return an immutable, sorted list
     */
    public List<String> registered() {
        return registered;
    }
}
