package io.modularddd.eventstore.redis;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads the few MessagePack types of a member's envelope (integers, strings, array and map headers)
 * straight from the member's bytes, and skips over one whole value of any type without decoding it,
 * so the payload's byte range is known without data-binding it. Every read is bounds-checked against
 * the end of the body; anything malformed is an {@link IllegalArgumentException}, which the codec
 * reports as a damaged member.
 *
 * <p>Why not Jackson or msgpack-core for this: jackson-dataformat-msgpack's parser reports no byte
 * offsets ({@code JsonLocation.getByteOffset()} is {@code -1}), and msgpack-core's
 * {@code MessageUnpacker.unpackString} allocates a 16 KiB decode buffer per unpacker, i.e. per member.
 * Strings are decoded with {@code new String(bytes, UTF_8)}, which replaces malformed input as
 * msgpack-core's default configuration does.
 *
 * <p>Not thread-safe; one instance reads one member.
 */
final class MessagePackCursor {

    private static final int NIL = 0xC0;

    private final byte[] bytes;
    private final int end;
    private int at;

    /**
     * Reads {@code bytes[offset, offset + length)}.
     */
    MessagePackCursor(byte[] bytes, int offset, int length) {
        this.bytes = bytes;
        this.at = offset;
        this.end = offset + length;
    }

    /** Where the next value starts (an index into the byte array). */
    int position() {
        return at;
    }

    /** True when every byte has been read. */
    boolean atEnd() {
        return at == end;
    }

    /** True when the next value is {@code nil}; reads nothing. */
    boolean nextIsNil() {
        return at < end && (bytes[at] & 0xFF) == NIL;
    }

    int arrayHeader() {
        int t = u8();
        if ((t & 0xF0) == 0x90) {
            return t & 0x0F;
        }
        return switch (t) {
            case 0xDC -> (int) be(2);
            case 0xDD -> count(be(4));
            default -> throw malformed("an array", t);
        };
    }

