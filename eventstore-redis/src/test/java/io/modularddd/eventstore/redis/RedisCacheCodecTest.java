package io.modularddd.eventstore.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.modularddd.core.cache.CacheEntry;
import io.modularddd.core.cache.CacheInvalidation;
import io.modularddd.core.cache.CacheKey;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * The L2 tier's value encoding, its key layout and the invalidation message, without a server: an entry
 * reads back exactly, under its own canonical key only; every truncation and every change of the header
 * reads as damaged; the layout's kinds are told apart whatever a storage key or tag holds; the cluster
 * shards' slots spread over the slot range.
 */
class RedisCacheCodecTest {

    @Provide
    Arbitrary<String> texts() {
        Arbitrary<String> tricky = Arbitraries.of("}:v:", "{", "}", ":", "*", "?", "[", "]", "\\", "🚀", "日本", "ü");
        Arbitrary<String> any = Arbitraries.strings().withCharRange('\u0021', '\u007E').withCharRange('\u00A0', '\uD7FF')
                .ofMinLength(1).ofMaxLength(12);
        return Arbitraries.oneOf(tricky, any).list().ofMinSize(1).ofMaxSize(6).map(l -> String.join("", l))
                .filter(s -> !Character.isWhitespace(s.charAt(0)) && !Character.isWhitespace(s.charAt(s.length() - 1)));
    }

    private static CacheEntry entry(String storage, String canonical, Set<String> tags, byte[] payload) {
        return CacheEntry.of(CacheKey.of("query:" + storage, canonical), payload, Instant.now().plusSeconds(60), tags);
    }

    @Property(tries = 500)
    void an_entry_reads_back_exactly_and_only_under_its_canonical_key(@ForAll("texts") String storage,
            @ForAll("texts") String canonical, @ForAll("texts") String tag, @ForAll byte[] payload) {
        CacheEntry entry = entry(storage, canonical, Set.of(tag, "t2"), payload);
        byte[] value = CacheValueCodec.encode(entry);

        CacheEntry read = CacheValueCodec.decode(value, canonical, System.currentTimeMillis());

        assertThat(read).isNotNull();
        assertThat(read.sameData(entry)).isTrue();
        assertThat(CacheValueCodec.decode(value, canonical + "x", System.currentTimeMillis())).isNull();
        assertThat(CacheValueCodec.decode(value, canonical, entry.expiresAt().toEpochMilli())).as("expired").isNull();
    }

    @Property(tries = 300)
    void every_truncation_and_every_header_change_reads_as_damaged(@ForAll("texts") String canonical,
            @ForAll @IntRange(min = 0, max = 10_000) int position, @ForAll @IntRange(min = 1, max = 255) int flip) {
        byte[] value = CacheValueCodec.encode(entry("k", canonical, Set.of("a", "b"), new byte[] {1, 2, 3}));
        int headerLength = value.length - 3;
        long now = System.currentTimeMillis();
        assertThat(CacheValueCodec.decode(Arrays.copyOf(value, position % value.length), canonical, now)).isNull();
        byte[] changed = value.clone();
        changed[position % headerLength] ^= (byte) flip;
        assertThat(CacheValueCodec.decode(changed, canonical, now)).isNull();
    }

    @Property(tries = 500)
    void the_layout_tells_every_kind_of_key_apart_whatever_the_names_hold(@ForAll("texts") String name) {
        for (int shards : List.of(1, CacheLayout.CLUSTER_SHARDS)) {
            CacheLayout layout = new CacheLayout("app:cache", shards);
            CacheLayout longer = new CacheLayout("app:cache:more", shards);
            int shard = layout.shardOf(name);
            assertThat(layout.kindOf(text(layout.value(shard, name)))).isEqualTo('v');
            assertThat(layout.kindOf(text(layout.tagSet(shard, name)))).isEqualTo('t');
            assertThat(layout.kindOf(text(layout.keyMarker(shard, name)))).isEqualTo('k');
            assertThat(layout.kindOf(text(layout.tagMarker(shard, name)))).isEqualTo('m');
            assertThat(layout.kindOf(text(layout.clock(shard)))).isEqualTo('c');
            assertThat(layout.kindOf(text(longer.value(shard, name)))).as("another namespace's key").isEqualTo((char) 0);
            assertThat(JedisClusterCRC16.getSlot(layout.value(shard, name)))
                    .isEqualTo(JedisClusterCRC16.getSlot(layout.tagSet(shard, name)))
                    .isEqualTo(JedisClusterCRC16.getSlot(layout.clock(shard)));
            assertThat(layout.valuePrefixOf(layout.tagSet(shard, name)))
                    .isEqualTo(Arrays.copyOf(layout.value(shard, name), layout.value(shard, name).length
                            - name.getBytes(StandardCharsets.UTF_8).length));
        }
    }

    private static String text(byte[] key) {
        return new String(key, StandardCharsets.UTF_8);
    }

    @Test
    void the_cluster_shards_fall_in_sixteen_distinct_equal_parts_of_the_slot_range() {
        Set<Integer> parts = new HashSet<>();
        for (int i = 0; i < CacheLayout.CLUSTER_SHARDS; i++) {
            int slot = JedisClusterCRC16.getSlot(CacheLayout.shardTag(i, CacheLayout.CLUSTER_SHARDS));
            parts.add(slot * CacheLayout.CLUSTER_SHARDS / 16_384);
            assertThat(slot * CacheLayout.CLUSTER_SHARDS / 16_384).isEqualTo(i);
        }
        assertThat(parts).hasSize(CacheLayout.CLUSTER_SHARDS);
        assertThat(new CacheLayout("p", 1).shardOf("anything")).isZero();
    }

    @Test
    void an_invalidation_message_round_trips_and_strangers_are_refused() {
        CacheInvalidation sent = new CacheInvalidation("node-1", Set.of("query:{A}:01", "ключ"), Set.of("客户:7"));
        assertThat(InvalidationCodec.decode(InvalidationCodec.encode(sent))).isEqualTo(sent);
        assertThat(new String(InvalidationCodec.encode(new CacheInvalidation("n", Set.of(), Set.of())),
                StandardCharsets.UTF_8)).isEqualTo("{\"v\":1,\"origin\":\"n\",\"keys\":[],\"tags\":[]}");
        for (String stranger : List.of("", "null", "[]", "{\"v\":2,\"origin\":\"n\",\"keys\":[],\"tags\":[]}",
                "{\"v\":1,\"keys\":[],\"tags\":[]}", "{\"v\":1,\"origin\":\"n\",\"keys\":[1],\"tags\":[]}",
                "{\"v\":1,\"origin\":\"n\",\"keys\":\"k\",\"tags\":[]}")) {
            org.assertj.core.api.Assertions.assertThatThrownBy(
                    () -> InvalidationCodec.decode(stranger.getBytes(StandardCharsets.UTF_8)))
                    .as(stranger).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
