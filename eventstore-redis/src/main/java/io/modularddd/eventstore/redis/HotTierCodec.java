package io.modularddd.eventstore.redis;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.modularddd.core.AggregateId;
import io.modularddd.core.ErasedEvent;
import io.modularddd.core.EventMetadata;
import io.modularddd.core.ModularDddException;
import io.modularddd.core.PayloadDecoder;
import io.modularddd.core.SerializationException;
import io.modularddd.core.StoredEvent;
import io.modularddd.core.UnknownEventTypeException;
import io.modularddd.core.serialization.EventTypeRegistry;
import io.modularddd.core.serialization.JacksonEventSerializer;
import io.modularddd.core.serialization.UpcastChain;
import io.modularddd.eventstore.redis.MessagePackCursor.KnownString;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.Objects;
import java.util.TreeMap;
import java.util.UUID;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Exception;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;
import org.msgpack.jackson.dataformat.MessagePackFactory;

/**
 * Encodes a stored event into the bytes of one sorted-set member and back. Package-private: the hot
 * tier uses it, and so do the benchmarks that measure each {@link HotTierFormat} and
 * {@link HotTierCompression}, from this package name in the benchmarks module (ADR 0205).
 *
 * <p>Why this class is longer than 500 lines: encoding and decoding of the member layout below are one
 * unit — the decoder checks exactly what the encoder writes (header, envelope fields and their order,
 * the LZ4 length prefix), and keeping both sides in one file is what keeps them from drifting apart.
 * The byte-level reading is already out, in {@link MessagePackCursor}.
 *
 * <h2>Member layout</h2>
 * One header byte, then the body. The header's low nibble is the format ({@code 1} MessagePack,
 * {@code 2} JSON); bit {@code 0x10} marks an LZ4-compressed body, which is then a 4-byte big-endian
 * uncompressed length followed by an LZ4 block. The uncompressed body is one array in the chosen
 * format:
 * <pre>[1, version, position, idHigh, idLow, aggregateType, eventType, epochSecond, micros, {metadata}, payload]</pre>
 * An event read under another type name than it is stored under — one the warm tier upcast, or an
 * erased one — is written with the stored name next to the name of its payload's shape (envelope 2):
 * <pre>[2, version, position, idHigh, idLow, aggregateType, eventType, storedEventType, epochSecond, micros,
 *  {metadata}, payload]</pre>
 * where {@code eventType} names the shape the payload is written in (the upcast type, or
 * {@link ErasedEvent#TYPE} with an empty object as payload) and {@code storedEventType} is what
 * {@link StoredEvent#storedEventType()} reads back. Every other event is written in envelope 1, byte for
 * byte as before envelope 2 existed.
 *
 * <p>A member whose header byte is {@code 0x0F} is no event but a <em>floor marker</em>: 8 more bytes
 * hold, big-endian, the first version of the stream that readers see (after a delete or a truncation),
 * and its score is that version minus one half, so it sorts right below it ({@link #floorMarker}).
 * The stream id is not stored: it is implied by the key. The payload is written inline by Jackson
 * (an object, not an escaped string); metadata entries are sorted, map-valued payload properties
 * are written in key order, and the LZ4 implementation is the pure-Java one, so the same event
 * always encodes to the same bytes — which makes re-writing a version idempotent in the sorted set.
 *
 * <p>Decoding resolves the payload class only through the {@link EventTypeRegistry} and reads with
 * the same bounded-read settings as {@link JacksonEventSerializer}; compressed lengths are checked
 * before anything is allocated. {@link #decode} reads and checks the envelope at once and returns a
 * lazily decoded event ({@link StoredEvent#lazy}): the payload is data-bound from a slice of the
 * member's bytes on its first access (ADR 0204). Instances are immutable and thread-safe.
 */
final class HotTierCodec {

