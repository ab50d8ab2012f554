package io.modularddd.eventstore.redis;

import io.modularddd.core.AggregateId;
import io.modularddd.core.EventMetadata;
import io.modularddd.core.StoredEvent;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * <b>An experiment, not library code.</b> Decodes an uncompressed MessagePack member of the hot tier
 * (the layout {@code HotTierCodec} documents: one header byte, then
 * {@code [1, version, position, idHigh, idLow, aggregateType, eventType, epochSecond, micros, {metadata}, payload]})
 * with a few lines of hand-written MessagePack reading (no allocation but the strings and the event), and
 * leaves the payload <em>undecoded</em>: the returned event's payload is
 * a {@link LazyPayload} holding the payload's byte range.
 *
 * <p>It answered one question for {@code docs/benchmarks.md}: how close to a bytes-only Redis read could
 * a hot-tier load get if payloads were decoded only when the caller asks for them. ADR 0204 then made
 * {@code HotTierCodec} do that for real (with every check); this experiment stays as the reference point
 * of a reader that checks nothing the real codec checks (registry, bounds, compression, the payload's
 * structure) beyond the envelope version.
 */
final class EnvelopeOnlyDecoder {

    /**
     * The payload's bytes inside a member, not decoded.
     *
     * @param member the member bytes
     * @param offset where the payload's MessagePack value starts
     * @param length its length
     */
    record LazyPayload(byte[] member, int offset, int length) {
    }

    private EnvelopeOnlyDecoder() {
    }

    /**
     * Decodes the envelope of an uncompressed MessagePack member.
     *
     * @param id     the stream the member was read from
     * @param member the member bytes
     * @return the event, its payload a {@link LazyPayload}
     * @throws IllegalArgumentException when the member is not such a member
     */
    static StoredEvent decode(AggregateId id, byte[] member) {
        if (member[0] != 1) {
            throw new IllegalArgumentException("not an uncompressed MessagePack member: header " + member[0]);
        }
        Cursor c = new Cursor(member, 1);
        if (c.arrayHeader() != 11 || c.integer() != 1) {
            throw new IllegalArgumentException("unknown envelope");
        }
        long version = c.integer();
        long position = c.integer();
        UUID eventId = new UUID(c.integer(), c.integer());
        String aggregateType = c.string();
        String eventType = c.string();
        long seconds = c.integer();
        long micros = c.integer();
        int entries = c.mapHeader();
        EventMetadata metadata;
        if (entries == 0) {
            metadata = EventMetadata.empty();
        } else {
            Map<String, String> map = new TreeMap<>();
            for (int i = 0; i < entries; i++) {
                map.put(c.string(), c.string());
            }
            metadata = EventMetadata.of(map);
        }
        // the payload is the array's last element: the rest of the member
        return new StoredEvent(position, eventId, id, aggregateType, eventType,
                new LazyPayload(member, c.at, member.length - c.at), metadata, version,
                Instant.ofEpochSecond(seconds, micros * 1_000));
    }

    /** Reads the few MessagePack types the envelope uses (integers, strings, array and map headers). */
    private static final class Cursor {
        private final byte[] b;
        private int at;

        Cursor(byte[] bytes, int start) {
            this.b = bytes;
            this.at = start;
        }

        private int u8() {
            return b[at++] & 0xFF;
        }

        private long be(int n) {
            long v = 0;
            for (int i = 0; i < n; i++) {
                v = v << 8 | (b[at++] & 0xFF);
            }
            return v;
        }

        int arrayHeader() {
            int t = u8();
            if ((t & 0xF0) == 0x90) {
                return t & 0x0F;
            }
            if (t == 0xDC) {
                return (int) be(2);
            }
            throw new IllegalArgumentException("expected an array at " + (at - 1));
        }

        int mapHeader() {
            int t = u8();
            if ((t & 0xF0) == 0x80) {
                return t & 0x0F;
            }
            if (t == 0xDE) {
                return (int) be(2);
            }
            throw new IllegalArgumentException("expected a map at " + (at - 1));
        }

        long integer() {
            int t = u8();
            if (t <= 0x7F) {
                return t;
            }
            if (t >= 0xE0) {
                return (byte) t;
            }
            return switch (t) {
                case 0xCC -> be(1);
                case 0xCD -> be(2);
                case 0xCE -> be(4);
                case 0xCF, 0xD3 -> be(8);
                case 0xD0 -> (byte) be(1);
                case 0xD1 -> (short) be(2);
                case 0xD2 -> (int) be(4);
                default -> throw new IllegalArgumentException("expected an integer at " + (at - 1));
            };
        }

        String string() {
            int t = u8();
            int n;
            if ((t & 0xE0) == 0xA0) {
                n = t & 0x1F;
            } else if (t == 0xD9) {
                n = (int) be(1);
            } else if (t == 0xDA) {
                n = (int) be(2);
            } else if (t == 0xDB) {
                n = (int) be(4);
            } else {
                throw new IllegalArgumentException("expected a string at " + (at - 1));
            }
            String s = new String(b, at, n, StandardCharsets.UTF_8);
            at += n;
            return s;
        }
    }
}
