package io.modularddd.examples.quickstart;

import static org.assertj.core.api.Assertions.assertThat;

import io.modularddd.testkit.ServiceFixtures;
import io.modularddd.testkit.ServiceFixtures.JdbcService;
import io.modularddd.testkit.ServiceFixtures.RedisService;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.RedisClient;

/**
 * The README's JDBC and tiered quickstarts, run as written: on H2, and on the local MariaDB and Redis,
 * each in a database of its own (other engineers share the servers).
 */
class ServerQuickstartsTest {

    private JdbcService mariadb;
    private String database;

    /** A fresh MariaDB database for this test; the quickstart then uses its default table names. */
    private String freshMariaDb() throws SQLException {
        mariadb = ServiceFixtures.mariadb();
        database = "modddd_readme_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection c = DriverManager.getConnection(mariadb.jdbcUrl(), mariadb.username(), mariadb.password());
             Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + database + " CHARACTER SET utf8mb4");
        }
        return mariadb.jdbcUrl().replaceFirst("/[^/?]+(\\?|$)", "/" + database + "$1");
    }

    @AfterEach
    void dropDatabase() throws SQLException {
        if (database != null) {
            try (Connection c = DriverManager.getConnection(mariadb.jdbcUrl(), mariadb.username(),
                    mariadb.password()); Statement s = c.createStatement()) {
                s.execute("DROP DATABASE IF EXISTS " + database);
            }
        }
    }

    private static String capture(java.util.function.Consumer<PrintStream> run) {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        run.accept(new PrintStream(buffer, true, StandardCharsets.UTF_8));
        return buffer.toString(StandardCharsets.UTF_8);
    }

    @Test
    void the_jdbc_quickstart_runs_on_the_embedded_h2() {
        String url = "jdbc:h2:mem:" + UUID.randomUUID();
        String printed = capture(out -> assertThat(JdbcQuickstart.run(url, "sa", "", out)).isEqualTo(10_000));
        assertThat(printed).contains("Ada has 10000 cents, version 2; the log ends at position 2");
    }

    @Test
    void the_jdbc_quickstart_runs_on_mariadb() throws SQLException {
        String url = freshMariaDb();
        String printed = capture(out -> assertThat(JdbcQuickstart.run(url, mariadb.username(), mariadb.password(),
                out)).isEqualTo(10_000));
        assertThat(printed).contains("Ada has 10000 cents, version 2; the log ends at position 2");
    }

    @Test
    void the_tiered_quickstart_runs_on_mariadb_and_redis() throws SQLException {
        String url = freshMariaDb();
        RedisService service = ServiceFixtures.redis();
        String key = "modularddd:hot:{acc-7}:s";
        DefaultJedisClientConfig.Builder config = DefaultJedisClientConfig.builder();
        if (!service.password().isEmpty()) {
            config.password(service.password());
        }
        try (RedisClient jedis = RedisClient.builder().hostAndPort(service.host(), service.port())
                .clientConfig(config.build()).build()) {
            jedis.del(key); // a stream this test writes under the default prefix, left by an earlier run
            String printed = capture(out -> assertThat(TieredQuickstart.run(url, mariadb.username(),
                    mariadb.password(), service.uri(), out)).isEqualTo(5_000));
            assertThat(printed).contains("Grace has 5000 cents, version 2");
            assertThat(jedis.zcard(key)).as("the stream is in Redis").isEqualTo(2);
            jedis.del(key);
        }
    }
}
