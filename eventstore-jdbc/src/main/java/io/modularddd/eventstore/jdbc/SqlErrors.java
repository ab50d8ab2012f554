package io.modularddd.eventstore.jdbc;

import io.modularddd.core.EventStoreException;
import java.io.IOException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.sql.SQLTransientConnectionException;
import java.util.Set;

/**
 * Classifies driver exceptions ({@link SQLException}, or jOOQ's {@code DataAccessException} around
 * one) and turns them into the library's typed errors with the cause attached.
 *
 * <p>Classification is by SQLState class, with the few vendor codes that matter: a connection that
 * was killed server-side reports {@code 70100}/1927 on MariaDB and {@code 57P01} on PostgreSQL
 * before the driver notices the socket is gone.
 */
final class SqlErrors {

    private static final Set<String> CONNECTION_STATES = Set.of("57P01", "57P02", "57P03", "70100");
    private static final Set<String> MISSING_TABLE_STATES = Set.of("42S02", "42P01", "42S04");
    private static final int ER_NET_PACKET_TOO_LARGE = 1153;
    /** PostgreSQL: lock not available (lock_timeout), query canceled (statement_timeout). */
    private static final Set<String> TRANSIENT_STATES = Set.of("55P03", "57014");
    /**
     * MySQL/MariaDB: lock wait timeout (1205), deadlock (1213), max_statement_time (1969), max_execution_time
     * (3024), max_user_connections (1203).
     */
    private static final Set<Integer> TRANSIENT_MYSQL_ERRORS = Set.of(1203, 1205, 1213, 1969, 3024);
    /**
     * MySQL/MariaDB data errors some versions report under SQLState HY000: bad value for a column (1264,
     * 1265, 1292, 1366), data too long (1406), invalid JSON (3140), a failed CHECK constraint (4025).
     */
    private static final Set<Integer> MYSQL_DATA_ERRORS = Set.of(1264, 1265, 1292, 1366, 1406, 3140, 4025);

    private SqlErrors() {
    }

