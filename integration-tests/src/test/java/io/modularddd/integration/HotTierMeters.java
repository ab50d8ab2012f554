package io.modularddd.integration;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.search.Search;

/** Reads the hot tier's public meters ({@code modularddd.hot_tier.*}, see docs/redis-hot-tier.md). */
final class HotTierMeters {

    private HotTierMeters() {
    }

    /**
     * The sum of every counter named {@code modularddd.hot_tier.<name>} that carries the given tags.
     *
     * @param tags key, value, key, value...
     */
    static double count(MeterRegistry registry, String name, String... tags) {
        Search search = registry.find("modularddd.hot_tier." + name);
        for (int i = 0; i < tags.length; i += 2) {
            search = search.tag(tags[i], tags[i + 1]);
        }
        return search.counters().stream().mapToDouble(Counter::count).sum();
    }
}
