package io.modularddd.eventstore.jdbc;

import io.modularddd.core.internal.Checks;
import io.modularddd.core.queue.CommandQueueException;
import java.sql.SQLException;
import java.util.Set;

/**
 * The {@link JdbcCommandQueue}'s failures: classified by {@link SqlErrors} exactly like the event store's
 * (transient: a lost connection, a timeout, a deadlock; permanent: the rest), with hints that name the
 * queue's own settings and schema.
 */
final class QueueErrors {

    private static final int MAX_ERROR_CHARS = 1000;
    private static final Set<String> MISSING_TABLE_STATES = Set.of("42S02", "42P01", "42S04");

    private QueueErrors() {
    }

    /**
     * Builds the exception for a failed operation.
     *
     * @param queue     the queue the operation was about, or {@code null} for the table as a whole
     * @param operation what was being done, e.g. "sending command x to queue 'y'"
     * @param target    the table and database, for the message (credential-free)
     * @param cause     the failure
     * @return the exception, {@link CommandQueueException#isTransient()} as {@link SqlErrors#isTransient}
     */
    static CommandQueueException failure(String queue, String operation, String target, Throwable cause) {
        SQLException sql = SqlErrors.sqlCause(cause);
        StringBuilder sb = new StringBuilder("JdbcCommandQueue failed ").append(operation).append(" on ").append(target);
        if (sql != null) {
            sb.append(" (SQLState ").append(sql.getSQLState()).append(", vendor code ").append(sql.getErrorCode())
                    .append(": ").append(firstLine(sql.getMessage())).append(')');
        } else {
            sb.append(" (").append(cause.getClass().getSimpleName()).append(": ").append(firstLine(cause.getMessage()))
                    .append(')');
        }
        if (sql != null && sql.getSQLState() != null && sql.getSQLState().startsWith("28")) {
            sb.append(". The database refused the login: check the user name and password "
                    + "(JdbcCommandQueue.builder().username(...).password(...), or the DataSource's).");
        } else if (SqlErrors.isConnectionFailure(cause)) {
            sb.append(". The database connection failed: check that the server is running and reachable, and that "
                    + "the pools are large enough (JdbcCommandQueue.builder().poolSize(...)). Nothing is lost: "
                    + "repeat a failed send with the same command id (it returns false if the first one was "
                    + "accepted after all); a delivery that could not be acknowledged is delivered again when its "
                    + "lease runs out.");
        } else if (sql != null && sql.getSQLState() != null && MISSING_TABLE_STATES.contains(sql.getSQLState())) {
            sb.append(". The queue table is missing: call JdbcCommandQueue.createSchema() once, or apply the "
                    + "shipped DDL (io/modularddd/eventstore/jdbc/queue/*.sql) with your migration tool.");
        } else if (SqlErrors.isTransient(cause)) {
            sb.append(". This failure is transient (a lock-wait or statement timeout, a deadlock, or a busy "
                    + "server): the same call may succeed when repeated (isTransient() is true).");
        } else {
            sb.append('.');
        }
        return new CommandQueueException(queue, sb.toString(), SqlErrors.driverCause(cause),
                SqlErrors.isTransient(cause));
    }

    static String firstLine(String message) {
        if (message == null) {
            return "no message";
        }
        int nl = message.indexOf('\n');
        String line = nl < 0 ? message : message.substring(0, nl);
        return line.length() > 300 ? line.substring(0, 300) + "…" : line;
    }

    /** The error as stored: at most 1,000 chars, lone surrogates (which have no UTF-8 form) replaced. */
    static String storedError(String error) {
        Checks.notNull("error", error);
        String text = error.length() > MAX_ERROR_CHARS ? error.substring(0, MAX_ERROR_CHARS - 1) + "…" : error;
        if (Checks.loneSurrogate(text) < 0) {
            return text;
        }
        StringBuilder sb = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            boolean paired = Character.isHighSurrogate(ch) && i + 1 < text.length()
                    && Character.isLowSurrogate(text.charAt(i + 1));
            if (paired) {
                sb.append(ch).append(text.charAt(++i));
            } else {
                sb.append(Character.isSurrogate(ch) ? '\uFFFD' : ch);
            }
        }
        return sb.toString();
    }
}
