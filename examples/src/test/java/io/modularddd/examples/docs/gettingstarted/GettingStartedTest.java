package io.modularddd.examples.docs.gettingstarted;

import static org.assertj.core.api.Assertions.assertThat;

import io.modularddd.testkit.ServiceFixtures;
import io.modularddd.testkit.ServiceFixtures.JdbcService;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * docs/getting-started.md's code, run: on the embedded default, and under the growth profile on the local
 * MariaDB (a database of its own) and Redis.
 */
class GettingStartedTest {

    private JdbcService mariadb;
    private String database;

    @AfterEach
    void dropDatabase() throws SQLException {
        if (database != null) {
            try (Connection c = DriverManager.getConnection(mariadb.jdbcUrl(), mariadb.username(), mariadb.password());
                 Statement s = c.createStatement()) {
                s.execute("DROP DATABASE IF EXISTS " + database);
            }
        }
    }

    @Test
    void the_tutorial_runs_on_the_embedded_default() {
        assertThat(GettingStarted.embedded("acc-1")).isEqualTo(12_500);
    }

    @Test
    void the_tutorial_runs_on_mariadb_and_redis_under_the_growth_profile() throws SQLException {
        mariadb = ServiceFixtures.mariadb();
        database = "modddd_guide_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection c = DriverManager.getConnection(mariadb.jdbcUrl(), mariadb.username(), mariadb.password());
             Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + database + " CHARACTER SET utf8mb4");
        }
        String url = mariadb.jdbcUrl().replaceFirst("/[^/?]+(\\?|$)", "/" + database + "$1");
        String redis = ServiceFixtures.redis().uri();
        String account = "acc-" + UUID.randomUUID();
        assertThat(GettingStarted.onServers(url, mariadb.username(), mariadb.password(), redis, account))
                .isEqualTo(12_500);
    }
}
