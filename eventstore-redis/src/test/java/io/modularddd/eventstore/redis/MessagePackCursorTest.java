package io.modularddd.eventstore.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessageUnpacker;

/**
 * The hand-written MessagePack reader the codec uses to find a payload's bytes, checked against
 * msgpack-core (the library jackson-dataformat-msgpack is built on) on random values of every type.
 */
class MessagePackCursorTest {

    /** Packs one random value: every MessagePack type family, nested up to {@code depth}. */
    private static void packRandom(MessageBufferPacker p, Random r, int depth) throws IOException {
        int kind = r.nextInt(depth > 0 ? 12 : 10);
        switch (kind) {
            case 0 -> p.packNil();
            case 1 -> p.packBoolean(r.nextBoolean());
            case 2 -> p.packLong(randomLong(r));
            case 3 -> p.packBigInteger(BigInteger.ONE.shiftLeft(63).add(BigInteger.valueOf(r.nextInt(1000))));
            case 4 -> p.packFloat(r.nextFloat());
            case 5 -> p.packDouble(r.nextDouble());
            case 6 -> p.packString(randomText(r));
            case 7 -> {
                byte[] bin = new byte[randomLength(r)];
                r.nextBytes(bin);
                p.packBinaryHeader(bin.length).writePayload(bin);
            }
            case 8 -> {
                // fixext 1/2/4/8/16 and ext 8/16/32
                int[] lengths = {1, 2, 4, 8, 16, 0, 3, 17, 255, 256, 70_000};
                int n = lengths[r.nextInt(lengths.length)];
                byte[] data = new byte[n];
                r.nextBytes(data);
                p.packExtensionTypeHeader((byte) r.nextInt(128), n).writePayload(data);
            }
            case 9 -> p.packString(r.nextInt(20) == 0 ? "x".repeat(70_000) : "");
            case 10 -> {
                int n = randomSize(r);
                p.packArrayHeader(n);
                for (int i = 0; i < n; i++) {
                    packRandom(p, r, depth - 1);
                }
            }
            default -> {
                int n = randomSize(r);
                p.packMapHeader(n);
                for (int i = 0; i < n; i++) {
                    packRandom(p, r, depth - 1);
                    packRandom(p, r, depth - 1);
                }
            }
        }
    }

    private static long randomLong(Random r) {
        return switch (r.nextInt(6)) {
            case 0 -> r.nextInt(128) - 32;                      // fixints
            case 1 -> r.nextInt(1 << 8) - (1 << 7);             // 8 bit
            case 2 -> r.nextInt(1 << 16) - (1 << 15);           // 16 bit
            case 3 -> r.nextInt();                              // 32 bit
            case 4 -> r.nextLong();                             // 64 bit
            default -> r.nextBoolean() ? Long.MAX_VALUE : Long.MIN_VALUE;
        };
    }

    private static int randomLength(Random r) {
        int[] lengths = {0, 1, 31, 32, 255, 256, 65_535, 65_536};
        return r.nextInt(4) == 0 ? lengths[r.nextInt(lengths.length)] : r.nextInt(40);
    }

    private static int randomSize(Random r) {
        return r.nextInt(10) == 0 ? 16 + r.nextInt(3) : r.nextInt(6);
    }

    private static String randomText(Random r) {
        StringBuilder b = new StringBuilder();
        int n = randomLength(r);
        for (int i = 0; i < n; i++) {
            b.append(switch (r.nextInt(4)) {
                case 0 -> "é";
                case 1 -> "🚀";
                default -> (char) ('a' + r.nextInt(26));
            });
        }
        return b.toString();
    }

    private static byte[] randomValue(long seed) throws IOException {
        MessageBufferPacker p = MessagePack.newDefaultBufferPacker();
        packRandom(p, new Random(seed), 4);
        return p.toByteArray();
    }

