package io.modularddd.core.serialization;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamWriteConstraints;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.util.TokenBuffer;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.modularddd.core.EventMetadata;
import io.modularddd.core.InvalidInputException;
import io.modularddd.core.ModularDddException;
import io.modularddd.core.SerializationException;
import io.modularddd.core.internal.BuilderChecks;
import io.modularddd.core.internal.Checks;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Map;

/**
 * The standard {@link EventSerializer}: Jackson, JSON by default, any Jackson format on request
 * (the Redis hot tier uses MessagePack through the same class).
 *
 * <p>Safe by construction:
 * <ul>
 *   <li>No default typing: the class to read is always the one the {@link EventTypeRegistry} names,
 *       never one named in the data. A supplied {@code ObjectMapper} with default typing is refused.</li>
 *   <li>{@link StreamReadConstraints} bound nesting depth and number length, so hostile stored data
 *       cannot exhaust the stack or the CPU. Strings and documents are not bounded on read: the size
 *       cap protects writes, and whatever a store accepted — also through a serializer with a higher
 *       cap — reads back.</li>
 *   <li>A serialized payload larger than {@link Builder#maxPayloadBytes(int)} is refused before it
 *       reaches a store.</li>
 *   <li>A payload holding text that is not valid Unicode — a lone surrogate, in a value or a property
 *       name — is refused with an {@link InvalidInputException} naming the field, before it reaches a
 *       store: some databases refuse such JSON and others store it, so no store takes it. Valid pairs
 *       (emoji) are written as 4 UTF-8 bytes. For JSON output the check is one pass over the bytes
 *       looking for a <code>&#92;uD800</code>-<code>&#92;uDFFF</code> escape; a field path is searched for only when
 *       one is found. Other formats cannot show the problem in their bytes, so for them every payload's
 *       strings are walked once more.</li>
 * </ul>
 * Unknown JSON properties are ignored when reading, so adding a field to an event class keeps old
 * events readable. Readers and writers are cached per class; the instance is thread-safe.
 */
public final class JacksonEventSerializer implements EventSerializer {

    /** Default limit on one serialized payload: 8 MiB. */
    public static final int DEFAULT_MAX_PAYLOAD_BYTES = 8 * 1024 * 1024;

    private static final int MAX_NESTING_DEPTH = 200;
    private static final int MAX_NUMBER_LENGTH = 1000;
    private static final long NO_DOCUMENT_LIMIT = -1L;
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final TypeReference<Map<String, String>> METADATA_TYPE = new TypeReference<>() { };

    private final EventTypeRegistry registry;
    private final ObjectMapper mapper;
    private final int maxPayloadBytes;
    /** The mapper writes JSON text, where a lone surrogate can only appear as a <code>&#92;u</code> escape. */
    private final boolean json;
    private final ObjectWriter metadataWriter;
    private final ObjectReader metadataReader;
    private final ClassValue<ObjectReader> readers = new ClassValue<>() {
        @Override
        protected ObjectReader computeValue(Class<?> type) {
            return mapper.readerFor(type);
        }
    };
    private final ClassValue<ObjectWriter> writers = new ClassValue<>() {
        @Override
        protected ObjectWriter computeValue(Class<?> type) {
            return mapper.writerFor(type);
        }
    };

