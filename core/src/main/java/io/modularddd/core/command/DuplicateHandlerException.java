package io.modularddd.core.command;

import io.modularddd.core.ModularDddException;

/**
 * A handler was registered for a command type that already has one. A command type has exactly one
 * handler; the first registration stays in force.
 */
public class DuplicateHandlerException extends ModularDddException {

    private static final long serialVersionUID = 1L;

    private final Class<?> commandType;

    /**
     * Creates the exception.
     *
     * @param commandType the command class registered twice
     */
    public DuplicateHandlerException(Class<?> commandType) {
        super(message("command", commandType));
        this.commandType = commandType;
    }

    static String message(String kind, Class<?> type) {
        return kind + " type " + type.getName() + " already has a handler; a " + kind
                + " type has exactly one. Remove the second registration, or give the second use its own "
                + kind + " type.";
    }

    /**
     * Returns the command class registered twice.
     *
     * @return the class
     */
    public Class<?> commandType() {
        return commandType;
    }
}
