package io.modularddd.eventstore.jdbc;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Test seam inside the append transaction: called on the leader's thread with the transaction's
 * connection, after the head row is locked and just before {@code COMMIT}. Tests use it to add
 * delays, inject failures, or kill the connection server-side. Production code never sets one.
 */
interface TransactionHook {

    /** Does nothing. */
    TransactionHook NONE = new TransactionHook() {
    };

    /**
     * Called after the head row was locked and read.
     *
     * @param connection the transaction's connection
     * @throws SQLException to fail the transaction
     */
    default void afterLock(Connection connection) throws SQLException {
    }

    /**
     * Called after the inserts, right before {@code COMMIT}.
     *
     * @param connection the transaction's connection
     * @throws SQLException to fail the transaction
     */
    default void beforeCommit(Connection connection) throws SQLException {
    }
}
