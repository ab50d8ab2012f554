package io.modularddd.snapshots;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import io.modularddd.core.AggregateId;
import io.modularddd.core.InvalidInputException;
import io.modularddd.core.internal.BuilderChecks;
import io.modularddd.core.internal.Checks;
import io.modularddd.core.snapshot.AggregateStatistics;
import io.modularddd.core.snapshot.AggregateStats;
import java.time.Duration;

/**
 * {@link AggregateStats} kept in this process: per aggregate, counters over a sliding window, in a
 * bounded Caffeine cache.
 *
 * <h2>The window it keeps</h2>
 * The window ({@link Builder#window(Duration)}, 5 minutes by default) is split into {@value #BUCKETS}
 * buckets of equal length (30 s by default); a sample goes into the bucket of its time, and
 * {@link #statistics} sums the buckets that are not older than the window — so it covers between
 * {@code window - bucket} and {@code window} of history, and forgets a sample at most one bucket late.
 * The access frequency is the loads in the window over the time the aggregate has been watched within
 * it (since its first sample, at most the window), but never over less than one bucket: two loads in
 * the first millisecond are not read as a thousand loads a second.
 *
 * <h2>Bounds</h2>
 * At most {@link Builder#maximumAggregates(long)} aggregates (100,000 by default; about 400 bytes each)
 * are watched; the least useful are dropped first (Caffeine's W-TinyLFU), and an aggregate with no
 * sample for a whole window is dropped too. A dropped aggregate reads as
 * {@link AggregateStatistics#NONE} until it is sampled again.
 *
 * <p>Only this process's loads are counted: in a cluster, each node sees its own access frequency.
 * Use the Redis implementation of {@code modular-ddd-eventstore-redis} to share them. Thread-safe; no
 * thread of its own (Caffeine's maintenance runs on the calling thread).
 */
public final class InMemoryAggregateStats implements AggregateStats {

    /** How many buckets the window is split into. */
    public static final int BUCKETS = 10;

    private final Cache<AggregateId, Window> windows;
    private final Ticker ticker;
    private final long windowNanos;
    private final long bucketNanos;

    private InMemoryAggregateStats(Builder b) {
        this.ticker = b.ticker;
        this.windowNanos = b.window.toNanos();
        this.bucketNanos = windowNanos / BUCKETS;
        this.windows = Caffeine.newBuilder()
                .maximumSize(b.maximumAggregates)
                .expireAfterAccess(b.window)
                .ticker(b.ticker)
                .executor(Runnable::run)
                .build();
    }

    /**
     * Statistics with the defaults: a 5-minute window, 100,000 aggregates, the system ticker.
     *
     * @return the statistics
     */
    public static InMemoryAggregateStats create() {
        return builder().build();
    }

    /**
     * Starts configuring the statistics.
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * {@inheritDoc}
     *
     * @throws io.modularddd.core.InvalidInputException when the id is null
     */
    @Override
    public void recordLoad(AggregateId aggregateId, String aggregateType, long eventsReplayed, long loadNanos) {
        checkSample(aggregateId, aggregateType, "eventsReplayed", eventsReplayed, "loadNanos", loadNanos);
        long now = ticker.read();
        windows.get(aggregateId, k -> new Window(now)).load(Math.floorDiv(now, bucketNanos), eventsReplayed,
                loadNanos);
    }

    /**
     * {@inheritDoc}
     *
     * @throws io.modularddd.core.InvalidInputException when the id is null
     */
    @Override
    public void recordAppend(AggregateId aggregateId, String aggregateType, long events, long bytes) {
        checkSample(aggregateId, aggregateType, "events", events, "bytes", bytes);
        if (events == 0) {
            return;
        }
        long now = ticker.read();
        windows.get(aggregateId, k -> new Window(now)).append(Math.floorDiv(now, bucketNanos), events, bytes);
    }

    /** The same rule as every {@code AggregateStats}: no null id or type, no negative count. */
    private static void checkSample(AggregateId id, String type, String first, long a, String second, long b) {
        Checks.notNull("aggregateId", id);
        Checks.notNull("aggregateType", type);
        if (a < 0 || b < 0) {
            String name = a < 0 ? first : second;
            throw new InvalidInputException(name, name + " must not be negative but was " + (a < 0 ? a : b)
                    + " (aggregate '" + id.value() + "')");
        }
    }

    /**
     * {@inheritDoc}
     *
     * @throws io.modularddd.core.InvalidInputException when the id is null
     */
    @Override
    public AggregateStatistics statistics(AggregateId aggregateId) {
        Window window = windows.getIfPresent(Checks.notNull("aggregateId", aggregateId));
        if (window == null) {
            return AggregateStatistics.NONE;
        }
        long now = ticker.read();
        return window.statistics(now, Math.floorDiv(now, bucketNanos), windowNanos, bucketNanos);
    }

