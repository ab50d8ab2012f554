package io.modularddd.eventstore.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modularddd.core.AggregateId;
import io.modularddd.core.AppendRequest;
import io.modularddd.core.EventMetadata;
import io.modularddd.core.EventStream;
import io.modularddd.core.ExpectedVersion;
import io.modularddd.core.InMemoryEventStore;
import io.modularddd.core.NewEvent;
import io.modularddd.core.SerializationException;
import io.modularddd.core.StoredEvent;
import io.modularddd.core.UnknownEventTypeException;
import io.modularddd.core.serialization.EventTypeRegistry;
import io.modularddd.testkit.ContractEvents;
import io.modularddd.testkit.ContractEvents.Blob;
import io.modularddd.testkit.ContractEvents.Happened;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The member codec: exact round trips, deterministic bytes, compression, and hostile input. */
class HotTierCodecTest {

    private static final AggregateId STREAM = AggregateId.of("codec:*?[{🚀}]");

    static Stream<Arguments> codecs() {
        return Stream.of(HotTierFormat.values()).flatMap(f -> Stream.of(
                Arguments.of(f, HotTierCompression.none()),
                Arguments.of(f, HotTierCompression.lz4(0)),
                Arguments.of(f, HotTierCompression.lz4(1024))));
    }

    private static HotTierCodec codec(HotTierFormat format, HotTierCompression compression) {
        return HotTierCodec.of(ContractEvents.REGISTRY, format, compression);
    }

    private static StoredEvent stored(Object payload, EventMetadata metadata, long version, Instant at) {
        return new StoredEvent(version + 100, UUID.randomUUID(), STREAM, "Order",
                ContractEvents.REGISTRY.typeNameOf(payload.getClass()), payload, metadata, version, at);
    }

    @ParameterizedTest
    @MethodSource("codecs")
    void every_field_round_trips_exactly(HotTierFormat format, HotTierCompression compression) {
        HotTierCodec codec = codec(format, compression);
        EventMetadata meta = EventMetadata.empty().withCorrelationId("c-🧵").withCausationId("k\"\\")
                .with("tenant", "ünï\u0000côde");
        for (Instant at : List.of(NewEvent.EARLIEST, NewEvent.LATEST, Instant.parse("2024-02-29T23:59:59.123456Z"),
                Instant.parse("1969-12-31T23:59:59.999999Z"))) {
            StoredEvent e = stored(new Happened("nul \u0000 bell \u0007 🚀 \"q\" \\", Long.MIN_VALUE), meta, 7, at);
            assertThat(codec.decode(STREAM, codec.encode(e))).usingRecursiveComparison().isEqualTo(e);
        }
        StoredEvent empty = stored(new Happened("", Long.MAX_VALUE), EventMetadata.empty(), Integer.MAX_VALUE + 5L,
                Instant.EPOCH);
        assertThat(codec.decode(STREAM, codec.encode(empty))).usingRecursiveComparison().isEqualTo(empty);
    }

    @Provide
    Arbitrary<StoredEvent> events() {
        Arbitrary<String> text = Arbitraries.strings().withCharRange('\u0000', '\uD7FF').ofMaxLength(300);
        Arbitrary<Long> n = Arbitraries.longs();
        Arbitrary<Map<String, String>> meta = Arbitraries.maps(
                Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(10),
                Arbitraries.strings().withCharRange('\u0020', '\uD7FF').ofMaxLength(20)).ofMaxSize(5);
        Arbitrary<Instant> at = Arbitraries.longs().between(NewEvent.EARLIEST.getEpochSecond(),
                NewEvent.LATEST.getEpochSecond()).flatMap(s -> Arbitraries.integers().between(0, 999_999)
                .map(us -> Instant.ofEpochSecond(s, us * 1_000L)));
        Arbitrary<Long> version = Arbitraries.longs().between(1, 1L << 40);
        return Combinators.combine(text, n, meta, at, version)
                .as((t, x, m, a, v) -> stored(new Happened(t, x), EventMetadata.of(new TreeMap<>(m)), v, a));
    }

