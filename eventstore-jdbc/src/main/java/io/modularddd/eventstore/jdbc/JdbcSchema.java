package io.modularddd.eventstore.jdbc;

import io.modularddd.core.EventStoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.jooq.conf.Settings;
import org.jooq.exception.DataAccessException;
import org.jooq.impl.DSL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store's DDL: {@link JdbcEventStore#createSchema()} under a lock named after the table, so
 * application instances starting together never collide, and the partition maintenance of the
 * partitioned MySQL/MariaDB layout ({@link JdbcEventStore#addPartition(long)},
 * {@link JdbcEventStore#dropPartitionsBefore(long)}). Runs on the read pool's connections
 * (auto-commit on), never on the append pool's.
 */
final class JdbcSchema {

    private static final Logger LOG = LoggerFactory.getLogger(JdbcSchema.class);

    private final DataSource dataSource;
    private final JdbcDialect dialect;
    private final EventTable table;
    private final boolean partitioned;
    private final Settings settings;
    private final String target;

    JdbcSchema(DataSource dataSource, JdbcDialect dialect, EventTable table, boolean partitioned, Settings settings,
               String target) {
        this.dataSource = dataSource;
        this.dialect = dialect;
        this.table = table;
        this.partitioned = partitioned;
        this.settings = settings;
        this.target = target;
    }

    /** {@link JdbcEventStore#createSchema()}: the dialect's shipped script, under a lock named after the table. */
    void createSchema() {
        List<String> statements = SchemaScript.statements(dialect, partitioned, table.names);
        try (Connection c = dataSource.getConnection()) {
            switch (dialect) {
                case MARIADB, MYSQL -> createSchemaUnderNamedLock(c, statements);
                case POSTGRESQL -> createSchemaInLockedTransaction(c, statements);
                case H2 -> {
                    // H2 has no advisory lock; concurrent CREATE INDEX IF NOT EXISTS fails with "object already
                    // exists". Its databases are embedded, so serialising the JVM's callers covers them.
                    synchronized (H2_SCHEMA_LOCKS.computeIfAbsent(table.names.events(), k -> new Object())) {
                        runAutoCommitted(c, statements);
                    }
                }
                default -> throw new IllegalStateException("no schema creation for dialect " + dialect);
            }
        } catch (SQLException e) {
            throw SqlErrors.failure("creating the schema", target, e);
        }
        LOG.info("JdbcEventStore schema ready: {} on {}{}", table.names.events(), target,
                partitioned ? " (partitioned layout)" : "");
    }

    /** How long {@link #createSchema()} waits for another process creating the same schema. */
    static final int SCHEMA_LOCK_TIMEOUT_SECONDS = 60;
    /** {@link #SCHEMA_LOCK_TIMEOUT_SECONDS}, lowered by tests. */
    private volatile int schemaLockTimeoutSeconds = SCHEMA_LOCK_TIMEOUT_SECONDS;
    /** First key of PostgreSQL's two-key advisory lock for schema creation: "mddd" in ASCII. */
    private static final int PG_SCHEMA_LOCK_CLASS = 0x6D646464;
    private static final Map<String, Object> H2_SCHEMA_LOCKS = new ConcurrentHashMap<>();

    /** The name of the MySQL/MariaDB lock that serialises schema creation (at most 59 of the allowed 64 chars). */
    String schemaLockName() {
        return "modularddd:" + table.names.events();
    }

    /**
     * MySQL/MariaDB: DDL commits implicitly, so a transaction cannot serialise it; a named lock of the
     * session can. It is released before the connection goes back to the pool (and by the server if the
     * session dies).
     */
    private void createSchemaUnderNamedLock(Connection c, List<String> statements) throws SQLException {
        String lock = schemaLockName();
        Object granted;
        try (PreparedStatement ps = c.prepareStatement("SELECT GET_LOCK(?, ?)")) {
            ps.setString(1, lock);
            ps.setInt(2, schemaLockTimeoutSeconds);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                granted = rs.getObject(1);
            }
        }
        if (granted == null || ((Number) granted).intValue() != 1) {
            throw new EventStoreException("JdbcEventStore could not create the schema of table '"
                    + table.names.events() + "' on " + target + ": the lock '" + lock + "' that serialises schema "
                    + "creation was not obtained within " + schemaLockTimeoutSeconds + " s (GET_LOCK returned "
                    + granted + "). Another session holds it — another instance creating the schema, or a stuck "
                    + "session: find it with SELECT IS_USED_LOCK('" + lock + "'), then retry.");
        }
        try {
            runAutoCommitted(c, statements);
        } finally {
            try (PreparedStatement ps = c.prepareStatement("SELECT RELEASE_LOCK(?)")) {
                ps.setString(1, lock);
                ps.executeQuery().close();
            } catch (SQLException e) {
                LOG.warn("JdbcEventStore could not release the schema lock '{}' on {}: {}", lock, target, e.toString());
            }
        }
    }

    /**
     * PostgreSQL: concurrent {@code CREATE ... IF NOT EXISTS} race in the catalog (duplicate key in
     * {@code pg_type}/{@code pg_class}). The script runs in one transaction that first takes a transaction-level
     * advisory lock keyed on the table name, so a second caller waits and then finds everything committed.
     */
    private void createSchemaInLockedTransaction(Connection c, List<String> statements) throws SQLException {
        boolean autoCommit = c.getAutoCommit();
        if (autoCommit) {
            c.setAutoCommit(false);
        }
        boolean committed = false;
        try (Statement s = c.createStatement()) {
            s.execute("SET LOCAL lock_timeout = '" + schemaLockTimeoutSeconds + "s'");
            try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_xact_lock(?, ?)")) {
                ps.setInt(1, PG_SCHEMA_LOCK_CLASS);
                ps.setInt(2, table.names.events().hashCode());
                ps.executeQuery().close();
            } catch (SQLException e) {
                if ("55P03".equals(e.getSQLState())) {
                    throw new EventStoreException("JdbcEventStore could not create the schema of table '"
                            + table.names.events() + "' on " + target + ": the advisory lock ("
                            + PG_SCHEMA_LOCK_CLASS + ", " + table.names.events().hashCode() + ") that serialises "
                            + "schema creation was not obtained within " + schemaLockTimeoutSeconds + " s. Another "
                            + "session holds it (see pg_locks where locktype = 'advisory'); retry when it is done.", e);
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
            if (autoCommit) {
                c.setAutoCommit(true);
            }
        }
    }

    private static void runAutoCommitted(Connection c, List<String> statements) throws SQLException {
        boolean autoCommit = c.getAutoCommit();
        if (!autoCommit) {
            c.setAutoCommit(true);
        }
        try (Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        } finally {
            if (!autoCommit) {
                c.setAutoCommit(false);
            }
        }
    }

    /** {@link JdbcEventStore#addPartition(long)}: splits {@code pmax}. */
    void addPartition(long upperBound) {
        if (!partitioned) {
            throw new IllegalStateException("addPartition needs the partitioned layout: build the store with "
                    + "partitioned(true) (MySQL/MariaDB only)");
        }
        if (upperBound < 1) {
            throw new IllegalArgumentException("upperBound must be at least 1 but was " + upperBound);
        }
        try (Connection c = dataSource.getConnection()) {
            DSL.using(c, dialect.sqlDialect(), settings).query(
                    "alter table {0} reorganize partition {1} into (partition {2} values less than ({3}), "
                            + "partition {1} values less than maxvalue)",
                    table.events, DSL.name("pmax"), DSL.name("p" + upperBound), DSL.inline(upperBound)).execute();
        } catch (SQLException | DataAccessException e) {
            throw SqlErrors.failure("adding partition p" + upperBound, target, e);
        }
    }

    /** {@link JdbcEventStore#dropPartitionsBefore(long)}: drops a leading run of partitions, never the newest's. */
    List<String> dropPartitionsBefore(long position) {
        if (!partitioned) {
            throw new IllegalStateException("dropPartitionsBefore needs the partitioned layout: build the store with "
                    + "partitioned(true) (MySQL/MariaDB only); in the default layout delete nothing by hand, readers "
                    + "report such holes as MissingEventsException");
        }
        if (position < 1) {
            throw new IllegalArgumentException("position must be at least 1 but was " + position);
        }
        try (Connection c = dataSource.getConnection()) {
            DSLContext ctx = DSL.using(c, dialect.sqlDialect(), settings);
            Long lastPosition = ctx.select(DSL.max(table.position)).from(table.events).fetchOne(0, Long.class);
            long last = lastPosition == null ? 0 : lastPosition;
            List<String> drop = new ArrayList<>();
            for (Record r : ctx.resultQuery("select partition_name, partition_description from "
                    + "information_schema.partitions where table_schema = database() and table_name = {0} "
                    + "order by partition_ordinal_position", DSL.val(table.names.events())).fetch()) {
                String bound = r.get(1, String.class);
                if (bound == null || !bound.chars().allMatch(Character::isDigit)) {
                    break; // MAXVALUE (or not a range partition): always kept
                }
                long upper = Long.parseLong(bound);
                if (upper > position || upper > last) {
                    break;
                }
                drop.add(r.get(0, String.class));
            }
            if (drop.isEmpty()) {
                LOG.info("JdbcEventStore dropPartitionsBefore({}) on {}: no partition lies entirely below it and below "
                        + "the last position {}", position, table.names.events(), last);
                return List.of();
            }
            List<org.jooq.Name> names = new ArrayList<>();
            for (String n : drop) {
                names.add(DSL.name(n));
            }
            ctx.query("alter table {0} drop partition {1}", table.events, DSL.list(names)).execute();
            LOG.info("JdbcEventStore archived partitions {} of {} (positions below {})", drop, table.names.events(),
                    position);
            return List.copyOf(drop);
        } catch (SQLException | DataAccessException e) {
            throw SqlErrors.failure("dropping partitions before position " + position, target, e);
        }
    }

    /** Test seam: lowers {@link #SCHEMA_LOCK_TIMEOUT_SECONDS}. */
    void schemaLockTimeoutSeconds(int seconds) {
        this.schemaLockTimeoutSeconds = seconds;
    }
}
