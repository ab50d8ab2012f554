package io.modularddd.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modularddd.core.InvalidInputException;
import io.modularddd.core.cache.CacheEntry;
import io.modularddd.core.cache.CacheKey;
import io.modularddd.core.cache.CacheLookup;
import io.modularddd.core.cache.CacheTier;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link CacheTier} must show. Extend it with a fixture that returns an empty tier:
 *
 * <pre>{@code
 * class CaffeineTierContractTest extends CacheTierContract {
 *     protected CacheTier createTier() {
 *         return CaffeineTier.builder().maxEntries(10_000).build();
 *     }
 * }
 * }</pre>
 *
 * <p>It covers: exact keys (a storage-key collision is a miss), replacement, expiry, invalidation by key
 * and by tag (hundreds of entries under one tag), no stale repopulation after an invalidation by key or
 * tag, also one made through another client of the same storage ({@link #peerOf}), a 1 MiB value, Unicode
 * keys and tags, concurrent access, {@code clear()}, and bad input with typed errors.
 */
public abstract class CacheTierContract {

    /** The tier under test, fresh for each test. */
    protected CacheTier tier;

    private final List<CacheTier> peers = new ArrayList<>();

    /**
     * Returns an empty tier. Called before each test.
     *
     * @return the tier
     */
    protected abstract CacheTier createTier();

    /**
     * Returns a second client of the same storage as {@code tier} — what another node would hold — or the
     * tier itself where there is no such thing (an in-process tier). The contract closes it after the test
     * when it is not {@code tier}.
     *
     * @param tier the tier under test
     * @return a peer sharing the tier's storage
     */
    protected CacheTier peerOf(CacheTier tier) {
        return tier;
    }

    @BeforeEach
    void openTier() {
        tier = createTier();
    }

    @AfterEach
    void closeTier() {
        for (CacheTier peer : peers) {
            peer.close();
        }
        if (tier != null) {
            tier.clear();
            tier.close();
        }
    }

    private CacheTier peer() {
        CacheTier peer = peerOf(tier);
        if (peer != tier) {
            peers.add(peer);
        }
        return peer;
    }

    /**
     * Makes a key whose storage key and canonical form are unique to this test run.
     *
     * @param name a readable part
     * @return the key
     */
    protected static CacheKey key(String name) {
        String id = UUID.randomUUID().toString();
        return CacheKey.of("query:{Contract}:" + name + ":" + id, "Contract(" + name + "," + id + ")");
    }

    private static CacheEntry entry(CacheKey key, String value, Duration ttl, String... tags) {
        return CacheEntry.of(key, value.getBytes(StandardCharsets.UTF_8), Instant.now().plus(ttl), Set.of(tags));
    }

    private static String text(CacheLookup lookup) {
        return new String(lookup.entry().bytes(), StandardCharsets.UTF_8);
    }

    private boolean store(CacheKey key, CacheEntry entry) {
        return tier.put(key, entry, tier.lookup(key));
    }

    private static String uniqueTag(String name) {
        return name + ":" + UUID.randomUUID();
    }

    @Test
    void a_stored_entry_is_found_with_its_bytes_expiry_and_tags() {
        CacheKey key = key("found");
        CacheLookup miss = tier.lookup(key);
        assertThat(miss.isHit()).isFalse();
        assertThat(miss.hasTicket()).isTrue();
        String tag = uniqueTag("account");
        CacheEntry entry = entry(key, "{\"balance\":42}", Duration.ofMinutes(5), tag);

        assertThat(tier.put(key, entry, miss)).isTrue();

        CacheLookup hit = tier.lookup(key);
        assertThat(hit.isHit()).isTrue();
        assertThat(hit.entry().sameData(entry)).as("stored %s, read %s", entry, hit.entry()).isTrue();
    }

    @Test
    void an_empty_value_and_an_entry_without_tags_are_kept() {
        CacheKey key = key("empty");
        CacheEntry entry = CacheEntry.of(key, new byte[0], Instant.now().plusSeconds(60), Set.of());
        assertThat(store(key, entry)).isTrue();
        assertThat(tier.lookup(key).entry().sameData(entry)).isTrue();
    }

    @Test
    void a_stored_canonical_key_that_differs_is_a_miss_never_the_other_querys_data() {
        CacheKey stored = key("collision");
        CacheKey colliding = CacheKey.of(stored.storageKey(), stored.canonical() + "-other");
        assertThat(store(stored, entry(stored, "the first query's result", Duration.ofMinutes(5)))).isTrue();

        CacheLookup lookup = tier.lookup(colliding);

        assertThat(lookup.isHit()).as("a different canonical key under the same storage key").isFalse();
        assertThat(text(tier.lookup(stored))).isEqualTo("the first query's result");
    }

    @Test
    void a_put_replaces_the_entry_under_the_key() {
        CacheKey key = key("replace");
        CacheLookup miss = tier.lookup(key); // a load that began before another one stored the key
        assertThat(store(key, entry(key, "old", Duration.ofMinutes(5), uniqueTag("a")))).isTrue();
        CacheEntry newer = entry(key, "new", Duration.ofMinutes(5), uniqueTag("b"));
        assertThat(tier.put(key, newer, miss)).as("a put is refused after an invalidation, not after a put").isTrue();
        assertThat(tier.lookup(key).entry().sameData(newer)).isTrue();
    }

    @Test
    void an_entry_is_not_served_once_it_has_expired() throws InterruptedException {
        CacheKey key = key("expiring");
        assertThat(store(key, entry(key, "soon gone", Duration.ofMillis(400)))).isTrue();
        assertThat(tier.lookup(key).isHit()).isTrue();
        Thread.sleep(600);
        assertThat(tier.lookup(key).isHit()).isFalse();
    }

    @Test
    void an_entry_that_has_already_expired_is_refused() {
        CacheKey key = key("expired");
        CacheEntry expired = CacheEntry.of(key, new byte[] {1}, Instant.now().minusSeconds(1), Set.of());
        assertThat(store(key, expired)).isFalse();
        assertThat(tier.lookup(key).isHit()).isFalse();
    }

    @Test
    void invalidating_a_key_removes_its_entry_only() {
        CacheKey gone = key("gone");
        CacheKey kept = key("kept");
        store(gone, entry(gone, "x", Duration.ofMinutes(5)));
        store(kept, entry(kept, "y", Duration.ofMinutes(5)));

        tier.invalidate(gone);
        tier.invalidate(key("never-stored"));

        assertThat(tier.lookup(gone).isHit()).isFalse();
        assertThat(text(tier.lookup(kept))).isEqualTo("y");
    }

    @Test
    void invalidating_tags_removes_every_entry_carrying_any_of_them_and_nothing_else() {
        String account = uniqueTag("account");
        String customer = uniqueTag("customer");
        String other = uniqueTag("other");
        List<CacheKey> tagged = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            CacheKey key = key("tagged-" + i);
            tagged.add(key);
            assertThat(store(key, entry(key, "v" + i, Duration.ofMinutes(5), i % 2 == 0 ? account : customer, other)))
                    .isTrue();
        }
        CacheKey untouched = key("untouched");
        store(untouched, entry(untouched, "u", Duration.ofMinutes(5), other));

        tier.invalidateTags(Set.of(account, customer));

        for (CacheKey key : tagged) {
            assertThat(tier.lookup(key).isHit()).as("entry %s", key).isFalse();
        }
        assertThat(text(tier.lookup(untouched))).isEqualTo("u");
        tier.invalidateTags(Set.of());
        assertThat(tier.lookup(untouched).isHit()).isTrue();
    }

    @Test
    void a_load_that_began_before_an_invalidation_of_its_key_is_not_cached() {
        CacheKey key = key("raced-key");
        CacheLookup miss = tier.lookup(key);   // a query misses and starts loading the old value
        tier.invalidate(key);                  // a command changes the data and invalidates

        boolean stored = tier.put(key, entry(key, "old value", Duration.ofMinutes(5)), miss);

        assertThat(stored).isFalse();
        assertThat(tier.lookup(key).isHit()).isFalse();
        assertThat(store(key, entry(key, "new value", Duration.ofMinutes(5)))).as("a load begun after").isTrue();
    }

    @Test
    void a_load_that_began_before_an_invalidation_of_its_tag_is_not_cached() {
        CacheKey key = key("raced-tag");
        String tag = uniqueTag("account");
        CacheLookup miss = tier.lookup(key);
        tier.invalidateTags(Set.of(tag));

        boolean stored = tier.put(key, entry(key, "old value", Duration.ofMinutes(5), uniqueTag("x"), tag), miss);

        assertThat(stored).isFalse();
        assertThat(tier.lookup(key).isHit()).isFalse();
    }

    @Test
    void a_load_that_began_before_an_invalidation_made_through_another_client_is_not_cached() {
        CacheTier peer = peer();
        CacheKey byKey = key("peer-key");
        CacheKey byTag = key("peer-tag");
        String tag = uniqueTag("account");
        CacheLookup keyMiss = tier.lookup(byKey);
        CacheLookup tagMiss = tier.lookup(byTag);
        peer.invalidate(byKey);
        peer.invalidateTags(Set.of(tag));

        assertThat(tier.put(byKey, entry(byKey, "old", Duration.ofMinutes(5)), keyMiss)).isFalse();
        assertThat(tier.put(byTag, entry(byTag, "old", Duration.ofMinutes(5), tag), tagMiss)).isFalse();
        assertThat(tier.lookup(byKey).isHit()).isFalse();
        assertThat(tier.lookup(byTag).isHit()).isFalse();
        assertThat(peer.lookup(byTag).isHit()).isFalse();
    }

    @Test
    void an_invalidation_of_other_keys_and_tags_does_not_refuse_a_load() {
        CacheKey key = key("unrelated");
        CacheLookup miss = tier.lookup(key);
        tier.invalidate(key("someone-else"));
        tier.invalidateTags(Set.of(uniqueTag("elsewhere")));

        assertThat(tier.put(key, entry(key, "fresh", Duration.ofMinutes(5), uniqueTag("mine")), miss)).isTrue();
        assertThat(text(tier.lookup(key))).isEqualTo("fresh");
    }

    @Test
    void a_put_without_a_ticket_of_a_miss_is_refused() {
        CacheKey key = key("unticketed");
        assertThat(tier.put(key, entry(key, "v", Duration.ofMinutes(5)), CacheLookup.unticketedMiss())).isFalse();
        store(key, entry(key, "v", Duration.ofMinutes(5)));
        CacheLookup hit = tier.lookup(key);
        assertThat(tier.put(key, entry(key, "w", Duration.ofMinutes(5)), hit)).isFalse();
        assertThat(text(tier.lookup(key))).isEqualTo("v");
    }

    @Test
    void a_one_mebibyte_value_round_trips() {
        CacheKey key = key("large");
        byte[] value = new byte[1024 * 1024];
        for (int i = 0; i < value.length; i++) {
            value[i] = (byte) (i * 31 + 7);
        }
        CacheEntry entry = CacheEntry.of(key, value, Instant.now().plusSeconds(60), Set.of(uniqueTag("big")));
        assertThat(store(key, entry)).isTrue();
        assertThat(tier.lookup(key).entry().bytes()).isEqualTo(value);
    }

    @Test
    void unicode_keys_tags_and_values_round_trip() {
        String id = UUID.randomUUID().toString();
        CacheKey key = CacheKey.of("query:{Ünïcødé}:ключ-日本-" + id, "Ünïcødé(name=\"Zoë 🚀 日本語\",id=" + id + ")");
        String tag = "客户:" + id + ":🚀";
        CacheEntry entry = entry(key, "{\"name\":\"Zoë 🚀 日本語 \\u0000\"}", Duration.ofMinutes(5), tag);
        assertThat(store(key, entry)).isTrue();
        assertThat(tier.lookup(key).entry().sameData(entry)).isTrue();

        tier.invalidateTags(Set.of(tag));
        assertThat(tier.lookup(key).isHit()).isFalse();
    }

    @Test
    void concurrent_puts_lookups_and_invalidations_leave_every_key_whole() throws Exception {
        int threads = 8;
        int keysPerThread = 40;
        String shared = uniqueTag("shared");
        List<CacheKey> keys = new ArrayList<>();
        for (int i = 0; i < threads * keysPerThread; i++) {
            keys.add(key("concurrent-" + i));
        }
        CyclicBarrier start = new CyclicBarrier(threads);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < keysPerThread; i++) {
                        CacheKey own = keys.get(thread * keysPerThread + i);
                        CacheKey neighbour = keys.get(((thread + 1) % threads) * keysPerThread + i);
                        store(own, entry(own, own.canonical(), Duration.ofMinutes(5), shared));
                        CacheLookup seen = tier.lookup(neighbour);
                        if (seen.isHit()) {
                            assertThat(text(seen)).isEqualTo(neighbour.canonical());
                        }
                        if (i % 10 == 9) {
                            tier.invalidate(keys.get(thread * keysPerThread + i - 1));
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        Set<Integer> invalidated = new HashSet<>();
        for (int t = 0; t < threads; t++) {
            for (int i = 9; i < keysPerThread; i += 10) {
                invalidated.add(t * keysPerThread + i - 1);
            }
        }
        for (int i = 0; i < keys.size(); i++) {
            CacheLookup lookup = tier.lookup(keys.get(i));
            if (invalidated.contains(i)) {
                assertThat(lookup.isHit()).as("invalidated key %s", i).isFalse();
            } else {
                assertThat(text(lookup)).as("key %s", i).isEqualTo(keys.get(i).canonical());
            }
        }
        tier.invalidateTags(Set.of(shared));
        for (CacheKey key : keys) {
            assertThat(tier.lookup(key).isHit()).isFalse();
        }
    }

    @Test
    void clear_removes_every_entry() {
        CacheKey a = key("clear-a");
        CacheKey b = key("clear-b");
        store(a, entry(a, "a", Duration.ofMinutes(5), uniqueTag("t")));
        store(b, entry(b, "b", Duration.ofMinutes(5)));
        tier.clear();
        assertThat(tier.lookup(a).isHit()).isFalse();
        assertThat(tier.lookup(b).isHit()).isFalse();
    }

    @Test
    void bad_input_is_a_typed_error_and_changes_nothing() {
        CacheKey key = key("bad");
        CacheEntry good = entry(key, "good", Duration.ofMinutes(5));
        assertThat(store(key, good)).isTrue();
        CacheLookup miss = tier.lookup(key("other"));

        assertThatThrownBy(() -> tier.lookup(null)).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> tier.put(null, good, miss)).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> tier.put(key, null, miss)).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> tier.put(key, good, null)).isInstanceOf(InvalidInputException.class);
        CacheEntry otherKeys = entry(key("mismatch"), "other", Duration.ofMinutes(5));
        assertThatThrownBy(() -> tier.put(key, otherKeys, tier.lookup(key)))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("canonical");
        assertThatThrownBy(() -> tier.invalidate(null)).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> tier.invalidateTags(null)).isInstanceOf(InvalidInputException.class);
        Set<String> blank = new HashSet<>();
        blank.add(" ");
        assertThatThrownBy(() -> tier.invalidateTags(blank)).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> CacheKey.of(" ", "x")).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> CacheKey.of("k", "")).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> entry(key, "v", Duration.ofMinutes(5), "")).isInstanceOf(InvalidInputException.class);

        assertThat(tier.lookup(key).entry().sameData(good)).as("nothing changed").isTrue();
    }

    @Test
    void a_value_larger_than_the_tier_allows_is_a_typed_error_naming_the_limit() {
        CacheKey key = key("oversized");
        int limit = tier.maxValueBytes();
        assertThat(limit).isPositive();
        CacheEntry oversized = CacheEntry.of(key, new byte[limit + 1], Instant.now().plusSeconds(60), Set.of());
        CacheLookup miss = tier.lookup(key);

        assertThatThrownBy(() -> tier.put(key, oversized, miss))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining(String.valueOf(limit));
        assertThat(tier.lookup(key).isHit()).isFalse();
    }

    @Test
    void the_tier_describes_itself() {
        assertThat(tier.name()).isNotBlank();
        assertThat(tier.promotionTtl()).isPositive();
        assertThat(tier.maxLoadTime()).isPositive();
    }
}
