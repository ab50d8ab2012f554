package io.modularddd.eventstore.redis;

import io.modularddd.core.cache.CacheEntry;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Set;
import java.util.zip.CRC32C;

/**
 * The one Redis string that holds an L2 cache entry: a checksummed header with the canonical key, the
 * expiry and the tags, then the value's bytes unchanged.
 *
 * <pre>
 * 'C' 1                                  magic and format
 * int64  expiresAt (epoch milliseconds)
 * int32  n, n bytes                      canonical key, UTF-8
 * uint8  t, t times (uint16 n, n bytes)  tags, UTF-8
 * int32  payload length
 * int32  CRC32C of everything above
 * payload
 * </pre>
 * All integers are big-endian. A value that is too short, has another magic or format, a header whose
 * checksum fails, or a payload length that does not match is damaged: {@link #decode} answers
 * {@code null} and the tier reports a miss (the next put replaces it). The payload is not checksummed:
 * it is the engine's JSON, and bytes that no longer decode are a miss there.
 */
final class CacheValueCodec {

    static final byte MAGIC = 'C';
    static final byte FORMAT = 1;
    private static final int FIXED = 2 + 8 + 4 + 1 + 4 + 4;

    private CacheValueCodec() {
    }

    static byte[] encode(CacheEntry entry) {
        byte[] canonical = entry.canonicalKey().getBytes(StandardCharsets.UTF_8);
        Set<String> tags = entry.tags();
        byte[][] tagBytes = new byte[tags.size()][];
        int size = FIXED + canonical.length;
        int i = 0;
        for (String tag : tags) {
            tagBytes[i] = tag.getBytes(StandardCharsets.UTF_8);
            size += 2 + tagBytes[i].length;
            i++;
        }
        byte[] payload = entry.bytes();
        ByteBuffer b = ByteBuffer.allocate(size + payload.length);
        b.put(MAGIC).put(FORMAT).putLong(entry.expiresAt().toEpochMilli()).putInt(canonical.length).put(canonical);
        b.put((byte) tagBytes.length);
        for (byte[] t : tagBytes) {
            b.putShort((short) t.length).put(t);
        }
        b.putInt(payload.length);
        CRC32C crc = new CRC32C();
        crc.update(b.array(), 0, b.position());
        b.putInt((int) crc.getValue());
        b.put(payload);
        return b.array();
    }

    /**
     * Reads an entry stored under {@code canonical}.
     *
     * @param value     the stored string
     * @param canonical the canonical key asked for
     * @param nowMillis the current time
     * @return the entry, or {@code null} when the value is damaged, stored under another canonical key,
     *         or expired
     */
    static CacheEntry decode(byte[] value, String canonical, long nowMillis) {
        try {
            ByteBuffer b = ByteBuffer.wrap(value);
            if (value.length < FIXED || b.get() != MAGIC || b.get() != FORMAT) {
                return null;
            }
            long expiresAt = b.getLong();
            int keyLength = b.getInt();
            if (keyLength < 0 || keyLength > b.remaining()) {
                return null;
            }
            int keyStart = b.position();
            b.position(keyStart + keyLength);
            int tagCount = b.get() & 0xFF;
            int[] tagStarts = new int[tagCount];
            int[] tagLengths = new int[tagCount];
            for (int i = 0; i < tagCount; i++) {
                tagLengths[i] = b.getShort() & 0xFFFF;
                tagStarts[i] = b.position();
                b.position(tagStarts[i] + tagLengths[i]);
            }
            int payloadLength = b.getInt();
            int headerEnd = b.position();
            int stored = b.getInt();
            if (payloadLength != b.remaining()) {
                return null;
            }
            CRC32C crc = new CRC32C();
            crc.update(value, 0, headerEnd);
            if ((int) crc.getValue() != stored) {
                return null;
            }
            if (!sameKey(value, keyStart, keyLength, canonical) || nowMillis >= expiresAt) {
                return null;
            }
            String[] tags = new String[tagCount];
            for (int i = 0; i < tagCount; i++) {
                tags[i] = new String(value, tagStarts[i], tagLengths[i], StandardCharsets.UTF_8);
            }
            // Set.of is immutable, so CacheEntry.stored keeps it as is; a duplicate tag throws: damaged
            return CacheEntry.stored(canonical, Arrays.copyOfRange(value, b.position(), value.length),
                    Instant.ofEpochMilli(expiresAt), Set.of(tags));
        } catch (RuntimeException e) {
            return null; // a length pointing past the end, a duplicate tag: damaged
        }
    }

    /** Whether the stored UTF-8 bytes are the canonical key, without decoding them. */
    private static boolean sameKey(byte[] value, int start, int length, String canonical) {
        byte[] wanted = canonical.getBytes(StandardCharsets.UTF_8);
        return wanted.length == length && Arrays.equals(value, start, start + length, wanted, 0, length);
    }
}
