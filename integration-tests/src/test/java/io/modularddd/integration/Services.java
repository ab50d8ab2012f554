package io.modularddd.integration;

import io.modularddd.core.serialization.EventSerializer;
import io.modularddd.eventstore.jdbc.JdbcEventStore;
import io.modularddd.eventstore.redis.RedisHotTier;
import io.modularddd.eventstore.redis.RedisHotTierBuilder;
import io.modularddd.testkit.ServiceFixtures.JdbcService;
import io.modularddd.testkit.ServiceFixtures.RedisService;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import redis.clients.jedis.ClientSetInfoConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.ScanIteration;

/**
 * The few lines the integration tests need to build stores on the shared servers and to leave them
 * clean: uniquely named tables (dropped afterwards) and random Redis key prefixes (deleted afterwards
 * by SCAN with an escaped MATCH pattern and UNLINK — never KEYS or FLUSH*), as eventstore-jdbc's
 * {@code TestDatabases} and eventstore-redis's {@code RedisTarget} do in their own tests.
 */
final class Services {

    private Services() {
    }

    /** A table name unique to this run: other engineers' tests share the server. */
    static String uniqueTable() {
        return "it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    }

    /** A fresh H2 in-memory database, gone when its last connection closes. */
    static String h2MemUrl() {
        return "jdbc:h2:mem:" + UUID.randomUUID();
    }

    /** A random Redis key prefix for one test class. */
    static String randomPrefix(String name) {
        return "mddit:" + name + ":" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** A JDBC event store on a fresh, uniquely named table of the given database; its schema is created. */
    static JdbcEventStore jdbcStore(JdbcService db, String table, EventSerializer serializer) {
        JdbcEventStore store = JdbcEventStore.builder().jdbcUrl(db.jdbcUrl()).username(db.username())
                .password(db.password()).serializer(serializer).tableName(table).readPoolSize(6).build();
        try {
            store.createSchema();
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
        return store;
    }

    /** A JDBC event store on a fresh H2 in-memory database. */
    static JdbcEventStore h2Store(EventSerializer serializer) {
        return jdbcStore(new JdbcService(h2MemUrl(), "sa", "", "embedded"), uniqueTable(), serializer);
    }

    /** Drops a store's tables (the events table and its head table) on MariaDB/MySQL. */
    static void dropTables(JdbcService db, String table) {
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.username(), db.password());
             Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS `" + table + "`");
            s.execute("DROP TABLE IF EXISTS `" + table + "_head`");
            s.execute("DROP TABLE IF EXISTS `" + table + "_streams`");
            s.execute("DROP TABLE IF EXISTS `" + table + "_snapshots`");
        } catch (SQLException e) {
            throw new IllegalStateException("dropping test tables " + table + " failed", e);
        }
    }

    /** Runs one SQL statement on MariaDB/MySQL and returns the update count. */
    static int execute(JdbcService db, String sql, Object... args) {
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.username(), db.password());
             var s = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                s.setObject(i + 1, args[i]);
            }
            return s.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("'" + sql + "' failed", e);
        }
    }

    /** A hot-tier builder pointed at the shared Redis, with the given key prefix. */
    static RedisHotTierBuilder hotTier(RedisService redis, String prefix) {
        RedisHotTierBuilder b = RedisHotTier.builder().uri(redis.uri()).keyPrefix(prefix);
        if (!redis.password().isEmpty()) {
            b.credentials(null, redis.password());
        }
        return b;
    }

    /** A plain client on the shared Redis, to inspect keys directly. */
    static RedisClient client(RedisService redis) {
        DefaultJedisClientConfig.Builder config = DefaultJedisClientConfig.builder()
                .clientSetInfoConfig(ClientSetInfoConfig.DISABLED);
        if (!redis.password().isEmpty()) {
            config.password(redis.password());
        }
        return RedisClient.builder().hostAndPort(redis.host(), redis.port()).clientConfig(config.build()).build();
    }

    /** Every key under a prefix (SCAN with an escaped MATCH pattern). */
    static List<String> keys(RedisClient client, String prefix) {
        List<String> keys = new ArrayList<>();
        ScanIteration scan = client.scanIteration(500, globEscape(prefix) + ":*");
        while (!scan.isIterationCompleted()) {
            keys.addAll(scan.nextBatchList());
        }
        return keys;
    }

    /** Deletes every key under a prefix: SCAN with an escaped MATCH pattern, then UNLINK. */
    static void deleteKeys(RedisService redis, String prefix) {
        try (RedisClient client = client(redis)) {
            for (String key : keys(client, prefix)) {
                client.unlink(key);
            }
        }
    }

    private static String globEscape(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') {
                sb.append('\\');
            }
            sb.append(c);
        }
        return sb.toString();
    }
}
