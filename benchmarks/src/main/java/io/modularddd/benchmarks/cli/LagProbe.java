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
 * Measures projection lag, append commit to read model: two projections beside the sample application's own. The
 * <em>commit</em> projection runs realtime — right after each append commits, on the appending thread — and notes
 * when each deposit committed; the <em>probe</em> runs with the profile's strategy (so on the same engine, the same
 * way as the application's directory) and notes when it applies each deposit. Every deposit of a run has a unique
 * amount, which pairs the two. Under a realtime profile both run on the appending thread, one after the other: the
 * lag is the gap between them (about 0).
 */
final class LagProbe {

    static final String NAME = "ddd-benchmark-lag";
    static final String COMMIT = "ddd-benchmark-commit";

    private final Map<Long, Long> committed = new ConcurrentHashMap<>();
    private final Map<Long, Long> applied = new ConcurrentHashMap<>();
    private final Map<Long, Long> returned = new ConcurrentHashMap<>();
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

    /** @return the projection noting commits: register it with the realtime strategy */
    Projection commitProjection() {
        return Projection.builder(COMMIT).onAny((payload, event, tx) -> {
            if (measuring && payload instanceof MoneyDeposited deposited) {
                committed.putIfAbsent(deposited.amountCents(), System.nanoTime());
            }
        }).build();
    }

    /** Starts pairing: deposits before this (warm-up) are not counted. */
    void startMeasuring() {
        committed.clear();
        applied.clear();
        returned.clear();
        measuring = true;
    }

    /**
     * Notes that the command depositing this amount returned now.
     *
     * @param amountCents the deposit's unique amount
     */
    void returned(long amountCents) {
        if (measuring) {
            returned.put(amountCents, System.nanoTime());
        }
    }

    /**
     * How many measured deposits the probe applied before their command returned — all of them under a realtime
     * strategy, where the read model is updated on the committing thread.
     *
     * @return {applied before the command returned, deposits whose command returned}
     */
    long[] appliedBeforeReturn() {
        long before = 0;
        for (Map.Entry<Long, Long> r : returned.entrySet()) {
            Long at = applied.get(r.getKey());
            if (at != null && at <= r.getValue()) {
                before++;
            }
        }
        return new long[] {before, returned.size()};
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
