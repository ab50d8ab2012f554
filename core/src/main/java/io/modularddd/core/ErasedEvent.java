package io.modularddd.core;

/**
 * The payload readers get for an event whose stream was {@linkplain EventStore#erase erased}: its
 * payload and metadata are gone from the store, its place (stream, version, position, type name,
 * time) stays. {@code StoredEvent.eventType()} is {@link #TYPE}; {@code storedEventType()} keeps the
 * type the event had.
 *
 * <p>A projection that reads the global log meets these instead of failing; an aggregate repository
 * refuses to rebuild an erased stream ({@link StreamErasedException}).
 */
public record ErasedEvent() {

    /** The type name readers see for an erased event. */
    public static final String TYPE = "modularddd.erased";

    /** The one instance (the record has no state). */
    public static final ErasedEvent INSTANCE = new ErasedEvent();
}
