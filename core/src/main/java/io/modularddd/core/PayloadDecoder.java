package io.modularddd.core;

/**
 * Turns the stored bytes of one event's payload into the event object, when the payload is first
 * asked for (SPI for stores that decode lazily; see {@link StoredEvent#lazy}).
 *
 * <p>A store that reads many events but whose callers often need only their envelopes (versions,
 * ids, types, metadata) creates each {@link StoredEvent} with a decoder instead of a decoded
 * payload. {@link StoredEvent#payload()} calls the decoder at most once per successful decode, from
 * whichever thread asks first, memoises the result and then lets go of the decoder (and so of the
 * bytes it holds). A decoder typically captures the bytes, the registered class and the reader to use.
 *
 * <p>Contract:
 * <ul>
 *   <li>return a fresh object (each read returns its own objects, as eager stores do), never
 *       {@code null};</li>
 *   <li>resolve the class only through the {@link io.modularddd.core.serialization.EventTypeRegistry},
 *       as every store does;</li>
 *   <li>on failure throw {@link SerializationException} (or {@link UnknownEventTypeException}) saying
 *       what is wrong and what to do about it; {@code payload()} throws it to its caller wrapped in an
 *       {@link UnreadableEventException} that names the stream, version, position and type, and the next
 *       access calls the decoder again (the cause may have been transient). Other library errors (a
 *       store that failed to answer) pass through unchanged;</li>
 *   <li>do not call {@code payload()}, {@code equals}, {@code hashCode} or {@code toString} of the
 *       event being decoded: the event is still waiting for this decoder.</li>
 * </ul>
 */
@FunctionalInterface
public interface PayloadDecoder {

    /**
     * Decodes the payload of {@code event}.
     *
     * @param event the event whose payload is wanted; its envelope (position, ids, types, metadata,
     *              version, time) is complete, and serves to name the event in an error message
     * @return the payload, a fresh object, never {@code null}
     * @throws SerializationException when the stored bytes cannot be decoded
     * @throws UnknownEventTypeException when the event type is not registered
     */
    Object decode(StoredEvent event);
}
