package io.modularddd.benchmarks;

import io.modularddd.core.serialization.EventSerializer;
import io.modularddd.eventstore.jdbc.JdbcEventStore;
import io.modularddd.eventstore.redis.RedisHotTier;
import io.modularddd.eventstore.redis.RedisHotTierBuilder;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import redis.clients.jedis.ClientSetInfoConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.ScanIteration;

/**
 * The servers of the hot-tier benchmarks and the memory check, found the way the tests find them:
 * MariaDB at {@link BenchmarkDatabase#url()} ({@code MODDDD_MYSQL_URL}, {@code MODDDD_MYSQL_USER},
 * {@code MODDDD_MYSQL_PASSWORD}; default {@code jdbc:mariadb://127.0.0.1:3306/test} as root with an empty
 * password) and Redis at {@code MODDDD_REDIS_URL} (default {@code redis://127.0.0.1:6379}).
 *
 * <p>The servers are shared: every run uses its own table name and Redis key prefix and removes them
 * afterwards (DROP TABLE; SCAN with an escaped MATCH pattern plus UNLINK — never KEYS or FLUSH*).
 */
public final class BenchmarkServices {

    private BenchmarkServices() {
    }

    /**
     * A table name unique to this run.
     *
     * @param prefix a readable prefix, {@code [a-z_]+}
     * @return e.g. {@code bench_hot_1f2e3d4c5b6a7980}
     */
    public static String uniqueTable(String prefix) {
        return prefix + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    }

    /**
     * A Redis key prefix unique to this run.
     *
     * @param name a readable part, {@code [A-Za-z0-9_.-]+}
     * @return e.g. {@code modddd-bench:hot:1f2e3d4c}
     */
    public static String uniquePrefix(String name) {
        return "modddd-bench:" + name + ":" + UUID.randomUUID().toString().substring(0, 8);
    }