    /** Finds the first {@link SQLException} in a cause chain. */
    static SQLException sqlCause(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof SQLException sql) {
                return sql;
            }
            if (c.getCause() == c) {
                break;
            }
        }
        return null;
    }

    /** Tells whether the failure means the connection to the database is lost or unusable. */
    static boolean isConnectionFailure(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof SQLNonTransientConnectionException || c instanceof SQLTransientConnectionException
                    || c instanceof SQLRecoverableException || c instanceof IOException) {
                return true;
            }
            if (c instanceof SQLException sql) {
                String state = sql.getSQLState();
                if (state != null && (state.startsWith("08") || CONNECTION_STATES.contains(state))) {
                    return true;
                }
                if (sql.getErrorCode() == 1927) { // MariaDB ER_CONNECTION_KILLED
                    return true;
                }
            }
            if (c.getCause() == c) {
                break;
            }
        }
        return false;
    }

    /** Tells whether the failure is an integrity constraint violation (SQLState class 23). */
    static boolean isIntegrityViolation(Throwable t) {
        SQLException sql = sqlCause(t);
        return sql != null && sql.getSQLState() != null && sql.getSQLState().startsWith("23");
    }

    /**
     * Tells whether the database refused a value of a row: SQLState class 22 (data exception) or 23
     * (integrity constraint, e.g. MariaDB's {@code JSON_VALID} check, 4025), or one of MySQL's and
     * MariaDB's data errors reported under another state. Such a failure belongs to one row, so a group
     * that hits it is worth running member by member; a timeout, a deadlock or a lost connection is not.
     */
    static boolean isDataError(Throwable t) {
        if (isPacketTooLarge(t) || isConnectionFailure(t)) {
            return false;
        }
        SQLException sql = sqlCause(t);
        if (sql == null) {
            return false;
        }
        String state = sql.getSQLState();
        return (state != null && (state.startsWith("22") || state.startsWith("23")))
                || MYSQL_DATA_ERRORS.contains(sql.getErrorCode());
    }

    /**
     * Tells whether MySQL or MariaDB refused a packet larger than {@code max_allowed_packet} (error 1153,
     * after which the server closes the connection).
     */
    static boolean isPacketTooLarge(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof SQLException sql && (sql.getErrorCode() == ER_NET_PACKET_TOO_LARGE
                    || (sql.getMessage() != null && sql.getMessage().contains("max_allowed_packet")))) {
                return true;
            }
            if (c.getCause() == c) {
                break;
            }
        }
        return false;
    }

    /**
     * Tells whether a failed commit is known to have rolled back: the server answered with a
     * rollback-class error (serialization failure, deadlock, deferred constraint) instead of the
     * connection dying.
     */
    static boolean isKnownRollback(Throwable t) {
        if (isConnectionFailure(t)) {
            return false;
        }
        SQLException sql = sqlCause(t);
        String state = sql == null ? null : sql.getSQLState();
        return state != null && (state.startsWith("40") || state.startsWith("23"));
    }

    /**
     * Builds the exception for a failed operation.
     *
     * @param operation what was being done, e.g. "appending to stream 'x'"
     * @param target    the table and database, for the message (credential-free)
     * @param cause     the failure
     * @return the exception to throw
     */
    static EventStoreException failure(String operation, String target, Throwable cause) {
        return new EventStoreException(describe(operation, target, cause), driverCause(cause), isTransient(cause));
    }

    /**
     * Tells whether the failure may pass by itself, so that the same call may succeed when repeated: a
     * lost or refused connection, an exhausted pool, a lock-wait or statement timeout, a deadlock or
     * serialization failure (SQLState class 40), PostgreSQL's {@code 55P03}/{@code 57014}, MySQL's and
     * MariaDB's 1205, 1213, 1969, 3024 and 1203.
     */
    static boolean isTransient(Throwable t) {
        if (isConnectionFailure(t)) {
            return true;
        }
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof SQLTransientException) {
                return true;
            }
            if (c instanceof SQLException sql) {
                String state = sql.getSQLState();
                if (state != null && (state.startsWith("40") || TRANSIENT_STATES.contains(state))) {
                    return true;
                }
                if (TRANSIENT_MYSQL_ERRORS.contains(sql.getErrorCode())) {
                    return true;
                }
            }
            if (c.getCause() == c) {
                break;
            }
        }
        return false;
    }

    /**
     * The exception to attach as the cause: the driver's {@link SQLException} rather than jOOQ's wrapper
     * around it (jOOQ is an implementation detail), else the failure itself.
     */
    static Throwable driverCause(Throwable t) {
        if (t instanceof org.jooq.exception.DataAccessException && t.getCause() instanceof SQLException sql) {
            return sql;
        }
        return t;
    }

    static String describe(String operation, String target, Throwable cause) {
        SQLException sql = sqlCause(cause);
        StringBuilder sb = new StringBuilder("JdbcEventStore failed ").append(operation).append(" on ").append(target);
        if (sql != null) {
            sb.append(" (SQLState ").append(sql.getSQLState()).append(", vendor code ").append(sql.getErrorCode())
                    .append(": ").append(firstLine(sql.getMessage())).append(')');
        } else {
            sb.append(" (").append(cause.getClass().getSimpleName()).append(": ").append(firstLine(cause.getMessage()))
                    .append(')');
        }
        if (sql != null && sql.getSQLState() != null && sql.getSQLState().startsWith("28")) {
            sb.append(". The database refused the login: check the user name and password (JdbcEventStore.builder()"
                    + ".username(...).password(...), or the DataSource's), and that the user may connect from this "
                    + "host.");
        } else if (isConnectionFailure(cause)) {
            sb.append(". The database connection failed: check that the database server is running and reachable "
                    + "from this host, that the credentials are right, and that the pools are large enough "
                    + "(JdbcEventStore.builder().readPoolSize(...) for reads; appends use maxCommitsInFlight + 1).");
        } else if (sql != null && sql.getSQLState() != null && MISSING_TABLE_STATES.contains(sql.getSQLState())) {
            sb.append(". A table is missing: call JdbcEventStore.createSchema() once, or apply the shipped DDL "
                    + "(io/modularddd/eventstore/jdbc/schema/*.sql) with your migration tool.");
        } else if (isTransient(cause)) {
            sb.append(". This failure is transient (a lock-wait or statement timeout, a deadlock, or a busy server): "
                    + "the same call may succeed when repeated (isTransient() is true).");
        } else {
            sb.append('.');
        }
        return sb.toString();
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "no message";
        }
        int nl = message.indexOf('\n');
        String line = nl < 0 ? message : message.substring(0, nl);
        return line.length() > 300 ? line.substring(0, 300) + "…" : line;
    }
}
