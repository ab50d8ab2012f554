package io.modularddd.snapshots;

import com.github.benmanes.caffeine.cache.Ticker;
import io.modularddd.core.InvalidInputException;
import io.modularddd.core.internal.BuilderChecks;
import io.modularddd.core.internal.Checks;
import io.modularddd.core.metrics.ExecutionSummary;
import io.modularddd.core.metrics.MetricsCollector;
import io.modularddd.core.snapshot.AggregateStats;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;

/**
 * The {@link MetricsCollector} of one process: command and query summaries in memory, aggregate statistics in
 * an {@link InMemoryAggregateStats} (or the {@link io.modularddd.core.snapshot.AggregateStats} given to the
 * builder). Start with {@link #create()} or {@link #builder()}.
 *
 * <h2>Window and bounds</h2>
 * Summaries cover a tumbling window ({@link Builder#window}, 5 minutes by default): the first execution
 * recorded after a window ended starts a new, empty one. Per kind (commands, queries) at most
 * {@link Builder#maxTypes} distinct types are tracked per window (1,000 by default; about 200 bytes each);
 * executions of further types are summed under {@link MetricsCollector#OVERFLOW_TYPE}. Recording a known type
 * costs a map lookup and four striped counter updates; no lock, no allocation. Thread-safe; no thread of its own.
 *
 * <p>It lives here, beside {@link InMemoryAggregateStats}, rather than in {@code core}: its aggregate part is
 * that class, which needs Caffeine, and {@code core} depends on nothing but Jackson, SLF4J and Micrometer
 * (ADR 0601).
 */
public final class InMemoryMetricsCollector implements MetricsCollector {

    /** Default window: 5 minutes. */
    public static final Duration DEFAULT_WINDOW = Duration.ofMinutes(5);
    /** Default cap of distinct types per kind. */
    public static final int DEFAULT_MAX_TYPES = 1000;
    /** The largest cap accepted. */
    public static final int MAX_MAX_TYPES = 100_000;

    private final AggregateStats aggregateStats;
    private final Ticker ticker;
    private final long windowNanos;
    private final int maxTypes;
    private final AtomicReference<Window> commands;
    private final AtomicReference<Window> queries;

    private InMemoryMetricsCollector(Builder b) {
        this.aggregateStats = b.aggregateStats != null ? b.aggregateStats : InMemoryAggregateStats.create();
        this.ticker = b.ticker;
        this.windowNanos = b.window.toNanos();
        this.maxTypes = b.maxTypes;
        long now = ticker.read();
        this.commands = new AtomicReference<>(new Window(now));
        this.queries = new AtomicReference<>(new Window(now));
    }

    /**
     * A collector with the defaults: a 5-minute window, 1,000 types per kind, a new {@link InMemoryAggregateStats}.
     *
     * @return the collector
     */
    public static InMemoryMetricsCollector create() {
        return builder().build();
    }

    /**
     * Starts configuring a collector.
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * {@inheritDoc}
     *
     * @throws InvalidInputException when the type is null, blank or too long, or the duration negative
     */
    @Override
    public void recordCommandExecution(String commandType, long durationNanos, boolean success) {
        record(commands, "commandType", commandType, durationNanos, success);
    }

    /**
     * {@inheritDoc}
     *
     * @throws InvalidInputException when the type is null, blank or too long, or the duration negative
     */
    @Override
    public void recordQueryExecution(String queryType, long durationNanos, boolean success) {
        record(queries, "queryType", queryType, durationNanos, success);
    }

    private void record(AtomicReference<Window> kind, String argument, String type, long nanos, boolean success) {
        if (nanos < 0) {
            throw new InvalidInputException("durationNanos", "durationNanos must not be negative but was " + nanos);
        }
        Window window = current(kind, ticker.read());
        Counters counters = type == null ? null : window.types.get(type);
        if (counters == null) {
            checkType(argument, type);
            counters = window.admit(type, maxTypes);
        }
        counters.add(nanos, success);
    }

    /** The rule every collector applies to a type name: not null or blank, at most {@value #MAX_TYPE_CHARS} chars. */
    static void checkType(String argument, String type) {
        Checks.identifier(argument, type, MAX_TYPE_CHARS, "com.example.Deposit");
    }

    private Window current(AtomicReference<Window> kind, long now) {
        Window w = kind.get();
        while (now - w.start >= windowNanos) {
            Window fresh = new Window(now);
            if (kind.compareAndSet(w, fresh)) {
                return fresh;
            }
            w = kind.get();
        }
        return w;
    }

    @Override
    public Map<String, ExecutionSummary> commandSummaries() {
        return summaries(commands);
    }

