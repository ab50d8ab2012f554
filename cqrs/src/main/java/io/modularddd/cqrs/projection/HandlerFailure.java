package io.modularddd.cqrs.projection;

/**
 * A projection handler's exception, carried through {@code CheckpointStore.commit} (which passes unchecked
 * exceptions on) so the engine tells the handler's failures, which it retries and dead-letters, from the stores'.
 */
final class HandlerFailure extends RuntimeException {

    private static final long serialVersionUID = 1L;

    HandlerFailure(Exception cause) {
        super(cause.toString(), cause, false, false);
    }

    Exception failure() {
        return (Exception) getCause();
    }

    /** The handler failure in a chain of causes, or null (for a store that wrapped it after all). */
    static HandlerFailure in(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof HandlerFailure f) {
                return f;
            }
        }
        return null;
    }
}
