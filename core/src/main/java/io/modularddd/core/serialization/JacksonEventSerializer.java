package io.modularddd.core.serialization;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamWriteConstraints;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.modularddd.core.EventMetadata;
import io.modularddd.core.InvalidInputException;
import io.modularddd.core.ModularDddException;
import io.modularddd.core.SerializationException;
import io.modularddd.core.internal.Checks;
import java.io.IOException;
import java.util.Map;
import java.util.Objects;

/**
 * The standard {@link EventSerializer}: Jackson, JSON by default, any Jackson format on request
 * (the Redis hot tier uses MessagePack through the same class).
 *
 * <p>Safe by construction:
 * <ul>
 *   <li>No default typing: the class to read is always the one the {@link EventTypeRegistry} names,
 *       never one named in the data. A supplied {@code ObjectMapper} with default typing is refused.</li>
 *   <li>{@link StreamReadConstraints} bound nesting depth, number length, string length and document
 *       length, so hostile stored data cannot exhaust the stack or the heap.</li>
 *   <li>A serialized payload larger than {@link Builder#maxPayloadBytes(int)} is refused before it
 *       reaches a store.</li>
 * </ul>
 * Unknown JSON properties are ignored when reading, so adding a field to an event class keeps old
 * events readable. Readers and writers are cached per class; the instance is thread-safe.
 */
public final class JacksonEventSerializer implements EventSerializer {

    /** Default limit on one serialized payload: 8 MiB. */
    public static final int DEFAULT_MAX_PAYLOAD_BYTES = 8 * 1024 * 1024;

    private static final int MAX_NESTING_DEPTH = 200;
    private static final int MAX_NUMBER_LENGTH = 1000;
    private static final TypeReference<Map<String, String>> METADATA_TYPE = new TypeReference<>() { };

    private final EventTypeRegistry registry;
    private final ObjectMapper mapper;
    private final int maxPayloadBytes;
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
                .build(), builder.maxPayloadBytes);
        this.maxPayloadBytes = builder.maxPayloadBytes;
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
     */
    public static Builder builder(EventTypeRegistry registry) {
        return new Builder(Objects.requireNonNull(registry, "registry"));
    }

    /**
     * Creates an {@code ObjectMapper} with the settings this class relies on, for any Jackson format:
     * read constraints applied to {@code factory}, Java time types as ISO-8601 strings, unknown
     * properties ignored, no default typing. A value Jackson sees no properties in fails to serialize
     * instead of being written as {@code {}} and lost (records without components are fine).
     *
     * @param factory         the format's factory, e.g. {@code new JsonFactory()} or a MessagePack factory;
     *                        its read constraints are replaced
     * @param maxDocumentBytes the longest document the mapper will read
     * @return a new mapper
     */
    public static ObjectMapper newObjectMapper(JsonFactory factory, int maxDocumentBytes) {
        factory.setStreamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(MAX_NESTING_DEPTH)
                .maxNumberLength(MAX_NUMBER_LENGTH)
                .maxStringLength(maxDocumentBytes)
                .maxDocumentLength(maxDocumentBytes)
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
        return bytes;
    }

    @Override
    public Object deserialize(String typeName, byte[] data) {
        Class<?> type = registry.classOf(typeName);
        try {
            Object value = readers.get(type).readValue(data);
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
                    + type.getName() + ": " + reason(e) + ". If the class changed incompatibly, register the new "
                    + "shape under a new name (e.g. .v2) and keep the old class for old events.", e);
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
     * Configures a {@link JacksonEventSerializer}.
     */
    public static final class Builder {
        private final EventTypeRegistry registry;
        private ObjectMapper mapper;
        private int maxPayloadBytes = DEFAULT_MAX_PAYLOAD_BYTES;

        private Builder(EventTypeRegistry registry) {
            this.registry = registry;
        }

        /**
         * Uses a mapper of your own (for custom modules), instead of {@code newObjectMapper(new JsonFactory(), ...)}.
         * Start from {@link #newObjectMapper(JsonFactory, int)} to keep the safe settings.
         *
         * @param objectMapper the mapper
         * @return this builder
         * @throws IllegalArgumentException when the mapper has default typing activated
         */
        public Builder objectMapper(ObjectMapper objectMapper) {
            Objects.requireNonNull(objectMapper, "objectMapper");
            if (objectMapper.getSerializationConfig().getDefaultTyper(null) != null
                    || objectMapper.getDeserializationConfig().getDefaultTyper(null) != null) {
                throw new IllegalArgumentException("the ObjectMapper has default typing activated, which lets stored "
                        + "data name the classes to instantiate. Call objectMapper.deactivateDefaultTyping(); "
                        + "modular-ddd resolves event classes only through the EventTypeRegistry.");
            }
            this.mapper = objectMapper;
            return this;
        }

        /**
         * Sets the largest serialized payload accepted, in bytes.
         *
         * @param bytes the limit, from 1 KiB to 1 GiB
         * @return this builder
         * @throws IllegalArgumentException when out of range
         */
        public Builder maxPayloadBytes(int bytes) {
            if (bytes < 1024 || bytes > (1 << 30)) {
                throw new IllegalArgumentException("maxPayloadBytes must be between 1024 and 1073741824 but was "
                        + bytes);
            }
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