    /** The largest member decoded, in bytes (64 MiB); anything larger is refused as corrupt. */
    static final int MAX_MEMBER_BYTES = 64 * 1024 * 1024;

    private static final int ENVELOPE_VERSION = 1;
    private static final int ENVELOPE_FIELDS = 11;
    /** The envelope that also records the stored type name (upcast and erased events). */
    private static final int STORED_TYPE_ENVELOPE_VERSION = 2;
    private static final int STORED_TYPE_ENVELOPE_FIELDS = 12;
    /** The header byte of a floor marker. */
    private static final int FLOOR_MARKER = 0x0F;
    private static final int FLOOR_MARKER_BYTES = 9;
    private static final int COMPRESSED = 0x10;
    private static final int LENGTH_BYTES = 4;
    private static final String CORRUPT = "hot-tier member";
    private static final LZ4Factory LZ4 = LZ4Factory.safeInstance();

    private final EventTypeRegistry registry;
    private final JacksonEventSerializer serializer;
    private final HotTierFormat format;
    private final HotTierCompression compression;
    private final Mapper writeMapper;
    private final Mapper msgpack;
    private final Mapper json;
    /*
     * Names met in recent members, newest first, at most RECENT of each, so that a member naming one of
     * them costs a byte comparison instead of decoding, hashing and looking up a string. Immutable arrays
     * replaced whole (copy on write); `recentTypeNames` only speeds up the cursor, `recentTypes` is checked
     * by `resolve`, so the two may briefly disagree without harm.
     */
    private static final int RECENT = 8;
    private volatile ResolvedType[] recentTypes = new ResolvedType[0];
    private volatile KnownString[] recentTypeNames = new KnownString[0];
    private volatile KnownString[] recentAggregateTypes = new KnownString[0];
    private final LZ4Compressor compressor = LZ4.fastCompressor();
    private final LZ4SafeDecompressor decompressor = LZ4.safeDecompressor();

    private HotTierCodec(JacksonEventSerializer serializer, HotTierFormat format, HotTierCompression compression,
                         ObjectMapper source) {
        this.registry = serializer.registry();
        this.serializer = serializer;
        this.format = format;
        this.compression = compression;
        MessagePackFactory factory = new MessagePackFactory();
        // no ThreadLocal buffer reuse: every generator and parser owns its buffers
        factory.setReuseResourceInGenerator(false);
        factory.setReuseResourceInParser(false);
        this.msgpack = new Mapper(factory, source);
        this.json = new Mapper(new JsonFactory(), source);
        this.writeMapper = format == HotTierFormat.JSON ? json : msgpack;
    }

    /**
     * Creates a codec from the warm store's serializer: its registry names the event types, and its
     * {@code ObjectMapper}'s whole configuration (modules, mix-ins, naming, features) is copied onto the
     * codec's MessagePack and JSON mappers, so every event the warm tier can store, the hot tier can
     * cache (ADR 0205).
     *
     * @param serializer  the warm store's serializer
     * @param format      the encoding of new members
     * @param compression whether large members are compressed
     * @return the codec
     * @throws NullPointerException when an argument is null
     */
    static HotTierCodec of(JacksonEventSerializer serializer, HotTierFormat format, HotTierCompression compression) {
        Objects.requireNonNull(serializer, "serializer");
        return new HotTierCodec(serializer, Objects.requireNonNull(format, "format"),
                Objects.requireNonNull(compression, "compression"), serializer.objectMapper());
    }

    /**
     * Creates a codec for event types that need no Jackson configuration beyond the defaults of
     * {@link JacksonEventSerializer#json(EventTypeRegistry)}.
     *
     * @param registry    the event types; only these are decoded
     * @param format      the encoding of new members
     * @param compression whether large members are compressed
     * @return the codec
     * @throws NullPointerException when an argument is null
     */
    static HotTierCodec of(EventTypeRegistry registry, HotTierFormat format, HotTierCompression compression) {
        return of(JacksonEventSerializer.json(Objects.requireNonNull(registry, "registry")), format, compression);
    }

