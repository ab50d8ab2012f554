package io.modularddd.eventstore.jdbc;

import io.modularddd.core.queue.CommandQueueException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link JdbcCommandQueue#createSchema()}: the dialect's shipped script
 * ({@code io/modularddd/eventstore/jdbc/queue/*.sql}) with the configured table name, run under a lock
 * named after the table, the way the event store creates its own (so application instances starting
 * together never collide): {@code GET_LOCK} on MySQL/MariaDB (DDL commits implicitly there), one
 * transaction holding {@code pg_advisory_xact_lock} on PostgreSQL (concurrent {@code CREATE ... IF NOT
 * EXISTS} race in its catalog), a lock of this JVM on H2 (embedded, and without advisory locks).
 */
final class QueueSchema {

    /** The default table name, as written in the shipped scripts. */
    static final String DEFAULT_TABLE = "command_queue";
    /** How long createSchema waits for another session creating the same table. */
    static final int LOCK_TIMEOUT_SECONDS = 60;
    /** First key of PostgreSQL's two-key advisory lock: "mddq" in ASCII (the event store uses "mddd"). */
    static final int PG_LOCK_CLASS = 0x6D646471;
    private static final Logger LOG = LoggerFactory.getLogger(QueueSchema.class);
    private static final Map<String, Object> H2_LOCKS = new ConcurrentHashMap<>();

    private final DataSource dataSource;
    private final JdbcDialect dialect;
    private final String table;
    private final String target;
    private volatile int lockTimeoutSeconds = LOCK_TIMEOUT_SECONDS;

    QueueSchema(DataSource dataSource, JdbcDialect dialect, String table, String target) {
        this.dataSource = dataSource;
        this.dialect = dialect;
        this.table = table;
        this.target = target;
    }

    /** The classpath resource of a dialect's script. */
    static String resource(JdbcDialect dialect) {
        return "io/modularddd/eventstore/jdbc/queue/" + (dialect.mysqlFamily() ? "mysql" : dialect == JdbcDialect.H2
                ? "h2" : "postgresql") + ".sql";
    }

    /**
     * The statements of the dialect's script, every quoted identifier starting with {@value #DEFAULT_TABLE}
     * re-rendered by jOOQ on the configured table name (keeping its suffix); other text is never touched.
     */
    static List<String> statements(JdbcDialect dialect, String table) {
        DSLContext render = DSL.using(dialect.sqlDialect(), JdbcEventStore.jooqSettings());
        String q = Pattern.quote(String.valueOf(dialect.quote()));
        Pattern identifier = Pattern.compile(q + DEFAULT_TABLE + "([a-z0-9_]*)" + q);
        List<String> statements = new ArrayList<>();
        for (String raw : SchemaScript.splitStatements(SchemaScript.read(resource(dialect)))) {
            Matcher m = identifier.matcher(raw);
            StringBuilder sb = new StringBuilder();
            while (m.find()) {
                m.appendReplacement(sb, Matcher.quoteReplacement(render.render(DSL.name(table + m.group(1)))));
            }
            m.appendTail(sb);
            statements.add(sb.toString());
        }
        return statements;
    }

    /** The MySQL/MariaDB lock name: at most 13 + 48 of the 64 characters allowed. */
    String lockName() {
        return "modularddd-q:" + table;
    }

    void create() {
        List<String> statements = statements(dialect, table);
        try (Connection c = dataSource.getConnection()) {
            switch (dialect) {
                case MARIADB, MYSQL -> underNamedLock(c, statements);
                case POSTGRESQL -> inLockedTransaction(c, statements);
                case H2 -> {
                    synchronized (H2_LOCKS.computeIfAbsent(table, k -> new Object())) {
                        run(c, statements);
                    }
                }
                default -> throw new IllegalStateException("no schema for dialect " + dialect);
            }
        } catch (SQLException e) {
            throw QueueErrors.failure(null, "creating the schema of table '" + table + "'", target, e);
        }
        LOG.info("JdbcCommandQueue schema ready: {} on {}", table, target);
    }

    private void underNamedLock(Connection c, List<String> statements) throws SQLException {
        Object granted;
        try (PreparedStatement ps = c.prepareStatement("SELECT GET_LOCK(?, ?)")) {
            ps.setString(1, lockName());
            ps.setInt(2, lockTimeoutSeconds);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                granted = rs.getObject(1);
            }
        }
        if (granted == null || ((Number) granted).intValue() != 1) {
            throw new CommandQueueException(null, "JdbcCommandQueue could not create table '" + table + "' on "
                    + target + ": the lock '" + lockName() + "' that serialises schema creation was not obtained "
                    + "within " + lockTimeoutSeconds + " s (GET_LOCK returned " + granted + "). Another session holds "
                    + "it: find it with SELECT IS_USED_LOCK('" + lockName() + "'), then retry.", null, false);
        }
        try {
            run(c, statements);
        } finally {
            try (PreparedStatement ps = c.prepareStatement("SELECT RELEASE_LOCK(?)")) {
                ps.setString(1, lockName());
                ps.executeQuery().close();
            } catch (SQLException e) {
                LOG.warn("JdbcCommandQueue could not release the lock '{}' on {}: {}", lockName(), target,
                        e.toString());
            }
        }
    }

    private void inLockedTransaction(Connection c, List<String> statements) throws SQLException {
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(false);
        boolean committed = false;
        try (Statement s = c.createStatement()) {
            s.execute("SET LOCAL lock_timeout = '" + lockTimeoutSeconds + "s'");
            try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_xact_lock(?, ?)")) {
                ps.setInt(1, PG_LOCK_CLASS);
                ps.setInt(2, table.hashCode());
                ps.executeQuery().close();
            } catch (SQLException e) {
                if ("55P03".equals(e.getSQLState())) {
                    throw new CommandQueueException(null, "JdbcCommandQueue could not create table '" + table
                            + "' on " + target + ": the advisory lock (" + PG_LOCK_CLASS + ", " + table.hashCode()
                            + ") that serialises schema creation was not obtained within " + lockTimeoutSeconds
                            + " s. Another session holds it (see pg_locks where locktype = 'advisory'); retry when "
                            + "it is done.", e, false);
                }
                throw e;
            }
            for (String sql : statements) {
                s.execute(sql);
            }
            c.commit();
            committed = true;
        } finally {
            if (!committed) {
                try {
                    c.rollback();
                } catch (SQLException e) {
                    LOG.debug("rollback of the schema transaction failed: {}", e.toString());
                }
            }
            c.setAutoCommit(autoCommit);
        }
    }

    private static void run(Connection c, List<String> statements) throws SQLException {
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(true);
        try (Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        } finally {
            c.setAutoCommit(autoCommit);
        }
    }

    /** Test seam: lowers {@link #LOCK_TIMEOUT_SECONDS}. */
    void lockTimeoutSeconds(int seconds) {
        this.lockTimeoutSeconds = seconds;
    }
}
