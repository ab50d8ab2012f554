package io.modularddd.benchmarks.cli;

import io.modularddd.core.EventStore;
import io.modularddd.core.projection.Projection;
import io.modularddd.examples.quickstart.AccountEvents.MoneyDeposited;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * Measures projection lag: a projection registered beside the sample application's own (so it runs with the same
 * engine and the profile's strategy) notes when it applies each deposit, and the workload notes when each deposit
 * command returned (its append had committed). Every deposit of a run has a unique amount, which pairs the two.
 * A deposit applied before its command returned (a realtime projection) lags 0.
 */
final class LagProbe {

    static final String NAME = "ddd-benchmark-lag";

    private final Map<Long, Long> committed = new ConcurrentHashMap<>();
    private final Map<Long, Long> applied = new ConcurrentHashMap<>();
    private final AtomicLong lastPosition = new AtomicLong();
    private volatile boolean measuring;

    /** @return the probe's projection, handling every event */
    Projection projection() {
        return Projection.builder(NAME).onAny((payload, event, tx) -> {
            long now = System.nanoTime();
            if (measuring && payload instanceof MoneyDeposited deposited) {
                applied.putIfAbsent(deposited.amountCents(), now);
            }
            lastPosition.accumulateAndGet(event.position(), Math::max);
        }).build();
    }

    /** Starts pairing: deposits before this (warm-up) are not counted. */
    void startMeasuring() {
        committed.clear();
        applied.clear();
        measuring = true;
    }

    /**
     * Notes that the deposit of this amount committed now.
     *
     * @param amountCents the deposit's unique amount
     */
    void committed(long amountCents) {
        if (measuring) {
            committed.put(amountCents, System.nanoTime());
        }
    }

    /**
     * Ends the measurement: how far behind the projection is now, how long it takes to catch up, and the lags.
     *
     * @param strategy the projection's strategy, for the report
     * @param store    the store whose head the projection must reach
     * @param timeout  how long to wait for it
     * @return the lag
     */
    ProjectionLag finish(String strategy, EventStore store, Duration timeout) {
        measuring = false;
        long head = store.headPosition();
        long behind = Math.max(0, head - lastPosition.get());
        long t0 = System.nanoTime();
        long deadline = t0 + timeout.toNanos();
        while (lastPosition.get() < head && System.nanoTime() < deadline) {
            LockSupport.parkNanos(200_000);
        }
        long catchUp = System.nanoTime() - t0;
        if (lastPosition.get() < head) {
            throw new IllegalStateException("the projection did not reach position " + head + " within " + timeout
                    + " (it is at " + lastPosition.get() + ")");
        }
        Histogram lags = LatencyStats.newHistogram();
        for (Map.Entry<Long, Long> c : committed.entrySet()) {
            Long at = applied.get(c.getKey());
            if (at != null) {
                lags.recordValue(Math.max(0, at - c.getValue()));
            }
        }
        return ProjectionLag.of(strategy, lags, behind, catchUp);
    }
}
