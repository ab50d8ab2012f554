package io.modularddd.eventstore.redis;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.Module;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.modularddd.core.AggregateId;
import io.modularddd.core.EventMetadata;
import io.modularddd.core.ModularDddException;
import io.modularddd.core.SerializationException;
import io.modularddd.core.StoredEvent;
import io.modularddd.core.UnknownEventTypeException;
import io.modularddd.core.serialization.EventTypeRegistry;
import io.modularddd.core.serialization.JacksonEventSerializer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.TreeMap;
import java.util.UUID;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Exception;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;
import org.msgpack.jackson.dataformat.MessagePackFactory;

/**
 * Encodes a stored event into the bytes of one sorted-set member and back. Public so benchmarks can
 * measure each {@link HotTierFormat} and {@link HotTierCompression} (bytes and time per event);
 * the hot tier uses it internally.
 *
 * <h2>Member layout</h2>
 * One header byte, then the body. The header's low nibble is the format ({@code 1} MessagePack,
 * {@code 2} JSON); bit {@code 0x10} marks an LZ4-compressed body, which is then a 4-byte big-endian
 * uncompressed length followed by an LZ4 block. The uncompressed body is one array in the chosen
 * format:
 * <pre>[1, version, position, idHigh, idLow, aggregateType, eventType, epochSecond, micros, {metadata}, payload]</pre>
 * The stream id is not stored: it is implied by the key. The payload is written inline by Jackson
 * (an object, not an escaped string); metadata entries are sorted, map-valued payload properties
 * are written in key order, and the LZ4 implementation is the pure-Java one, so the same event
 * always encodes to the same bytes — which makes re-writing a version idempotent in the sorted set.
 *
 * <p>Decoding resolves the payload class only through the {@link EventTypeRegistry} and reads with
 * the same bounded-read settings as {@link JacksonEventSerializer}; compressed lengths are checked
 * before anything is allocated. Instances are immutable and thread-safe.
 */
public final class HotTierCodec {

    /** The largest member decoded, in bytes (64 MiB); anything larger is refused as corrupt. */
    public static final int MAX_MEMBER_BYTES = 64 * 1024 * 1024;

    private static final int ENVELOPE_VERSION = 1;
    private static final int COMPRESSED = 0x10;
    private static final int LENGTH_BYTES = 4;
    private static final String CORRUPT = "hot-tier member";
    private static final LZ4Factory LZ4 = LZ4Factory.safeInstance();

    private final EventTypeRegistry registry;
    private final HotTierFormat format;
    private final HotTierCompression compression;
    private final Mapper writeMapper;
    private final Mapper msgpack;
    private final Mapper json;
    private final LZ4Compressor compressor = LZ4.fastCompressor();
    private final LZ4SafeDecompressor decompressor = LZ4.safeDecompressor();

    private HotTierCodec(EventTypeRegistry registry, HotTierFormat format, HotTierCompression compression,
                         List<Module> modules) {
        this.registry = registry;
        this.format = format;
        this.compression = compression;
        MessagePackFactory factory = new MessagePackFactory();
        // no ThreadLocal buffer reuse: every generator and parser owns its buffers
        factory.setReuseResourceInGenerator(false);
        factory.setReuseResourceInParser(false);
        this.msgpack = new Mapper(factory, modules);
        this.json = new Mapper(new JsonFactory(), modules);
        this.writeMapper = format == HotTierFormat.JSON ? json : msgpack;
    }

    /**
     * Creates a codec.
     *
     * @param registry    the event types; only these are decoded
     * @param format      the encoding of new members
     * @param compression whether large members are compressed
     * @return the codec
     * @throws NullPointerException when an argument is null
     */
    public static HotTierCodec of(EventTypeRegistry registry, HotTierFormat format, HotTierCompression compression) {
        return of(registry, format, compression, List.of());
    }

    /**
     * Creates a codec whose payload mappers also register Jackson modules: the same modules the
     * application's {@code JacksonEventSerializer} uses for its event types (custom value types, Kotlin,
     * ...), so every event the warm tier can store, the hot tier can cache.
     *
     * @param registry    the event types; only these are decoded
     * @param format      the encoding of new members
     * @param compression whether large members are compressed
     * @param modules     Jackson modules to register, in order
     * @return the codec
     * @throws NullPointerException when an argument or a module is null
     */
    public static HotTierCodec of(EventTypeRegistry registry, HotTierFormat format, HotTierCompression compression,
                                  List<Module> modules) {
        return new HotTierCodec(Objects.requireNonNull(registry, "registry"), Objects.requireNonNull(format, "format"),
                Objects.requireNonNull(compression, "compression"), List.copyOf(modules));
    }

