package io.modularddd.eventstore.redis;

import io.modularddd.benchmarks.BenchmarkServices;
import io.modularddd.core.cache.CacheEntry;
import io.modularddd.core.cache.CacheKey;
import io.modularddd.core.cache.CacheLookup;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import redis.clients.jedis.RedisClient;

/**
 * Issue 13's L2 benchmark: a hit through {@link RedisCacheTier#lookup} against a raw pooled Jedis
 * {@code GET} of the very same stored bytes (the tier's value key), on the local Redis, in one run.
 * Target: the tier's hit at most 1.3× the raw {@code GET}.
 *
 * <ul>
 *   <li>{@code l2Hit}: {@code lookup(key)} — one {@code MGET} of the value and its shard's clock, the
 *       header checked (CRC32C), the canonical key compared, the expiry checked, the tags and the payload
 *       copied into a {@link CacheEntry}.</li>
 *   <li>{@code rawGet}: {@code GET} of the tier's value key with a {@link RedisClient} configured like
 *       the tier's own pool (no CLIENT SETINFO): the bytes only, nothing checked or copied.</li>
 * </ul>
 *
 * <p>Run (after {@code mvn -B -q -pl benchmarks -am -DskipTests package}):
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar "RedisCacheTierBenchmark" -wi 3 -i 5 -w 1s -r 1s -f 1
 * </pre>
 * The Redis is {@code MODDDD_REDIS_URL} (default {@code redis://127.0.0.1:6379}); the run's keys live
 * under a prefix of their own and are deleted afterwards.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RedisCacheTierBenchmark {

    /** Size of the cached value (the engine's JSON), in bytes. */
    @Param({"256", "4096", "65536"})
    public int valueBytes;

    private String prefix;
    private RedisCacheTier tier;
    private RedisClient raw;
    private CacheKey key;
    private byte[] valueKey;

    /** Stores one entry through the tier and checks that both reads see the same bytes. */
    @Setup
    public void setUp() {
        prefix = BenchmarkServices.uniquePrefix("l2cache");
        tier = RedisCacheTier.builder().uri(BenchmarkServices.redisUri()).keyPrefix(prefix).build();
        raw = BenchmarkServices.redisClient();
        key = CacheKey.of("query:{AccountSummary}:9f2c4d1e0b7a65f83c2d1e0f9a8b7c6d",
                "AccountSummary(accountId=\"acc-42\",currency=\"EUR\",from=2024-01-01,to=2024-12-31,page=0)");
        byte[] json = new byte[valueBytes];
        Arrays.fill(json, (byte) 'x');
        json[0] = '"';
        json[valueBytes - 1] = '"';
        CacheEntry entry = CacheEntry.of(key, json, Instant.now().plusSeconds(3_600),
                Set.of("account:acc-42", "customer:7"));
        if (!tier.put(key, entry, tier.lookup(key))) {
            throw new IllegalStateException("the entry was not stored");
        }
        valueKey = tier.layout().value(tier.layout().shardOf(key.storageKey()), key.storageKey());
        CacheLookup hit = tier.lookup(key);
        byte[] stored = raw.get(valueKey);
        if (!hit.isHit() || !Arrays.equals(hit.entry().bytes(), json) || stored == null
                || !new String(stored, StandardCharsets.ISO_8859_1).endsWith(new String(json, StandardCharsets.ISO_8859_1))) {
            throw new IllegalStateException("the tier and the raw read do not see the same value");
        }
    }

    /** Deletes the run's keys and closes both clients. */
    @TearDown
    public void tearDown() {
        try {
            BenchmarkServices.deleteKeys(raw, prefix);
        } finally {
            tier.close();
            raw.close();
        }
    }

    /**
     * An L2 hit through the tier.
     *
     * @return the entry
     */
    @Benchmark
    public CacheEntry l2Hit() {
        return tier.lookup(key).entry();
    }

    /**
     * A raw Jedis GET of the same stored bytes.
     *
     * @return the bytes
     */
    @Benchmark
    public byte[] rawGet() {
        return raw.get(valueKey);
    }
}
