package io.modularddd.benchmarks;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.modularddd.core.cache.CacheEntry;
import io.modularddd.core.cache.CacheKey;
import io.modularddd.core.cache.CacheLookup;
import io.modularddd.core.serialization.EventTypeRegistry;
import io.modularddd.core.serialization.JacksonEventSerializer;
import io.modularddd.eventstore.jdbc.JdbcCacheTier;
import io.modularddd.eventstore.jdbc.JdbcEventStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * An L3 cache hit — {@link JdbcCacheTier#lookup} of a stored entry on the local MariaDB: one statement reading the
 * entry by its primary key, the canonical key compared, the entry built — against its
 * baseline, a raw JDBC primary-key select of the same row's columns through a HikariCP pool with the same driver
 * settings as the store's read pool (server-side prepared statements, auto-commit, {@code READ COMMITTED}).
 *
 * <p>Target (issue 13): an L3 hit ≤ 1.3× the raw select.
 *
 * <p>Run (after {@code mvn -B -q -pl benchmarks -am -DskipTests package}):
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar "JdbcCacheTierBenchmark" -wi 3 -i 5 -w 1s -r 1s -f 1
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Dorg.jooq.no-logo=true", "-Dorg.jooq.no-tips=true"})
public class JdbcCacheTierBenchmark {

    /** The cached value's size in bytes. */
    @Param({"1024", "65536"})
    public int valueBytes;

    private JdbcEventStore store;
    private JdbcCacheTier tier;
    private HikariDataSource raw;
    private String table;
    private CacheKey key;
    private String rawSelect;

    /** Creates the tables, stores one entry and opens the baseline's pool. */
    @Setup(Level.Trial)
    public void setUp() {
        table = "bench_l3_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        store = JdbcEventStore.builder().jdbcUrl(BenchmarkDatabase.url()).username(BenchmarkDatabase.username())
                .password(BenchmarkDatabase.password()).tableName(table)
                .serializer(JacksonEventSerializer.json(EventTypeRegistry.builder()
                        .register(BenchEvent.TYPE, BenchEvent.class).build()))
                .build();
        store.createSchema();
        tier = JdbcCacheTier.builder(store).opportunisticPurge(false).build();
        // a realistic key: query:{Type}:<32 hex>, canonical form of a 5-field query
        String hash = UUID.randomUUID().toString().replace("-", "");
        key = CacheKey.of("query:{AccountSummary}:" + hash,
                "AccountSummary{accountId=\"acc-42\",currency=\"EUR\",from=2024-01-01,to=2024-12-31,limit=50}");
        byte[] value = new byte[valueBytes];
        new Random(13).nextBytes(value);
        CacheEntry entry = CacheEntry.of(key, value, Instant.now().plusSeconds(24 * 3600),
                Set.of("account:acc-42", "query:AccountSummary"));
        check(tier.put(key, entry, tier.lookup(key)), "the entry was not stored");
        check(Arrays.equals(tier.lookup(key).entry().bytes(), value), "the hit returned other bytes");

        HikariConfig config = new HikariConfig();
        config.setPoolName("raw-l3");
        config.setJdbcUrl(BenchmarkDatabase.url());
        config.setUsername(BenchmarkDatabase.username());
        config.setPassword(BenchmarkDatabase.password());
        config.addDataSourceProperty("useServerPrepStmts", "true");
        config.setMaximumPoolSize(10);
        config.setMinimumIdle(2);
        config.setAutoCommit(true);
        config.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
        raw = new HikariDataSource(config);
        rawSelect = "SELECT `canonical_key`, `data`, `expires_at`, `tags` FROM `" + table + "_query_cache` "
                + "WHERE `cache_key` = ?";
        check(Arrays.equals(raw_pk_select(), value), "the raw select returned other bytes");
    }

    private static void check(boolean condition, String what) {
        if (!condition) {
            throw new IllegalStateException(what);
        }
    }

    /** Closes the store and the pool, drops the tables. */
    @TearDown(Level.Trial)
    public void tearDown() {
        raw.close();
        store.close();
        BenchmarkServices.dropTables(table);
    }

    /**
     * An L3 hit.
     *
     * @return the entry's bytes
     */
    @Benchmark
    public byte[] l3_hit() {
        CacheLookup lookup = tier.lookup(key);
        return lookup.entry().bytes();
    }

    /**
     * The baseline: the same row's columns by primary key with plain JDBC.
     *
     * @return the row's bytes
     */
    @Benchmark
    public byte[] raw_pk_select() {
        try (Connection c = raw.getConnection(); PreparedStatement ps = c.prepareStatement(rawSelect)) {
            ps.setString(1, key.storageKey());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                String canonical = rs.getString(1);
                byte[] data = rs.getBytes(2);
                long expiresAt = rs.getLong(3);
                String tags = rs.getString(4);
                return canonical.length() + expiresAt + tags.length() > 0 ? data : null;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
