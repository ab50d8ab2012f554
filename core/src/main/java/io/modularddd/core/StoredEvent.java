package io.modularddd.core;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Instant;
import java.util.UUID;

/**
 * An event as read back from a store.
 *
 * <p>{@code position} is the event's place in the global order: positions are dense (1, 2, 3, …
 * with no holes) and follow commit order, so a reader that has seen position {@code p} has seen
 * every event before it. {@code version} is the event's place in its own stream, also dense from 1.
 *
 * <h2>Payload</h2>
 * The payload is decoded on first access by stores that decode lazily; each read returns its own
 * objects. A store either hands over a decoded payload (the constructor) or a {@link PayloadDecoder}
 * ({@link #lazy}); callers see no difference except in timing:
 * <ul>
 *   <li><b>Cost.</b> A lazy event pays for decoding its payload only when {@link #payload()} (or
 *       {@link #payloadAs}, {@link #equals}, {@link #hashCode}, {@link #toString}) is first called, and
 *       only once; a caller that reads only the envelope (versions, ids, types, metadata) never pays
 *       it. A caller that reads every payload pays the same as with an eager store.</li>
 *   <li><b>Errors.</b> A payload whose bytes do not decode makes {@code payload()} throw
 *       {@link UnreadableEventException} (a {@link SerializationException} with the stream, version,
 *       position and type as fields, the decoder's failure as its cause) — at access time rather than
 *       while the stream was read, the same error an eager store throws while reading. Each later
 *       access calls the decoder again and throws again if it still fails; a failure or a {@code null}
 *       is never remembered as the payload.</li>
 *   <li><b>Threads.</b> The first access decodes, under a lock private to the event, so the decoder
 *       runs once even when many threads ask at the same moment; later accesses read a
 *       {@code volatile} field and take no lock. After a successful decode the event lets go of the
 *       decoder and of the bytes it holds.</li>
 *   <li><b>Equality.</b> Value-based over every field, the payload compared decoded: a lazy event and
 *       an eager one with equal fields and equal payloads are equal, and have the same hash code.
 *       {@code equals} and {@code hashCode} therefore decode the payload, and may throw
 *       {@link SerializationException} when it does not decode.</li>
 * </ul>
 * Events are immutable (as far as their payload objects are) and safe to share between threads.
 *
 * <p>Until ADR 0204 this was a record; it is a final class now so that it can hold a payload not decoded
 * yet. Its accessors, constructor, equality and {@code toString} are the record's, and Jackson writes it
 * with the record's property names; tools that read fields reflectively (AssertJ's recursive comparison)
 * see a holder in place of a lazy payload: compare events with {@code equals}.
 */
@JsonPropertyOrder({"position", "eventId", "aggregateId", "aggregateType", "eventType", "storedEventType", "payload",
        "metadata", "version", "occurredAt"})
public final class StoredEvent {

    private final long position;
    private final UUID eventId;
    private final AggregateId aggregateId;
    private final String aggregateType;
    private final String eventType;
    /** The type name the event is stored under: {@code eventType} unless upcasters read it as a newer type. */
    private final String storedEventType;
    /** The decoded payload, or a {@link Lazy} holder that decodes it on first access. */
    private final Object payload;
    private final EventMetadata metadata;
    private final long version;
    private final Instant occurredAt;

    /**
     * Creates an event whose payload is already decoded.
     *
     * @param position      global position, at least 1
     * @param eventId       the event's unique id
     * @param aggregateId   the stream
     * @param aggregateType the aggregate's type name
     * @param eventType     the stable type name from the {@code EventTypeRegistry}
     * @param payload       the decoded event object
     * @param metadata      the stored metadata (empty when none was given)
     * @param version       version within the stream, at least 1
     * @param occurredAt    when the event occurred, to the microsecond
     * @throws IllegalArgumentException when a field is null or a number is below 1
     */
    public StoredEvent(long position, UUID eventId, AggregateId aggregateId, String aggregateType, String eventType,
                       Object payload, EventMetadata metadata, long version, Instant occurredAt) {
        this(position, eventId, aggregateId, aggregateType, eventType, eventType, payload, metadata, version,
                occurredAt);
    }