    @Property(tries = 300)
    void encoding_is_deterministic_and_lossless(@ForAll("events") StoredEvent e) {
        for (HotTierFormat f : HotTierFormat.values()) {
            for (HotTierCompression c : List.of(HotTierCompression.none(), HotTierCompression.lz4(64))) {
                HotTierCodec codec = codec(f, c);
                byte[] first = codec.encode(e);
                assertThat(codec.encode(e)).isEqualTo(first);
                assertThat(codec(f, c).encode(e)).as("another instance").isEqualTo(first);
                assertThat(codec.decode(STREAM, first)).usingRecursiveComparison().isEqualTo(e);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("codecs")
    void an_event_read_back_from_a_store_encodes_to_the_bytes_the_append_path_wrote(HotTierFormat format,
                                                                                      HotTierCompression compression) {
        // given: the write path encodes the request's own objects
        HotTierCodec codec = codec(format, compression);
        NewEvent e = NewEvent.of(new Happened("same bytes é 🚀", 42)).withMetadata(
                EventMetadata.empty().withCorrelationId("c").with("z", "last").with("a", "first"));
        AppendRequest request = AppendRequest.of(STREAM, "Order", ExpectedVersion.noStream(), e);
        byte[] written = codec.encode(1, e.eventId(), "Order", "contract.happened.v1", e.payload(), e.metadata(), 1,
                e.occurredAt());
        // when: a backfill encodes what a warm store decoded from its own (JSON) storage
        StoredEvent fromWarm;
        try (InMemoryEventStore warm = InMemoryEventStore.create(ContractEvents.serializer())) {
            warm.append(request);
            try (EventStream s = warm.load(STREAM)) {
                fromWarm = s.toList().get(0);
            }
        }
        // then
        assertThat(codec.encode(fromWarm)).isEqualTo(written);
    }

    @Test
    void only_members_above_the_threshold_are_compressed_and_only_when_it_pays() {
        HotTierCodec codec = codec(HotTierFormat.MESSAGE_PACK, HotTierCompression.lz4(1024));
        byte[] small = codec.encode(stored(new Happened("small", 1), EventMetadata.empty(), 1, Instant.EPOCH));
        assertThat(small[0] & 0x10).isZero();
        StoredEvent big = stored(new Blob("abcdefghij".repeat(10_000)), EventMetadata.empty(), 2, Instant.EPOCH);
        byte[] compressed = codec.encode(big);
        byte[] plain = codec(HotTierFormat.MESSAGE_PACK, HotTierCompression.none()).encode(big);
        assertThat(compressed[0] & 0x10).isEqualTo(0x10);
        assertThat(compressed.length).isLessThan(plain.length / 10);
        assertThat(codec.decode(STREAM, compressed)).usingRecursiveComparison().isEqualTo(big);
        // random text does not compress: it is stored as it is
        StringBuilder noise = new StringBuilder();
        java.util.Random r = new java.util.Random(7);
        for (int i = 0; i < 5_000; i++) {
            noise.append((char) (0x4E00 + r.nextInt(20_000)));
        }
        StoredEvent incompressible = stored(new Blob(noise.toString()), EventMetadata.empty(), 3, Instant.EPOCH);
        byte[] kept = codec.encode(incompressible);
        assertThat(codec.decode(STREAM, kept)).usingRecursiveComparison().isEqualTo(incompressible);
        assertThat(kept.length).isLessThanOrEqualTo(
                codec(HotTierFormat.MESSAGE_PACK, HotTierCompression.none()).encode(incompressible).length);
    }

    @Test
    void message_pack_is_smaller_than_json_and_json_is_readable_text() {
        StoredEvent e = stored(new Happened("the quick brown fox jumps over the lazy dog", 12345), EventMetadata.empty()
                .withCorrelationId("corr-1"), 3, Instant.parse("2024-05-06T07:08:09.123456Z"));
        byte[] json = codec(HotTierFormat.JSON, HotTierCompression.none()).encode(e);
        byte[] msgpack = codec(HotTierFormat.MESSAGE_PACK, HotTierCompression.none()).encode(e);
        assertThat(msgpack.length).isLessThan(json.length);
        String text = new String(json, 1, json.length - 1, StandardCharsets.UTF_8);
        assertThat(text).startsWith("[1,3,103,").contains("\"Order\"", "\"contract.happened.v1\"",
                "{\"correlation_id\":\"corr-1\"}", "{\"text\":\"the quick brown fox");
        // a codec reads members of either format
        assertThat(codec(HotTierFormat.JSON, HotTierCompression.none()).decode(STREAM, msgpack))
                .usingRecursiveComparison().isEqualTo(e);
    }

    @Test
    void an_unregistered_type_is_refused_on_both_sides() {
        EventTypeRegistry other = EventTypeRegistry.builder().register("other.v1", Blob.class).build();
        HotTierCodec narrow = HotTierCodec.of(other, HotTierFormat.MESSAGE_PACK, HotTierCompression.none());
        byte[] member = codec(HotTierFormat.MESSAGE_PACK, HotTierCompression.none())
                .encode(stored(new Happened("x", 1), EventMetadata.empty(), 1, Instant.EPOCH));
        assertThatThrownBy(() -> narrow.decode(STREAM, member)).isInstanceOf(UnknownEventTypeException.class);
        assertThatThrownBy(() -> narrow.encode(stored(new Happened("x", 1), EventMetadata.empty(), 1, Instant.EPOCH)))
                .isInstanceOf(UnknownEventTypeException.class);
    }

    @Test
    void a_compressed_member_declaring_a_huge_length_is_refused_before_allocating() {
        byte[] bomb = {0x11, 0x7F, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x00, 0x00};
        assertThatThrownBy(() -> codec(HotTierFormat.MESSAGE_PACK, HotTierCompression.none()).decode(STREAM, bomb))
                .isInstanceOf(SerializationException.class).hasMessageContaining("declared length");
        byte[] lies = {0x11, 0x00, 0x00, 0x00, 0x40, 0x10, 0x41};
        assertThatThrownBy(() -> codec(HotTierFormat.MESSAGE_PACK, HotTierCompression.none()).decode(STREAM, lies))
                .isInstanceOf(SerializationException.class);
    }

    @Property(tries = 1000)
    void arbitrary_bytes_never_decode_into_anything_but_a_serialization_error(@ForAll byte[] junk) {
        HotTierCodec codec = codec(HotTierFormat.MESSAGE_PACK, HotTierCompression.lz4(0));
        try {
            codec.decode(STREAM, junk);
        } catch (SerializationException | UnknownEventTypeException expected) {
            return;
        }
        // decoding succeeded: only possible for well-formed members, which random bytes essentially never are
    }

    @Property(tries = 300)
    void damaged_members_are_refused_as_serialization_errors(@ForAll("events") StoredEvent e,
                                                            @ForAll int position, @ForAll byte value) {
        for (HotTierCompression c : List.of(HotTierCompression.none(), HotTierCompression.lz4(0))) {
            HotTierCodec codec = codec(HotTierFormat.MESSAGE_PACK, c);
            byte[] member = codec.encode(e);
            int at = Math.floorMod(position, member.length);
            member[at] = value;
            try {
                StoredEvent decoded = codec.decode(STREAM, member);
                assertThat(decoded.aggregateId()).isEqualTo(STREAM); // a harmless change (e.g. same byte) decodes
            } catch (SerializationException | UnknownEventTypeException expected) {
                // refused, as it should be
            }
        }
    }

    /** A value type Jackson cannot read or write without the application's module. */
    static final class Money {
        private final long cents;

        Money(long cents) {
            this.cents = cents;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Money m && m.cents == cents;
        }

        @Override
        public int hashCode() {
            return Long.hashCode(cents);
        }
    }

    record Paid(Money amount) {
    }

    @ParameterizedTest
    @MethodSource("codecs")
    void the_applications_jackson_modules_make_its_value_types_cacheable(HotTierFormat format,
                                                                         HotTierCompression compression) {
        // given: an event type that needs a custom (de)serializer
        EventTypeRegistry registry = EventTypeRegistry.builder().register("paid.v1", Paid.class).build();
        com.fasterxml.jackson.databind.module.SimpleModule money = new com.fasterxml.jackson.databind.module.SimpleModule()
                .addSerializer(Money.class, new com.fasterxml.jackson.databind.ser.std.StdSerializer<>(Money.class) {
                    private static final long serialVersionUID = 1L;

                    @Override
                    public void serialize(Money value, com.fasterxml.jackson.core.JsonGenerator gen,
                                          com.fasterxml.jackson.databind.SerializerProvider provider)
                            throws java.io.IOException {
                        gen.writeNumber(value.cents);
                    }
                })
                .addDeserializer(Money.class, new com.fasterxml.jackson.databind.deser.std.StdDeserializer<>(Money.class) {
                    private static final long serialVersionUID = 1L;

                    @Override
                    public Money deserialize(com.fasterxml.jackson.core.JsonParser p,
                                             com.fasterxml.jackson.databind.DeserializationContext ctx)
                            throws java.io.IOException {
                        return new Money(p.getLongValue());
                    }
                });
        StoredEvent e = new StoredEvent(1, UUID.randomUUID(), STREAM, "Order", "paid.v1", new Paid(new Money(1234)),
                EventMetadata.empty(), 1, Instant.parse("2024-01-01T00:00:00Z"));
        // when / then: without the module the event cannot be encoded; with it, it round-trips
        assertThatThrownBy(() -> HotTierCodec.of(registry, format, compression).encode(e))
                .isInstanceOf(RuntimeException.class);
        HotTierCodec withModule = HotTierCodec.of(registry, format, compression, List.of(money));
        assertThat(withModule.decode(STREAM, withModule.encode(e)).payload()).isEqualTo(new Paid(new Money(1234)));
    }
}
