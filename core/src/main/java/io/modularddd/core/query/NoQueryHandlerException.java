package io.modularddd.core.query;

import io.modularddd.core.ModularDddException;
import java.util.List;

/**
 * A query was asked whose exact class has no registered handler. The message names the class and lists
 * the types that do have one.
 */
public class NoQueryHandlerException extends ModularDddException {

    private static final long serialVersionUID = 1L;

    private static final int LISTED = 50;

    private final Class<?> queryType;
    private final List<String> registered;

    /**
     * Creates the exception.
     *
     * @param queryType  the query's class
     * @param registered the names of the classes that have handlers, sorted
     */
    public NoQueryHandlerException(Class<?> queryType, List<String> registered) {
        super("no handler is registered for query type " + queryType.getName() + "; registered query types: "
                + (registered.isEmpty() ? "none" : registered.size() <= LISTED ? String.join(", ", registered)
                : String.join(", ", registered.subList(0, LISTED)) + " and " + (registered.size() - LISTED)
                + " more") + ". Register one with register(" + queryType.getSimpleName()
                + ".class, handler); types are matched by exact class.");
        this.queryType = queryType;
        this.registered = List.copyOf(registered);
    }

    /**
     * Returns the query class that has no handler.
     *
     * @return the class
     */
    public Class<?> queryType() {
        return queryType;
    }

    /**
     * Returns the names of the query classes that have handlers.
     *
     * @return an immutable, sorted list
     */
    public List<String> registered() {
        return registered;
    }
}
