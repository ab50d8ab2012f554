package io.modularddd.core;

import java.util.Objects;

/**
 * A stored event could not be read back: its payload or metadata did not decode into the registered
 * class, or its event type is not registered. Says which event: {@link #aggregateId()},
 * {@link #version()}, {@link #position()} and {@link #typeName()}; the cause says why.
 *
 * <p>Every store throws this, and only this, for an event it holds but cannot decode — eager stores
 * while reading the page that holds it, lazily decoding stores when its payload is first asked for.
 * The stored bytes are left untouched. A reader following {@code readAll} can report the event and go
 * on from {@code position() + 1}; a stream loaded with {@code load} can be read around it with version
 * bounds. The usual fix is in the application: keep the old event class (or register an upcaster) for
 * the shape that was stored.
 */
public class UnreadableEventException extends SerializationException {

    private static final long serialVersionUID = 1L;

    private final AggregateId aggregateId;
    private final long version;
    private final long position;

    /**
     * Creates the exception; see {@link #of} for the usual way.
     *
     * @param aggregateId the event's stream
     * @param version     the event's version in its stream
     * @param position    the event's global position
     * @param eventType   the stored event type name
     * @param reason      why it could not be read and what to do, as one or more sentences
     * @param cause       the codec's or registry's exception, or {@code null}
     */
    public UnreadableEventException(AggregateId aggregateId, long version, long position, String eventType,
                                    String reason, Throwable cause) {
        super(eventType, message(aggregateId, version, position, eventType, reason), cause);
        this.aggregateId = Objects.requireNonNull(aggregateId, "aggregateId");
        this.version = version;
        this.position = position;
    }

    /**
     * Locates a decoding failure: the failure's own message becomes the reason, the failure the cause.
     *
     * @param aggregateId the event's stream
     * @param version     the event's version in its stream
     * @param position    the event's global position
     * @param eventType   the stored event type name
     * @param failure     what the serializer or the registry threw (typically a
     *                    {@link SerializationException} or an {@link UnknownEventTypeException})
     * @return the exception
     */
    public static UnreadableEventException of(AggregateId aggregateId, long version, long position, String eventType,
                                              RuntimeException failure) {
        String reason = failure.getMessage() == null ? failure.toString() : failure.getMessage();
        return new UnreadableEventException(aggregateId, version, position, eventType, reason, failure);
    }

    private static String message(AggregateId aggregateId, long version, long position, String eventType,
                                  String reason) {
        String r = reason == null ? "" : reason.strip();
        if (!r.isEmpty() && !r.endsWith(".")) {
            r += ".";
        }
        return "Could not read event '" + eventType + "' (version " + version + " of stream '"
                + (aggregateId == null ? null : aggregateId.value()) + "', position " + position + "): " + r
                + " The stored event is unchanged; a reader of readAll can report it and go on from position "
                + (position + 1) + ".";
    }

    /**
     * Returns the stream of the event that could not be read.
     *
     * @return the aggregate id
     */
    public AggregateId aggregateId() {
        return aggregateId;
    }

    /**
     * Returns the version of the event that could not be read.
     *
     * @return the version within its stream
     */
    public long version() {
        return version;
    }

    /**
     * Returns the global position of the event that could not be read.
     *
     * @return the position; {@code readAll(position() + 1, ...)} reads on past it
     */
    public long position() {
        return position;
    }
}
