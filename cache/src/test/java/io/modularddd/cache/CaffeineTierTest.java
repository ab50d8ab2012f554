package io.modularddd.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.modularddd.core.cache.CacheEntry;
import io.modularddd.core.cache.CacheKey;
import io.modularddd.core.cache.CacheLookup;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class CaffeineTierTest {

    record Query(String name, int n) { }

    private static CacheKey key(String name) {
        return CacheKey.of("query:{T}:" + name, "T(" + name + ")");
    }

    private static CacheEntry entry(CacheKey key, int bytes, Instant expires, String... tags) {
        return CacheEntry.of(key, new byte[bytes], expires, Set.of(tags));
    }

    @Nested
    class Limits {

        @Test
        void filled_past_the_entry_limit_it_holds_at_most_that_many_and_stays_within_memory() {
            // the seed's startup profile: l1_max_entries 100, max_memory_mb 32
            CaffeineTier tier = CaffeineTier.builder().maxEntries(100).maxMemoryMb(32).build();
            for (int i = 0; i < 1_000; i++) {
                CacheKey key = key("e" + i);
                assertThat(tier.put(key, entry(key, 100, Instant.now().plusSeconds(60), "t" + (i % 7)),
                        tier.lookup(key))).isTrue();
                tier.cleanUp();
                assertThat(tier.entryCount()).as("after %s puts", i + 1).isLessThanOrEqualTo(100);
            }
            assertThat(tier.entryCount()).isBetween(1L, 100L);
            assertThat(tier.estimatedBytes()).isLessThanOrEqualTo(32L << 20);
            assertThat(tier.weightedSize()).isLessThanOrEqualTo(32L << 20);
        }

        @Test
        void filled_past_the_memory_limit_it_holds_at_most_that_many_bytes_and_fewer_entries_than_allowed() {
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            CaffeineTier tier = CaffeineTier.builder().maxEntries(10_000).maxMemoryMb(1).build();
            tier.meterEvictions(registry);
            int value = 16 * 1024;
            for (int i = 0; i < 200; i++) {
                CacheKey key = key("m" + i);
                assertThat(tier.put(key, entry(key, value, Instant.now().plusSeconds(60)), tier.lookup(key))).isTrue();
                tier.cleanUp();
                assertThat(tier.estimatedBytes()).as("after %s puts", i + 1).isLessThanOrEqualTo(1L << 20);
            }
            long held = tier.entryCount();
            assertThat(held).isPositive().isLessThan(200);
            assertThat(held * (3L * value)).as("each entry counts its value and decoded object")
                    .isLessThanOrEqualTo(1L << 20);
            assertThat(registry.counter("modularddd.cache.evictions", "tier", "l1", "cause", "size").count())
                    .isEqualTo(200 - held);
            assertThat(tier.indexSize()).as("evicted entries leave no index behind").isZero();
        }

        @Test
        void the_largest_value_must_fit_the_memory_budget() {
            assertThat(CaffeineTier.builder().maxMemoryMb(32).build().maxValueBytes()).isEqualTo(2 * 1024 * 1024);
            assertThatThrownBy(() -> CaffeineTier.builder().maxMemoryMb(1).maxValueBytes(1024 * 1024).build())
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("maxValueBytes 1048576")
                    .hasMessageContaining("maxMemoryMb 1");
        }

        @Test
        void settings_are_checked_at_once() {
            assertThatThrownBy(() -> CaffeineTier.builder().maxEntries(0)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("maxEntries");
            assertThatThrownBy(() -> CaffeineTier.builder().name("l 1")).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> CaffeineTier.builder().maxEntries(5).maxEntries(6))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("maxEntries");
            assertThatThrownBy(() -> CaffeineTier.builder().promotionTtl(Duration.ZERO))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("promotionTtl");
        }
    }

    @Nested
    class ValueKeyed {

        private final CaffeineTier tier = CaffeineTier.builder().build();
        private final Query query = new Query("a", 1);
        private final CacheKey key = new QueryKeys().keyOf(query, null);

        private boolean storeByValue(Object valueKey, CacheKey k, CacheLookup miss, String... tags) {
            CacheEntry e = CacheEntry.of(k, "v".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    Instant.now().plusSeconds(60), Set.of(tags)).withDecoded("v");
            return tier.store(valueKey, k, e, String.class, miss);
        }

        @Test
        void an_entry_keyed_by_value_is_found_by_an_equal_query_without_its_key() {
            assertThat(storeByValue(query, key, tier.miss())).isTrue();

            CaffeineTier.Node node = tier.find(new Query("a", 1));

            assertThat(node).isNotNull();
            assertThat(node.entry.decoded()).isEqualTo("v");
            assertThat(node.decodedAs).isEqualTo(String.class);
            assertThat(tier.find(new Query("a", 2))).isNull();
            assertThat(tier.find(new ScopedQuery(query, "tenant"))).isNull();
        }

        @Test
        void it_is_invalidated_by_storage_key_as_another_node_would_ask() {
            storeByValue(query, key, tier.miss(), "t");

            tier.invalidateStorageKeys(List.of(key.storageKey()));

            assertThat(tier.find(query)).isNull();
            assertThat(tier.indexSize()).isZero();
        }

        @Test
        void it_is_invalidated_by_tag_and_by_the_key_through_the_tier_interface() {
            storeByValue(query, key, tier.miss(), "t");
            tier.invalidateTags(Set.of("t"));
            assertThat(tier.find(query)).isNull();

            storeByValue(query, key, tier.miss());
            tier.invalidate(key);
            assertThat(tier.find(query)).isNull();
            assertThat(tier.indexSize()).isZero();
        }

        @Test
        void a_load_that_began_before_an_invalidation_by_storage_key_is_refused() {
            CacheLookup miss = tier.miss();
            tier.invalidateStorageKeys(List.of(key.storageKey()));
            assertThat(storeByValue(query, key, miss)).isFalse();
            assertThat(tier.find(query)).isNull();
            assertThat(tier.indexSize()).as("a refused put leaves no index").isZero();
        }

        @Test
        void two_queries_whose_storage_keys_collide_are_both_invalidated_and_never_mixed_up() {
            Query other = new Query("b", 2);
            CacheKey otherKey = CacheKey.of(key.storageKey(), new QueryKeys().keyOf(other, null).canonical());
            storeByValue(query, key, tier.miss());
            CacheEntry otherEntry = CacheEntry.of(otherKey, new byte[] {2}, Instant.now().plusSeconds(60), Set.of())
                    .withDecoded("w");
            assertThat(tier.store(other, otherKey, otherEntry, String.class, tier.miss())).isTrue();

            assertThat(tier.find(query).entry.decoded()).isEqualTo("v");
            assertThat(tier.find(other).entry.decoded()).isEqualTo("w");
            tier.invalidate(key);
            assertThat(tier.find(query)).isNull();
            assertThat(tier.find(other)).as("one storage key, both dropped: a collision costs a load").isNull();
        }

        @Test
        void entries_expire_by_the_tiers_clock() {
            MutableClock clock = new MutableClock();
            CaffeineTier timed = CaffeineTier.builder().clock(clock).build();
            CacheEntry e = CacheEntry.of(key, new byte[1], clock.instant().plusSeconds(10), Set.of("t"))
                    .withDecoded("v");
            assertThat(timed.store(query, key, e, String.class, timed.miss())).isTrue();

            clock.advance(Duration.ofMillis(9_999));
            assertThat(timed.find(query)).isNotNull();
            clock.advance(Duration.ofMillis(1));
            assertThat(timed.find(query)).as("at its expiry").isNull();
            assertThat(timed.indexSize()).as("found expired, removed and unindexed").isZero();
            assertThat(timed.entryCount()).isZero();
        }

        @Test
        void entries_that_expire_unread_are_swept_by_later_puts() {
            MutableClock clock = new MutableClock();
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            CaffeineTier timed = CaffeineTier.builder().clock(clock).executor(Runnable::run).build();
            timed.meterEvictions(registry);
            for (int i = 0; i < 10; i++) {
                CacheKey k = key("short-" + i);
                timed.put(k, CacheEntry.of(k, new byte[1], clock.instant().plusSeconds(10), Set.of("short")),
                        timed.lookup(k));
            }
            clock.advance(Duration.ofSeconds(11));

            for (int i = 0; i < 10; i++) {
                CacheKey k = key("long-" + i);
                timed.put(k, CacheEntry.of(k, new byte[1], clock.instant().plusSeconds(600), Set.of()), timed.lookup(k));
            }

            timed.cleanUp();
            assertThat(timed.entryCount()).as("only the live ones are left").isEqualTo(10);
            assertThat(timed.indexSize()).as("the tag of the expired ones is gone").isZero();
            assertThat(registry.counter("modularddd.cache.evictions", "tier", "l1", "cause", "expired").count())
                    .isEqualTo(10);
        }
    }

    @Nested
    class Invalidations {

        @Test
        void marks_are_bounded_and_dropping_them_refuses_older_loads_instead() {
            CaffeineTier tier = CaffeineTier.builder().maxMarks(10).build();
            CacheKey key = key("bounded");
            CacheLookup old = tier.lookup(key);
            for (int i = 0; i < 50; i++) {
                tier.invalidate(key("other-" + i));
            }
            assertThat(tier.log().marks()).isLessThanOrEqualTo(10);

            assertThat(tier.put(key, entry(key, 1, Instant.now().plusSeconds(60)), old))
                    .as("its mark may be gone, the floor refuses it").isFalse();
            assertThat(tier.put(key, entry(key, 1, Instant.now().plusSeconds(60)), tier.lookup(key))).isTrue();
        }

        @Test
        void clear_refuses_loads_that_began_before_it() {
            CaffeineTier tier = CaffeineTier.builder().build();
            CacheKey key = key("cleared");
            CacheLookup before = tier.lookup(key);
            tier.clear();
            assertThat(tier.put(key, entry(key, 1, Instant.now().plusSeconds(60)), before)).isFalse();
            assertThat(tier.put(key, entry(key, 1, Instant.now().plusSeconds(60)), tier.lookup(key))).isTrue();
        }

        @Test
        void a_ticket_older_than_the_longest_load_is_refused() throws InterruptedException {
            CaffeineTier tier = CaffeineTier.builder().maxLoadTime(Duration.ofMillis(5)).build();
            CacheKey key = key("slow");
            CacheLookup miss = tier.lookup(key);
            Thread.sleep(20); // a load slower than the tier remembers invalidations
            assertThat(tier.put(key, entry(key, 1, Instant.now().plusSeconds(60)), miss)).isFalse();
        }
    }
}
