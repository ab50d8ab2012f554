package io.modularddd.cache;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import java.io.IOException;
import java.lang.reflect.Type;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Jackson readers and writers per declared result type, made once. Values are written and read with the
 * declared type only (the mapper has no default typing), so cached bytes never name a class.
 */
final class ResultCodecs {

    private static final int MAX_CODECS = 512;

    /** The reader and writer of one result type. */
    record Codec(ObjectReader reader, ObjectWriter writer) {

        /**
         * Reads bytes into the result type.
         *
         * @return the value, or an {@link Undecoded} (also for JSON {@code null}, which no load stores)
         */
        Object decode(byte[] bytes) {
            try {
                Object value = reader.readValue(bytes);
                return value != null ? value : new Undecoded(new IOException("the cached bytes hold null"));
            } catch (IOException | RuntimeException e) {
                return new Undecoded(e);
            }
        }
    }

    /** What {@link Codec#decode} answers for bytes that do not read into the result type. */
    record Undecoded(Exception cause) {
    }

    private final ObjectMapper mapper;
    private final Map<Type, Codec> codecs = new ConcurrentHashMap<>();

    ResultCodecs(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    Codec of(Type resultType) {
        Codec codec = codecs.get(resultType);
        if (codec == null) {
            var type = mapper.getTypeFactory().constructType(resultType);
            codec = new Codec(mapper.readerFor(type), mapper.writerFor(type));
            if (codecs.size() < MAX_CODECS) { // a Type without equals, made per call, must not grow the map
                codecs.putIfAbsent(resultType, codec);
            }
        }
        return codec;
    }
}
