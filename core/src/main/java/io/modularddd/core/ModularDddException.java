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

    /**
     * Tells whether the failure may pass by itself, so that repeating the same call later may succeed:
     * a lost connection, an unavailable server, a lock-wait or statement timeout, a deadlock, an
     * exhausted connection pool — or an append whose outcome is unknown, which a repeat reconciles.
     * Permanent failures — bad input, unknown event types, serialization errors, version and event-id
     * conflicts, a missing table — return {@code false}: repeating the same call fails the same way (a
     * version conflict needs the aggregate reloaded first, which is a new call).
     *
     * <p>This is the one way to tell the two apart, on every exception the library throws; adapters
     * decide it where they classify the driver's error (SQLState, vendor code, exception type).
     *
     * @return {@code true} when a retry of the same call is worthwhile
     */
    public boolean isTransient() {
        return false;
    }
}