    @Property(tries = 500)
    void skipping_a_value_ends_exactly_where_msgpack_core_ends_it(@ForAll long seed,
                                                                  @ForAll @IntRange(max = 7) int before)
            throws IOException {
        // given: the value between other bytes, as a payload sits inside a member
        byte[] value = randomValue(seed);
        byte[] bytes = new byte[before + value.length + 3];
        Arrays.fill(bytes, (byte) 0xC1);
        System.arraycopy(value, 0, bytes, before, value.length);
        MessageUnpacker reference = MessagePack.newDefaultUnpacker(value);
        reference.skipValue();
        // when
        MessagePackCursor c = new MessagePackCursor(bytes, before, value.length + 3);
        c.skipValue();
        // then
        assertThat(reference.getTotalReadBytes()).isEqualTo(value.length);
        assertThat(c.position()).isEqualTo(before + value.length);
        assertThat(c.atEnd()).isFalse();
    }

    @Property(tries = 300)
    void a_value_cut_short_is_refused_never_read_past_its_end(@ForAll long seed, @ForAll @IntRange(min = 1) int cut)
            throws IOException {
        byte[] value = randomValue(seed);
        int keep = cut % value.length; // 0 .. length-1 bytes: always too short
        byte[] bytes = Arrays.copyOf(value, value.length + 4); // bytes after the cut exist but are out of bounds
        MessagePackCursor c = new MessagePackCursor(bytes, 0, keep);
        assertThatThrownBy(c::skipValue).isInstanceOf(IllegalArgumentException.class);
    }

    @Property(tries = 500)
    void integers_and_strings_read_as_msgpack_core_wrote_them(@ForAll long n, @ForAll String text)
            throws IOException {
        MessageBufferPacker p = MessagePack.newDefaultBufferPacker();
        p.packLong(n).packString(text).packArrayHeader(11).packMapHeader(3);
        byte[] bytes = p.toByteArray();
        MessageUnpacker reference = MessagePack.newDefaultUnpacker(bytes);
        reference.unpackLong();
        String expected = reference.unpackString(); // a lone surrogate in `text` was packed as a replacement
        MessagePackCursor c = new MessagePackCursor(bytes, 0, bytes.length);
        assertThat(c.integer()).isEqualTo(n);
        assertThat(c.string()).isEqualTo(expected);
        assertThat(c.arrayHeader()).isEqualTo(11);
        assertThat(c.mapHeader()).isEqualTo(3);
        assertThat(c.atEnd()).isTrue();
    }

    @Test
    void an_unsigned_integer_above_long_max_and_the_unused_type_byte_are_refused() throws IOException {
        MessageBufferPacker p = MessagePack.newDefaultBufferPacker();
        p.packBigInteger(BigInteger.ONE.shiftLeft(63));
        byte[] big = p.toByteArray();
        assertThatThrownBy(() -> new MessagePackCursor(big, 0, big.length).integer())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("above Long.MAX_VALUE");
        byte[] unused = {(byte) 0xC1};
        assertThatThrownBy(() -> new MessagePackCursor(unused, 0, 1).skipValue())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0xc1");
    }

    @Test
    void a_header_declaring_billions_of_elements_ends_at_the_end_of_the_bytes() {
        // array 32 and map 32 headers claiming 2^32 - 1 elements, followed by three bytes
        byte[] array = {(byte) 0xDD, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 1, 2, 3};
        byte[] map = {(byte) 0xDF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 1, 2, 3};
        for (byte[] bytes : new byte[][] {array, map}) {
            assertThatThrownBy(() -> new MessagePackCursor(bytes, 0, bytes.length).skipValue())
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ends in the middle");
        }
        assertThatThrownBy(() -> new MessagePackCursor(array, 0, array.length).arrayHeader())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("declares 4294967295 elements");
        assertThatThrownBy(() -> new MessagePackCursor(map, 0, map.length).mapHeader())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("declares 4294967295 elements");
    }
}
