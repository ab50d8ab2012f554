package io.modularddd.eventstore.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connections of one store, and who owns them.
 *
 * <p>A store built from a JDBC URL creates two HikariCP pools and closes them in
 * {@link JdbcEventStore#close()}: the <em>read pool</em> ({@code readPoolSize} connections, auto-commit
 * on) for reads, schema creation and partition maintenance, and the <em>append pool</em>
 * ({@code maxCommitsInFlight + 1} connections, auto-commit off, {@code READ COMMITTED}): one per append
 * transaction that may be committing, plus the one that opens the next group. A store built on a
 * {@link DataSource} the application manages takes both kinds of connections from it and never closes
 * it.
 *
 * <p>A failed append transaction gives its connection back through {@link #release}: a connection
 * that may be broken (or may still hold the head-row lock) is evicted from the store's own append
 * pool, never handed to the next caller.
 */
final class StorePools {

    private static final Logger LOG = LoggerFactory.getLogger(StorePools.class);

    /** Reads, DDL, dialect detection and packet-limit look-ups: the read pool, else the given data source. */
    final DataSource reads;
    /** Append transactions: the store's own append pool (auto-commit off), else the given data source. */
    final DataSource appends;
    /** Where the store connects, with credentials masked: for messages, logs and {@code describe()}. */
    final String target;
    private final HikariDataSource ownedReads;
    private final HikariDataSource ownedAppends;

    private StorePools(DataSource reads, DataSource appends, HikariDataSource ownedReads,
                       HikariDataSource ownedAppends, String target) {
        this.reads = reads;
        this.appends = appends;
        this.ownedReads = ownedReads;
        this.ownedAppends = ownedAppends;
        this.target = target;
    }

    /** Connections from a data source the application manages: the store never closes it. */
    static StorePools given(DataSource dataSource) {
        return new StorePools(dataSource, dataSource, null, null, "the given DataSource");
    }

    /**
     * Creates the read pool and the append pool for a JDBC URL.
     *
     * @param appendConnections {@code maxCommitsInFlight + 1}
     * @throws io.modularddd.core.EventStoreException when a pool cannot be created (nothing is left open)
     */
    static StorePools create(String jdbcUrl, String username, String password, String tableName, int readPoolSize,
                             int appendConnections) {
        String target = Redaction.url(jdbcUrl);
        HikariDataSource reads = createPool(jdbcUrl, username, password, target, "modularddd-" + tableName,
                readPoolSize, true);
        HikariDataSource appends;
        try {
            appends = createPool(jdbcUrl, username, password, target, "modularddd-" + tableName + "-append",
                    appendConnections, false);
        } catch (RuntimeException e) {
            reads.close();
            throw e;
        }
        return new StorePools(reads, appends, reads, appends, target);
    }

    /** Tells whether the store created its pools (from a JDBC URL) and so configures and closes them. */
    boolean owned() {
        return ownedReads != null;
    }

    /** The read pool's size; only for {@link #owned()} pools. */
    int readPoolSize() {
        return ownedReads.getMaximumPoolSize();
    }

    /** The append pool's size; only for {@link #owned()} pools. */
    int appendPoolSize() {
        return ownedAppends.getMaximumPoolSize();
    }

    /** The connections part of {@link JdbcEventStore#describe()}. */
    String describeConnections(int maxCommitsInFlight) {
        return owned()
                ? "connections: read pool " + readPoolSize() + " + append pool " + appendPoolSize()
                        + " (maxCommitsInFlight " + maxCommitsInFlight + " + 1) = at most "
                        + (readPoolSize() + appendPoolSize()) + " in all"
                : "connections: from the given DataSource, sized by the application (appends hold at most "
                        + (maxCommitsInFlight + 1) + " at once: maxCommitsInFlight " + maxCommitsInFlight
                        + " + 1; reads borrow one per query)";
    }

    /** A connection's settings before {@link #beginTransaction} changed them, for {@link #release}. */
    record Restore(boolean autoCommit, int isolation) {
    }

    /**
     * Makes a connection ready for a transaction that takes the head-row lock: {@code READ COMMITTED} (a
     * given data source's connection is switched and restored; the store's own pool is configured so) and
     * auto-commit off.
     *
     * @param c the connection, from {@link #appends}
     * @return what to restore when the connection is released
     * @throws SQLException when the driver refuses
     */
    Restore beginTransaction(Connection c) throws SQLException {
        int isolation = -1;
        if (!owned() && c.getTransactionIsolation() != Connection.TRANSACTION_READ_COMMITTED) {
            isolation = c.getTransactionIsolation();
            c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
        }
        boolean autoCommit = false;
        if (c.getAutoCommit()) {
            c.setAutoCommit(false);
            autoCommit = true;
        }
        return new Restore(autoCommit, isolation);
    }

    /**
     * Gives back the connection of an append transaction. A connection that may be broken is evicted
     * from the store's own append pool (never handed to the next caller); otherwise its settings are
     * restored and it is closed (returned to its pool). Nothing thrown here escapes: the transaction's
     * own outcome is what the caller must see.
     */
    void release(Connection c, boolean broken, boolean restoreAutoCommit, int restoreIsolation) {
        if (broken && ownedAppends != null) {
            try {
                ownedAppends.evictConnection(c); // never hand a dead or dubious connection to the next caller
            } catch (Throwable t) {
                LOG.debug("evicting a connection failed: {}", t.toString());
            }
            return;
        }
        try {
            if (restoreAutoCommit) {
                c.setAutoCommit(true);
            }
            if (restoreIsolation >= 0) {
                c.setTransactionIsolation(restoreIsolation);
            }
        } catch (SQLException | RuntimeException e) {
            LOG.debug("restoring connection settings failed: {}", e.toString());
        }
        try {
            c.close();
        } catch (SQLException | RuntimeException e) {
            LOG.debug("closing a connection failed: {}", e.toString());
        }
    }

    /** Closes the pools the store created; a given data source is left open. */
    void close() {
        if (ownedReads != null) {
            ownedAppends.close();
            ownedReads.close();
        }
    }

    /**
     * Creates one of the store's two pools: reads (auto-commit on) and appends (auto-commit off, so an
     * append transaction needs no round trips to switch it; one connection per transaction in flight:
     * {@code maxCommitsInFlight} committing plus the one that opens the next group).
     */
    private static HikariDataSource createPool(String jdbcUrl, String username, String password, String target,
                                               String name, int size, boolean autoCommit) {
        HikariConfig config = new HikariConfig();
        // the pool gets a data source, never the URL: HikariCP's debug output would print the URL, and it
        // masks only some of the ways a URL can carry a password
        config.setDataSource(new UrlDataSource(jdbcUrl, username, password, driverProperties(jdbcUrl)));
        config.setMaximumPoolSize(size);
        config.setMinimumIdle(Math.min(2, size));
        config.setPoolName(name);
        config.setAutoCommit(autoCommit);
        config.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
        try {
            return new HikariDataSource(config);
        } catch (RuntimeException e) {
            throw SqlErrors.failure("connecting" + (username == null ? "" : " as user '" + username + "'"),
                    target, e);
        }
    }

    /**
     * Driver settings for both pools: on MariaDB Connector/J, server-side prepared statements, so a
     * statement is parsed once per connection instead of once per execution — for appends that time is
     * spent holding the head-row lock; for reads it made a snapshotted load (snapshot + stream state in one
     * statement) 253 → 212 µs here (docs/benchmarks.md). Settings in the URL win.
     */
    private static Properties driverProperties(String jdbcUrl) {
        Properties props = new Properties();
        if (jdbcUrl.startsWith("jdbc:mariadb:") && !jdbcUrl.contains("useServerPrepStmts")) {
            props.setProperty("useServerPrepStmts", "true");
        }
        return props;
    }
}