    /**
     * Creates an event whose payload is already decoded and was stored under another type name, which
     * upcasters read as {@code eventType} (see {@code EventTypeRegistry.Builder.upcast}).
     *
     * @param position        global position, at least 1
     * @param eventId         the event's unique id
     * @param aggregateId     the stream
     * @param aggregateType   the aggregate's type name
     * @param eventType       the type name the event is read as (the registered end of its upcaster chain)
     * @param storedEventType the type name the event is stored under
     * @param payload         the decoded event object, of {@code eventType}'s class
     * @param metadata        the stored metadata (empty when none was given)
     * @param version         version within the stream, at least 1
     * @param occurredAt      when the event occurred, to the microsecond
     * @throws IllegalArgumentException when a field is null or a number is below 1
     */
    public StoredEvent(long position, UUID eventId, AggregateId aggregateId, String aggregateType, String eventType,
                       String storedEventType, Object payload, EventMetadata metadata, long version,
                       Instant occurredAt) {
        check(position, eventId, aggregateId, aggregateType, eventType, payload, metadata, version, occurredAt);
        if (storedEventType == null) {
            throw new IllegalArgumentException("incomplete StoredEvent at position " + position + ": no stored type");
        }
        this.position = position;
        this.eventId = eventId;
        this.aggregateId = aggregateId;
        this.aggregateType = aggregateType;
        this.eventType = eventType;
        this.storedEventType = storedEventType;
        this.payload = payload;
        this.metadata = metadata;
        this.version = version;
        this.occurredAt = occurredAt;
    }

    private StoredEvent(long position, UUID eventId, AggregateId aggregateId, String aggregateType, String eventType,
                        String storedEventType, Lazy payload, EventMetadata metadata, long version,
                        Instant occurredAt) {
        this.position = position;
        this.eventId = eventId;
        this.aggregateId = aggregateId;
        this.aggregateType = aggregateType;
        this.eventType = eventType;
        this.storedEventType = storedEventType;
        this.payload = payload;
        this.metadata = metadata;
        this.version = version;
        this.occurredAt = occurredAt;
    }

    /**
     * Creates an event whose payload is decoded on first access, by {@code decoder}. For stores whose
     * callers often need only the envelope; see the class description for what changes.
     *
     * @param position      global position, at least 1
     * @param eventId       the event's unique id
     * @param aggregateId   the stream
     * @param aggregateType the aggregate's type name
     * @param eventType     the stable type name from the {@code EventTypeRegistry}
     * @param decoder       decodes the payload when it is first asked for
     * @param metadata      the stored metadata (empty when none was given)
     * @param version       version within the stream, at least 1
     * @param occurredAt    when the event occurred, to the microsecond
     * @return the event, its payload not decoded yet
     * @throws IllegalArgumentException when a field is null or a number is below 1
     */
    public static StoredEvent lazy(long position, UUID eventId, AggregateId aggregateId, String aggregateType,
                                   String eventType, PayloadDecoder decoder, EventMetadata metadata, long version,
                                   Instant occurredAt) {
        return lazy(position, eventId, aggregateId, aggregateType, eventType, eventType, decoder, metadata, version,
                occurredAt);
    }

    /**
     * Creates an event whose payload is decoded on first access and that was stored under another type
     * name, which upcasters read as {@code eventType}; the decoder applies them.
     *
     * @param position        global position, at least 1
     * @param eventId         the event's unique id
     * @param aggregateId     the stream
     * @param aggregateType   the aggregate's type name
     * @param eventType       the type name the event is read as
     * @param storedEventType the type name the event is stored under
     * @param decoder         decodes (and upcasts) the payload when it is first asked for
     * @param metadata        the stored metadata (empty when none was given)
     * @param version         version within the stream, at least 1
     * @param occurredAt      when the event occurred, to the microsecond
     * @return the event, its payload not decoded yet
     * @throws IllegalArgumentException when a field is null or a number is below 1
     */
    public static StoredEvent lazy(long position, UUID eventId, AggregateId aggregateId, String aggregateType,
                                   String eventType, String storedEventType, PayloadDecoder decoder,
                                   EventMetadata metadata, long version, Instant occurredAt) {
        check(position, eventId, aggregateId, aggregateType, eventType, decoder, metadata, version, occurredAt);
        if (storedEventType == null) {
            throw new IllegalArgumentException("incomplete StoredEvent at position " + position + ": no stored type");
        }
        return new StoredEvent(position, eventId, aggregateId, aggregateType, eventType, storedEventType,
                new Lazy(decoder), metadata, version, occurredAt);
    }

