package io.modularddd.examples.bank;

import static org.assertj.core.api.Assertions.assertThat;

import io.modularddd.profiles.ModularDdd;
import io.modularddd.profiles.Profile;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * Each profile builds a toolkit on the local MariaDB and Redis and runs the sample end to end; each test in a
 * database of its own and under a Redis key prefix of its own (the servers are shared), both removed after.
 */
class BankOnServersTest {

    private JdbcService mariadb;
    private RedisService redis;
    private String database;
    private String prefix;
    private String url;

    @BeforeEach
    void freshDatabaseAndPrefix() throws SQLException {
        mariadb = ServiceFixtures.mariadb();
        redis = ServiceFixtures.redis();
        String id = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        database = "modddd_bank_" + id;
        prefix = "modddd-bank-" + id;
        try (Connection c = DriverManager.getConnection(mariadb.jdbcUrl(), mariadb.username(), mariadb.password());
             Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + database + " CHARACTER SET utf8mb4");
        }
        url = mariadb.jdbcUrl().replaceFirst("/[^/?]+(\\?|$)", "/" + database + "$1");
    }

    @AfterEach
    void dropDatabaseAndKeys() throws SQLException {
        if (database != null) {
            try (Connection c = DriverManager.getConnection(mariadb.jdbcUrl(), mariadb.username(),
                    mariadb.password()); Statement s = c.createStatement()) {
                s.execute("DROP DATABASE IF EXISTS " + database);
            }
        }
        if (prefix != null) {
            try (RedisClient jedis = jedis()) {
                String cursor = ScanParams.SCAN_POINTER_START;
                do {
                    ScanResult<String> page = jedis.scan(cursor, new ScanParams().match(prefix + ":*").count(500));
                    List<String> keys = page.getResult();
                    if (!keys.isEmpty()) {
                        jedis.del(keys.toArray(String[]::new));
                    }
                    cursor = page.getCursor();
                } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
            }
        }
    }

    private RedisClient jedis() {
        DefaultJedisClientConfig.Builder config = DefaultJedisClientConfig.builder();
        if (!redis.password().isEmpty()) {
            config.password(redis.password());
        }
        return RedisClient.builder().hostAndPort(redis.host(), redis.port()).clientConfig(config.build()).build();
    }

    @ParameterizedTest
    @ValueSource(strings = {"startup", "growth", "scale", "enterprise"})
    void each_profile_runs_the_sample_on_mariadb_and_redis(String profile) throws Exception {
        try (Bank bank = Bank.start(ModularDdd.builder()
                .profile(Profile.named(profile))
                .jdbcUrl(url, mariadb.username(), mariadb.password())
                .redis(redis.uri())
                .redisKeyPrefix(prefix)
                .createSchema(true))) {
            ModularDdd ddd = bank.toolkit().orElseThrow();
            assertThat(ddd.profile().name()).isEqualTo(profile);
            assertThat(ddd.describe()).contains(database).contains("redis://");
            BankScenario.run(bank);
            if (ddd.profile().hotTierEnabled()) {
                // the hot tier holds the account's stream, for the profile's hot storage TTL
                try (RedisClient jedis = jedis()) {
                    String key = prefix + ":hot:{acc-ada}:s";
                    assertThat(jedis.zcard(key)).as("events of acc-ada in %s", key).isPositive();
                    long ttl = ddd.profile().hotStorageTtl().toSeconds();
                    assertThat(jedis.ttl(key)).isBetween(ttl - 60, ttl);
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"startup", "scale"})
    void the_demo_moves_onto_mariadb_and_redis_with_two_settings(String profile) {
        // given: the database's URL with its user, as one would export MODDDD_JDBC_URL
        Map<String, String> settings = new HashMap<>();
        settings.put("MODDDD_JDBC_URL", url + (url.contains("?") ? "&" : "?") + "user=" + mariadb.username()
                + (mariadb.password().isEmpty() ? "" : "&password=" + mariadb.password()));
        settings.put("MODDDD_REDIS_URL", redis.uri());
        settings.put("MODDDD_PROFILE", profile);
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        // when
        long balance = BankDemo.run(BankDemo.builder(settings::get).redisKeyPrefix(prefix), "s1",
                new PrintStream(buffer, true, StandardCharsets.UTF_8));
        // then
        assertThat(balance).isEqualTo(7_500);
        assertThat(buffer.toString(StandardCharsets.UTF_8))
                .contains("running on ModularDdd[" + profile + ", MARIADB]")
                .contains("after the transfer: 7500")
                .contains("Bob's directory entry: AccountSummary[accountId=acc-bob-s1, userId=user-bob-s1, "
                        + "balanceCents=2500]");
    }
}
