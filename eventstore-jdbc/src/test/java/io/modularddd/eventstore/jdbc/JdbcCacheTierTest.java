package io.modularddd.eventstore.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modularddd.core.InvalidInputException;
import io.modularddd.core.cache.CacheEntry;
import io.modularddd.core.cache.CacheKey;
import io.modularddd.core.cache.CacheLookup;
import io.modularddd.eventstore.jdbc.CacheTierFixture.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** What the L3 tier does beyond the contract: purges, markers, limits, the schema and its settings. */
class JdbcCacheTierTest {

    static CacheKey key(String name) {
        String id = UUID.randomUUID().toString();
        return CacheKey.of("query:{L3}:" + name + ":" + id, "L3(" + name + "," + id + ")");
    }

    static CacheEntry entry(CacheKey key, Instant expiresAt, String... tags) {
        return CacheEntry.of(key, key.storageKey().getBytes(java.nio.charset.StandardCharsets.UTF_8), expiresAt,
                Set.of(tags));
    }

    static boolean store(JdbcCacheTier tier, CacheKey key, CacheEntry entry) {
        return tier.put(key, entry, tier.lookup(key));
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.class)
    void expired_entries_are_purged_in_bounded_batches_with_their_tag_rows(TestDatabases db) {
        MutableClock clock = new MutableClock(Instant.now());
        try (CacheTierFixture f = new CacheTierFixture(db)) {
            // given: 25 entries that expire in a second, 5 in an hour, two tags each
            JdbcCacheTier tier = f.create(b -> b.clock(clock).opportunisticPurge(false));
            List<CacheKey> kept = new ArrayList<>();
            for (int i = 0; i < 25; i++) {
                CacheKey k = key("short-" + i);
                assertThat(store(tier, k, entry(k, clock.instant().plusSeconds(1), "t" + i % 3, "all"))).isTrue();
            }
            for (int i = 0; i < 5; i++) {
                CacheKey k = key("long-" + i);
                kept.add(k);
                assertThat(store(tier, k, entry(k, clock.instant().plusSeconds(3600), "all", "kept"))).isTrue();
            }
            assertThat(f.rows("_query_cache")).isEqualTo(30);
            assertThat(f.rows("_qc_tags")).isEqualTo(60);
            // when
            clock.advance(Duration.ofSeconds(2));
            List<Integer> batches = new ArrayList<>();
            List<Long> left = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                batches.add(tier.purgeExpired(10));
                left.add(f.rows("_query_cache"));
            }
            // then
            assertThat(batches).containsExactly(10, 10, 5, 0);
            assertThat(left).containsExactly(20L, 10L, 5L, 5L);
            assertThat(f.rows("_qc_tags")).as("the purged entries' tag rows went with them").isEqualTo(10);
            for (CacheKey k : kept) {
                assertThat(tier.lookup(k).isHit()).isTrue();
            }
            tier.invalidateTags(Set.of("kept"));
            assertThat(f.rows("_query_cache")).isZero();
            assertThat(f.rows("_qc_tags")).isZero();
        }
    }

    @Test
    void puts_purge_one_batch_when_due_and_again_while_batches_come_back_full() {
        MutableClock clock = new MutableClock(Instant.now());
        try (CacheTierFixture f = new CacheTierFixture(TestDatabases.H2)) {
            JdbcCacheTier tier = f.create(b -> b.clock(clock).purgeBatchSize(3).purgeInterval(Duration.ofMinutes(1)));
            // given: 7 entries that expire in a second (the first put purged nothing and set the next purge a
            // minute later)
            for (int i = 0; i < 7; i++) {
                CacheKey k = key("soon-" + i);
                store(tier, k, entry(k, clock.instant().plusSeconds(1)));
            }
            clock.advance(Duration.ofSeconds(2));
            List<Long> rows = new ArrayList<>();
            // when: puts of long-lived entries, the first before the purge is due
            for (int i = 0; i < 5; i++) {
                if (i == 1) {
                    clock.advance(Duration.ofMinutes(1));
                }
                CacheKey k = key("long-" + i);
                store(tier, k, entry(k, clock.instant().plusSeconds(3600)));
                rows.add(f.rows("_query_cache"));
            }
            // then: not due (8 rows); due: 3 purged; full batch, so the next put purges 3 more; then 1, not full,
            // so the put after that purges nothing
            assertThat(rows).containsExactly(8L, 6L, 4L, 4L, 5L);
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.class)
    void markers_are_purged_in_bounded_batches_and_a_put_whose_ticket_predates_a_purged_one_is_refused(
            TestDatabases db) {
        MutableClock clock = new MutableClock(Instant.now());
        try (CacheTierFixture f = new CacheTierFixture(db)) {
            JdbcCacheTier tier = f.create(b -> b.clock(clock).opportunisticPurge(false)
                    .maxLoadTime(Duration.ofSeconds(30)));
            // given: a load begins, then its key and 12 others are invalidated
            CacheKey raced = key("raced");
            CacheLookup miss = tier.lookup(raced);
            tier.invalidate(raced);
            for (int i = 0; i < 12; i++) {
                tier.invalidate(key("other-" + i));
            }
            clock.advance(Duration.ofSeconds(31));
            CacheKey recent = key("recent");
            tier.invalidate(recent);
            // when: the markers older than maxLoadTime are purged, 5 at a time
            List<Long> left = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                tier.purgeExpired(5);
                left.add(f.rows("_qc_marks"));
            }
            // then: the recent marker stays; the load that raced the invalidation is still refused, although its
            // marker is gone (its ticket is older than the highest purged marker)
            assertThat(left).containsExactly(9L, 4L, 1L, 1L);
            assertThat(tier.put(raced, entry(raced, clock.instant().plusSeconds(60)), miss)).isFalse();
            assertThat(tier.lookup(raced).isHit()).isFalse();
            assertThat(store(tier, raced, entry(raced, clock.instant().plusSeconds(60)))).as("a load begun now")
                    .isTrue();
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.class)
    void clear_refuses_the_puts_of_loads_that_began_before_it(TestDatabases db) {
        try (CacheTierFixture f = new CacheTierFixture(db)) {
            JdbcCacheTier tier = f.create();
            CacheKey key = key("cleared");
            CacheLookup miss = tier.lookup(key);
            tier.clear();
            assertThat(tier.put(key, entry(key, Instant.now().plusSeconds(60)), miss)).isFalse();
            assertThat(store(tier, key, entry(key, Instant.now().plusSeconds(60)))).isTrue();
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.class)
    void a_replaced_entry_keeps_only_its_new_tags(TestDatabases db) {
        try (CacheTierFixture f = new CacheTierFixture(db)) {
            JdbcCacheTier tier = f.create();
            CacheKey key = key("retagged");
            CacheLookup miss = tier.lookup(key);
            assertThat(store(tier, key, entry(key, Instant.now().plusSeconds(60), "old-a", "old-b"))).isTrue();
            assertThat(tier.put(key, entry(key, Instant.now().plusSeconds(60), "new"), miss)).isTrue();

            tier.invalidateTags(Set.of("old-a", "old-b"));

            assertThat(tier.lookup(key).isHit()).as("the new entry does not carry the old tags").isTrue();
            assertThat(f.rows("_qc_tags")).isEqualTo(1);
            tier.invalidateTags(Set.of("new"));
            assertThat(tier.lookup(key).isHit()).isFalse();
        }
    }

    /** The longest storage key, canonical key and tags the API allows, with a value of exactly maxValueBytes. */
    @ParameterizedTest
    @EnumSource(TestDatabases.class)
    void the_largest_value_with_the_longest_key_and_tags_round_trips(TestDatabases db) {
        try (CacheTierFixture f = new CacheTierFixture(db)) {
            JdbcCacheTier tier = f.create();
            String rocket = "\uD83D\uDE80"; // one code point, 4 bytes in UTF-8, 2 UTF-16 units
            String prefix = "query:{L3}:" + UUID.randomUUID() + ":";
            String storage = prefix + rocket.repeat(CacheKey.MAX_STORAGE_KEY_CHARS - prefix.length());
            String canonical = "abc" + rocket.repeat((CacheKey.MAX_CANONICAL_BYTES - 3) / 4);
            CacheKey key = CacheKey.of(storage, canonical);
            List<String> tags = new ArrayList<>();
            for (int i = 0; i < CacheEntry.MAX_TAGS; i++) {
                String head = "t" + i + "-";
                tags.add(head + rocket.repeat(CacheEntry.MAX_TAG_CHARS - head.length()));
            }
            byte[] value = new byte[tier.maxValueBytes()];
            new Random(7).nextBytes(value);
            CacheEntry entry = CacheEntry.of(key, value, Instant.now().plusSeconds(60), Set.copyOf(tags));

            assertThat(store(tier, key, entry)).isTrue();

            assertThat(tier.lookup(key).entry().sameData(entry)).isTrue();
            tier.invalidateTags(Set.of(tags.get(63)));
            assertThat(tier.lookup(key).isHit()).isFalse();
        }
    }

    @Test
    void max_value_bytes_follows_the_servers_packet_limit_on_mariadb() {
        try (CacheTierFixture f = new CacheTierFixture(TestDatabases.MARIADB)) {
            JdbcCacheTier tier = f.create();
            long fits = f.events.packetLimit().maxRowBytes() - JdbcCacheTierBuilder.ROW_BESIDES_VALUE;
            assertThat((long) tier.maxValueBytes()).isEqualTo(Math.min(JdbcCacheTierBuilder.DEFAULT_MAX_VALUE_BYTES,
                    fits));
            assertThatThrownBy(() -> JdbcCacheTier.builder(f.events).maxValueBytes((int) fits + 1).build())
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("maxValueBytes " + (fits + 1))
                    .hasMessageContaining("max_allowed_packet");
            assertThat(JdbcCacheTier.builder(f.events).maxValueBytes((int) fits).build().maxValueBytes())
                    .isEqualTo((int) fits);
        }
    }

    @Test
    void the_builder_checks_each_setting_and_the_tier_refuses_calls_once_closed() {
        try (CacheTierFixture f = new CacheTierFixture(TestDatabases.H2)) {
            JdbcCacheTier tier = f.create(b -> b.maxValueBytes(64 * 1024 * 1024).promotionTtl(Duration.ofMinutes(10)));
            assertThat(tier.maxValueBytes()).isEqualTo(64 * 1024 * 1024);
            assertThat(tier.promotionTtl()).isEqualTo(Duration.ofMinutes(10));
            assertThat(tier.name()).isEqualTo("l3");
            assertThat(tier.tableName()).isEqualTo(f.table + "_query_cache");

            assertThatThrownBy(() -> JdbcCacheTier.builder(f.events).maxLoadTime(Duration.ZERO))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxLoadTime");
            assertThatThrownBy(() -> JdbcCacheTier.builder(f.events).purgeBatchSize(0))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("purgeBatchSize");
            assertThatThrownBy(() -> JdbcCacheTier.builder(f.events).maxValueBytes(0))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxValueBytes");
            assertThatThrownBy(() -> JdbcCacheTier.builder(f.events).purgeInterval(null))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("purgeInterval");
            assertThatThrownBy(() -> JdbcCacheTier.builder(f.events).clock(null))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("clock");
            assertThatThrownBy(() -> JdbcCacheTier.builder(f.events).purgeBatchSize(10).purgeBatchSize(20))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("purgeBatchSize");
            assertThatThrownBy(() -> JdbcCacheTier.builder(null)).isInstanceOf(InvalidInputException.class);
            assertThatThrownBy(() -> tier.purgeExpired(0)).isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("maxRows");

            JdbcCacheTier other = f.events.cacheTier();
            other.close();
            other.close();
            CacheKey key = key("closed");
            assertThatThrownBy(() -> other.lookup(key)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("closed");
            assertThat(tier.lookup(key).isHit()).as("closing one tier leaves the others and the store").isFalse();
            f.events.close();
            assertThatThrownBy(() -> tier.lookup(key)).isInstanceOf(IllegalStateException.class);
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.class)
    void create_schema_again_keeps_the_clock_and_the_entries(TestDatabases db) {
        try (CacheTierFixture f = new CacheTierFixture(db)) {
            JdbcCacheTier tier = f.create();
            CacheKey kept = key("kept");
            store(tier, kept, entry(kept, Instant.now().plusSeconds(60), "t"));
            CacheKey raced = key("raced");
            CacheLookup miss = tier.lookup(raced);
            tier.invalidate(raced);

            f.events.createSchema();

            assertThat(f.rows("_qc_clock")).isEqualTo(1);
            assertThat(f.query("SELECT " + q(db, "clock") + " FROM " + f.quoted("_qc_clock"))).containsExactly("1");
            assertThat(tier.lookup(kept).isHit()).isTrue();
            assertThat(tier.put(raced, entry(raced, Instant.now().plusSeconds(60)), miss)).isFalse();
        }
    }

    static String q(TestDatabases db, String name) {
        return db == TestDatabases.MARIADB ? "`" + name + "`" : "\"" + name + "\"";
    }
}