    int mapHeader() {
        int t = u8();
        if ((t & 0xF0) == 0x80) {
            return t & 0x0F;
        }
        return switch (t) {
            case 0xDE -> (int) be(2);
            case 0xDF -> count(be(4));
            default -> throw malformed("a map", t);
        };
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
            case 0xCF -> {
                long v = be(8);
                if (v < 0) {
                    throw new IllegalArgumentException("an unsigned 64-bit integer above Long.MAX_VALUE at "
                            + (at - 9));
                }
                yield v;
            }
            case 0xD0 -> (byte) be(1);
            case 0xD1 -> (short) be(2);
            case 0xD2 -> (int) be(4);
            case 0xD3 -> be(8);
            default -> throw malformed("an integer", t);
        };
    }

    String string() {
        return string(null);
    }

    /**
     * Reads a string, returning one of {@code known} without decoding it when its UTF-8 bytes are that
     * entry's. Members of a stream repeat a few type names; this spares decoding and hashing them.
     */
    String string(KnownString[] known) {
        int n = stringHeader();
        int start = at;
        skip(n);
        if (known != null) {
            for (KnownString k : known) {
                if (k.utf8.length == n && Arrays.equals(bytes, start, start + n, k.utf8, 0, n)) {
                    return k.value;
                }
            }
        }
        return new String(bytes, start, n, StandardCharsets.UTF_8);
    }

    /** A string and its UTF-8 bytes. */
    record KnownString(String value, byte[] utf8) {
        static KnownString of(String value) {
            return new KnownString(value, value.getBytes(StandardCharsets.UTF_8));
        }
    }

    private int stringHeader() {
        int t = u8();
        long n;
        if ((t & 0xE0) == 0xA0) {
            n = t & 0x1F;
        } else {
            n = switch (t) {
                case 0xD9 -> be(1);
                case 0xDA -> be(2);
                case 0xDB -> be(4);
                default -> throw malformed("a string", t);
            };
        }
        if (n > end - at) {
            throw new IllegalArgumentException("a string of " + n + " bytes at " + at + " runs past the end ("
                    + (end - at) + " bytes left)");
        }
        return (int) n;
    }

    /**
     * Skips one value of any type, nested arrays and maps included, without decoding it. Iterative, so
     * deep nesting cannot overflow the stack; every iteration consumes at least one byte, so a header that
     * declares more elements than there are bytes ends at the end of the body.
     */
    void skipValue() {
        long remaining = 1;
        while (remaining > 0) {
            remaining--;
            int t = u8();
            if (t <= 0x7F || t >= 0xE0) {
                continue; // positive or negative fixint
            }
            if (t <= 0x8F) {
                remaining += 2L * (t & 0x0F); // fixmap: keys and values
            } else if (t <= 0x9F) {
                remaining += t & 0x0F; // fixarray
            } else if (t <= 0xBF) {
                skip(t & 0x1F); // fixstr
            } else {
                remaining += skipTyped(t);
            }
        }
    }

    /** Skips the body of a value whose type byte is in 0xC0..0xDF; returns the number of nested values. */
    private long skipTyped(int t) {
        switch (t) {
            case 0xC0, 0xC2, 0xC3 -> { }                        // nil, false, true
            case 0xC4, 0xD9 -> skip(be(1));                       // bin 8, str 8
            case 0xC5, 0xDA -> skip(be(2));                       // bin 16, str 16
            case 0xC6, 0xDB -> skip(be(4));                       // bin 32, str 32
            case 0xC7 -> skip(be(1) + 1);                         // ext 8: length, type, data
            case 0xC8 -> skip(be(2) + 1);                         // ext 16
            case 0xC9 -> skip(be(4) + 1);                         // ext 32
            case 0xCA -> skip(4);                                 // float 32
            case 0xCB -> skip(8);                                 // float 64
            case 0xCC, 0xD0 -> skip(1);                           // uint 8, int 8
            case 0xCD, 0xD1 -> skip(2);                           // uint 16, int 16
            case 0xCE, 0xD2 -> skip(4);                           // uint 32, int 32
            case 0xCF, 0xD3 -> skip(8);                           // uint 64, int 64
            case 0xD4 -> skip(2);                                 // fixext 1: type, data
            case 0xD5 -> skip(3);                                 // fixext 2
            case 0xD6 -> skip(5);                                 // fixext 4
            case 0xD7 -> skip(9);                                 // fixext 8
            case 0xD8 -> skip(17);                                // fixext 16
            case 0xDC -> {
                return be(2);                                     // array 16
            }
            case 0xDD -> {
                return be(4);                                     // array 32
            }
            case 0xDE -> {
                return 2 * be(2);                                 // map 16
            }
            case 0xDF -> {
                return 2 * be(4);                                 // map 32
            }
            default -> throw malformed("a value", t);             // 0xC1 is never used
        }
        return 0;
    }

    private int count(long n) {
        if (n > end - at) {
            throw new IllegalArgumentException("a header declares " + n + " elements but only " + (end - at)
                    + " bytes follow");
        }
        return (int) n;
    }

    private void skip(long n) {
        if (n > end - at) {
            throw new IllegalArgumentException("a value of " + n + " bytes at " + at + " runs past the end ("
                    + (end - at) + " bytes left)");
        }
        at += (int) n;
    }

    private int u8() {
        if (at >= end) {
            throw new IllegalArgumentException("the body ends in the middle of a value");
        }
        return bytes[at++] & 0xFF;
    }

    /** Reads an unsigned big-endian number of {@code n} bytes (n = 8 may come out negative). */
    private long be(int n) {
        if (n > end - at) {
            throw new IllegalArgumentException("the body ends in the middle of a value");
        }
        long v = 0;
        for (int i = 0; i < n; i++) {
            v = v << 8 | (bytes[at++] & 0xFF);
        }
        return v;
    }

    private IllegalArgumentException malformed(String expected, int type) {
        return new IllegalArgumentException("expected " + expected + " but found type byte 0x"
                + Integer.toHexString(type) + " at " + (at - 1));
    }
}
