package io.modularddd.integration;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.DoubleAdder;

/**
 * What the hot tiers of one test class did, summed over its tests: each test's tier has a registry of
 * its own (a tier registers a gauge, which a shared registry would keep for the first tier only), and
 * its counts are added here when the test ends.
 */
final class HotTierUse {

    private final DoubleAdder loadHits = new DoubleAdder();
    private final DoubleAdder loadBatchHits = new DoubleAdder();
    private final DoubleAdder writes = new DoubleAdder();
    private volatile boolean recorded;

    /** Adds one test's counts. */
    void add(MeterRegistry meters) {
        loadHits.add(HotTierMeters.count(meters, "hits", "operation", "load"));
        loadBatchHits.add(HotTierMeters.count(meters, "hits", "operation", "load_batch"));
        writes.add(HotTierMeters.count(meters, "writes", "outcome", "written"));
        recorded = true;
    }

    /** Whether any test of the class built a tier (none does when the services are missing and skipped). */
    boolean recorded() {
        return recorded;
    }

    /**
     * Checks that the hot tier took part: Redis served pages of {@code load} and {@code loadBatch}, and
     * post-commit writes reached it. A tiered store that cannot reach Redis falls back to the warm store
     * and would pass the contract without ever using the hot tier.
     */
    void assertRedisServed() {
        assertThat(loadHits.sum()).as("pages of load() served by Redis during the contract").isPositive();
        assertThat(loadBatchHits.sum()).as("pages of loadBatch() served by Redis during the contract").isPositive();
        assertThat(writes.sum()).as("post-commit writes to Redis during the contract").isPositive();
    }

    @Override
    public String toString() {
        return "HotTierUse[load hits=" + loadHits.sum() + ", loadBatch hits=" + loadBatchHits.sum() + ", writes="
                + writes.sum() + "]";
    }
}
