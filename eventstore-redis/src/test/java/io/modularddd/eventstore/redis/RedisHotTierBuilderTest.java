package io.modularddd.eventstore.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modularddd.core.AggregateId;
import io.modularddd.core.AppendRequest;
import io.modularddd.core.ConcurrencyConflictException;
import io.modularddd.core.EventStream;
import io.modularddd.core.ExpectedVersion;
import io.modularddd.core.InMemoryEventStore;
import io.modularddd.core.InvalidInputException;
import io.modularddd.core.NewEvent;
import io.modularddd.testkit.ContractEvents;
import io.modularddd.testkit.ContractEvents.Happened;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Configuration: every setting validated at once, with a message that names it; no secret shown. */
class RedisHotTierBuilderTest {

    private static RedisHotTierBuilder builder() {
        return RedisHotTier.builder().serializer(ContractEvents.serializer());
    }

    private static void rejects(Consumer<RedisHotTierBuilder> setting, String... messageParts) {
        assertThatThrownBy(() -> setting.accept(builder())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContainingAll(messageParts);
    }

    @Nested
    class Settings {

        @Test
        void out_of_range_values_name_the_setting_and_the_value() {
            rejects(b -> b.ttl(Duration.ZERO), "ttl", "PT0S");
            rejects(b -> b.ttl(Duration.ofDays(366)), "ttl", "PT8784H");
            rejects(b -> b.ttl(null), "ttl", "null");
            rejects(b -> b.connectTimeout(Duration.ofMillis(-1)), "connectTimeout", "-0.001S");
            rejects(b -> b.readTimeout(Duration.ofMinutes(2)), "readTimeout", "PT2M");
            rejects(b -> b.retryAfterFailure(Duration.ofHours(1)), "retryAfterFailure", "PT1H");
            rejects(b -> b.maxConnections(0), "maxConnections", "0");
            rejects(b -> b.readPageSize(10_001), "readPageSize", "10001");
            rejects(b -> b.keyPrefix("a b"), "keyPrefix", "\"a b\"");
            rejects(b -> b.format(null), "format");
            rejects(b -> b.compression(null), "compression");
            rejects(b -> b.meterRegistry(null), "meterRegistry");
            rejects(b -> b.clock(null), "clock");
            rejects(b -> b.cluster(), "cluster", "at least one");
            rejects(b -> b.credentials("u", ""), "credentials", "password");
            assertThatThrownBy(() -> HotTierCompression.lz4(-1)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("-1");
            assertThatThrownBy(() -> RedisHotTier.builder().serializer(null))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("serializer");
        }

        @Test
        void malformed_uris_name_the_setting() {
            rejects(b -> b.uri("http://localhost:6379"), "uri", "redis://");
            rejects(b -> b.uri("redis:///0"), "uri", "no host");
            rejects(b -> b.uri("redis://"), "uri", "not a valid URI");
            rejects(b -> b.uri("redis://host:70000"), "uri");
            rejects(b -> b.uri("redis://host:6379/x"), "uri", "database");
            rejects(b -> b.uri("redis://host:6379?timeout=1"), "uri", "query");
            rejects(b -> b.uri(null), "uri", "null");
            rejects(b -> b.cluster("redis://a:1", "redis://b:2/3"), "cluster[1]", "database 3");
            rejects(b -> b.cluster("redis://:x@a:1", "redis://:y@b:2"), "cluster[1]", "credentials");
        }

        @Test
        void a_setting_given_twice_or_a_conflicting_setting_is_an_illegal_state() {
            assertThatThrownBy(() -> builder().ttl(Duration.ofHours(1)).ttl(Duration.ofHours(2)))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("ttl was already set");
            assertThatThrownBy(() -> builder().serializer(ContractEvents.serializer()))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("serializer was already set");
            assertThatThrownBy(() -> builder().uri("redis://a:1").cluster("redis://b:2"))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("cannot be combined");
            assertThatThrownBy(() -> builder().cluster("redis://b:2").uri("redis://a:1"))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("cannot be combined");
            assertThatThrownBy(() -> builder().credentials(null, "pw").uri("redis://:pw2@a:1"))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("credentials");
        }

        @Test
        void a_serializer_the_hot_tier_cannot_share_is_refused_naming_the_fix() {
            // given: a serializer that is not Jackson's, so the hot tier could not mirror its configuration
            io.modularddd.core.serialization.EventSerializer custom = new io.modularddd.core.serialization
                    .EventSerializer() {
                private final io.modularddd.core.serialization.EventSerializer inner = ContractEvents.serializer();

                @Override
                public io.modularddd.core.serialization.EventTypeRegistry registry() {
                    return inner.registry();
                }

                @Override
                public byte[] serialize(Object payload) {
                    return inner.serialize(payload);
                }

                @Override
                public Object deserialize(String typeName, byte[] data) {
                    return inner.deserialize(typeName, data);
                }

                @Override
                public byte[] serializeMetadata(io.modularddd.core.EventMetadata metadata) {
                    return inner.serializeMetadata(metadata);
                }

                @Override
                public io.modularddd.core.EventMetadata deserializeMetadata(byte[] data) {
                    return inner.deserializeMetadata(data);
                }
            };
            // when / then
            assertThatThrownBy(() -> RedisHotTier.builder().serializer(custom))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContainingAll("serializer must be a JacksonEventSerializer", "same instance");
        }

        @Test
        void build_checks_that_the_settings_fit_together() {
            assertThatThrownBy(() -> RedisHotTier.builder().uri("redis://localhost:6379").build())
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("serializer(...) is required");
            assertThatThrownBy(() -> builder().build())
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("uri(")
                    .hasMessageContaining("enabled(false)");
        }

        @Test
        void endpoints_are_parsed_with_their_parts() {
            RedisEndpoint e = RedisEndpoint.parse("uri", "rediss://user:pw@[::1]:6380/2");
            assertThat(e).isEqualTo(new RedisEndpoint("::1", 6380, 2, true, "user", "pw"));
            assertThat(e.display()).isEqualTo("rediss://[::1]:6380/2");
            assertThat(RedisEndpoint.parse("uri", "redis://:only-pw@h")).isEqualTo(
                    new RedisEndpoint("h", 6379, 0, false, null, "only-pw"));
            assertThat(RedisEndpoint.parse("uri", "redis://legacy-pw@h:1").password()).isEqualTo("legacy-pw");
            assertThat(RedisEndpoint.parse("uri", "redis://h").password()).isNull();
        }
    }

    @Nested
    class Secrets {

        private static final String SECRET = "pa55-w0rd-Secr3t";

        @Test
        void a_password_never_appears_in_an_error_message() {
            for (String uri : List.of("redis://user:" + SECRET + "@host:99999", "redis://:" + SECRET + "@:1",
                    "redis://:" + SECRET + "@host/x", "http://u:" + SECRET + "@host", "redis://:" + SECRET + "@h?x=1",
                    "redis://:" + SECRET + "@ho st:1")) {
                assertThatThrownBy(() -> builder().uri(uri)).as(uri).isInstanceOf(IllegalArgumentException.class)
                        .message().doesNotContain(SECRET).contains("***@");
            }
            assertThatThrownBy(() -> builder().cluster("redis://:" + SECRET + "@a:1", "redis://:other@b:2"))
                    .message().doesNotContain(SECRET).doesNotContain("other");
        }

        @Test
        void a_password_never_appears_in_to_string() {
            try (RedisHotTier tier = builder().uri("redis://admin:" + SECRET + "@127.0.0.1:1").build()) {
                assertThat(tier.toString()).doesNotContain(SECRET).contains("redis://127.0.0.1:1");
                assertThat(tier.failures().describe(new IllegalStateException("server said " + SECRET)))
                        .doesNotContain(SECRET).contains("***");
            }
            assertThat(RedisEndpoint.parse("uri", "redis://u:" + SECRET + "@h:1").toString()).doesNotContain(SECRET);
        }
    }

    @Nested
    class Disabled {

        @Test
        void a_disabled_tier_makes_no_connection_and_passes_everything_to_the_warm_store() {
            // given: no Redis named at all
            RedisHotTier tier = builder().enabled(false).build();
            AggregateId id = AggregateId.of("off-1");
            try (TieredEventStore store = TieredEventStore.of(InMemoryEventStore.create(ContractEvents.serializer()),
                    tier)) {
                // when
                store.append(AppendRequest.of(id, "Thing", ExpectedVersion.noStream(), NewEvent.of(new Happened("x", 1))));
                // then
                try (EventStream s = store.load(id)) {
                    assertThat(s.toList()).hasSize(1);
                }
                assertThat(store.loadBatch(List.of(id), 1, 5).get(id).toList()).hasSize(1);
                assertThat(store.currentVersion(id)).isEqualTo(1);
                assertThat(tier.enabled()).isFalse();
                assertThat(tier.purge()).isZero();
                tier.invalidate(id);
                assertThat(tier.keyOf(id)).isEqualTo("modularddd:hot:{off-1}:s");
                assertThat(tier.toString()).contains("disabled");
            }
        }

        @Test
        void a_disabled_tier_remembers_nothing_to_drop_after_conflicts() {
            RedisHotTier tier = builder().enabled(false).build();
            AggregateId id = AggregateId.of("off-2");
            try (TieredEventStore store = TieredEventStore.of(InMemoryEventStore.create(ContractEvents.serializer()),
                    tier)) {
                store.append(AppendRequest.of(id, "Thing", ExpectedVersion.noStream(), NewEvent.of(new Happened("x", 1))));
                for (int i = 0; i < 3; i++) {
                    assertThatThrownBy(() -> store.append(AppendRequest.of(id, "Thing", ExpectedVersion.noStream(),
                            NewEvent.of(new Happened("y", 2))))).isInstanceOf(ConcurrencyConflictException.class);
                }
                assertThat(tier.failures().state().pendingCount()).isZero();
            }
        }

        @Test
        void the_tiered_store_validates_like_every_store() {
            try (TieredEventStore store = TieredEventStore.of(InMemoryEventStore.create(ContractEvents.serializer()),
                    builder().enabled(false).build())) {
                assertThatThrownBy(() -> store.append(null)).isInstanceOfSatisfying(InvalidInputException.class,
                        e -> assertThat(e.argument()).isEqualTo("request"));
                assertThatThrownBy(() -> store.load(null, 1, 2)).isInstanceOf(InvalidInputException.class);
            }
            assertThatThrownBy(() -> TieredEventStore.of(null, builder().enabled(false).build()))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("warm");
        }

        @Test
        void a_hot_tier_built_from_another_registry_or_other_jackson_modules_is_refused() {
            // given: a warm store on the contract's registry
            io.modularddd.core.serialization.JacksonEventSerializer warmSerializer =
                    io.modularddd.core.serialization.JacksonEventSerializer.json(ContractEvents.REGISTRY);
            InMemoryEventStore warm = InMemoryEventStore.create(warmSerializer);
            io.modularddd.core.serialization.EventTypeRegistry other =
                    io.modularddd.core.serialization.EventTypeRegistry.builder()
                            .register("contract.happened.v1", Happened.class).build();
            com.fasterxml.jackson.databind.ObjectMapper withModule =
                    io.modularddd.core.serialization.JacksonEventSerializer.newObjectMapper(
                            new com.fasterxml.jackson.core.JsonFactory());
            withModule.registerModule(new com.fasterxml.jackson.databind.module.SimpleModule("app-types"));

            // when / then: another registry, or other modules, are refused naming the fix
            assertThatThrownBy(() -> TieredEventStore.of(warm, RedisHotTier.builder().enabled(false)
                    .serializer(io.modularddd.core.serialization.JacksonEventSerializer.json(other)).build()))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("EventTypeRegistry")
                    .hasMessageContaining("warm.serializer()");
            assertThatThrownBy(() -> TieredEventStore.of(warm, RedisHotTier.builder().enabled(false)
                    .serializer(io.modularddd.core.serialization.JacksonEventSerializer.builder(ContractEvents.REGISTRY)
                            .objectMapper(withModule).build()).build()))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Jackson modules");
            // and the warm store's own serializer, or an equivalent one, is accepted
            try (TieredEventStore same = TieredEventStore.of(warm, RedisHotTier.builder().enabled(false)
                    .serializer(warmSerializer).build())) {
                assertThat(same.serializer()).containsSame(warmSerializer);
            }
            try (TieredEventStore equivalent = TieredEventStore.of(InMemoryEventStore.create(warmSerializer),
                    builder().enabled(false).build())) {
                assertThat(equivalent.serializer()).containsSame(warmSerializer);
            }
        }
    }
}
