package io.modularddd.benchmarks;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.modularddd.cache.CaffeineTier;
import io.modularddd.cache.TieredCache;
import io.modularddd.core.cache.CacheKey;
import io.modularddd.core.cache.CachePolicy;
import io.modularddd.core.cache.QueryCache;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Issue 13's in-process numbers: an L1 hit through {@link TieredCache} — key generation included — for a
 * five-field query record, against a raw Caffeine {@code getIfPresent} with a precomputed {@code String}
 * key (target: at most 3×); and key generation alone, in ns/op and B/op.
 *
 * <ul>
 *   <li>{@code l1Hit_rawCaffeine}: {@code Caffeine.newBuilder().maximumSize(10_000)} holding the result
 *       under the query's storage key, computed once in setup;</li>
 *   <li>{@code l1Hit_rawCaffeineExpiring}: the same with {@code expireAfterWrite(1 h)}: Caffeine then reads
 *       its ticker on every hit, as any cache whose entries expire must — the part of the gap that is the
 *       clock read;</li>
 *   <li>{@code l1Hit_tieredCache}: {@code cache.get(query, policy, OrderSummary.class, loader)} with an L1
 *       {@link CaffeineTier} (10,000 entries, 64 MiB) and meters on: the value-keyed fast path (the query is
 *       a record of String, enum, LocalDate, int, long, so L1 is keyed by the query itself);</li>
 *   <li>{@code l1Hit_tieredCache_coarseClock}: the same with the L1 given a coarse {@code Clock} (a volatile
 *       the benchmark's own thread advances every millisecond, as an application may inject): what the
 *       engine costs apart from reading the system clock on each hit;</li>
 *   <li>{@code l1Hit_tieredCache_canonicalKey}: the same for a query holding a {@code List} (not eligible
 *       for the value-keyed path), so every hit pays the canonical encoding, the hash and a storage-key
 *       lookup — what a hit costs without the fast path;</li>
 *   <li>{@code keyGeneration}: {@code cache.keyOf(query, null)}: canonical form, UTF-8, MurmurHash3 x64 128,
 *       storage key, {@code CacheKey} checks.</li>
 * </ul>
 *
 * <p>Run (after {@code mvn -B -q -pl benchmarks -am -DskipTests package}):
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar CacheBenchmark -wi 3 -i 5 -w 1s -r 1s -f 1 -prof gc
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@Threads(1)
public class CacheBenchmark {

    /** An order's status. */
    public enum Status { OPEN, SHIPPED }

    /** The benchmark's five-field query. */
    public record FindOrders(String customerId, Status status, LocalDate from, int limit, long afterId) {
    }

    /** A query holding a list: L1 keys it by its storage key. */
    public record FindOrdersOf(List<String> customerIds, Status status, LocalDate from, int limit, long afterId) {
    }

    /** The cached result. */
    public record OrderSummary(String customerId, int orders, long totalCents) {
    }

    /** A clock that reads a volatile, advanced by a thread of its own: cheap to read, up to ~1 ms late. */
    static final class CoarseClock extends Clock {
        private volatile long millis = System.currentTimeMillis();

        void tick() {
            millis = System.currentTimeMillis();
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public long millis() {
            return millis;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis);
        }
    }

    private TieredCache cache;
    private TieredCache coarseCache;
    private ScheduledExecutorService ticking;
    private Cache<String, Object> raw;
    private Cache<String, Object> rawExpiring;
    private String rawKey;
    private FindOrders query;
    private FindOrdersOf listQuery;
    private CachePolicy policy;
    private QueryCache.Loader<OrderSummary> loader;

    /** Fills both caches and checks that the measured paths hit. */
    @Setup
    public void setUp() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        cache = TieredCache.builder()
                .tiers(CaffeineTier.builder().maxEntries(10_000).maxMemoryMb(64).build())
                .meterRegistry(registry)
                .build();
        query = new FindOrders("customer-4711", Status.OPEN, LocalDate.of(2024, 1, 1), 50, 1_000_000L);
        listQuery = new FindOrdersOf(List.of("customer-4711"), Status.OPEN, LocalDate.of(2024, 1, 1), 50, 1_000_000L);
        policy = CachePolicy.ttl(Duration.ofHours(1)).withTags("customer:customer-4711");
        OrderSummary summary = new OrderSummary("customer-4711", 12, 123_456L);
        loader = () -> {
            throw new IllegalStateException("the benchmark must only hit");
        };
        cache.get(query, policy, OrderSummary.class, () -> summary);
        cache.get(listQuery, policy, OrderSummary.class, () -> summary);
        if (!summary.equals(cache.get(query, policy, OrderSummary.class, loader))
                || !summary.equals(cache.get(listQuery, policy, OrderSummary.class, loader))) {
            throw new IllegalStateException("L1 does not hit");
        }
        CoarseClock coarse = new CoarseClock();
        ticking = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "coarse-clock");
            t.setDaemon(true);
            return t;
        });
        ticking.scheduleAtFixedRate(coarse::tick, 1, 1, TimeUnit.MILLISECONDS);
        coarseCache = TieredCache.builder()
                .tiers(CaffeineTier.builder().maxEntries(10_000).maxMemoryMb(64).clock(coarse).build())
                .clock(coarse)
                .meterRegistry(new SimpleMeterRegistry())
                .build();
        coarseCache.get(query, policy, OrderSummary.class, () -> summary);
        if (!summary.equals(coarseCache.get(query, policy, OrderSummary.class, loader))) {
            throw new IllegalStateException("L1 does not hit");
        }
        CacheKey key = cache.keyOf(query, null);
        rawKey = key.storageKey();
        raw = Caffeine.newBuilder().maximumSize(10_000).build();
        raw.put(rawKey, summary);
        rawExpiring = Caffeine.newBuilder().maximumSize(10_000).expireAfterWrite(Duration.ofHours(1)).build();
        rawExpiring.put(rawKey, summary);
        System.out.println("# canonical key: " + key.canonical() + " (" + key.canonical().length() + " chars)");
        System.out.println("# storage key:   " + key.storageKey());
    }

    /** Stops the cache. */
    @TearDown
    public void tearDown() {
        cache.close();
        coarseCache.close();
        ticking.shutdownNow();
    }

    /** The baseline: a Caffeine lookup with a precomputed key. */
    @Benchmark
    public Object l1Hit_rawCaffeine() {
        return raw.getIfPresent(rawKey);
    }

    /** The baseline with expiry: a Caffeine lookup that reads the clock. */
    @Benchmark
    public Object l1Hit_rawCaffeineExpiring() {
        return rawExpiring.getIfPresent(rawKey);
    }

    /** An L1 hit through the engine, value-keyed. */
    @Benchmark
    public OrderSummary l1Hit_tieredCache() {
        return cache.get(query, policy, OrderSummary.class, loader);
    }

    /** An L1 hit through the engine, value-keyed, the L1 reading a coarse clock. */
    @Benchmark
    public OrderSummary l1Hit_tieredCache_coarseClock() {
        return coarseCache.get(query, policy, OrderSummary.class, loader);
    }

    /** An L1 hit through the engine for a query that must be encoded on every call. */
    @Benchmark
    public OrderSummary l1Hit_tieredCache_canonicalKey() {
        return cache.get(listQuery, policy, OrderSummary.class, loader);
    }

    /** Key generation alone. */
    @Benchmark
    public CacheKey keyGeneration() {
        return cache.keyOf(query, null);
    }
}