    private JacksonEventSerializer(Builder builder) {
        this.registry = builder.registry;
        this.mapper = builder.mapper != null ? builder.mapper : newObjectMapper(JsonFactory.builder()
                // emoji and other non-BMP characters as 4 UTF-8 bytes, not as two escaped surrogates
                .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8)
                .build());
        this.maxPayloadBytes = builder.maxPayloadBytes;
        this.json = JsonFactory.FORMAT_NAME_JSON.equals(mapper.getFactory().getFormatName());
        this.metadataWriter = mapper.writerFor(METADATA_TYPE);
        this.metadataReader = mapper.readerFor(METADATA_TYPE);
    }

    /**
     * A JSON serializer with the default settings.
     *
     * @param registry the event types
     * @return the serializer
     */
    public static JacksonEventSerializer json(EventTypeRegistry registry) {
        return builder(registry).build();
    }

    /**
     * Starts configuring a serializer.
     *
     * @param registry the event types
     * @return a builder
     * @throws IllegalArgumentException when the registry is null
     */
    public static Builder builder(EventTypeRegistry registry) {
        return new Builder(BuilderChecks.notNull("registry", registry));
    }

    /**
     * Creates an {@code ObjectMapper} with the settings this class relies on, for any Jackson format:
     * read constraints applied to {@code factory} (nesting depth and number length bounded; string,
     * property name and document length not, so that everything a store holds reads back), Java time
     * types as ISO-8601 strings, unknown properties ignored, no default typing. A value Jackson sees no
     * properties in fails to serialize instead of being written as {@code {}} and lost (records without
     * components are fine). This is the mapper a serializer built without
     * {@link Builder#objectMapper(ObjectMapper)} uses; the write cap is
     * {@link Builder#maxPayloadBytes(int)}, separate from it.
     *
     * @param factory the format's factory, e.g. {@code new JsonFactory()} or a MessagePack factory; its
     *                read constraints are replaced
     * @return a new mapper
     */
    public static ObjectMapper newObjectMapper(JsonFactory factory) {
        return configure(factory, Integer.MAX_VALUE, NO_DOCUMENT_LIMIT);
    }

    /**
     * Creates an {@code ObjectMapper} as {@link #newObjectMapper(JsonFactory)} does, but that also refuses
     * to read a document or a string longer than {@code maxDocumentBytes}: for readers of untrusted
     * input. Do not use it for a store's serializer unless every writer of that store has a write cap
     * ({@link Builder#maxPayloadBytes(int)}) no higher than this read limit, or events the store accepted
     * become unreadable.
     *
     * @param factory          the format's factory, e.g. {@code new JsonFactory()} or a MessagePack factory;
     *                         its read constraints are replaced
     * @param maxDocumentBytes the longest document the mapper will read
     * @return a new mapper
     */
    public static ObjectMapper newObjectMapper(JsonFactory factory, int maxDocumentBytes) {
        return configure(factory, maxDocumentBytes, maxDocumentBytes);
    }

    private static ObjectMapper configure(JsonFactory factory, int maxStringLength, long maxDocumentLength) {
        factory.setStreamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(MAX_NESTING_DEPTH)
                .maxNumberLength(MAX_NUMBER_LENGTH)
                .maxStringLength(maxStringLength)
                .maxNameLength(Math.max(maxStringLength, StreamReadConstraints.DEFAULT_MAX_NAME_LEN))
                .maxDocumentLength(maxDocumentLength)
                .build());
        factory.setStreamWriteConstraints(StreamWriteConstraints.builder()
                .maxNestingDepth(MAX_NESTING_DEPTH)
                .build());
        ObjectMapper mapper = new ObjectMapper(factory);
        mapper.registerModule(new JavaTimeModule());
        mapper.disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
        mapper.disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        mapper.disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE);
        mapper.deactivateDefaultTyping();
        return mapper;
    }

    @Override
    public EventTypeRegistry registry() {
        return registry;
    }

    @Override
    public byte[] serialize(Object payload) {
        Checks.notNull("payload", payload);
        String typeName = registry.typeNameOf(payload.getClass());
        byte[] bytes;
        try {
            bytes = writers.get(payload.getClass()).writeValueAsBytes(payload);
        } catch (IOException | RuntimeException e) {
            throw new SerializationException(typeName, "Could not serialize event '" + typeName + "' ("
                    + payload.getClass().getName() + "): " + reason(e) + ". Make the class writable by Jackson "
                    + "(a record, or public getters).", e);
        }
        if (bytes.length > maxPayloadBytes) {
            throw new InvalidInputException("payload", "event '" + typeName + "' serializes to " + bytes.length
                    + " bytes, over the limit of " + maxPayloadBytes + " bytes. Keep large data outside the event "
                    + "(store a reference), or raise JacksonEventSerializer.builder(...).maxPayloadBytes(...).");
        }
        if (!json) {
            refuseLoneSurrogate(payload, typeName, -1); // other formats do not show the problem in their bytes
        } else {
            int escape = escapedLoneSurrogate(bytes);
            if (escape >= 0) {
                refuseLoneSurrogate(payload, typeName, escape);
            }
        }
        return bytes;
    }

    /**
     * Finds a lone surrogate in JSON text written with {@link JsonWriteFeature#COMBINE_UNICODE_SURROGATES_IN_UTF8}
     * (or without it: an escaped high surrogate directly followed by an escaped low one is a valid pair).
     * Only escapes can hold one, since a lone surrogate has no UTF-8 form; {@code \\} is an escaped
     * backslash, so the text after it is not an escape. One pass, no parsing.
     *
     * @return the byte offset of the escape, or {@code -1} when there is none
     */
    static int escapedLoneSurrogate(byte[] b) {
        int n = b.length;
        for (int i = nextBackslash(b, 0); i >= 0; i = nextBackslash(b, i + 1)) {
            if (i + 5 >= n || b[i + 1] != 'u') {
                i++; // a two-character escape such as \\ or \"
                continue;
            }
            int c = hex4(b, i + 2);
            if (Character.isHighSurrogate((char) c)) {
                if (i + 11 < n && b[i + 6] == '\\' && b[i + 7] == 'u'
                        && Character.isLowSurrogate((char) hex4(b, i + 8))) {
                    i += 11;
                    continue;
                }
                return i;
            }
            if (Character.isLowSurrogate((char) c)) {
                return i;
            }
            i += 5;
        }
        return -1;
    }

    /**
     * The index of the next backslash from {@code from}, or {@code -1}. Most payloads have none, so this
     * tests eight bytes at a time (a byte equal to {@code '\\'} is a zero byte after the XOR; the
     * expression below is non-zero exactly when a word has one), then finds it byte by byte.
     */
    private static int nextBackslash(byte[] b, int from) {
        int i = from;
        for (; i + Long.BYTES <= b.length; i += Long.BYTES) {
            long w = (long) LONGS.get(b, i) ^ 0x5C5C5C5C5C5C5C5CL;
            if (((w - 0x0101010101010101L) & ~w & 0x8080808080808080L) != 0) {
                break;
            }
        }
        for (; i < b.length; i++) {
            if (b[i] == '\\') {
                return i;
            }
        }
        return -1;
    }

    /** The value of four hex digits at {@code at}, or {@code -1} when they are not hex digits. */
    private static int hex4(byte[] b, int at) {
        int v = 0;
        for (int k = at; k < at + 4; k++) {
            int d = Character.digit(b[k], 16);
            if (d < 0) {
                return -1;
            }
            v = v << 4 | d;
        }
        return v;
    }

    /**
     * Walks the payload's strings and property names (the slow path: only when the JSON bytes showed a
     * lone surrogate at {@code byteOffset}, or for a format whose bytes cannot, {@code byteOffset} -1) and
     * throws for the first one that is not valid Unicode, naming its JSON pointer. Returns when there is
     * none and the bytes showed none either.
     */
    private void refuseLoneSurrogate(Object payload, String typeName, int byteOffset) {
        String pointer = null;
        String text = null;
        int index = -1;
        try (TokenBuffer buffer = new TokenBuffer(mapper, false)) {
            writers.get(payload.getClass()).writeValue(buffer, payload);
            try (JsonParser p = buffer.asParser()) {
                for (JsonToken t = p.nextToken(); t != null && index < 0; t = p.nextToken()) {
                    if (t == JsonToken.FIELD_NAME || t == JsonToken.VALUE_STRING) {
                        text = p.getText();
                        index = Checks.loneSurrogate(text);
                        pointer = p.getParsingContext().pathAsPointer().toString();
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            index = -1; // the bytes were written once already; fall back to naming the byte offset
        }
        String fix = " Such text is not valid Unicode: MariaDB refuses it, other stores would keep it, and Jackson "
                + "cannot read it back in a property name. Pair the surrogate, or replace it with U+FFFD "
                + "(e.g. new String(s.getBytes(UTF_8), UTF_8)).";
        if (index >= 0) {
            String field = escape(pointer);
            throw new InvalidInputException("payload" + field, "event '" + typeName + "' holds a lone surrogate "
                    + String.format("U+%04X", (int) text.charAt(index)) + " at index " + index + " of the "
                    + (field.isEmpty() ? "payload string" : "string at payload field " + field) + ": "
                    + Checks.show(text) + "." + fix);
        }
        if (byteOffset >= 0) { // written by a custom serializer as raw JSON, so not seen in the walk
            throw new InvalidInputException("payload", "event '" + typeName + "' serializes to JSON that holds a "
                    + "lone surrogate escape at byte " + byteOffset + "." + fix);
        }
    }

    /** Shows a pointer with its lone surrogates (possible in a property name) as <code>&#92;uXXXX</code>. */
    private static String escape(String pointer) {
        StringBuilder sb = new StringBuilder(pointer.length());
        for (int i = 0; i < pointer.length(); i++) {
            char c = pointer.charAt(i);
            boolean paired = Character.isHighSurrogate(c) && i + 1 < pointer.length()
                    && Character.isLowSurrogate(pointer.charAt(i + 1))
                    || Character.isLowSurrogate(c) && i > 0 && Character.isHighSurrogate(pointer.charAt(i - 1));
            if (Character.isSurrogate(c) && !paired) {
                sb.append(String.format("\\u%04X", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    @Override
    public Object deserialize(String typeName, byte[] data) {
        UpcastChain chain = registry.upcastOf(typeName).orElse(null);
        String readAs = chain == null ? typeName : chain.targetType();
        Class<?> type = registry.classOf(readAs);
        try {
            Object value = chain == null ? readers.get(type).readValue(data)
                    : readers.get(type).readValue(chain.apply(mapper.readTree(data)));
            if (value == null) {
                throw new SerializationException(typeName, "Stored event '" + typeName + "' has a null payload.",
                        null);
            }
            return value;
        } catch (IOException | RuntimeException e) {
            if (e instanceof ModularDddException m) {
                throw m;
            }
            throw new SerializationException(typeName, "Could not deserialize stored event '" + typeName + "' as "
                    + type.getName() + (chain == null ? "" : " (after the upcasters " + chain + ")") + ": " + reason(e)
                    + ". If the class changed incompatibly, register an upcaster from the old shape "
                    + "(EventTypeRegistry.builder().upcast(...)), or register the new shape under a new name.", e);
        }
    }

    @Override
    public byte[] serializeMetadata(EventMetadata metadata) {
        try {
            return metadataWriter.writeValueAsBytes(metadata.entries());
        } catch (IOException e) {
            throw new SerializationException("metadata", "Could not serialize event metadata: " + reason(e), e);
        }
    }

    @Override
    public EventMetadata deserializeMetadata(byte[] data) {
        try {
            Map<String, String> entries = metadataReader.readValue(data);
            return entries == null ? EventMetadata.empty() : EventMetadata.of(entries);
        } catch (IOException | InvalidInputException e) {
            throw new SerializationException("metadata", "Stored event metadata is not a valid map of strings: "
                    + reason(e), e);
        }
    }

    /**
     * Returns the mapper in use.
     *
     * @return the mapper; do not reconfigure it after the serializer was built
     */
    public ObjectMapper objectMapper() {
        return mapper;
    }

    private static String reason(Exception e) {
        String message = e instanceof com.fasterxml.jackson.core.JacksonException je ? je.getOriginalMessage()
                : e.getMessage();
        return message == null ? e.getClass().getSimpleName() : message;
    }

    /**
     * Configures a {@link JacksonEventSerializer}. Each setter validates its value at once
     * ({@link IllegalArgumentException} naming the setting and the value) and may be called once
     * ({@link IllegalStateException} otherwise), as in every builder of the library.
     */
    public static final class Builder {
        private final EventTypeRegistry registry;
        private ObjectMapper mapper;
        private int maxPayloadBytes = DEFAULT_MAX_PAYLOAD_BYTES;
        private boolean maxPayloadBytesSet;

        private Builder(EventTypeRegistry registry) {
            this.registry = registry;
        }

        /**
         * Uses a mapper of your own (for custom modules), instead of {@code newObjectMapper(new JsonFactory(), ...)}.
         * Start from {@link #newObjectMapper(JsonFactory, int)} to keep the safe settings.
         *
         * @param objectMapper the mapper
         * @return this builder
         * @throws IllegalArgumentException when null, or the mapper has default typing activated
         * @throws IllegalStateException    when set twice
         */
        public Builder objectMapper(ObjectMapper objectMapper) {
            BuilderChecks.notNull("objectMapper", objectMapper);
            if (objectMapper.getSerializationConfig().getDefaultTyper(null) != null
                    || objectMapper.getDeserializationConfig().getDefaultTyper(null) != null) {
                throw new IllegalArgumentException("the ObjectMapper has default typing activated, which lets stored "
                        + "data name the classes to instantiate. Call objectMapper.deactivateDefaultTyping(); "
                        + "modular-ddd resolves event classes only through the EventTypeRegistry.");
            }
            BuilderChecks.setOnce("objectMapper", mapper != null, mapper == null ? null
                    : "a " + mapper.getClass().getName() + " with modules " + mapper.getRegisteredModuleIds());
            this.mapper = objectMapper;
            return this;
        }

        /**
         * Sets the largest serialized payload accepted, in bytes.
         *
         * @param bytes the limit, from 1 KiB to 1 GiB
         * @return this builder
         * @throws IllegalArgumentException when out of range
         * @throws IllegalStateException    when set twice
         */
        public Builder maxPayloadBytes(int bytes) {
            BuilderChecks.inRange("maxPayloadBytes", bytes, 1024, 1 << 30);
            BuilderChecks.setOnce("maxPayloadBytes", maxPayloadBytesSet, maxPayloadBytes);
            maxPayloadBytesSet = true;
            this.maxPayloadBytes = bytes;
            return this;
        }

        /**
         * Builds the serializer.
         *
         * @return the serializer
         */
        public JacksonEventSerializer build() {
            return new JacksonEventSerializer(this);
        }
    }
}
