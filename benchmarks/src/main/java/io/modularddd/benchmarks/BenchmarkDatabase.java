package io.modularddd.benchmarks;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The MariaDB every store under test uses in one run: the same server, the same pool settings and
 * the same durability ({@code innodb_flush_log_at_trx_commit} as the server has it).
 *
 * <p>{@code MODDDD_MYSQL_URL} (plus {@code MODDDD_MYSQL_USER}, {@code MODDDD_MYSQL_PASSWORD}) selects
 * the server; the default is {@code jdbc:mariadb://127.0.0.1:3306/test} as root with an empty password.
 */
public final class BenchmarkDatabase {

    /** Connections per pool: enough for 32 writer threads plus headroom. */
    public static final int POOL_SIZE = 40;

    private BenchmarkDatabase() {
    }

    /**
     * The JDBC URL in use.
     *
     * @return the URL
     */
    public static String url() {
        String url = System.getenv("MODDDD_MYSQL_URL");
        return url == null || url.isBlank() ? "jdbc:mariadb://127.0.0.1:3306/test" : url;
    }

    /**
     * The user in use.
     *
     * @return the user name
     */
    public static String username() {
        return env("MODDDD_MYSQL_USER", "root");
    }

    /**
     * The password in use.
     *
     * @return the password, empty for none
     */
    public static String password() {
        return env("MODDDD_MYSQL_PASSWORD", "");
    }

    /**
     * Opens a pool on the benchmark database.
     *
     * @param name       the pool's name, for logs
     * @param autoCommit the connections' auto-commit default
     * @return the pool; close it at the end of the trial
     */
    public static HikariDataSource pool(String name, boolean autoCommit) {
        HikariConfig config = new HikariConfig();
        config.setPoolName(name);
        config.setJdbcUrl(url());
        config.setUsername(username());
        config.setPassword(password());
        config.setMaximumPoolSize(POOL_SIZE);
        config.setMinimumIdle(POOL_SIZE);
        config.setAutoCommit(autoCommit);
        return new HikariDataSource(config);
    }

    /**
     * Runs DDL statements in auto-commit mode.
     *
     * @param pool       the pool
     * @param statements the statements
     */
    public static void execute(HikariDataSource pool, String... statements) {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(true);
            for (String sql : statements) {
                s.execute(sql);
            }
            c.setAutoCommit(auto);
        } catch (SQLException e) {
            throw new IllegalStateException("benchmark setup failed: " + e.getMessage(), e);
        }
    }

    /**
     * Reads the server's durability settings, to print beside the results.
     *
     * @param pool the pool
     * @return e.g. "MariaDB 10.11.19, innodb_flush_log_at_trx_commit=1, sync_binlog=0"
     */
    public static String describe(HikariDataSource pool) {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement();
             var rs = s.executeQuery("select version(), @@innodb_flush_log_at_trx_commit, @@sync_binlog")) {
            rs.next();
            return "MariaDB " + rs.getString(1) + ", innodb_flush_log_at_trx_commit=" + rs.getString(2)
                    + ", sync_binlog=" + rs.getString(3);
        } catch (SQLException e) {
            return "unknown server: " + e.getMessage();
        }
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null ? fallback : v;
    }
}