    /**
     * Builds a {@link JdbcEventStore} on the benchmark MariaDB from its URL (the store owns its pools,
     * as an application's would) and creates its schema.
     *
     * @param table      the table name
     * @param serializer the payload serializer
     * @return the store; closing it closes its pools
     */
    public static JdbcEventStore jdbcEventStore(String table, EventSerializer serializer) {
        JdbcEventStore store = JdbcEventStore.builder().jdbcUrl(BenchmarkDatabase.url())
                .username(env("MODDDD_MYSQL_USER", "root")).password(env("MODDDD_MYSQL_PASSWORD", ""))
                .serializer(serializer).tableName(table).build();
        try {
            store.createSchema();
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
        return store;
    }

    /**
     * Drops a {@link JdbcEventStore}'s tables.
     *
     * @param table the table name
     */
    public static void dropTables(String table) {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS `" + table + "`");
            s.execute("DROP TABLE IF EXISTS `" + table + "_head`");
            s.execute("DROP TABLE IF EXISTS `" + table + "_streams`");
            s.execute("DROP TABLE IF EXISTS `" + table + "_snapshots`");
            s.execute("DROP TABLE IF EXISTS `" + table + "_checkpoints`");
            s.execute("DROP TABLE IF EXISTS `" + table + "_dead_letters`");
        } catch (SQLException e) {
            throw new IllegalStateException("dropping benchmark tables " + table + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * Tells whether a table exists in the benchmark database.
     *
     * @param table the table name
     * @return true when it exists
     */
    public static boolean tableExists(String table) {
        try (Connection c = connect(); var ps = c.prepareStatement(
                "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = ?")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1) > 0;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("looking up table " + table + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * The MariaDB server and its durability settings, to print beside the results.
     *
     * @return e.g. "MariaDB 10.11.19-MariaDB, innodb_flush_log_at_trx_commit=1, sync_binlog=0, log_bin=0"
     */
    public static String describeMariaDb() {
        try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT version(), @@innodb_flush_log_at_trx_commit, @@sync_binlog, @@log_bin, @@innodb_buffer_pool_size")) {
            rs.next();
            return "MariaDB " + rs.getString(1) + ", innodb_flush_log_at_trx_commit=" + rs.getString(2)
                    + ", sync_binlog=" + rs.getString(3) + ", log_bin=" + rs.getString(4)
                    + ", innodb_buffer_pool_size=" + rs.getLong(5) / (1024 * 1024) + " MiB";
        } catch (SQLException e) {
            return "unknown MariaDB: " + e.getMessage();
        }
    }

    /**
     * The Redis URI in use (without credentials when none are configured).
     *
     * @return the URI
     */
    public static String redisUri() {
        String url = System.getenv("MODDDD_REDIS_URL");
        return url == null || url.isBlank() ? "redis://127.0.0.1:6379" : url;
    }

    /**
     * A hot-tier builder pointed at the benchmark Redis.
     *
     * @param prefix the key prefix
     * @return the builder
     */
    public static RedisHotTierBuilder hotTier(String prefix) {
        return RedisHotTier.builder().uri(redisUri()).keyPrefix(prefix);
    }

    /**
     * A plain pooled Jedis client on the benchmark Redis, configured like the hot tier's own (same
     * client class, same 500 ms timeouts, no CLIENT SETINFO), so a raw read and a hot-tier read differ
     * only in what the hot tier adds.
     *
     * @return the client; close it
     */
    public static RedisClient redisClient() {
        URI uri = URI.create(redisUri());
        return RedisClient.builder().hostAndPort(uri.getHost(), port(uri)).clientConfig(clientConfig(uri)).build();
    }

    /**
     * The Redis server and its persistence settings, to print beside the results.
     *
     * @return e.g. "Redis 7.0.15, appendonly=no, appendfsync=everysec, save=''"
     */
    public static String describeRedis() {
        URI uri = URI.create(redisUri());
        try (Jedis jedis = new Jedis(new HostAndPort(uri.getHost(), port(uri)), clientConfig(uri))) {
            String version = "?";
            for (String line : jedis.info("server").split("\r?\n")) {
                if (line.startsWith("redis_version:")) {
                    version = line.substring("redis_version:".length());
                }
            }
            return "Redis " + version + ", appendonly=" + jedis.configGet("appendonly").get("appendonly")
                    + ", appendfsync=" + jedis.configGet("appendfsync").get("appendfsync") + ", save='"
                    + jedis.configGet("save").get("save") + "'";
        } catch (RuntimeException e) {
            return "unknown Redis: " + e.getMessage();
        }
    }

    private static int port(URI uri) {
        return uri.getPort() < 0 ? 6379 : uri.getPort();
    }

    private static DefaultJedisClientConfig clientConfig(URI uri) {
        DefaultJedisClientConfig.Builder config = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis((int) RedisHotTier.DEFAULT_CONNECT_TIMEOUT.toMillis())
                .socketTimeoutMillis((int) RedisHotTier.DEFAULT_READ_TIMEOUT.toMillis())
                .clientSetInfoConfig(ClientSetInfoConfig.DISABLED);
        String info = uri.getUserInfo();
        if (info != null && info.contains(":")) {
            String user = info.substring(0, info.indexOf(':'));
            if (!user.isEmpty()) {
                config.user(user);
            }
            config.password(info.substring(info.indexOf(':') + 1));
        }
        return config.build();
    }

    /**
     * Deletes every key under a prefix: SCAN with an escaped MATCH pattern, then UNLINK.
     *
     * @param client a client
     * @param prefix the prefix
     * @return the number of keys deleted
     */
    public static int deleteKeys(RedisClient client, String prefix) {
        List<String> keys = new ArrayList<>();
        ScanIteration scan = client.scanIteration(500, globEscape(prefix) + ":*");
        while (!scan.isIterationCompleted()) {
            keys.addAll(scan.nextBatchList());
        }
        for (String k : keys) {
            client.unlink(k);
        }
        return keys.size();
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

    private static Connection connect() throws SQLException {
        return DriverManager.getConnection(BenchmarkDatabase.url(), env("MODDDD_MYSQL_USER", "root"),
                env("MODDDD_MYSQL_PASSWORD", ""));
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null ? fallback : v;
    }
}
