package io.modularddd.eventstore.redis;

import io.modularddd.core.AggregateId;
import io.modularddd.core.ModularDddException;
import io.modularddd.core.snapshot.Snapshot;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.zip.CRC32C;

/**
 * The binary value of a snapshot in Redis: a small versioned envelope around the state bytes.
 *
 * <pre>
 * offset  size  field
 *  0      2     magic 'm' 's'
 *  2      1     format, 1
 *  3      8     version (big-endian)
 * 11      4     CRC32C of bytes 0..10          -- the header: what a save's compare-and-set reads
 * 15      4     schemaVersion
 * 19      8     createdAt, epoch seconds
 * 27      4     createdAt, nanoseconds
 * 31      2+n   aggregate type, UTF-8, length-prefixed
 *  .      2+n   aggregate id, UTF-8, length-prefixed
 *  .      4+n   state, length-prefixed
 *  .      4     CRC32C of everything before it
 * </pre>
 *
 * Why a checksum and the id: a value that is not ours (another application's key, a hand edit), a
 * truncated or bit-flipped one, or one written by a newer format must never be read as a snapshot
 * with wrong bytes. The magic and the format byte reject a foreign or future value cheaply, the
 * length prefixes and the exact total reject truncation, the trailing CRC rejects flipped bits in the
 * state, and the stored id rejects a value copied to another aggregate's key. The header has a
 * checksum of its own so that a save can trust the version it reads with {@code GETRANGE} without
 * fetching a state of megabytes.
 */
final class SnapshotCodec {

    static final byte MAGIC_0 = 'm';
    static final byte MAGIC_1 = 's';
    static final byte FORMAT = 1;
    /** The bytes a save reads to learn the stored version. */
    static final int HEADER_BYTES = 15;
    /** A peeked header: nothing stored. */
    static final long ABSENT = -1;
    /** A peeked header: a value that is not a snapshot of this format (replace it). */
    static final long DAMAGED = -2;

    private SnapshotCodec() {
    }

    /** A stored value that does not decode; the message says why, without the state's content. */
    static final class DamagedValueException extends Exception {
        private static final long serialVersionUID = 1L;

        DamagedValueException(String message) {
            super(message, null, false, false);
        }
    }

    static byte[] encode(Snapshot s) {
        byte[] type = s.aggregateType().getBytes(StandardCharsets.UTF_8);
        byte[] id = s.aggregateId().value().getBytes(StandardCharsets.UTF_8);
        byte[] state = s.state();
        ByteBuffer b = ByteBuffer.allocate(HEADER_BYTES + 4 + 8 + 4 + 2 + type.length + 2 + id.length + 4
                + state.length + 4);
        b.put(MAGIC_0).put(MAGIC_1).put(FORMAT).putLong(s.version());
        b.putInt(crc(b.array(), 0, 11));
        b.putInt(s.schemaVersion());
        b.putLong(s.createdAt().getEpochSecond()).putInt(s.createdAt().getNano());
        b.putShort((short) type.length).put(type);
        b.putShort((short) id.length).put(id);
        b.putInt(state.length).put(state);
        b.putInt(crc(b.array(), 0, b.position()));
        return b.array();
    }

    /**
     * Reads the version from a value's first {@link #HEADER_BYTES} bytes.
     *
     * @param header the bytes {@code GETRANGE key 0 14} returned (empty when the key is absent)
     * @return the version, {@link #ABSENT} or {@link #DAMAGED}
     */
    static long peekVersion(byte[] header) {
        if (header == null || header.length == 0) {
            return ABSENT;
        }
        if (header.length < HEADER_BYTES || header[0] != MAGIC_0 || header[1] != MAGIC_1 || header[2] != FORMAT) {
            return DAMAGED;
        }
        ByteBuffer b = ByteBuffer.wrap(header);
        long version = b.getLong(3);
        return b.getInt(11) == crc(header, 0, 11) && version >= 1 ? version : DAMAGED;
    }

    /**
     * Decodes a whole value.
     *
     * @param value    the stored bytes
     * @param expected the aggregate whose key held them
     * @return the snapshot
     * @throws DamagedValueException when the bytes are not a whole snapshot of {@code expected} in this format
     */
    static Snapshot decode(byte[] value, AggregateId expected) throws DamagedValueException {
        if (value.length < 3 || value[0] != MAGIC_0 || value[1] != MAGIC_1) {
            throw new DamagedValueException("it does not start with the snapshot marker (" + value.length
                    + " bytes; not a value this store wrote)");
        }
        if (value[2] != FORMAT) {
            throw new DamagedValueException("its format is " + (value[2] & 0xFF) + ", this version reads format "
                    + FORMAT);
        }
        ByteBuffer b = ByteBuffer.wrap(value);
        try {
            b.position(3);
            long version = b.getLong();
            if (b.getInt() != crc(value, 0, 11)) {
                throw new DamagedValueException("its header checksum does not match");
            }
            int schemaVersion = b.getInt();
            Instant createdAt = Instant.ofEpochSecond(b.getLong(), b.getInt());
            String type = utf8(b, Short.toUnsignedInt(b.getShort()));
            String id = utf8(b, Short.toUnsignedInt(b.getShort()));
            int stateLength = b.getInt();
            if (stateLength < 0 || stateLength > b.remaining() - 4) {
                throw new DamagedValueException("its state length " + stateLength + " exceeds the "
                        + (b.remaining() - 4) + " bytes left");
            }
            byte[] state = new byte[stateLength];
            b.get(state);
            int end = b.position();
            if (b.remaining() != 4) {
                throw new DamagedValueException("it is " + value.length + " bytes, but its fields end at " + (end + 4));
            }
            if (b.getInt() != crc(value, 0, end)) {
                throw new DamagedValueException("its checksum does not match (bytes changed after it was written)");
            }
            if (!id.equals(expected.value())) {
                throw new DamagedValueException("it belongs to another aggregate");
            }
            return new Snapshot(AggregateId.of(id), type, version, schemaVersion, state, createdAt);
        } catch (BufferUnderflowException | IllegalArgumentException | DateTimeException e) {
            throw new DamagedValueException("it is cut short or malformed (" + value.length + " bytes)");
        } catch (ModularDddException e) {
            throw new DamagedValueException("a field is invalid: " + e.getMessage());
        }
    }

    private static String utf8(ByteBuffer b, int length) throws DamagedValueException {
        if (length > b.remaining()) {
            throw new DamagedValueException("a text field of " + length + " bytes exceeds the " + b.remaining()
                    + " bytes left");
        }
        ByteBuffer slice = b.slice(b.position(), length);
        b.position(b.position() + length);
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(slice).toString();
        } catch (CharacterCodingException e) {
            throw new DamagedValueException("a text field is not UTF-8");
        }
    }

    private static int crc(byte[] bytes, int from, int to) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, from, to - from);
        return (int) crc.getValue();
    }
}
