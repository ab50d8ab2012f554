package io.modularddd.cache;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.modularddd.core.cache.CacheInvalidationBus;
import io.modularddd.core.cache.CachePolicy;
import io.modularddd.core.cache.CacheTier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** Queries, results and "nodes" (a TieredCache with its own L1 over given lower tiers) for the engine tests. */
final class Fixtures {

    private Fixtures() {
    }

    /** A result. */
    record Account(String id, long balance) { }

    /** A query the L1 keys by value. */
    record FindAccount(String id) { }

    /** A query the L1 keys by storage key (it holds a list). */
    record FindAccounts(List<String> ids) { }

    static CachePolicy policy(String id) {
        return CachePolicy.ttl(Duration.ofHours(1)).withTags("account:" + id);
    }

    /** A loader that counts its calls and returns a fixed result. */
    static final class CountingLoader implements io.modularddd.core.cache.QueryCache.Loader<Account> {
        final AtomicInteger calls = new AtomicInteger();
        private final Account result;

        CountingLoader(Account result) {
            this.result = result;
        }

        @Override
        public Account load() {
            calls.incrementAndGet();
            return result;
        }
    }

    /** One cache instance with its own L1, as one application node holds it. */
    static final class Node {
        final CaffeineTier l1;
        final TieredCache cache;
        final SimpleMeterRegistry registry = new SimpleMeterRegistry();

        Node(MutableClock clock, CacheInvalidationBus bus, String id, CacheTier... lower) {
            this(clock, bus, id, null, lower);
        }

        Node(MutableClock clock, CacheInvalidationBus bus, String id, QueryKeys.Hasher hasher, CacheTier... lower) {
            l1 = CaffeineTier.builder().clock(clock).build();
            List<CacheTier> tiers = new ArrayList<>();
            tiers.add(l1);
            tiers.addAll(List.of(lower));
            TieredCacheBuilder b = TieredCache.builder().tiers(tiers.toArray(new CacheTier[0])).clock(clock)
                    .meterRegistry(registry).nodeId(id);
            if (bus != null) {
                b.invalidationBus(bus);
            }
            if (hasher != null) {
                b.hasher(hasher);
            }
            cache = b.build();
        }

        double count(String meter, String... tags) {
            var counter = registry.find("modularddd.cache." + meter).tags(tags).counter();
            return counter == null ? 0 : counter.count();
        }

        /** What this node's L1 holds for a value-keyed query, or null. */
        Object l1Value(Object query) {
            CaffeineTier.Node n = l1.find(query);
            return n == null ? null : n.entry.decoded();
        }
    }
}
