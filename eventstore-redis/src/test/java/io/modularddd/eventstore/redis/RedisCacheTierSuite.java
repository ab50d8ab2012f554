package io.modularddd.eventstore.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.modularddd.core.cache.CacheEntry;
import io.modularddd.core.cache.CacheKey;
import io.modularddd.core.cache.CacheLookup;
import io.modularddd.core.cache.CacheTier;
import io.modularddd.testkit.CacheTierContract;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * The {@link CacheTierContract} and what the Redis cache tier does beyond it — its key layout, damaged
 * values, the load-time limit, namespaces, a put racing an invalidation inside its WATCH, a lost clock —
 * on one {@link RedisTarget}. Each test gets a namespace of its own under {@link #prefix()}; the
 * enclosing class deletes the prefix's keys afterwards.
 */
abstract class RedisCacheTierSuite extends CacheTierContract {

    private String namespace;

    /** The Redis the suite runs on. */
    protected abstract RedisTarget target();

    /** The key prefix the suite's namespaces live under (deleted by the enclosing test class). */
    protected abstract String prefix();

    @Override
    protected CacheTier createTier() {
        namespace = prefix() + ":" + UUID.randomUUID().toString().substring(0, 8);
        return target().cacheTier(namespace).build();
    }

    @Override
    protected CacheTier peerOf(CacheTier tier) {
        return target().cacheTier(namespace).build();
    }

    private RedisCacheTier redisTier() {
        return (RedisCacheTier) tier;
    }

    private UnifiedJedis redis() {
        return target().inspector();
    }

    private static CacheEntry entry(CacheKey key, String value, Duration ttl, String... tags) {
        return CacheEntry.of(key, value.getBytes(StandardCharsets.UTF_8), Instant.now().plus(ttl), Set.of(tags));
    }

    private static boolean store(CacheTier on, CacheKey key, CacheEntry entry) {
        return on.put(key, entry, on.lookup(key));
    }

    private byte[] valueKey(CacheTier on, CacheKey key) {
        CacheLayout layout = ((RedisCacheTier) on).layout();
        return layout.value(layout.shardOf(key.storageKey()), key.storageKey());
    }

    private static String text(byte[] key) {
        return new String(key, StandardCharsets.UTF_8);
    }

    @Test
    void an_entry_its_tag_sets_its_markers_and_its_clock_share_one_slot_and_carry_their_ttls() {
        // given
        CacheKey key = key("layout");
        String tag = "account:" + UUID.randomUUID();
        CacheLayout layout = redisTier().layout();
        int shard = layout.shardOf(key.storageKey());
        // when
        assertThat(store(tier, key, entry(key, "v", Duration.ofMinutes(2), tag))).isTrue();
        tier.invalidateTags(Set.of("other:" + UUID.randomUUID()));
        CacheKey invalidated = key("layout-gone");
        tier.invalidate(invalidated);
        // then
        byte[] value = layout.value(shard, key.storageKey());
        byte[] set = layout.tagSet(shard, tag);
        assertThat(text(value)).startsWith(namespace + ":{").endsWith("}:v:" + key.storageKey());
        assertThat(redis().type(value)).isEqualTo("string");
        assertThat(redis().pttl(value)).isBetween(1L, Duration.ofMinutes(2).toMillis());
        assertThat(redis().smembers(set)).containsExactly(value);
        assertThat(redis().pttl(set)).isBetween(1L, Duration.ofMinutes(2).toMillis());
        assertThat(redis().get(layout.clock(shard))).isNotNull();
        assertThat(redis().pttl(layout.clock(shard))).as("a clock never expires").isEqualTo(-1);
        int markerShard = layout.shardOf(invalidated.storageKey());
        byte[] marker = layout.keyMarker(markerShard, invalidated.storageKey());
        assertThat(redis().pttl(marker)).isBetween(1L,
                tier.maxLoadTime().toMillis() + RedisCacheTier.MARKER_SLACK_MILLIS);
        assertThat(JedisClusterCRC16.getSlot(set)).isEqualTo(JedisClusterCRC16.getSlot(value))
                .isEqualTo(JedisClusterCRC16.getSlot(layout.clock(shard)))
                .isEqualTo(JedisClusterCRC16.getSlot(layout.tagMarker(shard, tag)))
                .isEqualTo(JedisClusterCRC16.getSlot(layout.keyMarker(shard, key.storageKey())));
        assertThat(target().keys(namespace)).allMatch(k -> layout.kindOf(k) != 0);
    }

    @Test
    void a_tag_set_lives_as_long_as_its_longest_living_member() {
        // given
        // given: two keys of one shard (tag sets are per shard)
        String tag = "t:" + UUID.randomUUID();
        CacheLayout layout = redisTier().layout();
        CacheKey longLived = key("long");
        CacheKey shortLived = key("short");
        while (layout.shardOf(shortLived.storageKey()) != layout.shardOf(longLived.storageKey())) {
            shortLived = key("short");
        }
        // when: the long one first, then the short one (whose PEXPIRE GT must not lower the set's TTL)
        assertThat(store(tier, longLived, entry(longLived, "l", Duration.ofMinutes(10), tag))).isTrue();
        assertThat(store(tier, shortLived, entry(shortLived, "s", Duration.ofSeconds(30), tag))).isTrue();
        // then
        long ttl = redis().pttl(layout.tagSet(layout.shardOf(longLived.storageKey()), tag));
        assertThat(ttl).isGreaterThan(Duration.ofMinutes(9).toMillis());
        assertThat(redis().scard(layout.tagSet(layout.shardOf(longLived.storageKey()), tag))).isEqualTo(2);
    }

    @Test
    void a_damaged_stored_value_is_a_miss_with_a_ticket_and_the_next_put_replaces_it() {
        CacheKey key = key("damaged");
        CacheEntry good = entry(key, "{\"balance\":42}", Duration.ofMinutes(5), "a:" + UUID.randomUUID());
        assertThat(store(tier, key, good)).isTrue();
        byte[] stored = redis().get(valueKey(tier, key));
        List<byte[]> damages = new ArrayList<>();
        damages.add("garbage, not a cache entry".getBytes(StandardCharsets.UTF_8));
        damages.add(new byte[0]);
        damages.add(Arrays.copyOf(stored, stored.length - 1));                   // truncated payload
        damages.add(Arrays.copyOf(stored, stored.length + 1));                   // trailing byte
        byte[] flipped = stored.clone();
        flipped[12] ^= 0x01;                                                      // header bit flip
        damages.add(flipped);
        byte[] otherFormat = stored.clone();
        otherFormat[1] = 99;
        damages.add(otherFormat);
        for (byte[] damage : damages) {
            // given
            redis().set(valueKey(tier, key), damage);
            // when
            CacheLookup lookup = tier.lookup(key);
            // then
            assertThat(lookup.isHit()).as("a damaged value of %s bytes", damage.length).isFalse();
            assertThat(lookup.hasTicket()).isTrue();
            assertThat(tier.put(key, good, lookup)).isTrue();
            assertThat(tier.lookup(key).entry().sameData(good)).isTrue();
        }
        // a key of another type under the value's name is a miss too, and a put replaces it
        redis().del(valueKey(tier, key));
        redis().sadd(valueKey(tier, key), "not a string".getBytes(StandardCharsets.UTF_8));
        CacheLookup lookup = tier.lookup(key);
        assertThat(lookup.isHit()).isFalse();
        assertThat(tier.put(key, good, lookup)).isTrue();
        assertThat(tier.lookup(key).isHit()).isTrue();
    }

    @Test
    void a_put_whose_miss_is_older_than_the_max_load_time_is_refused() throws InterruptedException {
        try (RedisCacheTier quick = target().cacheTier(namespace + ":quick").maxLoadTime(Duration.ofMillis(200))
                .build()) {
            // given
            CacheKey key = key("slow-load");
            CacheLookup miss = quick.lookup(key);
            // when: the load takes longer than the tier keeps invalidation markers
            Thread.sleep(300);
            // then
            assertThat(quick.put(key, entry(key, "late", Duration.ofMinutes(5)), miss)).isFalse();
            assertThat(quick.lookup(key).isHit()).isFalse();
            assertThat(store(quick, key, entry(key, "timely", Duration.ofMinutes(5)))).isTrue();
            quick.clear();
        }
    }

    @Test
    void an_invalidation_between_a_puts_check_and_its_write_aborts_the_write() {
        // given: a load that passed the marker check, and another node invalidating its tag right then
        CacheTier peer = target().cacheTier(namespace).build();
        try (peer) {
            CacheKey key = key("watched");
            String tag = "account:" + UUID.randomUUID();
            CacheLookup miss = tier.lookup(key);
            redisTier().betweenCheckAndWrite(() -> peer.invalidateTags(Set.of(tag)));
            // when
            boolean stored = tier.put(key, entry(key, "old", Duration.ofMinutes(5), tag), miss);
            // then: the MULTI/EXEC was aborted by the WATCH on the tag's marker
            assertThat(stored).isFalse();
            assertThat(tier.lookup(key).isHit()).isFalse();

            // and an invalidation of the key itself in that window aborts it too
            CacheKey other = key("watched-key");
            CacheLookup otherMiss = tier.lookup(other);
            redisTier().betweenCheckAndWrite(() -> peer.invalidate(other));
            assertThat(tier.put(other, entry(other, "old", Duration.ofMinutes(5)), otherMiss)).isFalse();
            assertThat(tier.lookup(other).isHit()).isFalse();

            // but an unrelated invalidation in that window does not
            CacheKey third = key("unwatched");
            CacheLookup thirdMiss = tier.lookup(third);
            redisTier().betweenCheckAndWrite(() -> peer.invalidateTags(Set.of("elsewhere:" + UUID.randomUUID())));
            assertThat(tier.put(third, entry(third, "fresh", Duration.ofMinutes(5), tag), thirdMiss)).isTrue();
        } finally {
            redisTier().betweenCheckAndWrite(() -> { });
        }
    }

    @Test
    void a_clock_lost_after_a_miss_starts_again_above_the_miss_ticket() {
        // given: a miss, then the shard's clock is lost (evicted, or deleted by hand)
        CacheKey key = key("lost-clock");
        CacheLayout layout = redisTier().layout();
        CacheLookup miss = tier.lookup(key);
        redis().del(layout.clock(layout.shardOf(key.storageKey())));
        // when: the key is invalidated, which starts the clock again
        tier.invalidate(key);
        // then: the load that began before is still refused
        assertThat(tier.put(key, entry(key, "old", Duration.ofMinutes(5)), miss)).isFalse();
        assertThat(tier.lookup(key).isHit()).isFalse();
    }

    @Test
    void a_tag_on_thousands_of_entries_is_invalidated_page_by_page() {
        // given: more entries under one tag than one SSCAN page holds
        String tag = "bulk:" + UUID.randomUUID();
        List<CacheKey> keys = new ArrayList<>();
        for (int i = 0; i < 2_500; i++) {
            CacheKey key = key("bulk-" + i);
            keys.add(key);
            assertThat(store(tier, key, entry(key, "v" + i, Duration.ofMinutes(5), tag))).isTrue();
        }
        // when
        tier.invalidateTags(Set.of(tag));
        // then
        for (CacheKey key : keys) {
            assertThat(tier.lookup(key).isHit()).isFalse();
        }
        CacheLayout layout = redisTier().layout();
        for (int shard = 0; shard < layout.shards(); shard++) {
            assertThat(redis().exists(layout.tagSet(shard, tag))).as("the emptied set of shard %s", shard).isFalse();
        }
    }

    @Test
    void namespaces_never_see_each_others_entries_invalidations_or_clears() {
        try (RedisCacheTier nested = target().cacheTier(namespace + ":nested").build()) {
            // given: one key and tag, stored in two namespaces, one of which extends the other's prefix
            CacheKey key = key("shared-name");
            String tag = "account:" + UUID.randomUUID();
            assertThat(store(tier, key, entry(key, "outer", Duration.ofMinutes(5), tag))).isTrue();
            assertThat(store(nested, key, entry(key, "inner", Duration.ofMinutes(5), tag))).isTrue();
            // when / then: each namespace reads its own
            assertThat(new String(tier.lookup(key).entry().bytes(), StandardCharsets.UTF_8)).isEqualTo("outer");
            assertThat(new String(nested.lookup(key).entry().bytes(), StandardCharsets.UTF_8)).isEqualTo("inner");
            // an invalidation in one leaves the other
            nested.invalidateTags(Set.of(tag));
            assertThat(tier.lookup(key).isHit()).isTrue();
            nested.invalidate(key);
            assertThat(tier.lookup(key).isHit()).isTrue();
            // a clear of one leaves the other
            assertThat(store(nested, key, entry(key, "inner", Duration.ofMinutes(5), tag))).isTrue();
            tier.clear();
            assertThat(tier.lookup(key).isHit()).isFalse();
            assertThat(nested.lookup(key).isHit()).isTrue();
            nested.clear();
            assertThat(nested.lookup(key).isHit()).isFalse();
        }
    }

    @Test
    void clear_keeps_the_markers_so_a_load_raced_by_an_earlier_invalidation_is_still_refused() {
        // given
        CacheKey key = key("clear-raced");
        CacheLookup miss = tier.lookup(key);
        tier.invalidate(key);
        // when
        tier.clear();
        // then
        assertThat(tier.put(key, entry(key, "old", Duration.ofMinutes(5)), miss)).isFalse();
        assertThat(target().keys(namespace)).noneMatch(k -> redisTier().layout().kindOf(k) == 'v');
    }

    @Test
    void the_tier_shows_its_settings_but_no_password() {
        assertThat(tier.toString()).contains("RedisCacheTier[").contains(namespace).contains("shards=");
        assertThat(tier.name()).isEqualTo("l2");
        assertThat(tier.promotionTtl()).isEqualTo(Duration.ofMinutes(15));
        assertThat(tier.maxLoadTime()).isEqualTo(Duration.ofSeconds(60));
        assertThat(tier.maxValueBytes()).isEqualTo(8 * 1024 * 1024);
    }
}
