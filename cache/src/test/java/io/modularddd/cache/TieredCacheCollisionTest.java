package io.modularddd.cache;

import static io.modularddd.cache.Fixtures.policy;
import static org.assertj.core.api.Assertions.assertThat;

import io.modularddd.cache.Fixtures.Account;
import io.modularddd.cache.Fixtures.CountingLoader;
import io.modularddd.cache.Fixtures.FindAccount;
import io.modularddd.cache.Fixtures.FindAccounts;
import io.modularddd.cache.Fixtures.Node;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A key hash that makes every query collide: each entry keeps its full canonical key and every tier
 * compares it, so a collision costs loads, never another query's data.
 */
class TieredCacheCollisionTest {

    private static final QueryKeys.Hasher EVERYTHING_COLLIDES =
            (prefix, bytes) -> prefix + "00000000000000000000000000000000";

    private final MutableClock clock = new MutableClock();
    private final SharedTier l2 = new SharedTier("l2", Duration.ofMinutes(15), clock);
    private final Node a = new Node(clock, null, "a", EVERYTHING_COLLIDES, l2);
    private final Node b = new Node(clock, null, "b", EVERYTHING_COLLIDES, l2);

    @Test
    void the_forced_hash_gives_different_queries_one_storage_key_and_different_canonical_keys() {
        var one = a.cache.keyOf(new FindAccount("1"), null);
        var two = a.cache.keyOf(new FindAccount("2"), null);
        assertThat(one.storageKey()).isEqualTo(two.storageKey()).isEqualTo("query:{FindAccount}:"
                + "00000000000000000000000000000000");
        assertThat(one.canonical()).isNotEqualTo(two.canonical());
    }

    @Test
    void in_tiers_keyed_by_storage_key_a_colliding_query_misses_and_loads_its_own_data() {
        FindAccounts first = new FindAccounts(List.of("1"));
        FindAccounts second = new FindAccounts(List.of("2"));
        Account one = new Account("1", 1);
        Account two = new Account("2", 2);
        CountingLoader loadOne = new CountingLoader(one);
        CountingLoader loadTwo = new CountingLoader(two);

        assertThat(a.cache.get(first, policy("1"), Account.class, loadOne)).isEqualTo(one);
        assertThat(a.cache.get(second, policy("2"), Account.class, loadTwo)).as("not the first query's data")
                .isEqualTo(two);
        assertThat(a.cache.get(first, policy("1"), Account.class, loadOne)).isEqualTo(one);
        assertThat(a.cache.get(second, policy("2"), Account.class, loadTwo)).isEqualTo(two);

        assertThat(loadOne.calls.get() + loadTwo.calls.get()).as("each collision cost a load").isEqualTo(4);
        assertThat(b.cache.get(second, policy("2"), Account.class, new CountingLoader(null)))
                .as("another node finds the last stored one in L2, by its canonical key").isEqualTo(two);
        assertThat(b.cache.get(first, policy("1"), Account.class, new CountingLoader(one))).isEqualTo(one);
    }

    @Test
    void with_l1_keyed_by_value_a_colliding_query_still_misses_in_the_shared_tier() {
        FindAccount first = new FindAccount("1");
        FindAccount second = new FindAccount("2");
        Account one = new Account("1", 1);
        Account two = new Account("2", 2);

        assertThat(a.cache.get(first, policy("1"), Account.class, () -> one)).isEqualTo(one);
        CountingLoader loadTwo = new CountingLoader(two);
        assertThat(b.cache.get(second, policy("2"), Account.class, loadTwo)).isEqualTo(two);
        assertThat(loadTwo.calls).as("L2 held the first query under the same storage key: a miss").hasValue(1);

        assertThat(a.cache.get(second, policy("2"), Account.class, new CountingLoader(null))).isEqualTo(two);
        assertThat(a.cache.get(first, policy("1"), Account.class, new CountingLoader(null))).isEqualTo(one);
        CountingLoader loadOne = new CountingLoader(one);
        assertThat(b.cache.get(first, policy("1"), Account.class, loadOne)).isEqualTo(one);
        assertThat(loadOne.calls).hasValue(1);
    }

    @Test
    void invalidating_one_of_two_colliding_queries_drops_both_from_l1_which_costs_a_load_not_correctness() {
        FindAccount first = new FindAccount("1");
        FindAccount second = new FindAccount("2");
        a.cache.get(first, policy("1"), Account.class, () -> new Account("1", 1));
        a.cache.get(second, policy("2"), Account.class, () -> new Account("2", 2));

        a.cache.invalidate(first, null);

        assertThat(a.l1Value(first)).isNull();
        assertThat(a.l1Value(second)).isNull();
        CountingLoader reload = new CountingLoader(new Account("2", 2));
        assertThat(a.cache.get(second, policy("2"), Account.class, reload)).isEqualTo(new Account("2", 2));
    }
}
