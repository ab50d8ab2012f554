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
import io.modularddd.core.snapshot.SnapshotContext;
import io.modularddd.core.snapshot.SnapshotStrategy;
import java.time.Duration;
import java.util.function.ToDoubleFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes a snapshot when it pays: when the replay time it saves outweighs the cost of writing it.
 *
 * <h2>The cost model</h2>
 * For an aggregate saved with {@code n} events since its last snapshot, from its statistics
 * ({@link AggregateStats}: loads per second {@code f}, average load time, average events replayed per
 * load, average event size {@code s}) and a complexity score {@code c}:
 * <pre>
 *   replay cost per event  r = average load time / average events replayed      (measured, when loads replayed events)
 *                            = eventReplayCost + s × replayNanosPerByte         (modelled, otherwise)
 *   benefit                B = n × r × c × f × horizon      the replay time a snapshot now saves over the horizon
 *   cost                   C = snapshotWriteCost            one snapshot write
 *   snapshot when B ≥ C
 * </pre>
 * A snapshot now makes every following load skip {@code n} events, until the next snapshot; the
 * horizon ({@link Builder#horizon}, 5 minutes by default) is how long that saving is counted for. The
 * complexity score ({@link Builder#complexity}, 1 by default) weighs what the clock does not show —
 * large states, handlers that allocate, CPU shared with commands — and multiplies the replay cost.
 *
 * <h2>The rules, in order</h2>
 * <ol>
 *   <li>{@link Rule#NOTHING_NEW}: no event since the last snapshot → no.</li>
 *   <li>{@link Rule#EVENT_CEILING}: {@code n ≥ maxEventsSinceSnapshot} (1,000) → yes, whatever the
 *       statistics say, so that a cold aggregate's replay stays bounded (and truncation stays possible).</li>
 *   <li>{@link Rule#BYTE_CEILING}: {@code n × s ≥ maxReplayBytes} (1 MiB) → yes, for the same reason.</li>
 *   <li>{@link Rule#NO_STATISTICS}: no load recorded (a new node, expired statistics) → every
 *       {@code fallbackThreshold} events (100), as {@link SimpleSnapshotStrategy} would.</li>
 *   <li>{@link Rule#COST_MODEL}: {@code B ≥ C} → yes, else no.</li>
 * </ol>
 * Each decision is logged at DEBUG with its inputs (logger {@code io.modularddd.snapshots.AdaptiveSnapshotStrategy}).
 *
 * <h2>Statistics</h2>
 * They are read from the {@link AggregateStats} given to the builder — the same instance the
 * repository records loads into — and kept per aggregate for {@link Builder#metricsTtl} (300 s) in a
 * bounded Caffeine cache, so a save costs no statistics read most of the time (a Redis read, for the
 * shared implementation). Thread-safe; no thread of its own.
 */
public final class AdaptiveSnapshotStrategy implements SnapshotStrategy {

    private static final Logger LOG = LoggerFactory.getLogger(AdaptiveSnapshotStrategy.class);

    /** Which rule made a decision. */
    public enum Rule {
        /** No event since the last snapshot. */
        NOTHING_NEW,
        /** Too many events since the last snapshot. */
        EVENT_CEILING,
        /** Too many bytes of events since the last snapshot. */
        BYTE_CEILING,
        /** No load recorded: the fallback threshold decided. */
        NO_STATISTICS,
        /** The cost model decided. */
        COST_MODEL
    }

    /**
     * One decision with its inputs, as logged.
     *
     * @param rule                the rule that decided
     * @param snapshot            whether to snapshot
     * @param eventsSinceSnapshot {@code n}
     * @param averageEventBytes   {@code s}
     * @param averageLoadNanos    the mean load time
     * @param loadsPerSecond      {@code f}
     * @param complexity          {@code c}
     * @param replayNanosPerEvent {@code r} (0 when the cost model was not reached)
     * @param benefitNanos        {@code B} (0 when the cost model was not reached)
     * @param costNanos           {@code C}
     */
    public record Decision(Rule rule, boolean snapshot, long eventsSinceSnapshot, double averageEventBytes,
                           double averageLoadNanos, double loadsPerSecond, double complexity,
                           double replayNanosPerEvent, double benefitNanos, double costNanos) {
    }

    private final AggregateStats stats;
    private final Cache<AggregateId, AggregateStatistics> cached;
    private final double horizonSeconds;
    private final double costNanos;
    private final double eventReplayNanos;
    private final double replayNanosPerByte;
    private final long maxEventsSinceSnapshot;
    private final long maxReplayBytes;
    private final int fallbackThreshold;
    private final ToDoubleFunction<SnapshotContext> complexity;

    private AdaptiveSnapshotStrategy(Builder b) {
        this.stats = b.stats;
        this.horizonSeconds = b.horizon.toNanos() / 1e9;
        this.costNanos = b.snapshotWriteCost.toNanos();
        this.eventReplayNanos = b.eventReplayCost.toNanos();
        this.replayNanosPerByte = b.replayNanosPerByte;
        this.maxEventsSinceSnapshot = b.maxEventsSinceSnapshot;
        this.maxReplayBytes = b.maxReplayBytes;
        this.fallbackThreshold = b.fallbackThreshold;
        this.complexity = b.complexity;
        this.cached = Caffeine.newBuilder()
                .maximumSize(b.maximumCachedAggregates)
                .expireAfterWrite(b.metricsTtl)
                .ticker(b.ticker)
                .executor(Runnable::run)
                .build();
    }

    /**
     * Starts configuring a strategy that reads its statistics from {@code stats}.
     *
     * @param stats the statistics the repository records into
     * @return a builder
     * @throws IllegalArgumentException when null
     */
    public static Builder builder(AggregateStats stats) {
        return new Builder(BuilderChecks.notNull("stats", stats));
    }

    /**
     * {@inheritDoc}
     *
     * @throws InvalidInputException when the context is null, or the complexity function returns a value
     *                               that is not a finite number of at least 0
     */
    @Override
    public boolean shouldSnapshot(SnapshotContext context) {
        Decision d = decide(context);
        if (LOG.isDebugEnabled()) {
            LOG.debug("snapshot decision for {} '{}' at version {}: {} -> {} (events since snapshot {}, average "
                            + "event {} B, average load {} ns, {} loads/s, complexity {}; replay {} ns/event, benefit "
                            + "{} ns over {} s vs snapshot cost {} ns)", context.aggregateType(),
                    context.aggregateId().value(), context.version(), d.rule(), d.snapshot() ? "snapshot" : "skip",
                    d.eventsSinceSnapshot(), round(d.averageEventBytes()), round(d.averageLoadNanos()),
                    d.loadsPerSecond(), d.complexity(), round(d.replayNanosPerEvent()), round(d.benefitNanos()),
                    horizonSeconds, round(d.costNanos()));
        }
        return d.snapshot();
    }

    /**
     * Decides, and says why: what {@link #shouldSnapshot} does, without the log line.
     *
     * @param context the aggregate just saved
     * @return the decision and its inputs
     * @throws InvalidInputException when the context is null, or the complexity is not a finite number ≥ 0
     */
    public Decision decide(SnapshotContext context) {
        Checks.notNull("context", context);
        long n = context.eventsSinceSnapshot();
        if (n == 0) {
            return new Decision(Rule.NOTHING_NEW, false, 0, 0, 0, 0, 0, 0, 0, costNanos);
        }
        AggregateStatistics s = cached.get(context.aggregateId(), stats::statistics);
        if (n >= maxEventsSinceSnapshot) {
            return inputs(Rule.EVENT_CEILING, true, n, s, 0, 0, 0);
        }
        if (n * s.averageEventBytes() >= maxReplayBytes) {
            return inputs(Rule.BYTE_CEILING, true, n, s, 0, 0, 0);
        }
        if (s.loads() == 0) {
            return inputs(Rule.NO_STATISTICS, n >= fallbackThreshold, n, s, 0, 0, 0);
        }
        double c = complexity.applyAsDouble(context);
        if (!Double.isFinite(c) || c < 0) {
            throw new InvalidInputException("complexity", "the complexity score for " + context.aggregateType()
                    + " must be a finite number of at least 0 but was " + c + "; fix the function given to "
                    + "AdaptiveSnapshotStrategy.builder(...).complexity(...)");
        }
        double perEvent = s.averageReplayed() >= 1
                ? s.averageLoadNanos() / s.averageReplayed()
                : eventReplayNanos + s.averageEventBytes() * replayNanosPerByte;
        double benefit = n * perEvent * c * s.loadsPerSecond() * horizonSeconds;
        return inputs(Rule.COST_MODEL, benefit >= costNanos, n, s, c, perEvent, benefit);
    }

    private Decision inputs(Rule rule, boolean snapshot, long n, AggregateStatistics s, double c, double perEvent,
                            double benefit) {
        return new Decision(rule, snapshot, n, s.averageEventBytes(), s.averageLoadNanos(), s.loadsPerSecond(), c,
                perEvent, benefit, costNanos);
    }

    private static long round(double v) {
        return Math.round(v);
    }

    @Override
    public String toString() {
        return "AdaptiveSnapshotStrategy[horizon " + horizonSeconds + " s, snapshot cost " + round(costNanos)
                + " ns, ceilings " + maxEventsSinceSnapshot + " events / " + maxReplayBytes + " bytes, fallback every "
                + fallbackThreshold + " events]";
    }

    /**
     * Configures an {@link AdaptiveSnapshotStrategy}. Each setting may be given once.
     */
    public static final class Builder {
        private final AggregateStats stats;
        private Duration horizon = Duration.ofMinutes(5);
        private Duration snapshotWriteCost = Duration.ofMillis(5);
        private Duration eventReplayCost = Duration.ofNanos(20_000);
        private double replayNanosPerByte = 5;
        private long maxEventsSinceSnapshot = 1_000;
        private long maxReplayBytes = 1024 * 1024;
        private int fallbackThreshold = 100;
        private ToDoubleFunction<SnapshotContext> complexity = ctx -> 1.0;
        private Duration metricsTtl = Duration.ofSeconds(300);
        private long maximumCachedAggregates = 100_000;
        private Ticker ticker = Ticker.systemTicker();
        private final java.util.Set<String> set = new java.util.HashSet<>();

        private Builder(AggregateStats stats) {
            this.stats = stats;
        }

        private void once(String setting, Object current) {
            BuilderChecks.setOnce(setting, !set.add(setting), current);
        }

        /**
         * Sets how long a snapshot's saving is counted for.
         *
         * @param horizon 1 second to 1 day; default 5 minutes
         * @return this builder
         * @throws IllegalArgumentException when null or out of range
         * @throws IllegalStateException    when set twice
         */
        public Builder horizon(Duration horizon) {
            BuilderChecks.inRange("horizon", horizon, Duration.ofSeconds(1), Duration.ofDays(1));
            once("horizon", this.horizon);
            this.horizon = horizon;
            return this;
        }

        /**
         * Sets what writing one snapshot costs (serializing it and a store round trip).
         *
         * @param cost 1 microsecond to 10 seconds; default 5 ms
         * @return this builder
         * @throws IllegalArgumentException when null or out of range
         * @throws IllegalStateException    when set twice
         */
        public Builder snapshotWriteCost(Duration cost) {
            BuilderChecks.inRange("snapshotWriteCost", cost, Duration.ofNanos(1_000), Duration.ofSeconds(10));
            once("snapshotWriteCost", this.snapshotWriteCost);
            this.snapshotWriteCost = cost;
            return this;
        }

        /**
         * Sets the modelled cost of replaying one event, before its size is counted; used while no load
         * that replayed events has been measured.
         *
         * @param cost 1 nanosecond to 1 second; default 20 µs
         * @return this builder
         * @throws IllegalArgumentException when null or out of range
         * @throws IllegalStateException    when set twice
         */
        public Builder eventReplayCost(Duration cost) {
            BuilderChecks.inRange("eventReplayCost", cost, Duration.ofNanos(1), Duration.ofSeconds(1));
            once("eventReplayCost", this.eventReplayCost);
            this.eventReplayCost = cost;
            return this;
        }

        /**
         * Sets the modelled cost of reading and decoding one byte of an event.
         *
         * @param nanos 0 to 1,000,000 ns; default 5 ns (about 200 MB/s)
         * @return this builder
         * @throws IllegalArgumentException when out of range or not a number
         * @throws IllegalStateException    when set twice
         */
        public Builder replayNanosPerByte(double nanos) {
            if (!(nanos >= 0 && nanos <= 1_000_000)) {
                throw new IllegalArgumentException("replayNanosPerByte must be between 0 and 1000000 but was " + nanos);
            }
            once("replayNanosPerByte", this.replayNanosPerByte);
            this.replayNanosPerByte = nanos;
            return this;
        }

        /**
         * Sets the events since the last snapshot that force one, whatever the statistics say.
         *
         * @param events 1 to 100,000,000; default 1,000
         * @return this builder
         * @throws IllegalArgumentException when out of range
         * @throws IllegalStateException    when set twice
         */
        public Builder maxEventsSinceSnapshot(long events) {
            BuilderChecks.inRange("maxEventsSinceSnapshot", events, 1, 100_000_000L);
            once("maxEventsSinceSnapshot", this.maxEventsSinceSnapshot);
            this.maxEventsSinceSnapshot = events;
            return this;
        }

        /**
         * Sets the bytes of events since the last snapshot that force one.
         *
         * @param bytes 1 KiB to 1 TiB; default 1 MiB
         * @return this builder
         * @throws IllegalArgumentException when out of range
         * @throws IllegalStateException    when set twice
         */
        public Builder maxReplayBytes(long bytes) {
            BuilderChecks.inRange("maxReplayBytes", bytes, 1024L, 1L << 40);
            once("maxReplayBytes", this.maxReplayBytes);
            this.maxReplayBytes = bytes;
            return this;
        }

        /**
         * Sets the threshold used while an aggregate has no recorded load.
         *
         * @param events 1 to 1,000,000; default 100
         * @return this builder
         * @throws IllegalArgumentException when out of range
         * @throws IllegalStateException    when set twice
         */
        public Builder fallbackThreshold(int events) {
            BuilderChecks.inRange("fallbackThreshold", events, 1, 1_000_000);
            once("fallbackThreshold", this.fallbackThreshold);
            this.fallbackThreshold = events;
            return this;
        }

        /**
         * Sets the complexity score of an aggregate: a weight of at least 0 on its replay cost (1 = as
         * measured or modelled; 3 = a replay costs three times what the clock shows, e.g. a large state
         * that churns memory). Called on saves that reach the cost model; keep it cheap, e.g. a constant
         * per aggregate type.
         *
         * @param score the score for an aggregate; default 1
         * @return this builder
         * @throws IllegalArgumentException when null
         * @throws IllegalStateException    when set twice
         */
        public Builder complexity(ToDoubleFunction<SnapshotContext> score) {
            BuilderChecks.notNull("complexity", score);
            once("complexity", "a function");
            this.complexity = score;
            return this;
        }

        /**
         * Sets how long an aggregate's statistics are kept before they are read again.
         *
         * @param ttl 1 second to 1 day; default 300 s
         * @return this builder
         * @throws IllegalArgumentException when null or out of range
         * @throws IllegalStateException    when set twice
         */
        public Builder metricsTtl(Duration ttl) {
            BuilderChecks.inRange("metricsTtl", ttl, Duration.ofSeconds(1), Duration.ofDays(1));
            once("metricsTtl", this.metricsTtl);
            this.metricsTtl = ttl;
            return this;
        }

        /**
         * Sets how many aggregates' statistics are kept at most.
         *
         * @param maximum 1 to 100,000,000; default 100,000
         * @return this builder
         * @throws IllegalArgumentException when out of range
         * @throws IllegalStateException    when set twice
         */
        public Builder maximumCachedAggregates(long maximum) {
            BuilderChecks.inRange("maximumCachedAggregates", maximum, 1, 100_000_000L);
            once("maximumCachedAggregates", this.maximumCachedAggregates);
            this.maximumCachedAggregates = maximum;
            return this;
        }

        /**
         * Sets the time source of the statistics cache (tests use a manual one).
         *
         * @param ticker default {@link Ticker#systemTicker()}
         * @return this builder
         * @throws IllegalArgumentException when null
         * @throws IllegalStateException    when set twice
         */
        public Builder ticker(Ticker ticker) {
            BuilderChecks.notNull("ticker", ticker);
            once("ticker", "a " + this.ticker.getClass().getName());
            this.ticker = ticker;
            return this;
        }

        /**
         * Builds the strategy.
         *
         * @return the strategy
         */
        public AdaptiveSnapshotStrategy build() {
            return new AdaptiveSnapshotStrategy(this);
        }
    }
}
