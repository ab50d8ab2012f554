package io.modularddd.core.command;

import io.modularddd.core.InvalidInputException;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A command broke one or more of its validation rules and was not handled. {@link #violations()} lists
 * every rule broken, not only the first, so a caller can report them all at once. Nothing was changed:
 * the handler never ran.
 */
public class CommandValidationException extends InvalidInputException {

    private static final long serialVersionUID = 1L;

    private final Class<?> commandType;
    private final List<Violation> violations;

    /**
     * Creates the exception.
     *
     * @param commandType the command class
     * @param violations  every rule the command broke, at least one
     */
    public CommandValidationException(Class<?> commandType, List<Violation> violations) {
        super("command", "command " + commandType.getName() + " is invalid (" + violations.size() + " violation"
                + (violations.size() == 1 ? "" : "s") + "): " + violations.stream().map(Violation::toString)
                .collect(Collectors.joining("; ")) + ". Fix the command and send it again.");
        this.commandType = commandType;
        this.violations = List.copyOf(violations);
    }

    /**
     * Returns the command class.
     *
     * @return the class
     */
    public Class<?> commandType() {
        return commandType;
    }

    /**
     * Returns every rule the command broke.
     *
     * @return an immutable list, at least one element
     */
    public List<Violation> violations() {
        return violations;
    }
}