    @Override
    public Map<String, ExecutionSummary> querySummaries() {
        return summaries(queries);
    }

    private Map<String, ExecutionSummary> summaries(AtomicReference<Window> kind) {
        Window w = kind.get();
        if (ticker.read() - w.start >= windowNanos) {
            return Map.of();
        }
        Map<String, ExecutionSummary> out = new TreeMap<>();
        w.types.forEach((type, c) -> out.put(type, c.summary(type)));
        return Collections.unmodifiableMap(new LinkedHashMap<>(out));
    }

    @Override
    public AggregateStats aggregateStats() {
        return aggregateStats;
    }

    @Override
    public int maxTypes() {
        return maxTypes;
    }

    /**
     * Returns the window the summaries cover.
     *
     * @return the window
     */
    public Duration window() {
        return Duration.ofNanos(windowNanos);
    }

    @Override
    public String toString() {
        return "InMemoryMetricsCollector[window=" + window() + ", maxTypes=" + maxTypes + "]";
    }

    /** One window of one kind: its types, admitted up to the cap. */
    private static final class Window {
        final long start;
        final ConcurrentHashMap<String, Counters> types = new ConcurrentHashMap<>();
        final AtomicInteger admitted = new AtomicInteger();

        Window(long start) {
            this.start = start;
        }

        Counters admit(String type, int cap) {
            Counters c = types.computeIfAbsent(type, t -> {
                if (admitted.incrementAndGet() > cap) {
                    admitted.decrementAndGet();
                    return null; // nothing is stored: the execution goes to the overflow type
                }
                return new Counters();
            });
            return c != null ? c : types.computeIfAbsent(OVERFLOW_TYPE, t -> new Counters());
        }
    }

    /** The counters of one type. */
    private static final class Counters {
        final LongAdder count = new LongAdder();
        final LongAdder failures = new LongAdder();
        final LongAdder total = new LongAdder();
        final LongAccumulator max = new LongAccumulator(Math::max, 0);

        void add(long nanos, boolean success) {
            count.increment();
            if (!success) {
                failures.increment();
            }
            total.add(nanos);
            max.accumulate(nanos);
        }

        ExecutionSummary summary(String type) {
            return new ExecutionSummary(type, count.sum(), failures.sum(), total.sum(), max.get());
        }
    }

    /** Configures an {@link InMemoryMetricsCollector}. Each setting may be given once. */
    public static final class Builder {
        private Duration window = DEFAULT_WINDOW;
        private boolean windowSet;
        private int maxTypes = DEFAULT_MAX_TYPES;
        private boolean maxTypesSet;
        private AggregateStats aggregateStats;
        private Ticker ticker = Ticker.systemTicker();
        private boolean tickerSet;

        private Builder() {
        }

        /**
         * Sets the window the summaries cover.
         *
         * @param window 1 second to 1 day; default 5 minutes
         * @return this builder
         * @throws IllegalArgumentException when null or out of range
         * @throws IllegalStateException    when set twice
         */
        public Builder window(Duration window) {
            BuilderChecks.inRange("window", window, Duration.ofSeconds(1), Duration.ofDays(1));
            BuilderChecks.setOnce("window", windowSet, this.window);
            windowSet = true;
            this.window = window;
            return this;
        }

        /**
         * Sets how many distinct types are tracked per kind and window; further ones go to
         * {@link MetricsCollector#OVERFLOW_TYPE}.
         *
         * @param max 1 to {@value #MAX_MAX_TYPES}; default {@value #DEFAULT_MAX_TYPES}
         * @return this builder
         * @throws IllegalArgumentException when out of range
         * @throws IllegalStateException    when set twice
         */
        public Builder maxTypes(int max) {
            BuilderChecks.inRange("maxTypes", max, 1, MAX_MAX_TYPES);
            BuilderChecks.setOnce("maxTypes", maxTypesSet, maxTypes);
            maxTypesSet = true;
            this.maxTypes = max;
            return this;
        }

        /**
         * Sets the aggregate statistics the collector hands out.
         *
         * @param stats default: a new {@link InMemoryAggregateStats}
         * @return this builder
         * @throws IllegalArgumentException when null
         * @throws IllegalStateException    when set twice
         */
        public Builder aggregateStats(AggregateStats stats) {
            BuilderChecks.notNull("aggregateStats", stats);
            BuilderChecks.setOnce("aggregateStats", aggregateStats != null, aggregateStats);
            this.aggregateStats = stats;
            return this;
        }

        /**
         * Sets the time source of the window (tests use a manual one).
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
         * Builds the collector.
         *
         * @return the collector
         */
        public InMemoryMetricsCollector build() {
            return new InMemoryMetricsCollector(this);
        }
    }
}