    private static void check(long position, UUID eventId, AggregateId aggregateId, String aggregateType,
                              String eventType, Object payload, EventMetadata metadata, long version,
                              Instant occurredAt) {
        if (position < 1 || version < 1 || eventId == null || aggregateId == null || aggregateType == null
                || eventType == null || payload == null || metadata == null || occurredAt == null) {
            throw new IllegalArgumentException("incomplete StoredEvent at position " + position + ", version "
                    + version + " of stream " + aggregateId);
        }
    }

    /**
     * Returns the global position.
     *
     * @return global position, at least 1
     */
    @JsonProperty
    public long position() {
        return position;
    }

    /**
     * Returns the event's unique id.
     *
     * @return the event id
     */
    @JsonProperty
    public UUID eventId() {
        return eventId;
    }

    /**
     * Returns the stream.
     *
     * @return the aggregate id
     */
    @JsonProperty
    public AggregateId aggregateId() {
        return aggregateId;
    }

    /**
     * Returns the aggregate's type name.
     *
     * @return the aggregate type
     */
    @JsonProperty
    public String aggregateType() {
        return aggregateType;
    }

    /**
     * Returns the stable type name from the {@code EventTypeRegistry}.
     *
     * @return the event type
     */
    @JsonProperty
    public String eventType() {
        return eventType;
    }

    /**
     * Returns the type name the event is stored under, for auditing: the same as {@link #eventType()}
     * unless upcasters read the stored event as a newer type (then this is the old name, e.g.
     * {@code account.opened.v1} where {@code eventType()} is {@code account.opened.v3}). Reading never
     * rewrites the stored event.
     *
     * @return the stored type name
     */
    @JsonIgnore
    public String storedEventType() {
        return storedEventType;
    }

    /** Jackson writes the stored type name only when it differs, so an event read as stored looks as before. */
    @JsonProperty("storedEventType")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    private String storedEventTypeIfUpcast() {
        return isUpcast() ? storedEventType : null;
    }

    /**
     * Tells whether the event was read through upcasters.
     *
     * @return {@code true} when {@link #storedEventType()} differs from {@link #eventType()}
     */
    @JsonIgnore
    public boolean isUpcast() {
        return !storedEventType.equals(eventType);
    }

    /**
     * Returns the decoded event object, decoding it first if the store decodes lazily and this is the
     * first access (see the class description).
     *
     * @return the payload, never {@code null}
     * @throws UnreadableEventException when the payload's stored bytes do not decode or its type is not
     *                                  registered (lazy events only); every later access tries again
     */
    @JsonProperty
    public Object payload() {
        Object p = payload;
        return p instanceof Lazy lazy ? lazy.get(this) : p;
    }

    /**
     * Returns the stored metadata.
     *
     * @return the metadata (empty when none was given)
     */
    @JsonProperty
    public EventMetadata metadata() {
        return metadata;
    }

    /**
     * Returns the version within the stream.
     *
     * @return the version, at least 1
     */
    @JsonProperty
    public long version() {
        return version;
    }

    /**
     * Returns when the event occurred.
     *
     * @return the time, to the microsecond
     */
    @JsonProperty
    public Instant occurredAt() {
        return occurredAt;
    }

    /**
     * Returns the payload cast to the expected class.
     *
     * @param type the payload's class
     * @param <T>  the payload's type
     * @return the payload
     * @throws ClassCastException when the payload is of another class
     * @throws UnreadableEventException when the payload's stored bytes do not decode (lazy events only)
     */
    public <T> T payloadAs(Class<T> type) {
        return type.cast(payload());
    }

    /**
     * Tells whether the payload is held decoded: always for events created with the constructor; for
     * lazy events, once a call of {@link #payload()} has succeeded. It decodes nothing. Not public API:
     * tests and benchmarks that check where decoding happens reach it through
     * {@code io.modularddd.core.internal.StoredEventAccess}.
     */
    boolean isPayloadDecoded() {
        return !(payload instanceof Lazy lazy) || lazy.isDecoded();
    }

    static {
        io.modularddd.core.internal.StoredEventAccess.install(StoredEvent::isPayloadDecoded);
    }

