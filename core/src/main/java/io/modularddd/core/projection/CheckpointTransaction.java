package io.modularddd.core.projection;

import java.util.Optional;

/**
 * The transaction a checkpoint commits in, handed to the work that runs with it. A JDBC checkpoint store
 * unwraps to its {@code java.sql.Connection}, so a read model in the same database writes in the
 * checkpoint's transaction and both commit or neither does (an exactly-once effect); a store without
 * transactions unwraps to nothing, and read models there get at-least-once delivery with the event's
 * position for idempotency.
 */
public interface CheckpointTransaction {

    /**
     * Returns the transaction's resource of a type, where the store has one.
     *
     * @param type e.g. {@code java.sql.Connection.class}
     * @param <T>  the type
     * @return the resource, or empty
     */
    <T> Optional<T> unwrap(Class<T> type);

    /** A transaction that offers nothing (stores without transactions). */
    CheckpointTransaction NONE = new CheckpointTransaction() {
        @Override
        public <T> Optional<T> unwrap(Class<T> type) {
            return Optional.empty();
        }
    };
}