    /**
     * Returns the format of new members.
     *
     * @return the format
     */
    public HotTierFormat format() {
        return format;
    }

    /**
     * Returns the compression of new members.
     *
     * @return the compression
     */
    public HotTierCompression compression() {
        return compression;
    }

    /**
     * Returns the registry that names the event types.
     *
     * @return the registry
     */
    public EventTypeRegistry registry() {
        return registry;
    }

    /**
     * Encodes a stored event.
     *
     * @param event the event
     * @return the member bytes
     * @throws io.modularddd.core.UnknownEventTypeException when the event type is not registered
     * @throws SerializationException when the payload cannot be written
     */
    public byte[] encode(StoredEvent event) {
        return encode(event.position(), event.eventId(), event.aggregateType(), event.eventType(), event.payload(),
                event.metadata(), event.version(), event.occurredAt());
    }

    byte[] encode(long position, UUID eventId, String aggregateType, String eventType, Object payload,
                  EventMetadata metadata, long version, Instant occurredAt) {
        registry.classOf(eventType); // unknown names fail here, not on every later read
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        out.write(format.id());
        try (JsonGenerator g = writeMapper.mapper.createGenerator(out)) {
            g.writeStartArray();
            g.writeNumber(ENVELOPE_VERSION);
            g.writeNumber(version);
            g.writeNumber(position);
            g.writeNumber(eventId.getMostSignificantBits());
            g.writeNumber(eventId.getLeastSignificantBits());
            g.writeString(aggregateType);
            g.writeString(eventType);
            g.writeNumber(occurredAt.getEpochSecond());
            g.writeNumber(occurredAt.getNano() / 1_000);
            g.writeStartObject();
            for (var e : metadata.entries().entrySet()) {
                g.writeStringField(e.getKey(), e.getValue());
            }
            g.writeEndObject();
            writeMapper.writers.get(payload.getClass()).writeValue(g, payload);
            g.writeEndArray();
        } catch (IOException | RuntimeException e) {
            if (e instanceof ModularDddException m) {
                throw m;
            }
            throw new SerializationException(eventType, "Could not encode event '" + eventType + "' ("
                    + payload.getClass().getName() + ") for the Redis hot tier as " + format + ": "
                    + e.getMessage(), e);
        }
        byte[] plain = out.toByteArray();
        if (compression instanceof HotTierCompression.Lz4 lz4 && plain.length - 1 > lz4.thresholdBytes()) {
            return compress(plain);
        }
        return plain;
    }

    private byte[] compress(byte[] plain) {
        int bodyLength = plain.length - 1;
        int max = compressor.maxCompressedLength(bodyLength);
        byte[] out = new byte[1 + LENGTH_BYTES + max];
        int written = compressor.compress(plain, 1, bodyLength, out, 1 + LENGTH_BYTES, max);
        if (1 + LENGTH_BYTES + written >= plain.length) {
            return plain; // incompressible: keep it as it is
        }
        out[0] = (byte) (plain[0] | COMPRESSED);
        out[1] = (byte) (bodyLength >>> 24);
        out[2] = (byte) (bodyLength >>> 16);
        out[3] = (byte) (bodyLength >>> 8);
        out[4] = (byte) bodyLength;
        return java.util.Arrays.copyOf(out, 1 + LENGTH_BYTES + written);
    }

