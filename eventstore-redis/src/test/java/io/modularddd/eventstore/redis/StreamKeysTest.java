package io.modularddd.eventstore.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modularddd.core.AggregateId;
import io.modularddd.core.InvalidInputException;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import redis.clients.jedis.util.JedisClusterCRC16;

/** The key encoding: injective, glob-free, one hash tag per key, and a prefix that cannot leak. */
class StreamKeysTest {

    private static final StreamKeys KEYS = new StreamKeys("app:events");
    private static final String GLOB = "*?[]\\";

    @Provide
    Arbitrary<String> ids() {
        Arbitrary<String> tricky = Arbitraries.of(":", "*", "?", "[", "]", "{", "}", "\\", " ", "%", "%3A", "~", "-",
                ".", "_", "/", "@", "^", "!", "😀", "🚀", "漢字", "é", "e\u0301", "ß", "\u00A0", "\uFEFF", "'", "\"");
        Arbitrary<String> plain = Arbitraries.strings().alpha().numeric().ofMinLength(1).ofMaxLength(4);
        Arbitrary<String> anyText = Arbitraries.strings().withCharRange('\u0020', '\uD7FF').ofMinLength(1)
                .ofMaxLength(3);
        return Arbitraries.oneOf(tricky, plain, anyText).list().ofMinSize(1).ofMaxSize(24)
                .map(parts -> String.join("", parts))
                .filter(StreamKeysTest::isValidId);
    }

    private static boolean isValidId(String s) {
        try {
            AggregateId.of(s);
            return true;
        } catch (InvalidInputException e) {
            return false;
        }
    }

    @Property(tries = 2000)
    void the_encoding_is_injective_because_it_decodes_back(@ForAll("ids") String id) {
        assertThat(StreamKeys.decode(StreamKeys.encode(id))).isEqualTo(id);
    }

    @Property(tries = 2000)
    void distinct_ids_get_distinct_keys(@ForAll("ids") String a, @ForAll("ids") String b) {
        StreamKey ka = KEYS.of(AggregateId.of(a));
        StreamKey kb = KEYS.of(AggregateId.of(b));
        assertThat(ka.equals(kb)).isEqualTo(a.equals(b));
        assertThat(ka.set().equals(kb.set())).isEqualTo(a.equals(b));
    }

    @Property(tries = 2000)
    void keys_hold_no_glob_character_and_exactly_one_hash_tag(@ForAll("ids") String id) {
        StreamKey key = KEYS.of(AggregateId.of(id));
        String tag = StreamKeys.encode(id);
        for (String k : List.of(key.set(), key.epoch())) {
            assertThat(k.chars().filter(c -> GLOB.indexOf(c) >= 0)).as(k).isEmpty();
            assertThat(k.chars().filter(c -> c == '{')).hasSize(1);
            assertThat(k.chars().filter(c -> c == '}')).hasSize(1);
            assertThat(k.chars().allMatch(c -> c > 32 && c < 127)).as("printable ASCII: %s", k).isTrue();
            assertThat(k).startsWith("app:events:{" + tag + "}:");
            // Redis hashes only what is between the first '{' and the next '}': the encoded id
            assertThat(JedisClusterCRC16.getSlot(k)).isEqualTo(JedisClusterCRC16.getSlot(tag));
        }
        assertThat(tag).isNotEmpty().doesNotContain("{", "}", ":");
    }

    @Property(tries = 1000)
    void a_glob_escaped_literal_matches_exactly_itself(@ForAll("ids") String literal, @ForAll("ids") String other) {
        String pattern = StreamKeys.globEscape(literal);
        assertThat(RedisGlob.matches(pattern, literal)).isTrue();
        assertThat(RedisGlob.matches(pattern, other)).isEqualTo(other.equals(literal));
        assertThat(RedisGlob.matches(pattern + "*", literal + other)).isTrue();
    }

    @Property(tries = 1000)
    void the_scan_pattern_matches_this_prefix_and_never_a_longer_one(@ForAll("ids") String id) {
        StreamKeys longer = new StreamKeys("app:events:more");
        StreamKeys shorter = new StreamKeys("app");
        StreamKey mine = KEYS.of(AggregateId.of(id));
        assertThat(RedisGlob.matches(KEYS.scanPattern(), mine.set())).isTrue();
        assertThat(RedisGlob.matches(KEYS.scanPattern(), mine.epoch())).isTrue();
        assertThat(RedisGlob.matches(KEYS.scanPattern(), longer.of(AggregateId.of(id)).set())).isFalse();
        assertThat(RedisGlob.matches(shorter.scanPattern(), mine.set())).isFalse();
    }

    @Example
    void the_glob_port_agrees_with_redis_on_the_basics() {
        assertThat(RedisGlob.matches("a*", "abc")).isTrue();
        assertThat(RedisGlob.matches("a?c", "abc")).isTrue();
        assertThat(RedisGlob.matches("a[bx]c", "abc")).isTrue();
        assertThat(RedisGlob.matches("a[^b]c", "abc")).isFalse();
        assertThat(RedisGlob.matches("a[a-c]c", "abc")).isTrue();
        assertThat(RedisGlob.matches("a\\*c", "a*c")).isTrue();
        assertThat(RedisGlob.matches("a\\*c", "abc")).isFalse();
        assertThat(RedisGlob.matches("a*", "b")).isFalse();
    }

    @Example
    void readable_ids_stay_readable() {
        assertThat(KEYS.of(AggregateId.of("order-42")).set()).isEqualTo("app:events:{order-42}:s");
        assertThat(KEYS.of(AggregateId.of("a:b c")).set()).isEqualTo("app:events:{a%3Ab%20c}:s");
        assertThat(KEYS.of(AggregateId.of("{x}")).epoch()).isEqualTo("app:events:{%7Bx%7D}:e");
    }

    @Example
    void valid_prefixes_are_accepted() {
        for (String p : List.of("a", "modularddd:hot", "app_1.events-v2", "A:b:C", "x".repeat(64))) {
            assertThat(StreamKeys.checkPrefix(p)).isEqualTo(p);
        }
    }

    @Example
    void invalid_prefixes_are_rejected_naming_the_setting_and_the_value() {
        for (String p : List.of("", ":a", "a:", "a::b", "a b", "a*", "a?", "a[b]", "{a}", "a\\b", "ä", "a\nb",
                "x".repeat(65))) {
            assertThatThrownBy(() -> StreamKeys.checkPrefix(p))
                    .as("prefix %s", p)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("keyPrefix")
                    .hasMessageContaining("[A-Za-z0-9_.-]");
        }
        assertThatThrownBy(() -> StreamKeys.checkPrefix("bad prefix*")).hasMessageContaining("\"bad prefix*\"");
        assertThatThrownBy(() -> StreamKeys.checkPrefix(null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("keyPrefix");
    }
}
