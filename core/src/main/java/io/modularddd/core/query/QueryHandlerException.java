package io.modularddd.core.query;

import io.modularddd.core.ModularDddException;

/**
 * A query handler threw a checked exception; it is the {@linkplain #getCause() cause}. Unchecked
 * exceptions reach the caller unchanged. Nothing is cached for a failed query.
 */
public class QueryHandlerException extends ModularDddException {

    private static final long serialVersionUID = 1L;

    private final Class<?> queryType;

    /**
     * Creates the exception.
     *
     * @param queryType the query class whose handler failed
     * @param cause     the handler's checked exception
     */
    public QueryHandlerException(Class<?> queryType, Exception cause) {
        super("the handler of query " + queryType.getName() + " failed: " + cause, cause);
        this.queryType = queryType;
    }

    /**
     * Returns the query class whose handler failed.
     *
     * @return the class
     */
    public Class<?> queryType() {
        return queryType;
    }
}
