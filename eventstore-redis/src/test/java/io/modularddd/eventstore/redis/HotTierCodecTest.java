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
import io.modularddd.core.serialization.JacksonEventSerializer;
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
            assertThat(codec.decode(STREAM, codec.encode(e))).isEqualTo(e);
        }
        StoredEvent empty = stored(new Happened("", Long.MAX_VALUE), EventMetadata.empty(), Integer.MAX_VALUE + 5L,
                Instant.EPOCH);
        assertThat(codec.decode(STREAM, codec.encode(empty))).isEqualTo(empty);
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
                assertThat(codec.decode(STREAM, first)).isEqualTo(e);
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
        assertThat(codec.decode(STREAM, compressed)).isEqualTo(big);
        // random text does not compress: it is stored as it is
        StringBuilder noise = new StringBuilder();
        java.util.Random r = new java.util.Random(7);
        for (int i = 0; i < 5_000; i++) {
            noise.append((char) (0x4E00 + r.nextInt(20_000)));
        }
        StoredEvent incompressible = stored(new Blob(noise.toString()), EventMetadata.empty(), 3, Instant.EPOCH);
        byte[] kept = codec.encode(incompressible);
        assertThat(codec.decode(STREAM, kept)).isEqualTo(incompressible);
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
                .isEqualTo(e);
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
        StoredEvent decoded;
        try {
            decoded = codec.decode(STREAM, junk);
        } catch (SerializationException | UnknownEventTypeException expected) {
            return;
        }
        // the envelope decoded (random bytes essentially never do): its payload decodes or fails as typed
        try {
            assertThat(decoded.payload()).isNotNull();
        } catch (SerializationException expected) {
            // refused, as it should be
        }
    }

    @Property(tries = 300)
    void damaged_members_are_refused_as_serialization_errors(@ForAll("events") StoredEvent e,
                                                            @ForAll int position, @ForAll byte value) {
        for (HotTierCompression c : List.of(HotTierCompression.none(), HotTierCompression.lz4(0))) {
            HotTierCodec codec = codec(HotTierFormat.MESSAGE_PACK, c);
            byte[] member = codec.encode(e);
            int at = Math.floorMod(position, member.length);
            member[at] = value;
            StoredEvent decoded;
            try {
                decoded = codec.decode(STREAM, member);
            } catch (SerializationException | UnknownEventTypeException expected) {
                continue; // refused while reading the envelope, as it should be
            }
            assertThat(decoded.aggregateId()).isEqualTo(STREAM); // a harmless change (e.g. same byte) decodes
            try {
                assertThat(decoded.payload()).isNotNull();
            } catch (SerializationException expected) {
                // the payload's bytes were hit: refused when it is asked for, as a typed error
            }
        }
    }

    @ParameterizedTest
    @MethodSource("codecs")
    void decode_reads_the_envelope_at_once_and_the_payload_on_first_access(HotTierFormat format,
                                                                           HotTierCompression compression) {
        // given
        HotTierCodec codec = codec(format, compression);
        StoredEvent e = stored(new Blob("payload ".repeat(300)), EventMetadata.empty().withCorrelationId("c"), 7,
                Instant.parse("2024-02-29T23:59:59.123456Z"));
        // when
        StoredEvent decoded = codec.decode(STREAM, codec.encode(e));
        // then
        assertThat(io.modularddd.core.internal.StoredEventAccess.isPayloadDecoded(decoded)).isFalse();
        assertThat(decoded.version()).isEqualTo(7);
        assertThat(decoded.eventId()).isEqualTo(e.eventId());
        assertThat(decoded.metadata()).isEqualTo(e.metadata());
        assertThat(io.modularddd.core.internal.StoredEventAccess.isPayloadDecoded(decoded)).isFalse();
        assertThat(decoded.payload()).isEqualTo(e.payload()).isNotSameAs(e.payload());
        assertThat(io.modularddd.core.internal.StoredEventAccess.isPayloadDecoded(decoded)).isTrue();
        assertThat(decoded).isEqualTo(e);
        // each decode returns its own payload object
        assertThat(codec.decode(STREAM, codec.encode(e)).payload()).isNotSameAs(decoded.payload());
    }

    /** A payload shaped unlike the registered class {@link Happened}. */
    record Impostor(List<Integer> text, Map<String, String> n) {
    }

    @ParameterizedTest
    @MethodSource("codecs")
    void a_payload_that_does_not_fit_its_class_fails_on_every_access_naming_stream_version_type_and_the_fix(
            HotTierFormat format, HotTierCompression compression) {
        // given: a valid envelope of a registered type around a payload of another shape
        EventTypeRegistry impostors = EventTypeRegistry.builder().register("contract.happened.v1", Impostor.class)
                .build();
        byte[] member = HotTierCodec.of(impostors, format, compression).encode(new StoredEvent(9, UUID.randomUUID(),
                STREAM, "Order", "contract.happened.v1", new Impostor(List.of(1, 2), Map.of("a", "b")),
                EventMetadata.empty(), 4, Instant.EPOCH));
        // when: the envelope decodes
        StoredEvent decoded = codec(format, compression).decode(STREAM, member);
        assertThat(decoded.version()).isEqualTo(4);
        // then: the payload fails, each time it is asked for
        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(decoded::payload).isInstanceOfSatisfying(SerializationException.class, x -> {
                assertThat(x.typeName()).isEqualTo("contract.happened.v1");
                assertThat(x).hasMessageContaining("'contract.happened.v1' (version 4 of stream '" + STREAM.value()
                        + "')").hasMessageContaining(Happened.class.getName())
                        .hasMessageContaining("RedisHotTier.invalidate(id)");
            });
        }
        assertThat(io.modularddd.core.internal.StoredEventAccess.isPayloadDecoded(decoded)).isFalse();
    }

    @ParameterizedTest
    @MethodSource("codecs")
    void a_truncated_member_or_bytes_after_the_envelope_are_refused_while_reading_it(HotTierFormat format,
                                                                                    HotTierCompression compression) {
        HotTierCodec codec = codec(format, compression);
        StoredEvent e = stored(new Happened("cut me short", 5), EventMetadata.empty(), 1, Instant.EPOCH);
        byte[] plain = codec(format, HotTierCompression.none()).encode(e);
        for (int cut = 1; cut < plain.length - 1; cut++) {
            byte[] truncated = java.util.Arrays.copyOf(plain, plain.length - cut);
            assertThatThrownBy(() -> codec.decode(STREAM, truncated)).as("%d bytes cut", cut)
                    .isInstanceOf(SerializationException.class);
        }
        byte[] longer = java.util.Arrays.copyOf(plain, plain.length + 1);
        longer[plain.length] = format == HotTierFormat.JSON ? (byte) '1' : 0x01;
        assertThatThrownBy(() -> codec.decode(STREAM, longer)).isInstanceOf(SerializationException.class)
                .hasMessageContaining("bytes follow its envelope");
    }

    @Test
    void a_null_payload_is_refused_while_reading_the_envelope() throws Exception {
        // JSON: the array's last element is null
        byte[] json = "\u0002[1,1,101,1,2,\"Order\",\"contract.happened.v1\",0,0,{},null]"
                .getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> codec(HotTierFormat.JSON, HotTierCompression.none()).decode(STREAM, json))
                .isInstanceOf(SerializationException.class).hasMessageContaining("payload is null");
        // MessagePack: the same with nil
        org.msgpack.core.MessageBufferPacker packer = org.msgpack.core.MessagePack.newDefaultBufferPacker();
        packer.packArrayHeader(11).packInt(1).packInt(1).packInt(101).packLong(1).packLong(2).packString("Order")
                .packString("contract.happened.v1").packInt(0).packInt(0).packMapHeader(0).packNil();
        byte[] body = packer.toByteArray();
        byte[] msgpack = new byte[body.length + 1];
        msgpack[0] = 1;
        System.arraycopy(body, 0, msgpack, 1, body.length);
        assertThatThrownBy(() -> codec(HotTierFormat.MESSAGE_PACK, HotTierCompression.none()).decode(STREAM, msgpack))
                .isInstanceOf(SerializationException.class).hasMessageContaining("payload is null");
    }

    /** An event type whose payload is a scalar (a string), not an object. */
    enum Signal {
        GO, STOP
    }

    @ParameterizedTest
    @MethodSource("codecs")
    void a_scalar_payload_is_located_and_decoded_lazily_too(HotTierFormat format, HotTierCompression compression) {
        EventTypeRegistry registry = EventTypeRegistry.builder().register("signal.v1", Signal.class).build();
        HotTierCodec codec = HotTierCodec.of(registry, format, compression);
        StoredEvent e = new StoredEvent(1, UUID.randomUUID(), STREAM, "Light", "signal.v1", Signal.STOP,
                EventMetadata.empty(), 1, Instant.EPOCH);
        StoredEvent decoded = codec.decode(STREAM, codec.encode(e));
        assertThat(io.modularddd.core.internal.StoredEventAccess.isPayloadDecoded(decoded)).isFalse();
        assertThat(decoded.payload()).isEqualTo(Signal.STOP);
        assertThat(decoded).isEqualTo(e);
    }

    @ParameterizedTest
    @MethodSource("codecs")
    void members_of_more_types_than_the_codec_remembers_decode_to_their_own_names_and_classes(
            HotTierFormat format, HotTierCompression compression) {
        // given: 12 type names of equal length (more than the 8 the codec keeps), alternating between two
        // classes, under 12 aggregate types, interleaved
        EventTypeRegistry.Builder builder = EventTypeRegistry.builder().register("t.happened", Happened.class)
                .register("t.blob", Blob.class);
        for (int i = 10; i < 22; i++) {
            builder.alias("type.v" + i, i % 2 == 0 ? Happened.class : Blob.class);
        }
        EventTypeRegistry registry = builder.build();
        HotTierCodec codec = HotTierCodec.of(registry, format, compression);
        List<StoredEvent> events = new java.util.ArrayList<>();
        for (int round = 0; round < 3; round++) {
            for (int i = 10; i < 22; i++) {
                Object payload = i % 2 == 0 ? new Happened("h" + i, i) : new Blob("b" + i);
                events.add(new StoredEvent(events.size() + 1, UUID.randomUUID(), STREAM, "Aggregate" + (31 - i),
                        "type.v" + i, payload, EventMetadata.empty(), events.size() + 1, Instant.EPOCH));
            }
        }
        // when / then
        for (StoredEvent e : events) {
            StoredEvent decoded = codec.decode(STREAM, codec.encode(e));
            assertThat(decoded.eventType()).isEqualTo(e.eventType());
            assertThat(decoded.aggregateType()).isEqualTo(e.aggregateType());
            assertThat(decoded.payload()).isEqualTo(e.payload());
        }
        // and a name the registry does not know is refused every time, between known ones
        EventTypeRegistry narrow = EventTypeRegistry.builder().register("type.v10", Happened.class).build();
        HotTierCodec narrowCodec = HotTierCodec.of(narrow, format, compression);
        for (int i = 0; i < 3; i++) {
            assertThat(narrowCodec.decode(STREAM, codec.encode(events.get(0))).payload()).isEqualTo(
                    events.get(0).payload());
            byte[] unknown = codec.encode(events.get(1));
            assertThatThrownBy(() -> narrowCodec.decode(STREAM, unknown)).isInstanceOf(UnknownEventTypeException.class);
        }
    }

    /** The event the golden members below were encoded from (by the eager codec, before ADR 0204). */
    private static StoredEvent golden(String text) {
        return new StoredEvent(107, UUID.fromString("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"),
                AggregateId.of("golden-1"), "Order", "contract.happened.v1", new Happened(text, -42),
                EventMetadata.empty().withCorrelationId("c-1").with("tenant", "t"), 7,
                Instant.parse("2024-05-06T07:08:09.123456Z"));
    }

    static Stream<Arguments> goldenMembers() {
        String shortText = "golden \u00fcn\u00efc\u00f6d\u00e9 \ud83d\ude80";
        String longText = (shortText + " ").repeat(8);
        return Stream.of(
                Arguments.of(HotTierFormat.MESSAGE_PACK, HotTierCompression.none(), shortText,
                        "019b01076bcf0f1e2d3c4b5a6978d38796a5b4c3d2e1f0a54f72646572b4636f6e74726163742e6861707065"
                        + "6e65642e7631ce663881d9ce0001e24082ae636f7272656c6174696f6e5f6964a3632d31a674656e616e74a1"
                        + "7482a474657874b7676f6c64656e20c3bc6ec3af63c3b664c3a920f09f9a80a16ed0d6"),
                Arguments.of(HotTierFormat.JSON, HotTierCompression.none(), shortText,
                        "025b312c372c3130372c313038393335373839363835353734323834302c2d38363736353635343336323834"
                        + "3630383031362c224f72646572222c22636f6e74726163742e68617070656e65642e7631222c313731343937"
                        + "393238392c3132333435362c7b22636f7272656c6174696f6e5f6964223a22632d31222c2274656e616e7422"
                        + "3a2274227d2c7b2274657874223a22676f6c64656e20c3bc6ec3af63c3b664c3a9205c75443833445c754445"
                        + "3830222c226e223a2d34327d5d"),
                Arguments.of(HotTierFormat.MESSAGE_PACK, HotTierCompression.lz4(0), longText,
                        "1100000124ff699b01076bcf0f1e2d3c4b5a6978d38796a5b4c3d2e1f0a54f72646572b4636f6e7472616374"
                        + "2e68617070656e65642e7631ce663881d9ce0001e24082ae636f7272656c6174696f6e5f6964a3632d31a674"
                        + "656e616e74a17482a474657874d9c0676f6c64656e20c3bc6ec3af63c3b664c3a920f09f9a80201800945020"
                        + "a16ed0d6"),
                Arguments.of(HotTierFormat.JSON, HotTierCompression.lz4(0), longText,
                        "120000019d705b312c372c31300400ff9838393335373839363835353734323834302c2d3836373635363534"
                        + "33363238343630383031362c224f72646572222c22636f6e74726163742e68617070656e65642e7631222c31"
                        + "3731343937393238392c3132333435362c7b22636f7272656c6174696f6e5f6964223a22632d31222c227465"
                        + "6e616e74223a2274227d2c7b2274657874223a22676f6c64656e20c3bc6ec3af63c3b664c3a9205c75443833"
                        + "445c7544453830202000cdb0222c226e223a2d34327d5d"));
    }

    @ParameterizedTest
    @MethodSource("goldenMembers")
    void members_written_before_lazy_decoding_still_decode_and_are_still_written_the_same_way(
            HotTierFormat format, HotTierCompression compression, String text, String hex) {
        // given: member bytes the eager codec wrote (envelope version 1), kept verbatim
        byte[] member = java.util.HexFormat.of().parseHex(hex);
        StoredEvent expected = golden(text);
        // when / then: any codec reads them; a codec of that format and compression writes the same bytes
        StoredEvent decoded = codec(HotTierFormat.MESSAGE_PACK, HotTierCompression.none())
                .decode(expected.aggregateId(), member);
        assertThat(decoded).isEqualTo(expected);
        assertThat(codec(format, compression).encode(expected)).isEqualTo(member);
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
        // when / then: without the module the event cannot be encoded; with the warm store's serializer,
        // whose mapper has it, it round-trips
        assertThatThrownBy(() -> HotTierCodec.of(registry, format, compression).encode(e))
                .isInstanceOf(RuntimeException.class);
        com.fasterxml.jackson.databind.ObjectMapper mapper = JacksonEventSerializer.newObjectMapper(
                new com.fasterxml.jackson.core.JsonFactory(), JacksonEventSerializer.DEFAULT_MAX_PAYLOAD_BYTES);
        mapper.registerModule(money);
        HotTierCodec withModule = HotTierCodec.of(JacksonEventSerializer.builder(registry).objectMapper(mapper).build(),
                format, compression);
        assertThat(withModule.decode(STREAM, withModule.encode(e)).payload()).isEqualTo(new Paid(new Money(1234)));
        // and so it does when the warm store's mapper is a JsonMapper (whose copyWith refuses other factories)
        com.fasterxml.jackson.databind.json.JsonMapper jsonMapper = com.fasterxml.jackson.databind.json.JsonMapper
                .builder().addModule(money).build();
        HotTierCodec fromJsonMapper = HotTierCodec.of(
                JacksonEventSerializer.builder(registry).objectMapper(jsonMapper).build(), format, compression);
        assertThat(fromJsonMapper.decode(STREAM, fromJsonMapper.encode(e)).payload())
                .isEqualTo(new Paid(new Money(1234)));
    }

    @ParameterizedTest
    @MethodSource("codecs")
    void the_hot_codec_follows_the_warm_mappers_configuration_beyond_modules(HotTierFormat format,
                                                                             HotTierCompression compression) {
        // given: a warm store whose mapper names properties in snake_case, so a payload carrying that
        // naming only reads back through a mapper with the same configuration
        EventTypeRegistry registry = EventTypeRegistry.builder().register("named.v1", Named.class).build();
        com.fasterxml.jackson.databind.ObjectMapper mapper = JacksonEventSerializer.newObjectMapper(
                new com.fasterxml.jackson.core.JsonFactory(), JacksonEventSerializer.DEFAULT_MAX_PAYLOAD_BYTES);
        mapper.setPropertyNamingStrategy(com.fasterxml.jackson.databind.PropertyNamingStrategies.SNAKE_CASE);
        HotTierCodec codec = HotTierCodec.of(JacksonEventSerializer.builder(registry).objectMapper(mapper).build(),
                HotTierFormat.JSON, HotTierCompression.none());
        StoredEvent e = new StoredEvent(1, UUID.randomUUID(), STREAM, "Order", "named.v1", new Named("x", 7),
                EventMetadata.empty(), 1, Instant.parse("2024-01-01T00:00:00Z"));
        // when
        byte[] member = codec.encode(e);
        // then: the member carries the warm store's naming, and round-trips
        assertThat(new String(member, StandardCharsets.UTF_8)).contains("\"first_name\"").doesNotContain("firstName");
        assertThat(codec.decode(STREAM, member).payload()).isEqualTo(new Named("x", 7));
        // and a codec of the given format/compression round-trips it too
        HotTierCodec other = HotTierCodec.of(JacksonEventSerializer.builder(registry).objectMapper(mapper).build(),
                format, compression);
        assertThat(other.decode(STREAM, other.encode(e)).payload()).isEqualTo(new Named("x", 7));
    }

    record Named(String firstName, int itemCount) {
    }

    // ------------------------------------------------------------------ issue 11

    @ParameterizedTest
    @MethodSource("codecs")
    void erased_and_upcast_events_keep_their_stored_type_name(HotTierFormat format, HotTierCompression compression) {
        HotTierCodec codec = codec(format, compression);
        Instant at = Instant.parse("2024-02-29T23:59:59.123456Z");
        StoredEvent erased = new StoredEvent(9, UUID.randomUUID(), STREAM, "Order",
                io.modularddd.core.ErasedEvent.TYPE, "contract.happened.v0", io.modularddd.core.ErasedEvent.INSTANCE,
                EventMetadata.empty(), 3, at);
        StoredEvent upcast = new StoredEvent(10, UUID.randomUUID(), STREAM, "Order", "contract.happened.v1",
                "contract.happened.v0", new Happened("now", 4), EventMetadata.empty().with("k", "v"), 4, at);
        assertThat(codec.decode(STREAM, codec.encode(erased))).isEqualTo(erased);
        StoredEvent read = codec.decode(STREAM, codec.encode(upcast));
        assertThat(read).isEqualTo(upcast);
        assertThat(read.storedEventType()).isEqualTo("contract.happened.v0");
        // an event read as it is stored keeps envelope 1: the same bytes as before envelope 2 existed
        StoredEvent plain = stored(new Happened("x", 1), EventMetadata.empty(), 1, at);
        assertThat(codec.decode(STREAM, codec.encode(plain)).isUpcast()).isFalse();
    }

    @Test
    void a_floor_marker_round_trips_and_is_never_decoded_as_an_event() {
        for (long v : new long[] {2, 255, 256, Integer.MAX_VALUE + 7L, TieredLimits.MAX_FLOOR_VERSION - 1}) {
            byte[] marker = HotTierCodec.floorMarker(v);
            assertThat(HotTierCodec.floorOf(marker)).isEqualTo(v);
            // exact: strictly between the version below and the first visible one
            assertThat(HotTierCodec.floorScore(v)).isLessThan(v).isGreaterThan(v - 1);
            assertThatThrownBy(() -> codec(HotTierFormat.MESSAGE_PACK, HotTierCompression.none())
                    .decode(STREAM, marker)).isInstanceOf(SerializationException.class);
        }
        byte[] member = codec(HotTierFormat.MESSAGE_PACK, HotTierCompression.none())
                .encode(stored(new Happened("x", 1), EventMetadata.empty(), 1, Instant.EPOCH));
        assertThat(HotTierCodec.floorOf(member)).isZero();
    }
}
