package io.modularddd.eventstore.jdbc;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Optional;
import org.jooq.SQLDialect;

/**
 * The databases {@link JdbcEventStore} runs on.
 *
 * <p>Usually detected from the connection ({@link java.sql.DatabaseMetaData#getDatabaseProductName()});
 * set it with {@link JdbcEventStoreBuilder#dialect(JdbcDialect)} only when detection cannot work,
 * for instance behind a proxy driver. Every difference between the databases — column types, the
 * schema script, the jOOQ dialect — hangs off this enum; the store's statements are otherwise the
 * same on all of them.
 */
public enum JdbcDialect {

    /** MariaDB 10.6 or later (tested on 10.11). Shares the schema script with {@link #MYSQL}. */
    MARIADB(SQLDialect.MARIADB, "mysql", true),
    /** MySQL 8.0.16 or later (CHECK constraints). Shares the schema script with {@link #MARIADB}. */
    MYSQL(SQLDialect.MYSQL, "mysql", true),
    /** PostgreSQL 12 or later (tested on 15). */
    POSTGRESQL(SQLDialect.POSTGRES, "postgresql", false),
    /** H2 2.x, in memory or in a file: the embedded default. */
    H2(SQLDialect.H2, "h2", false);

    private final SQLDialect sqlDialect;
    private final String scriptName;
    private final boolean mysqlFamily;

    JdbcDialect(SQLDialect sqlDialect, String scriptName, boolean mysqlFamily) {
        this.sqlDialect = sqlDialect;
        this.scriptName = scriptName;
        this.mysqlFamily = mysqlFamily;
    }

    /**
     * Tells whether the opt-in partitioned layout ({@link JdbcEventStoreBuilder#partitioned(boolean)})
     * is available: only MySQL and MariaDB have {@code PARTITION BY RANGE} the layout relies on.
     *
     * @return {@code true} for {@link #MARIADB} and {@link #MYSQL}
     */
    public boolean supportsPartitionedLayout() {
        return mysqlFamily;
    }

    SQLDialect sqlDialect() {
        return sqlDialect;
    }

    boolean mysqlFamily() {
        return mysqlFamily;
    }

    /**
     * Whether {@code MAX(version) WHERE aggregate_id = ?} reads one index entry. H2 scans the stream
     * for it and needs {@code ORDER BY aggregate_id DESC, version DESC LIMIT 1} instead.
     */
    boolean lastVersionByMax() {
        return this != H2;
    }

    /** The classpath resource of the schema script for this dialect and layout. */
    String schemaResource(boolean partitioned) {
        return "io/modularddd/eventstore/jdbc/schema/" + scriptName + (partitioned ? "-partitioned" : "") + ".sql";
    }

    /** The identifier quote character of the schema scripts. */
    char quote() {
        return mysqlFamily ? '`' : '"';
    }

    /**
     * Detects the dialect of a connection.
     *
     * @param connection an open connection
     * @return the dialect
     * @throws SQLException          when the metadata cannot be read
     * @throws IllegalStateException when the database is not supported
     */
    static JdbcDialect detect(Connection connection) throws SQLException {
        DatabaseMetaData meta = connection.getMetaData();
        String product = meta.getDatabaseProductName();
        String version = meta.getDatabaseProductVersion();
        return fromProductName(product).orElseThrow(() -> new IllegalStateException("JdbcEventStore does not "
                + "support the database product '" + product + "' (" + version
                + "); supported are MariaDB, MySQL, PostgreSQL and H2. If this database is compatible with one "
                + "of them, set JdbcEventStore.builder().dialect(...) explicitly."));
    }

    static Optional<JdbcDialect> fromProductName(String product) {
        if (product == null) {
            return Optional.empty();
        }
        String p = product.toLowerCase(Locale.ROOT);
        if (p.contains("mariadb")) {
            return Optional.of(MARIADB);
        }
        if (p.contains("mysql")) {
            return Optional.of(MYSQL);
        }
        if (p.contains("postgres")) {
            return Optional.of(POSTGRESQL);
        }
        if (p.equals("h2")) {
            return Optional.of(H2);
        }
        return Optional.empty();
    }
}
