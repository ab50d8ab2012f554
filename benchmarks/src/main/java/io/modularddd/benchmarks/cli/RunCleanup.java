package io.modularddd.benchmarks.cli;

import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * Removes what one benchmark session created on the servers it was given: the tables named after its event table
 * ({@code <table>}, {@code <table>_snapshots}, ...) and the Redis keys under its prefix. Best effort: a failure is
 * printed (URL masked) and the run goes on. The embedded database disappears with its process.
 */
final class RunCleanup {

    private RunCleanup() {
    }

    static void drop(Options options, String table, String keyPrefix) {
        options.jdbcUrl().ifPresent(url -> tables(url, table));
        options.redisUrl().ifPresent(url -> keys(url, keyPrefix));
    }

    private static void tables(String url, String table) {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            List<String> names = new ArrayList<>();
            try (ResultSet rs = c.getMetaData().getTables(c.getCatalog(), c.getSchema(), null,
                    new String[] {"TABLE"})) {
                while (rs.next()) {
                    String name = rs.getString("TABLE_NAME");
                    if (name.toLowerCase(Locale.ROOT).startsWith(table)) {
                        names.add(name);
                    }
                }
            }
            for (String name : names) {
                if (!name.matches("[A-Za-z0-9_]+")) {
                    continue;
                }
                s.execute("DROP TABLE IF EXISTS " + name);
            }
        } catch (SQLException | RuntimeException e) {
            System.err.println("ddd-benchmark: could not drop the run's tables " + table + "* at " + Masking.mask(url)
                    + ": " + Masking.scrub(e.getMessage(), url));
        }
    }

    private static void keys(String url, String prefix) {
        try (Jedis jedis = new Jedis(URI.create(url), 5000, 5000)) {
            ScanParams params = new ScanParams().match(prefix + ":*").count(1000);
            String cursor = ScanParams.SCAN_POINTER_START;
            do {
                ScanResult<String> page = jedis.scan(cursor, params);
                if (!page.getResult().isEmpty()) {
                    jedis.del(page.getResult().toArray(new String[0]));
                }
                cursor = page.getCursor();
            } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        } catch (RuntimeException e) {
            System.err.println("ddd-benchmark: could not delete the run's Redis keys " + prefix + ":* at "
                    + Masking.mask(url) + ": " + Masking.scrub(e.getMessage(), url));
        }
    }
}
