package io.modularddd.core.command;

import io.modularddd.core.ModularDddException;
import java.lang.reflect.Type;

/**
 * A command handler returned a value of another type than its command declares
 * ({@code Command<R>}): a raw or unchecked handler, usually. The command's effects are not undone by the
 * bus (with the unit-of-work middleware outside the check, nothing is stored).
 */
public class CommandResultTypeException extends ModularDddException {

    private static final long serialVersionUID = 1L;

    private final Class<?> commandType;
    private final String declared;
    private final Class<?> actual;

    /**
     * Creates the exception.
     *
     * @param commandType the command class
     * @param declared    the result type the command declares
     * @param actual      the class of the value the handler returned
     */
    public CommandResultTypeException(Class<?> commandType, Type declared, Class<?> actual) {
        super("the handler of command " + commandType.getName() + " returned a " + actual.getName() + " but "
                + commandType.getSimpleName() + " declares Command<" + declared.getTypeName() + ">; return a "
                + declared.getTypeName() + (declared == Void.class ? " (that is, null)" : "")
                + " or change the type the command declares");
        this.commandType = commandType;
        this.declared = declared.getTypeName();
        this.actual = actual;
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
     * Returns the result type the command declares.
     *
     * @return the type's name, e.g. {@code java.lang.Long}
     */
    public String declaredType() {
        return declared;
    }

    /**
     * Returns the class of the value the handler returned.
     *
     * @return the class
     */
    public Class<?> actualType() {
        return actual;
    }
}
