package io.modularddd.eventstore.jdbc;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Test seam of {@link JdbcCommandQueue}: called with the connections the queue uses, so tests can note
 * their server sessions and kill them server-side, or fail the claim transaction at a chosen point.
 * Production code never sets one.
 */
interface QueueHook {

    /** Does nothing. */
    QueueHook NONE = new QueueHook() {
    };

    /**
     * Called when the queue has borrowed a connection, before its first statement.
     *
     * @param connection the connection
     * @throws SQLException to fail the operation
     */
    default void borrowed(Connection connection) throws SQLException {
    }

    /**
     * Called inside the claim transaction after the {@code SELECT ... FOR UPDATE SKIP LOCKED} returned its
     * rows and before the leases are written and committed.
     *
     * @param connection the transaction's connection
     * @param rows       how many rows the select locked
     * @throws SQLException to fail the claim
     */
    default void claimed(Connection connection, int rows) throws SQLException {
    }
}
