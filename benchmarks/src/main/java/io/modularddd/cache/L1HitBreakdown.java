package io.modularddd.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.modularddd.benchmarks.CacheBenchmark.FindOrders;
import io.modularddd.benchmarks.CacheBenchmark.OrderSummary;
import io.modularddd.benchmarks.CacheBenchmark.Status;
import io.modularddd.core.cache.CacheKey;
import io.modularddd.core.cache.CachePolicy;
import java.time.Duration;
import java.time.LocalDate;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * Diagnostic for {@code CacheBenchmark}: where an L1 hit through {@link TieredCache} spends its time —
 * the clock read, the record key's hashCode/equals, the tier's Caffeine lookup, the hit counter — and
 * what Caffeine configurations cost per hit with the same record key: plain, {@code expireAfterWrite},
 * a weigher with Caffeine's variable (per-entry) expiry on a wall-clock or a {@code nanoTime} ticker,
 * and a weigher with the expiry checked by the caller (what {@link CaffeineTier} does). The variable
 * expiry variants are why the tier checks expiry itself (see {@code docs/benchmarks.md}, issue 13).
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar L1HitBreakdown -wi 3 -i 5 -w 1s -r 1s -f 2
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(2)
public class L1HitBreakdown {

    private FindOrders query;
    private CacheKey key;
    private Cache<Object, Object> recordKeyed;
    private Cache<Object, Object> recordKeyedExpiring;
    private CaffeineTier tier;
    private TieredCache cache;
    private CachePolicy policy;
    private Counter counter;
    private Cache<Object, Object> weighedVariable;
    private Cache<Object, long[]> weighedManual;
    private Cache<Object, Object> weighedVariableNano;
    private Cache<Object, long[]> weighedManualNano;
    private final ClassValue<Object> classValue = new ClassValue<>() {
        @Override
        protected Object computeValue(Class<?> type) {
            return new Object();
        }
    };

    @Setup
    public void setUp() {
        query = new FindOrders("customer-4711", Status.OPEN, LocalDate.of(2024, 1, 1), 50, 1_000_000L);
        OrderSummary summary = new OrderSummary("customer-4711", 12, 123_456L);
        tier = CaffeineTier.builder().maxEntries(10_000).maxMemoryMb(64).build();
        cache = TieredCache.builder().tiers(tier).meterRegistry(new SimpleMeterRegistry()).build();
        policy = CachePolicy.ttl(Duration.ofHours(1));
        cache.get(query, policy, OrderSummary.class, () -> summary);
        key = cache.keyOf(query, null);
        // the same entry under its storage key too, so findByKey measures a hit by canonical key
        tier.put(key, io.modularddd.core.cache.CacheEntry.of(key, new byte[] {1},
                java.time.Instant.now().plus(Duration.ofHours(1)), java.util.Set.of()), tier.lookup(key));
        recordKeyed = Caffeine.newBuilder().maximumSize(10_000).build();
        recordKeyed.put(query, summary);
        recordKeyedExpiring = Caffeine.newBuilder().maximumSize(10_000).expireAfterWrite(Duration.ofHours(1)).build();
        recordKeyedExpiring.put(query, summary);
        counter = new SimpleMeterRegistry().counter("c");
        java.time.Clock clock = java.time.Clock.systemUTC();
        weighedVariable = Caffeine.newBuilder().maximumWeight(64L << 20).weigher((Object k, Object v) -> 6_711)
                .expireAfter(com.github.benmanes.caffeine.cache.Expiry.creating((Object k, Object v) -> Duration.ofHours(1)))
                .ticker(() -> clock.millis() * 1_000_000L).build();
        weighedVariable.put(query, summary);
        weighedManual = Caffeine.newBuilder().maximumWeight(64L << 20).weigher((Object k, long[] v) -> 6_711).build();
        weighedManual.put(query, new long[] {clock.millis() + 3_600_000L});
        weighedVariableNano = Caffeine.newBuilder().maximumWeight(64L << 20).weigher((Object k, Object v) -> 6_711)
                .expireAfter(com.github.benmanes.caffeine.cache.Expiry.creating((Object k, Object v) -> Duration.ofHours(1)))
                .build();
        weighedVariableNano.put(query, summary);
        weighedManualNano = Caffeine.newBuilder().maximumWeight(64L << 20).weigher((Object k, long[] v) -> 6_711).build();
        weighedManualNano.put(query, new long[] {System.nanoTime() + 3_600_000_000_000L});
    }

    @Benchmark
    public long clockMillis() {
        return System.currentTimeMillis();
    }

    @Benchmark
    public int recordHashCode() {
        return query.hashCode();
    }

    @Benchmark
    public Object classValueGet() {
        return classValue.get(query.getClass());
    }

    @Benchmark
    public void counterIncrement() {
        counter.increment();
    }

    @Benchmark
    public Object rawCaffeine_recordKey() {
        return recordKeyed.getIfPresent(query);
    }

    @Benchmark
    public Object rawCaffeineExpiring_recordKey() {
        return recordKeyedExpiring.getIfPresent(query);
    }

    @Benchmark
    public Object caffeineWeighedVariableExpiry_recordKey() {
        return weighedVariable.getIfPresent(query);
    }

    @Benchmark
    public Object caffeineWeighedOwnExpiryCheck_recordKey() {
        long[] v = weighedManual.getIfPresent(query);
        return v != null && System.currentTimeMillis() < v[0] ? v : null;
    }

    @Benchmark
    public long nanoTime() {
        return System.nanoTime();
    }

    @Benchmark
    public Object caffeineWeighedVariableExpiryNanoTicker_recordKey() {
        return weighedVariableNano.getIfPresent(query);
    }

    @Benchmark
    public Object caffeineWeighedOwnNanoDeadline_recordKey() {
        long[] v = weighedManualNano.getIfPresent(query);
        return v != null && System.nanoTime() - v[0] < 0 ? v : null;
    }

    @Benchmark
    public Object caffeineTier_find() {
        return tier.find(query);
    }

    @Benchmark
    public Object caffeineTier_findByKey() {
        return tier.findByKey(key);
    }

    @Benchmark
    public Object tieredCache_get() {
        return cache.get(query, policy, OrderSummary.class, () -> null);
    }
}
