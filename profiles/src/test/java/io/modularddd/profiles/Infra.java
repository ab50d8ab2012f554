package io.modularddd.profiles;

import io.modularddd.testkit.ServiceFixtures;
import io.modularddd.testkit.ServiceFixtures.JdbcService;
import io.modularddd.testkit.ServiceFixtures.RedisService;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * The real servers of a test, with names of its own: a table prefix {@code bs_<random>} and a Redis key prefix
 * {@code bs:<random>}. {@link #cleanUp()} drops exactly those tables and deletes exactly those keys.
 */
final class Infra {

    final JdbcService db = ServiceFixtures.mariadb();
    final RedisService redis = ServiceFixtures.redis();
    final String id = UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    final String table = "bs_" + id;
    final String prefix = "bs:" + id;

    Jedis jedis() {
        Jedis jedis = new Jedis(redis.host(), redis.port());
        if (redis.password() != null && !redis.password().isEmpty()) {
            jedis.auth(redis.password());
        }
        return jedis;
    }

    /** Every key under this test's prefix. */
    List<String> keys(String pattern) {
        List<String> keys = new ArrayList<>();
        try (Jedis jedis = jedis()) {
            String cursor = ScanParams.SCAN_POINTER_START;
            do {
                ScanResult<String> page = jedis.scan(cursor, new ScanParams().match(pattern).count(1000));
                keys.addAll(page.getResult());
                cursor = page.getCursor();
            } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        }
        return keys;
    }

    long count(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.username(), db.password());
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    void cleanUp() throws SQLException {
        List<String> keys = keys(prefix + ":*");
        if (!keys.isEmpty()) {
            try (Jedis jedis = jedis()) {
                for (String key : keys) {
                    jedis.del(key);
                }
            }
        }
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.username(), db.password());
             Statement s = c.createStatement()) {
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("SHOW TABLES LIKE '" + table + "%'")) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
            for (String t : tables) {
                if (t.startsWith(table)) {
                    s.execute("DROP TABLE IF EXISTS `" + t + "`");
                }
            }
        }
    }
}