    /**
     * Decodes a member.
     *
     * @param aggregateId the stream the member was read from
     * @param member      the member bytes
     * @return the event, with a freshly decoded payload
     * @throws SerializationException when the bytes are not a valid member
     * @throws io.modularddd.core.UnknownEventTypeException when the member names an unregistered type
     */
    public StoredEvent decode(AggregateId aggregateId, byte[] member) {
        if (member == null || member.length < 2) {
            throw corrupt("it is shorter than 2 bytes", null);
        }
        int header = member[0] & 0xFF;
        HotTierFormat memberFormat = HotTierFormat.ofId(header & ~COMPRESSED);
        if (memberFormat == null || (header & ~(COMPRESSED | 0x0F)) != 0) {
            throw corrupt("its header byte " + header + " names no known format", null);
        }
        Mapper mapper = memberFormat == HotTierFormat.JSON ? json : msgpack;
        byte[] body;
        int offset;
        int length;
        if ((header & COMPRESSED) != 0) {
            body = decompress(member);
            offset = 0;
            length = body.length;
        } else {
            body = member;
            offset = 1;
            length = member.length - 1;
        }
        String eventType = null;
        try (JsonParser p = mapper.mapper.getFactory().createParser(body, offset, length)) {
            expect(p, JsonToken.START_ARRAY);
            if (nextLong(p) != ENVELOPE_VERSION) {
                throw corrupt("its envelope version is unknown", null);
            }
            long version = nextLong(p);
            long position = nextLong(p);
            UUID eventId = new UUID(nextLong(p), nextLong(p));
            String aggregateType = nextString(p);
            eventType = nextString(p);
            long seconds = nextLong(p);
            long micros = nextLong(p);
            expect(p, JsonToken.START_OBJECT);
            TreeMap<String, String> entries = new TreeMap<>();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String key = p.currentName();
                entries.put(key, nextString(p));
            }
            if (p.currentToken() != JsonToken.END_OBJECT) {
                throw corrupt("its metadata is not a map of strings", null);
            }
            Class<?> type = registry.classOf(eventType);
            p.nextToken();
            Object payload = mapper.readers.get(type).readValue(p);
            expect(p, JsonToken.END_ARRAY);
            if (payload == null) {
                throw corrupt("its payload is null", null);
            }
            return new StoredEvent(position, eventId, aggregateId, aggregateType, eventType, payload,
                    EventMetadata.of(entries), version, Instant.ofEpochSecond(seconds, micros * 1_000));
        } catch (SerializationException | UnknownEventTypeException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            // anything else, including invalid metadata, means the member is damaged
            throw new SerializationException(eventType == null ? CORRUPT : eventType, "Could not decode a Redis "
                    + "hot-tier member of stream '" + aggregateId.value() + "': " + e.getMessage()
                    + ". The hot tier drops such keys and reloads the stream from the warm tier.", e);
        }
    }

    private byte[] decompress(byte[] member) {
        if (member.length < 1 + LENGTH_BYTES + 1) {
            throw corrupt("its compressed body is truncated", null);
        }
        int length = (member[1] & 0xFF) << 24 | (member[2] & 0xFF) << 16 | (member[3] & 0xFF) << 8 | member[4] & 0xFF;
        if (length <= 0 || length > MAX_MEMBER_BYTES) {
            throw corrupt("its declared length " + length + " is outside 1.." + MAX_MEMBER_BYTES, null);
        }
        byte[] out = new byte[length];
        try {
            int n = decompressor.decompress(member, 1 + LENGTH_BYTES, member.length - 1 - LENGTH_BYTES, out, 0, length);
            if (n != length) {
                throw corrupt("it decompresses to " + n + " bytes, not the declared " + length, null);
            }
        } catch (LZ4Exception e) {
            throw corrupt("its LZ4 block is malformed", e);
        }
        return out;
    }

    private static SerializationException corrupt(String why, Throwable cause) {
        return new SerializationException(CORRUPT, "Not a valid Redis hot-tier member: " + why
                + ". The hot tier drops such keys and reloads the stream from the warm tier.", cause);
    }

    private static void expect(JsonParser p, JsonToken token) throws IOException {
        JsonToken t = p.nextToken();
        if (t != token) {
            throw corrupt("expected " + token + " but found " + t, null);
        }
    }

    private static long nextLong(JsonParser p) throws IOException {
        if (p.nextToken() != JsonToken.VALUE_NUMBER_INT) {
            throw corrupt("expected an integer but found " + p.currentToken(), null);
        }
        return p.getLongValue();
    }

    private static String nextString(JsonParser p) throws IOException {
        if (p.nextToken() != JsonToken.VALUE_STRING) {
            throw corrupt("expected a string but found " + p.currentToken(), null);
        }
        return p.getText();
    }

    @Override
    public String toString() {
        return "HotTierCodec[" + format + ", " + compression + "]";
    }

    /** One Jackson format with cached readers and writers per class. */
    private static final class Mapper {
        final ObjectMapper mapper;
        final ClassValue<ObjectReader> readers = new ClassValue<>() {
            @Override
            protected ObjectReader computeValue(Class<?> type) {
                return mapper.readerFor(type);
            }
        };
        final ClassValue<ObjectWriter> writers = new ClassValue<>() {
            @Override
            protected ObjectWriter computeValue(Class<?> type) {
                return mapper.writerFor(type);
            }
        };

        Mapper(JsonFactory factory, List<Module> modules) {
            mapper = JacksonEventSerializer.newObjectMapper(factory, MAX_MEMBER_BYTES);
            mapper.enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);
            for (Module module : modules) {
                mapper.registerModule(module);
            }
        }
    }
}