    /**
     * Returns the format of new members.
     *
     * @return the format
     */
    HotTierFormat format() {
        return format;
    }

    /**
     * Returns the compression of new members.
     *
     * @return the compression
     */
    HotTierCompression compression() {
        return compression;
    }

    /**
     * Returns the registry that names the event types.
     *
     * @return the registry
     */
    EventTypeRegistry registry() {
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
    byte[] encode(StoredEvent event) {
        // an upcast event is written in its upcast shape (the warm tier's read gives no other), an erased one
        // as the marker type; both keep the name they are stored under (envelope 2)
        return encode(event.position(), event.eventId(), event.aggregateType(), event.eventType(),
                event.isUpcast() ? event.storedEventType() : null, event.payload(), event.metadata(), event.version(),
                event.occurredAt());
    }

    byte[] encode(long position, UUID eventId, String aggregateType, String eventType, Object payload,
                  EventMetadata metadata, long version, Instant occurredAt) {
        return encode(position, eventId, aggregateType, eventType, null, payload, metadata, version, occurredAt);
    }

    /**
     * Encodes an event; {@code storedEventType} is null for an event read as it is stored (envelope 1),
     * else the name it is stored under (envelope 2).
     */
    private byte[] encode(long position, UUID eventId, String aggregateType, String eventType,
                          String storedEventType, Object payload, EventMetadata metadata, long version,
                          Instant occurredAt) {
        boolean erased = storedEventType != null && ErasedEvent.TYPE.equals(eventType)
                && payload instanceof ErasedEvent;
        if (!erased) {
            registry.classOf(eventType); // unknown names fail here, not on every later read
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        out.write(format.id());
        try (JsonGenerator g = writeMapper.mapper.createGenerator(out)) {
            g.writeStartArray();
            g.writeNumber(storedEventType == null ? ENVELOPE_VERSION : STORED_TYPE_ENVELOPE_VERSION);
            g.writeNumber(version);
            g.writeNumber(position);
            g.writeNumber(eventId.getMostSignificantBits());
            g.writeNumber(eventId.getLeastSignificantBits());
            g.writeString(aggregateType);
            g.writeString(eventType);
            if (storedEventType != null) {
                g.writeString(storedEventType);
            }
            g.writeNumber(occurredAt.getEpochSecond());
            g.writeNumber(occurredAt.getNano() / 1_000);
            g.writeStartObject();
            for (var e : metadata.entries().entrySet()) {
                g.writeStringField(e.getKey(), e.getValue());
            }
            g.writeEndObject();
            if (erased) {
                g.writeStartObject(); // the erased marker has no state
                g.writeEndObject();
            } else {
                writeMapper.writers.get(payload.getClass()).writeValue(g, payload);
            }
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
     * Decodes a member: the envelope (version, position, id, types, time, metadata) at once, the payload
     * on first access. The envelope is validated here, the event type must be readable (registered, or
     * the start of an upcaster chain, which the payload decoder then applies), and the
     * payload's structure is walked (not data-bound) so that a truncated or malformed member is refused
     * now; only data-binding the payload into its class waits for {@link StoredEvent#payload()}, which
     * throws {@link SerializationException} (naming stream, version and type) if the payload's bytes do
     * not fit the class. An LZ4-compressed member is decompressed here, once; the event keeps the
     * member's (or the decompressed) bytes until its payload is decoded.
     *
     * @param aggregateId the stream the member was read from
     * @param member      the member bytes; not copied, so do not change them afterwards
     * @return the event, its payload decoded on first access into a fresh object
     * @throws SerializationException when the bytes are not a valid member
     * @throws io.modularddd.core.UnknownEventTypeException when the member names a type the registry cannot read
     */
    StoredEvent decode(AggregateId aggregateId, byte[] member) {
        return decode(aggregateId, member, null);
    }

    /**
     * Decodes a member as {@link #decode(AggregateId, byte[])} does; a payload that then fails to decode
     * is handed to {@code fallback} (when not null) instead of failing {@code payload()} at once.
     */
    StoredEvent decode(AggregateId aggregateId, byte[] member, PayloadFallback fallback) {
        if (member == null || member.length < 2) {
            throw corrupt("it is shorter than 2 bytes", null);
        }
        int header = member[0] & 0xFF;
        HotTierFormat memberFormat = HotTierFormat.ofId(header & ~COMPRESSED);
        if (memberFormat == null || (header & ~(COMPRESSED | 0x0F)) != 0) {
            throw corrupt("its header byte " + header + " names no known format", null);
        }
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
        Envelope envelope = new Envelope();
        try {
            if (memberFormat == HotTierFormat.JSON) {
                readJson(body, offset, length, envelope);
            } else {
                readMessagePack(body, offset, length, envelope);
            }
            // the payload is in the shape of envelope.eventType; the event is stored under storedEventType
            String storedEventType = envelope.storedEventType != null ? envelope.storedEventType : envelope.eventType;
            UUID eventId = new UUID(envelope.idHigh, envelope.idLow);
            Instant occurredAt = Instant.ofEpochSecond(envelope.seconds, envelope.micros * 1_000);
            if (envelope.storedEventType != null && ErasedEvent.TYPE.equals(envelope.eventType)) {
                return new StoredEvent(envelope.position, eventId, aggregateId, envelope.aggregateType,
                        ErasedEvent.TYPE, storedEventType, ErasedEvent.INSTANCE, envelope.metadata, envelope.version,
                        occurredAt);
            }
            ResolvedType type = resolve(envelope.eventType);
            Mapper mapper = memberFormat == HotTierFormat.JSON ? json : msgpack;
            MemberPayload payload = new MemberPayload(type.type, memberFormat == HotTierFormat.JSON ? type.jsonReader
                    : type.msgpackReader, type.chain, mapper.mapper, memberFormat, body, envelope.payloadOffset,
                    envelope.payloadLength, fallback);
            return StoredEvent.lazy(envelope.position, eventId, aggregateId, envelope.aggregateType, type.readName,
                    storedEventType, payload, envelope.metadata, envelope.version, occurredAt);
        } catch (SerializationException | UnknownEventTypeException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            // anything else, including invalid metadata or an impossible time, means the member is damaged
            String eventType = envelope.eventType;
            throw new SerializationException(eventType == null ? CORRUPT : eventType, "Could not decode a Redis "
                    + "hot-tier member of stream '" + aggregateId.value() + "': " + e.getMessage()
                    + ". The hot tier drops such keys and reloads the stream from the warm tier.", e);
        }
    }

    /**
     * The event type named by a member, resolved through the registry, with the readers of its class.
     * Unregistered names are never cached: they fail on every read.
     */
    private static final class ResolvedType {
        final String name;
        /** The name events of {@code name} are read as: the end of its upcaster chain, or {@code name}. */
        final String readName;
        /** The upcasters from {@code name} to {@code readName}; null when it is read as it is. */
        final UpcastChain chain;
        final Class<?> type;
        final ObjectReader msgpackReader;
        final ObjectReader jsonReader;

        ResolvedType(String name, String readName, UpcastChain chain, Class<?> type, ObjectReader msgpackReader,
                     ObjectReader jsonReader) {
            this.name = name;
            this.readName = readName;
            this.chain = chain;
            this.type = type;
            this.msgpackReader = msgpackReader;
            this.jsonReader = jsonReader;
        }
    }

    /** Resolves a type name, from the types met recently when it is one of them. */
    private ResolvedType resolve(String name) {
        ResolvedType[] recent = recentTypes;
        for (ResolvedType r : recent) {
            if (r.name == name || r.name.equals(name)) {
                return r;
            }
        }
        if (!registry.isReadable(name)) {
            throw UnknownEventTypeException.forName(name);
        }
        // a name written before an upcaster was added is read through the chain, composed once by the registry
        UpcastChain chain = registry.upcastOf(name).orElse(null);
        String readName = serializer.readTypeName(name);
        Class<?> type = registry.classOf(readName);
        ResolvedType resolved = new ResolvedType(name, readName, chain, type, msgpack.readers.get(type),
                json.readers.get(type));
        int n = Math.min(recent.length, RECENT - 1);
        ResolvedType[] types = new ResolvedType[n + 1];
        KnownString[] names = new KnownString[n + 1];
        types[0] = resolved;
        names[0] = KnownString.of(name);
        for (int i = 0; i < n; i++) {
            types[i + 1] = recent[i];
            names[i + 1] = KnownString.of(recent[i].name);
        }
        // two racing decodes may each publish their own list: either is correct, only less complete
        recentTypeNames = names;
        recentTypes = types;
        return resolved;
    }

    private static boolean isKnown(String value, KnownString[] known) {
        for (KnownString k : known) {
            if (k.value() == value) {
                return true;
            }
        }
        return false;
    }

    private static KnownString[] remember(KnownString value, KnownString[] known) {
        int n = Math.min(known.length, RECENT - 1);
        KnownString[] out = new KnownString[n + 1];
        out[0] = value;
        System.arraycopy(known, 0, out, 1, n);
        return out;
    }

    /** The fields of a member's envelope, and where its payload lies in the body. */
    private static final class Envelope {
        long version;
        long position;
        long idHigh;
        long idLow;
        String aggregateType;
        String eventType;
        /** Null in envelope 1, where the event is stored under {@code eventType}. */
        String storedEventType;
        long seconds;
        long micros;
        EventMetadata metadata;
        int payloadOffset;
        int payloadLength;
    }

    private void readMessagePack(byte[] body, int offset, int length, Envelope e) {
        MessagePackCursor c = new MessagePackCursor(body, offset, length);
        int fields = c.arrayHeader();
        if (fields != ENVELOPE_FIELDS && fields != STORED_TYPE_ENVELOPE_FIELDS) {
            throw corrupt("its envelope is not an array of " + ENVELOPE_FIELDS + " or " + STORED_TYPE_ENVELOPE_FIELDS
                    + " elements", null);
        }
        if (c.integer() != (fields == ENVELOPE_FIELDS ? ENVELOPE_VERSION : STORED_TYPE_ENVELOPE_VERSION)) {
            throw corrupt("its envelope version is unknown", null);
        }
        e.version = c.integer();
        e.position = c.integer();
        e.idHigh = c.integer();
        e.idLow = c.integer();
        KnownString[] aggregateTypes = recentAggregateTypes;
        e.aggregateType = c.string(aggregateTypes);
        if (!isKnown(e.aggregateType, aggregateTypes)) {
            recentAggregateTypes = remember(KnownString.of(e.aggregateType), aggregateTypes);
        }
        e.eventType = c.string(recentTypeNames);
        if (fields == STORED_TYPE_ENVELOPE_FIELDS) {
            e.storedEventType = c.string();
        }
        e.seconds = c.integer();
        e.micros = c.integer();
        int entries = c.mapHeader();
        if (entries > EventMetadata.MAX_ENTRIES) {
            throw corrupt("its metadata declares " + entries + " entries, over the limit of "
                    + EventMetadata.MAX_ENTRIES, null);
        }
        if (entries == 0) {
            e.metadata = EventMetadata.empty();
        } else {
            TreeMap<String, String> map = new TreeMap<>();
            for (int i = 0; i < entries; i++) {
                map.put(c.string(), c.string());
            }
            e.metadata = EventMetadata.of(map);
        }
        if (c.nextIsNil()) {
            throw corrupt("its payload is null", null);
        }
        int start = c.position();
        c.skipValue();
        if (!c.atEnd()) {
            throw corrupt("bytes follow its envelope", null);
        }
        e.payloadOffset = start;
        e.payloadLength = c.position() - start;
    }

    private void readJson(byte[] body, int offset, int length, Envelope e) throws IOException {
        try (JsonParser p = json.mapper.getFactory().createParser(body, offset, length)) {
            expect(p, JsonToken.START_ARRAY);
            long envelopeVersion = nextLong(p);
            if (envelopeVersion != ENVELOPE_VERSION && envelopeVersion != STORED_TYPE_ENVELOPE_VERSION) {
                throw corrupt("its envelope version is unknown", null);
            }
            e.version = nextLong(p);
            e.position = nextLong(p);
            e.idHigh = nextLong(p);
            e.idLow = nextLong(p);
            e.aggregateType = nextString(p);
            e.eventType = nextString(p);
            if (envelopeVersion == STORED_TYPE_ENVELOPE_VERSION) {
                e.storedEventType = nextString(p);
            }
            e.seconds = nextLong(p);
            e.micros = nextLong(p);
            expect(p, JsonToken.START_OBJECT);
            TreeMap<String, String> entries = new TreeMap<>();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String key = p.currentName();
                entries.put(key, nextString(p));
            }
            if (p.currentToken() != JsonToken.END_OBJECT) {
                throw corrupt("its metadata is not a map of strings", null);
            }
            e.metadata = entries.isEmpty() ? EventMetadata.empty() : EventMetadata.of(entries);
            JsonToken first = p.nextToken();
            if (first == JsonToken.VALUE_NULL) {
                throw corrupt("its payload is null", null);
            }
            if (first == null || !first.isScalarValue() && !first.isStructStart()) {
                throw corrupt("expected the payload but found " + first, null);
            }
            // byte offsets are relative to `offset` (the parser's start), also for a scalar token
            long start = p.currentTokenLocation().getByteOffset();
            p.skipChildren();
            expect(p, JsonToken.END_ARRAY);
            long end = p.currentTokenLocation().getByteOffset();
            if (p.nextToken() != null) {
                throw corrupt("bytes follow its envelope", null);
            }
            if (start < 0 || end < start || end > length) {
                throw corrupt("its payload could not be located (" + start + ".." + end + ")", null);
            }
            // the slice may end in whitespace before the closing bracket, which JSON readers accept
            e.payloadOffset = offset + (int) start;
            e.payloadLength = (int) (end - start);
        }
    }

    /**
     * What a lazily decoded payload does when its bytes do not decode: the hot tier reads the event from
     * the warm tier instead (and drops the key). Returns the payload or throws.
     */
    interface PayloadFallback {
        Object payloadOf(StoredEvent event, SerializationException failure);
    }

    /**
     * The payload of one member, not decoded yet: the reader for its registered class and the slice of
     * the member (or of its decompressed body) that holds it, without a copy.
     */
    private static final class MemberPayload implements PayloadDecoder {
        private final Class<?> type;
        private final ObjectReader reader;
        private final UpcastChain chain;
        private final ObjectMapper treeMapper;
        private final HotTierFormat format;
        private final byte[] bytes;
        private final int offset;
        private final int length;
        private final PayloadFallback fallback;

        MemberPayload(Class<?> type, ObjectReader reader, UpcastChain chain, ObjectMapper treeMapper,
                      HotTierFormat format, byte[] bytes, int offset, int length, PayloadFallback fallback) {
            this.type = type;
            this.reader = reader;
            this.chain = chain;
            this.treeMapper = treeMapper;
            this.format = format;
            this.bytes = bytes;
            this.offset = offset;
            this.length = length;
            this.fallback = fallback;
        }

        @Override
        public Object decode(StoredEvent event) {
            Exception cause;
            try {
                Object value;
                if (chain == null) {
                    value = reader.readValue(bytes, offset, length);
                } else {
                    JsonNode tree = treeMapper.readTree(bytes, offset, length);
                    // a failing step is the application's upcaster, not a damaged copy: its error (naming the
                    // step) goes to the caller as it is, the key stays, and the warm tier is not asked
                    value = reader.readValue(chain.apply(tree));
                }
                if (value != null) {
                    return value;
                }
                cause = null;
            } catch (SerializationException e) {
                throw e; // only UpcastChain.apply throws this here
            } catch (IOException | RuntimeException e) {
                cause = e;
            }
            SerializationException failure = new SerializationException(event.eventType(), "Could not decode "
                    + "the payload of event '" + event.eventType() + "' (version " + event.version() + " of stream '"
                    + event.aggregateId().value() + "') from its Redis hot-tier copy (" + format + ", " + length
                    + " bytes) as " + type.getName() + (chain == null ? "" : " (after the upcasters " + chain + ")") + ": " + (cause == null ? "it is null" : cause.getMessage())
                    + ". The copy in Redis is damaged or was written for another class: drop it with "
                    + "RedisHotTier.invalidate(id) and load the stream again (the warm tier holds the original).",
                    cause);
            if (fallback == null) {
                throw failure;
            }
            return fallback.payloadOf(event, failure);
        }
    }

    /**
     * Returns a floor marker: the member that tells readers no version of the stream below
     * {@code firstVersion} is visible (the stream was truncated, or deleted and started again), so that a
     * read from a lower version may start at {@code firstVersion} instead of taking the missing versions
     * for a gap. Its score is {@link #floorScore floorScore(firstVersion)}.
     *
     * @param firstVersion the first version readers see, at least 2
     * @return the member bytes
     */
    static byte[] floorMarker(long firstVersion) {
        byte[] m = new byte[FLOOR_MARKER_BYTES];
        m[0] = (byte) FLOOR_MARKER;
        for (int i = 0; i < 8; i++) {
            m[1 + i] = (byte) (firstVersion >>> (56 - 8 * i));
        }
        return m;
    }

    /** The score of a floor marker: right below {@code firstVersion}, above every version under it. */
    static double floorScore(long firstVersion) {
        return firstVersion - 0.5;
    }

    /**
     * Reads a floor marker.
     *
     * @return the first visible version it records, or 0 when {@code member} is no floor marker
     */
    static long floorOf(byte[] member) {
        if (member == null || member.length != FLOOR_MARKER_BYTES || (member[0] & 0xFF) != FLOOR_MARKER) {
            return 0;
        }
        long v = 0;
        for (int i = 1; i < FLOOR_MARKER_BYTES; i++) {
            v = v << 8 | member[i] & 0xFF;
        }
        return v;
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

        /**
         * A copy of the warm store's mapper on {@code factory}: the same modules, mix-ins and features, with
         * the hot tier's read bounds on the factory, map entries in key order (so one event always encodes
         * to the same bytes) and, whatever the source says, no default typing.
         */
        Mapper(JsonFactory factory, ObjectMapper source) {
            // the bounds of JacksonEventSerializer.newObjectMapper, applied to this factory
            JacksonEventSerializer.newObjectMapper(factory, MAX_MEMBER_BYTES);
            mapper = new DerivedMapper(source, factory);
            mapper.enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);
            mapper.deactivateDefaultTyping();
        }
    }

    /**
     * Reaches Jackson's copy constructor with another factory. {@code ObjectMapper.copyWith(JsonFactory)}
     * would do the same, but it refuses subclasses such as the {@code JsonMapper} that
     * {@code JsonMapper.builder()} builds; this copy does not care what class the source is.
     */
    private static final class DerivedMapper extends ObjectMapper {
        private static final long serialVersionUID = 1L;

        DerivedMapper(ObjectMapper source, JsonFactory factory) {
            super(source, factory);
        }
    }
}