    /**
     * Compares every field, the payload decoded (so a lazy and an eager event with the same content are
     * equal). Decodes both payloads when every other field is equal.
     *
     * @param o the other object
     * @return {@code true} when {@code o} is a {@code StoredEvent} with equal fields and an equal payload
     * @throws SerializationException when a lazy payload does not decode
     */
    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        return o instanceof StoredEvent other
                && position == other.position
                && version == other.version
                && eventId.equals(other.eventId)
                && aggregateId.equals(other.aggregateId)
                && aggregateType.equals(other.aggregateType)
                && eventType.equals(other.eventType)
                && storedEventType.equals(other.storedEventType)
                && metadata.equals(other.metadata)
                && occurredAt.equals(other.occurredAt)
                && payload().equals(other.payload());
    }

    /**
     * Hashes every field, the payload decoded: equal events have equal hash codes whether their payloads
     * were decoded eagerly or lazily.
     *
     * @return the hash code
     * @throws SerializationException when a lazy payload does not decode
     */
    @Override
    public int hashCode() {
        int h = Long.hashCode(position);
        h = 31 * h + eventId.hashCode();
        h = 31 * h + aggregateId.hashCode();
        h = 31 * h + aggregateType.hashCode();
        h = 31 * h + eventType.hashCode();
        h = 31 * h + storedEventType.hashCode();
        h = 31 * h + payload().hashCode();
        h = 31 * h + metadata.hashCode();
        h = 31 * h + Long.hashCode(version);
        return 31 * h + occurredAt.hashCode();
    }

    /**
     * Shows every field as a record would. A lazy payload is decoded for it; one that does not decode is
     * shown as {@code <not decodable: reason>} instead of failing the call (so a log line never throws).
     *
     * @return {@code StoredEvent[position=…, eventId=…, …, occurredAt=…]}
     */
    @Override
    public String toString() {
        Object shown;
        try {
            shown = payload();
        } catch (RuntimeException e) {
            // the event's place is shown beside it already: show only why it did not decode
            Throwable why = e instanceof UnreadableEventException && e.getCause() != null ? e.getCause() : e;
            shown = "<not decodable: " + why.getMessage() + ">";
        }
        return "StoredEvent[position=" + position + ", eventId=" + eventId + ", aggregateId=" + aggregateId
                + ", aggregateType=" + aggregateType + ", eventType=" + eventType
                + (isUpcast() ? ", storedEventType=" + storedEventType : "") + ", payload=" + shown
                + ", metadata=" + metadata + ", version=" + version + ", occurredAt=" + occurredAt + "]";
    }

    /** How a lazy event names itself in an error message. */
    private String describe() {
        return "event '" + eventType + "' (version " + version + " of stream '" + aggregateId.value()
                + "', position " + position + ")";
    }

    /**
     * A payload not decoded yet. The first caller decodes under this holder's monitor (private, so no
     * outside code can hold it), which makes the decoder run once however many threads arrive together;
     * the result is published through a {@code volatile} field read without locking afterwards.
     */
    private static final class Lazy {

        private volatile Object value;
        private PayloadDecoder decoder; // guarded by this; null once decoded
        private boolean decoding;       // guarded by this; catches a decoder that asks for its own payload

        Lazy(PayloadDecoder decoder) {
            this.decoder = decoder;
        }

        boolean isDecoded() {
            return value != null;
        }

        Object get(StoredEvent event) {
            Object v = value;
            return v != null ? v : decode(event);
        }

        private synchronized Object decode(StoredEvent event) {
            Object v = value;
            if (v != null) {
                return v; // another thread decoded it while this one waited
            }
            if (decoding) {
                throw new IllegalStateException("The PayloadDecoder of " + event.describe() + " asked for the "
                        + "payload it is decoding; a decoder must not call payload(), equals, hashCode or toString "
                        + "of its own event.");
            }
            decoding = true;
            Object decoded;
            try {
                decoded = decoder.decode(event);
            } catch (UnreadableEventException e) {
                throw e;
            } catch (SerializationException | UnknownEventTypeException e) {
                // whatever the decoder's message says, the caller gets the event's place as fields (issue 9)
                throw UnreadableEventException.of(event.aggregateId, event.version, event.position,
                        event.eventType, e);
            } catch (ModularDddException e) {
                throw e; // not about the bytes (e.g. a store that was asked for them failed): passed on as is
            } catch (RuntimeException e) {
                throw new UnreadableEventException(event.aggregateId, event.version, event.position, event.eventType,
                        "its payload decoder failed: " + e + ". The store that read the event supplied a decoder "
                        + "that failed; read the event again, and if it fails again, check the stored bytes.", e);
            } finally {
                decoding = false;
            }
            if (decoded == null) {
                throw new UnreadableEventException(event.aggregateId, event.version, event.position, event.eventType,
                        "the payload decoder returned null; a PayloadDecoder must return the payload or throw "
                        + "SerializationException. This is a bug in the store that read the event.", null);
            }
            value = decoded;
            decoder = null; // let go of the bytes
            return decoded;
        }
    }
}
