package io.modularddd.core.cache;

import io.modularddd.core.ModularDddException;

/**
 * A cache loader threw a checked exception; it is the cause. Unchecked exceptions and errors thrown by
 * a loader reach the caller unchanged, so this only wraps what Java would not let through as is. Nothing
 * is cached for a failed load.
 */
public class CacheLoadException extends ModularDddException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param what  what was being loaded, e.g. the query type's name
     * @param cause the loader's exception
     */
    public CacheLoadException(String what, Exception cause) {
        super("loading " + what + " failed: " + cause, cause);
    }
}
