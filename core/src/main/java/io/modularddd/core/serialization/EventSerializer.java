package io.modularddd.core.serialization;

import io.modularddd.core.EventMetadata;
import io.modularddd.core.SerializationException;
import io.modularddd.core.UnknownEventTypeException;

/**
 * Turns event payloads and metadata into bytes and back (SPI).
 *
 * <p>Every store takes one. Implementations resolve classes only through their
 * {@link EventTypeRegistry}, are thread-safe, and never enable polymorphic "default typing".
 * {@link JacksonEventSerializer} is the standard implementation.
 */
public interface EventSerializer {

    /**
     * Returns the registry that names the event types.
     *
     * @return the registry
     */
    EventTypeRegistry registry();

    /**
     * Returns the stable type name of a payload.
     *
     * @param payload the event object
     * @return its registered name
     * @throws UnknownEventTypeException when its class is not registered
     */
    default String typeName(Object payload) {
        return registry().typeNameOf(payload.getClass());
    }

    /**
     * Returns the type name a stored event is read as: the registered end of its upcaster chain
     * ({@link EventTypeRegistry#currentTypeName(String)}), or the stored name itself. Stores put it in
     * {@code StoredEvent.eventType()} and keep the stored name in {@code storedEventType()}.
     *
     * @param storedTypeName the type name the event is stored under
     * @return the type name readers see
     */
    default String readTypeName(String storedTypeName) {
        return registry().currentTypeName(storedTypeName);
    }

    /**
     * Serializes a payload.
     *
     * @param payload the event object; its class must be registered
     * @return the bytes
     * @throws UnknownEventTypeException when its class is not registered
     * @throws SerializationException    when the object cannot be written
     * @throws io.modularddd.core.InvalidInputException when the result exceeds the size limit
     */
    byte[] serialize(Object payload);

    /**
     * Deserializes a payload.
     *
     * @param typeName the stored type name
     * @param data     the stored bytes
     * @return a fresh event object
     * @throws UnknownEventTypeException when the name is not registered
     * @throws SerializationException    when the bytes do not fit the class
     */
    Object deserialize(String typeName, byte[] data);

    /**
     * Serializes metadata.
     *
     * @param metadata the metadata
     * @return the bytes
     */
    byte[] serializeMetadata(EventMetadata metadata);

    /**
     * Deserializes metadata.
     *
     * @param data the stored bytes
     * @return the metadata
     * @throws SerializationException when the bytes are not valid metadata
     */
    EventMetadata deserializeMetadata(byte[] data);
}
