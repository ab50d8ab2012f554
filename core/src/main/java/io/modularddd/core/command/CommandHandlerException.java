package io.modularddd.core.command;

import io.modularddd.core.ModularDddException;

/**
 * A command handler threw a checked exception; it is the {@linkplain #getCause() cause}. Unchecked
 * exceptions thrown by handlers reach the caller unchanged, so this only carries what Java would not let
 * through as is. What the handler did before it threw is not undone by the bus: use the unit-of-work
 * middleware so that nothing a failed handler saved is stored.
 */
public class CommandHandlerException extends ModularDddException {

    private static final long serialVersionUID = 1L;

    private final Class<?> commandType;

    /**
     * Creates the exception.
     *
     * @param commandType the command class whose handler failed
     * @param cause       the handler's checked exception
     */
    public CommandHandlerException(Class<?> commandType, Exception cause) {
        super("the handler of command " + commandType.getName() + " failed: " + cause, cause);
        this.commandType = commandType;
    }

    /**
     * Returns the command class whose handler failed.
     *
     * @return the class
     */
    public Class<?> commandType() {
        return commandType;
    }
}