    /**
     * Returns how many aggregates are watched now (approximately: dropped ones may still count).
     *
     * @return the number of aggregates
     */
    public long watchedAggregates() {
        return windows.estimatedSize();
    }

    /** One aggregate's buckets: a ring indexed by bucket number modulo {@link #BUCKETS}. */
    private static final class Window {
        private final long firstSeen;
        private final long[] bucket = new long[BUCKETS];
        private final long[] loads = new long[BUCKETS];
        private final long[] loadNanos = new long[BUCKETS];
        private final long[] replayed = new long[BUCKETS];
        private final long[] events = new long[BUCKETS];
        private final long[] bytes = new long[BUCKETS];

        Window(long firstSeen) {
            this.firstSeen = firstSeen;
            java.util.Arrays.fill(bucket, Long.MIN_VALUE);
        }

        private int slot(long number) {
            int i = (int) Math.floorMod(number, (long) BUCKETS);
            if (bucket[i] != number) {
                bucket[i] = number;
                loads[i] = 0;
                loadNanos[i] = 0;
                replayed[i] = 0;
                events[i] = 0;
                bytes[i] = 0;
            }
            return i;
        }

        synchronized void load(long number, long eventsReplayed, long nanos) {
            int i = slot(number);
            loads[i]++;
            loadNanos[i] += nanos;
            replayed[i] += eventsReplayed;
        }

        synchronized void append(long number, long count, long size) {
            int i = slot(number);
            events[i] += count;
            bytes[i] += size;
        }

        synchronized AggregateStatistics statistics(long now, long current, long windowNanos, long bucketNanos) {
            long l = 0;
            long n = 0;
            long r = 0;
            long e = 0;
            long b = 0;
            for (int i = 0; i < BUCKETS; i++) {
                if (bucket[i] > current - BUCKETS && bucket[i] <= current) {
                    l += loads[i];
                    n += loadNanos[i];
                    r += replayed[i];
                    e += events[i];
                    b += bytes[i];
                }
            }
            double watchedSeconds = Math.max(bucketNanos, Math.min(windowNanos, now - firstSeen)) / 1e9;
            return new AggregateStatistics(l, l == 0 ? 0 : (double) n / l, l == 0 ? 0 : (double) r / l,
                    e == 0 ? 0 : (double) b / e, l / watchedSeconds);
        }
    }

    /**
     * Configures {@link InMemoryAggregateStats}. Each setting may be given once.
     */
    public static final class Builder {
        private Duration window = Duration.ofMinutes(5);
        private boolean windowSet;
        private long maximumAggregates = 100_000;
        private boolean maximumAggregatesSet;
        private Ticker ticker = Ticker.systemTicker();
        private boolean tickerSet;

        private Builder() {
        }

        /**
         * Sets how much history the statistics cover.
         *
         * @param window 10 seconds to 1 day; default 5 minutes
         * @return this builder
         * @throws IllegalArgumentException when null or out of range
         * @throws IllegalStateException    when set twice
         */
        public Builder window(Duration window) {
            BuilderChecks.inRange("window", window, Duration.ofSeconds(10), Duration.ofDays(1));
            BuilderChecks.setOnce("window", windowSet, this.window);
            windowSet = true;
            this.window = window;
            return this;
        }

        /**
         * Sets how many aggregates are watched at most.
         *
         * @param maximum 1 to 100,000,000; default 100,000
         * @return this builder
         * @throws IllegalArgumentException when out of range
         * @throws IllegalStateException    when set twice
         */
        public Builder maximumAggregates(long maximum) {
            BuilderChecks.inRange("maximumAggregates", maximum, 1, 100_000_000L);
            BuilderChecks.setOnce("maximumAggregates", maximumAggregatesSet, maximumAggregates);
            maximumAggregatesSet = true;
            this.maximumAggregates = maximum;
            return this;
        }

        /**
         * Sets the time source (tests use a manual one).
         *
         * @param ticker default {@link Ticker#systemTicker()}
         * @return this builder
         * @throws IllegalArgumentException when null
         * @throws IllegalStateException    when set twice
         */
        public Builder ticker(Ticker ticker) {
            BuilderChecks.notNull("ticker", ticker);
            BuilderChecks.setOnce("ticker", tickerSet, "a " + this.ticker.getClass().getName());
            tickerSet = true;
            this.ticker = ticker;
            return this;
        }

        /**
         * Builds the statistics.
         *
         * @return the statistics
         */
        public InMemoryAggregateStats build() {
            return new InMemoryAggregateStats(this);
        }
    }
}
