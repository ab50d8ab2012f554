package io.modularddd.core.query;

import io.modularddd.core.ModularDddException;

/**
 * A handler was registered for a query type that already has one; the first registration stays in force.
 */
public class DuplicateQueryHandlerException extends ModularDddException {

    private static final long serialVersionUID = 1L;

    private final Class<?> queryType;

    /**
     * Creates the exception.
     *
     * @param queryType the query class registered twice
     */
    public DuplicateQueryHandlerException(Class<?> queryType) {
        super("query type " + queryType.getName() + " already has a handler; a query type has exactly one. "
                + "Remove the second registration, or give the second use its own query type.");
        this.queryType = queryType;
    }

    /**
     * Returns the query class registered twice.
     *
     * @return the class
     */
    public Class<?> queryType() {
        return queryType;
    }
}
