package io.modularddd.cache;

import static io.modularddd.cache.Fixtures.policy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.jsontype.BasicPolymorphicTypeValidator;
import io.micrometer.core.instrument.Meter;
import io.modularddd.cache.Fixtures.Account;
import io.modularddd.cache.Fixtures.CountingLoader;
import io.modularddd.cache.Fixtures.FindAccount;
import io.modularddd.cache.Fixtures.FindAccounts;
import io.modularddd.cache.Fixtures.Node;
import io.modularddd.core.InvalidInputException;
import io.modularddd.core.cache.CacheEntry;
import io.modularddd.core.cache.CacheKey;
import io.modularddd.core.cache.CacheLoadException;
import io.modularddd.core.cache.CachePolicy;
import java.io.IOException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class TieredCacheTest {

    private final MutableClock clock = new MutableClock();
    private final SharedTier l2 = new SharedTier("l2", Duration.ofMinutes(15), clock);
    private final Node node = new Node(clock, null, "node-a", l2);
    private final FindAccount query = new FindAccount("42");
    private final Account account = new Account("42", 100);

    @Nested
    class Walk {

        @Test
        void a_miss_everywhere_loads_once_and_stores_in_every_tier_then_l1_answers() {
            CountingLoader loader = new CountingLoader(account);

            assertThat(node.cache.get(query, policy("42"), Account.class, loader)).isEqualTo(account);
            assertThat(node.cache.get(query, policy("42"), Account.class, loader)).isEqualTo(account);

            assertThat(loader.calls).hasValue(1);
            assertThat(node.l1Value(query)).isEqualTo(account);
            var stored = l2.lookup(node.cache.keyOf(query, null));
            assertThat(new String(stored.entry().bytes(), StandardCharsets.UTF_8))
                    .isEqualTo("{\"id\":\"42\",\"balance\":100}");
            assertThat(stored.entry().expiresAt()).isEqualTo(clock.instant().plus(Duration.ofHours(1)));
            assertThat(stored.entry().tags()).containsExactly("account:42");
            assertThat(node.count("hits", "tier", "l1", "query", "FindAccount")).isEqualTo(1);
            assertThat(node.count("misses", "tier", "l1", "query", "FindAccount")).isEqualTo(1);
            assertThat(node.count("misses", "tier", "l2", "query", "FindAccount")).isEqualTo(1);
            assertThat(node.registry.get("modularddd.cache.load").tags("query", "FindAccount", "outcome", "success")
                    .timer().count()).isEqualTo(1);
        }

        @Test
        void a_hit_below_is_promoted_with_the_tiers_ttl_never_past_the_entrys_own_expiry() {
            Node other = new Node(clock, null, "node-b", l2);
            CountingLoader loader = new CountingLoader(account);
            FindAccount shortLived = new FindAccount("7");
            other.cache.get(query, policy("42"), Account.class, loader);                       // 1 h in L2
            other.cache.get(shortLived, CachePolicy.ttl(Duration.ofMinutes(2)), Account.class, loader); // 2 min

            assertThat(node.cache.get(query, policy("42"), Account.class, new CountingLoader(null))).isEqualTo(account);
            assertThat(node.cache.get(shortLived, CachePolicy.ttl(Duration.ofMinutes(2)), Account.class,
                    new CountingLoader(null))).isEqualTo(account);

            assertThat(node.l1.find(query).entry.expiresAt()).as("L1's 5 minutes")
                    .isEqualTo(clock.instant().plus(Duration.ofMinutes(5)));
            assertThat(node.l1.find(shortLived).entry.expiresAt()).as("its own 2 minutes")
                    .isEqualTo(clock.instant().plus(Duration.ofMinutes(2)));
            assertThat(node.count("promotions", "tier", "l1", "query", "FindAccount")).isEqualTo(2);
            assertThat(node.count("hits", "tier", "l2", "query", "FindAccount")).isEqualTo(2);

            clock.advance(Duration.ofMinutes(5));
            assertThat(node.l1Value(query)).as("gone from L1 after its promotion TTL").isNull();
            assertThat(node.cache.get(query, policy("42"), Account.class, new CountingLoader(null))).isEqualTo(account);
        }

        @Test
        void a_hit_in_the_third_tier_is_promoted_into_both_above_with_their_ttls() {
            SharedTier l3 = new SharedTier("l3", Duration.ofHours(24), clock);
            SharedTier l2b = new SharedTier("l2b", Duration.ofMinutes(15), clock);
            Node writer = new Node(clock, null, "writer", l3);
            writer.cache.get(query, CachePolicy.ttl(Duration.ofHours(6)), Account.class, new CountingLoader(account));
            Node reader = new Node(clock, null, "reader", l2b, l3);

            reader.cache.get(query, CachePolicy.ttl(Duration.ofHours(6)), Account.class, new CountingLoader(null));

            CacheKey key = reader.cache.keyOf(query, null);
            assertThat(l2b.lookup(key).entry().expiresAt()).isEqualTo(clock.instant().plus(Duration.ofMinutes(15)));
            assertThat(reader.l1.find(query).entry.expiresAt()).isEqualTo(clock.instant().plus(Duration.ofMinutes(5)));
        }

        @Test
        void a_null_result_is_returned_and_not_cached() {
            CountingLoader loader = new CountingLoader(null);
            assertThat(node.cache.get(query, policy("42"), Account.class, loader)).isNull();
            assertThat(node.cache.get(query, policy("42"), Account.class, loader)).isNull();
            assertThat(loader.calls).hasValue(2);
        }

        @Test
        void a_loaders_unchecked_exception_passes_unchanged_a_checked_one_is_wrapped_and_nothing_is_cached() {
            IllegalStateException boom = new IllegalStateException("boom");
            assertThatThrownBy(() -> node.cache.get(query, policy("42"), Account.class, () -> {
                throw boom;
            })).isSameAs(boom);
            IOException io = new IOException("disk");
            assertThatThrownBy(() -> node.cache.get(query, policy("42"), Account.class, () -> {
                throw io;
            })).isInstanceOf(CacheLoadException.class).hasCause(io).hasMessageContaining(FindAccount.class.getName());

            CountingLoader loader = new CountingLoader(account);
            assertThat(node.cache.get(query, policy("42"), Account.class, loader)).isEqualTo(account);
            assertThat(loader.calls).hasValue(1);
            assertThat(node.registry.get("modularddd.cache.load").tags("outcome", "failure").timer().count())
                    .isEqualTo(2);
        }

        @Test
        void a_generic_result_type_round_trips_through_the_shared_tier() {
            Type listOfAccounts = listOf(Account.class);
            List<Account> result = List.of(account, new Account("43", 5));
            Node other = new Node(clock, null, "node-b", l2);
            other.cache.get(query, policy("42"), listOfAccounts, () -> result);

            List<Account> read = node.cache.get(query, policy("42"), listOfAccounts, () -> List.of());

            assertThat(read).isEqualTo(result);
        }

        @Test
        void a_query_holding_a_collection_is_keyed_by_storage_key_in_l1_and_hits_there() {
            FindAccounts many = new FindAccounts(List.of("1", "2"));
            CountingLoader loader = new CountingLoader(account);
            node.cache.get(many, policy("1"), Account.class, loader);
            node.cache.get(new FindAccounts(List.of("1", "2")), policy("1"), Account.class, loader);

            assertThat(loader.calls).hasValue(1);
            assertThat(node.l1.findByKey(node.cache.keyOf(many, null))).isNotNull();
            assertThat(node.count("hits", "tier", "l1", "query", "FindAccounts")).isEqualTo(1);
        }

        @Test
        void the_same_query_asked_for_another_result_type_is_read_from_the_bytes() {
            node.cache.get(query, policy("42"), Account.class, () -> account);

            Map<?, ?> asMap = node.cache.get(query, policy("42"), Map.class, () -> Map.of());

            assertThat(asMap).isEqualTo(Map.of("id", "42", "balance", 100));
        }

        @Test
        void the_scope_keeps_tenants_apart() {
            node.cache.get(query, policy("42").withScope("tenant-1"), Account.class, () -> account);
            Account other = new Account("42", -1);

            assertThat(node.cache.get(query, policy("42").withScope("tenant-2"), Account.class, () -> other))
                    .isEqualTo(other);
            assertThat(node.cache.get(query, policy("42").withScope("tenant-1"), Account.class, () -> other))
                    .isEqualTo(account);
            assertThat(node.cache.get(query, policy("42"), Account.class, () -> other)).isEqualTo(other);
        }
    }

    @Nested
    class Undecodable {

        @Test
        void a_shared_tier_value_that_no_longer_decodes_is_a_miss_and_is_evicted() {
            CacheKey key = node.cache.keyOf(query, null);
            byte[] oldShape = "{\"id\":\"42\",\"balance\":\"a lot\"}".getBytes(StandardCharsets.UTF_8);
            l2.put(key, CacheEntry.of(key, oldShape, clock.instant().plusSeconds(600), Set.of()), l2.lookup(key));
            CountingLoader loader = new CountingLoader(account);

            assertThat(node.cache.get(query, policy("42"), Account.class, loader)).isEqualTo(account);

            assertThat(loader.calls).hasValue(1);
            assertThat(node.count("evictions", "tier", "l2", "cause", "undecodable")).isEqualTo(1);
            var now = l2.lookup(key);
            assertThat(now.isHit()).as("the fresh value replaced the old one").isTrue();
            assertThat(new String(now.entry().bytes(), StandardCharsets.UTF_8)).contains("\"balance\":100");
        }

        @Test
        void an_l1_value_that_does_not_decode_into_the_asked_type_is_evicted_and_reloaded() {
            node.cache.get(query, policy("42"), Account.class, () -> account);

            Integer number = node.cache.get(query, policy("42"), Integer.class, () -> 7);

            assertThat(number).isEqualTo(7);
            assertThat(node.count("evictions", "tier", "l1", "cause", "undecodable")).isEqualTo(1);
            assertThat(node.count("evictions", "tier", "l2", "cause", "undecodable")).isEqualTo(1);
        }

        @Test
        void a_result_that_does_not_read_back_into_its_declared_type_is_returned_but_not_cached() {
            AtomicInteger calls = new AtomicInteger();
            Runnable opaque = () -> { };   // Jackson cannot write a lambda
            Runnable first = node.cache.get(query, policy("42"), Runnable.class, () -> {
                calls.incrementAndGet();
                return opaque;
            });
            node.cache.get(query, policy("42"), Runnable.class, () -> {
                calls.incrementAndGet();
                return opaque;
            });

            assertThat(first).isSameAs(opaque);
            assertThat(calls).hasValue(2);
            assertThat(node.count("uncacheable", "query", "FindAccount")).isEqualTo(2);
        }
    }

    @Nested
    class FailingTier {

        @Test
        void a_tier_that_throws_is_a_miss_there_counted_and_never_fails_the_caller() {
            l2.down = true;
            CountingLoader loader = new CountingLoader(account);

            assertThat(node.cache.get(query, policy("42"), Account.class, loader)).isEqualTo(account);
            node.cache.invalidateTags(Set.of("account:42"));
            node.cache.invalidate(new FindAccount("1"), null);
            assertThat(node.cache.get(new FindAccount("2"), policy("2"), Account.class, loader)).isEqualTo(account);

            assertThat(node.count("failures", "tier", "l2", "operation", "lookup")).isEqualTo(2);
            assertThat(node.count("failures", "tier", "l2", "operation", "invalidate")).isEqualTo(2);
            assertThat(node.count("failures", "tier", "l2", "operation", "put")).as("nothing is put where the lookup "
                    + "failed: the tier's ticket is unknown").isZero();
            assertThat(node.l1Value(new FindAccount("2"))).as("L1 still works").isEqualTo(account);
        }

        @Test
        void it_is_used_again_once_it_answers() {
            l2.down = true;
            node.cache.get(query, policy("42"), Account.class, () -> account);
            l2.down = false;

            node.cache.get(new FindAccount("3"), policy("3"), Account.class, () -> account);

            assertThat(l2.lookup(node.cache.keyOf(new FindAccount("3"), null)).isHit()).isTrue();
        }

        @Test
        void a_failing_put_is_counted_and_the_loaded_value_still_returned() {
            l2.putsFail = true;
            assertThat(node.cache.get(query, policy("42"), Account.class, () -> account)).isEqualTo(account);
            assertThat(node.count("failures", "tier", "l2", "operation", "put")).isEqualTo(1);
            assertThat(node.l1Value(query)).isEqualTo(account);
        }
    }

    @Nested
    class Input {

        record Unstable(Object anything) { }

        @Test
        void a_query_type_without_a_stable_encoding_is_refused_on_first_use_naming_the_field() {
            CountingLoader loader = new CountingLoader(account);
            assertThatThrownBy(() -> node.cache.get(new Unstable("x"), policy("1"), Account.class, loader))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("component 'anything'");
            assertThat(loader.calls).hasValue(0);
        }

        @Test
        void null_arguments_are_typed_errors() {
            assertThatThrownBy(() -> node.cache.get(null, policy("1"), Account.class, () -> account))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("query");
            assertThatThrownBy(() -> node.cache.get(query, null, Account.class, () -> account))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("policy");
            assertThatThrownBy(() -> node.cache.get(query, policy("1"), null, () -> account))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("resultType");
            assertThatThrownBy(() -> node.cache.get(query, policy("1"), Account.class, null))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("loader");
            assertThatThrownBy(() -> node.cache.invalidateTags(Set.of(" "))).isInstanceOf(InvalidInputException.class);
            assertThatThrownBy(() -> node.cache.invalidate(query, "")).isInstanceOf(InvalidInputException.class);
        }

        @Test
        void the_builder_checks_its_settings() {
            CaffeineTier tier = CaffeineTier.builder().build();
            assertThatThrownBy(() -> TieredCache.builder().build()).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("tiers are required");
            assertThatThrownBy(() -> TieredCache.builder().tiers()).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> TieredCache.builder().tiers(tier, tier)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("twice");
            assertThatThrownBy(() -> TieredCache.builder().tiers(tier, CaffeineTier.builder().build()))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("named 'l1'");
            ObjectMapper typed = new ObjectMapper().activateDefaultTyping(
                    BasicPolymorphicTypeValidator.builder().allowIfBaseType(Object.class).build());
            assertThatThrownBy(() -> TieredCache.builder().objectMapper(typed)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("default typing");
            assertThatThrownBy(() -> TieredCache.builder().nodeId("a").nodeId("b"))
                    .isInstanceOf(IllegalStateException.class);
        }
    }

    @Nested
    class Metrics {

        @Test
        void meters_carry_only_bounded_tags_and_never_a_querys_values() {
            for (int i = 0; i < 20; i++) {
                node.cache.get(new FindAccount("secret-" + i), policy("secret-" + i).withScope("tenant-" + i),
                        Account.class, () -> account);
            }
            node.cache.invalidateTags(Set.of("account:secret-1"));

            Set<String> allowedKeys = Set.of("tier", "query", "operation", "cause", "outcome");
            for (Meter meter : node.registry.getMeters()) {
                assertThat(meter.getId().getName()).startsWith("modularddd.cache.");
                for (var tag : meter.getId().getTags()) {
                    assertThat(allowedKeys).contains(tag.getKey());
                    assertThat(tag.getValue()).doesNotContain("secret").doesNotContain("tenant");
                }
            }
            assertThat(node.registry.getMeters().stream().map(m -> m.getId().getTag("query"))
                    .filter(java.util.Objects::nonNull).distinct()).containsExactly("FindAccount");
        }
    }

    static Type listOf(Class<?> element) {
        return new ParameterizedType() {
            @Override
            public Type[] getActualTypeArguments() {
                return new Type[] {element};
            }

            @Override
            public Type getRawType() {
                return List.class;
            }

            @Override
            public Type getOwnerType() {
                return null;
            }
        };
    }

    static Instant now(MutableClock clock) {
        return clock.instant();
    }
}
