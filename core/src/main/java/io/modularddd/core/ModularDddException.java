package io.modularddd.core;

/**
 * Root of every exception modular-ddd throws.
 *
 * <p>All exceptions are unchecked. Each subclass is named for what failed, carries the facts of the
 * failure as fields, and builds a message that names the bad value and how to fix it. Adapters wrap
 * driver exceptions ({@code SQLException}, {@code JedisException}) with the original as the cause.
 * No message ever contains a credential.
 */
public abstract class ModularDddException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception with a message.
     *
     * @param message what failed, the value, and the fix
     */
    protected ModularDddException(String message) {
        super(message);
    }

    /**
     * Creates an exception with a message and the underlying cause.
     *
     * @param message what failed, the value, and the fix
     * @param cause   the underlying failure, kept for diagnosis
     */
    protected ModularDddException(String message, Throwable cause) {
        super(message, cause);
    }
}
