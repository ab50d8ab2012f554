package io.modularddd.core;

import io.modularddd.core.serialization.EventSerializer;
import io.modularddd.core.internal.StoreChecks;
import io.modularddd.core.internal.TypeFilteredRead;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Optional;

/**
 * An append-only store of event streams with one global order.
 *
 * <h2>Guarantees every implementation gives</h2>
 * <ul>
 *   <li><b>Atomic appends.</b> The events of one {@link AppendRequest} are stored together or not at
 *       all; {@link #appendBatch(List)} extends that across streams.</li>
 *   <li><b>Optimistic concurrency.</b> An append whose {@link ExpectedVersion} does not hold throws
 *       {@link ConcurrencyConflictException} and stores nothing. Of two appends at the same expected
 *       version, exactly one wins.</li>
 *   <li><b>Dense versions and positions.</b> A stream's versions run 1, 2, 3, … with no holes; global
 *       positions likewise, and they follow commit order, so {@link #readAll(long, int)} never
 *       skips an event that commits later.</li>
 *   <li><b>Idempotency by event id.</b> Repeating an append whose events are already stored at the
 *       same place returns the original {@link AppendResult} and stores nothing twice. Reusing an id
 *       anywhere else throws {@link EventIdConflictException}.</li>
 *   <li><b>Validated input.</b> Bad input throws {@link InvalidInputException} or
 *       {@link UnknownEventTypeException} before anything is stored.</li>
 * </ul>
 * The {@code EventStoreContract} suite in {@code modular-ddd-testkit} checks all of this for every
 * implementation. Implementations are thread-safe.
 */
public interface EventStore extends AutoCloseable {

    /**
     * Appends events to one stream.
     *
     * @param request the stream, the version condition and the events
     * @return where the events were stored (or were already stored, for a repeated request)
     * @throws ConcurrencyConflictException   when the expected version does not hold
     * @throws EventIdConflictException       when an event id is already stored elsewhere
     * @throws UnknownEventTypeException      when a payload's class is not registered
     * @throws SerializationException         when a payload cannot be serialized
     * @throws InvalidInputException          when the request is null
     * @throws AppendOutcomeUnknownException  when the connection failed during commit
     * @throws EventStoreException            when the storage fails otherwise
     */
    AppendResult append(AppendRequest request);

    /**
     * Appends to several streams in one atomic unit: either every request is stored or none is.
     *
     * @param requests the requests, at least one, each for a different stream
     * @return the results, in request order
     * @throws ConcurrencyConflictException when any request's expected version does not hold (nothing is stored)
     * @throws InvalidInputException        when the list is null or empty, holds nulls, names a stream
     *                                      twice, or repeats an event id
     * @throws EventIdConflictException     when an event id is already stored elsewhere
     * @throws UnknownEventTypeException    when a payload's class is not registered
     * @throws EventStoreException          when the storage fails
     */
    List<AppendResult> appendBatch(List<AppendRequest> requests);

    /**
     * Loads the events of a stream with versions {@code fromVersion..toVersion}, both inclusive.
     *
     * @param aggregateId the stream
     * @param fromVersion the first version wanted, at least 1
     * @param toVersion   the last version wanted, at least {@code fromVersion}; {@link Long#MAX_VALUE}
     *                    for "to the end"
     * @return the events in version order; empty when the stream does not exist or ends before
     *         {@code fromVersion}
     * @throws InvalidInputException when the id is null, a version is below 1 or {@code fromVersion > toVersion}
     * @throws EventStoreException   when the storage fails
     */
    EventStream load(AggregateId aggregateId, long fromVersion, long toVersion);

    /**
     * Loads a whole stream.
     *
     * @param aggregateId the stream
     * @return all of its events in version order
     * @throws InvalidInputException when the id is null
     * @throws EventStoreException   when the storage fails
     */
    default EventStream load(AggregateId aggregateId) {
        return load(aggregateId, 1, Long.MAX_VALUE);
    }

    /**
     * Loads a stream from a version to its end.
     *
     * @param aggregateId the stream
     * @param fromVersion the first version wanted, at least 1
     * @return the events from {@code fromVersion} on
     * @throws InvalidInputException when the id is null or the version below 1
     * @throws EventStoreException   when the storage fails
     */
    default EventStream load(AggregateId aggregateId, long fromVersion) {
        return load(aggregateId, fromVersion, Long.MAX_VALUE);
    }

    /**
     * Loads many streams in one round trip to the storage.
     *
     * @param aggregateIds the streams; duplicates are read once
     * @param fromVersion  the first version wanted in each stream, at least 1
     * @param toVersion    the last version wanted in each stream, at least {@code fromVersion}
     * @return one entry per distinct id, in the order given, with an empty stream for unknown ids
     * @throws InvalidInputException when the collection is null or holds null, or the versions are invalid
     * @throws EventStoreException   when the storage fails
     */
    Map<AggregateId, EventStream> loadBatch(Collection<AggregateId> aggregateIds, long fromVersion, long toVersion);

    /**
     * Reads events of all streams in global order, from a position on.
     *
     * @param fromPosition the first position wanted, at least 1
     * @param limit        the most events to return, at least 1
     * @return up to {@code limit} events with positions {@code >= fromPosition}, in position order
     * @throws InvalidInputException when a number is below 1
     * @throws EventStoreException   when the storage fails
     */
    EventStream readAll(long fromPosition, int limit);

    /**
     * Reads the events of some types of all streams in global order, from a position on: the events
     * {@link #readAll(long, int)} returns whose {@link StoredEvent#storedEventType() stored type name} is one of
     * {@code eventTypes}, and how far the store looked.
     *
     * <p>Type names are matched as stored: an event stored under {@code account.opened.v1} and read as
     * {@code account.opened.v2} through an upcaster matches {@code "account.opened.v1"}, and an erased event
     * matches its original type (it is returned as {@link ErasedEvent}, like {@code readAll} returns it). A
     * name no event is stored under matches nothing. What is returned is exactly what {@code readAll} returns
     * for those positions: erased, deleted and truncated streams alike; an event of a wanted type that cannot be
     * read throws {@link UnreadableEventException}, as {@code readAll} does.
     *
     * <p>The page has gaps (other types' positions), and the store may stop before {@code limit} matching events
     * to bound the work of one call: {@link EventPage#scannedThrough()} is the last position examined. Every
     * event of a wanted type from {@code fromPosition} up to it is in the page, so the next read starts at
     * {@link EventPage#nextPosition()} — a reader may move its checkpoint there even when the page is empty.
     * The read always makes progress: when the log holds positions at or after {@code fromPosition}, the page
     * scans at least one of them. It never scans past the head (the last committed position) it saw.
     *
     * <p>The default reads {@code readAll(fromPosition, limit)} and keeps the wanted types (an event of another
     * type that cannot be read is stepped over), which is correct for every store; stores that can ask their
     * storage for the types only (an index on type and position) override it.
     *
     * @param fromPosition the first position wanted, at least 1
     * @param limit        the most events to return, at least 1
     * @param eventTypes   the stored type names wanted: at least one, at most 1,000, none null or empty; to read
     *                     every type use {@link #readAll(long, int)}
     * @return the events of the wanted types and the last position examined
     * @throws InvalidInputException     when a number is below 1 or {@code eventTypes} is null, empty, too large
     *                                   or holds null or an empty name
     * @throws UnreadableEventException  when an event of a wanted type cannot be read
     * @throws EventStoreException       when the storage fails
     */
    default EventPage readAll(long fromPosition, int limit, Set<String> eventTypes) {
        return TypeFilteredRead.read(this, fromPosition, limit,
                StoreChecks.readAll(fromPosition, limit, eventTypes));
    }

    /**
     * Returns the version of a stream: the version of its last event.
     *
     * @param aggregateId the stream
     * @return the version, {@code 0} when the stream does not exist
     * @throws InvalidInputException when the id is null
     * @throws EventStoreException   when the storage fails
     */
    long currentVersion(AggregateId aggregateId);

    /**
     * Returns the position of the last committed event of the global log. A reader that wants only
     * events from now on starts at {@code readAll(headPosition() + 1, ...)}, and a reader at position
     * {@code p} lags {@code headPosition() - p} events behind. Positions are dense and commit-ordered,
     * so every position up to the returned one is readable. One indexed read on a database.
     *
     * @return the last position, {@code 0} when the store holds no events
     * @throws EventStoreException when the storage fails
     */
    long headPosition();

    // ------------------------------------------------------------------ stream lifecycle

    /**
     * Soft-deletes a stream. Afterwards reads return it as absent — {@code load} is empty,
     * {@code currentVersion} is 0 — while the global log keeps its events ({@code readAll} is
     * unchanged) and the store records the deletion. An append with {@code noStream()} (or
     * {@code any()}) starts the stream again at the next version: versions never restart, so the new
     * life of a stream deleted at version 5 begins at version 6 ({@link StreamState#startVersion()}).
     *
     * @param aggregateId the stream
     * @param expected    the condition on its current version: {@code any()} or {@code exactly(n)}
     * @return the version the stream was deleted at
     * @throws StreamNotFoundException      when the stream has no events readers see (none, or deleted)
     * @throws ConcurrencyConflictException when {@code expected} does not hold; nothing is changed
     * @throws InvalidInputException        when an argument is null
     * @throws EventStoreException          when the storage fails
     */
    long delete(AggregateId aggregateId, ExpectedVersion expected);

    /**
     * Hides a stream's events below {@code version} from {@code load} (and {@code loadBatch}): for streams
     * whose state lives in snapshots, and for bounded history. The events stay in the global log and
     * stay stored; {@code readAll} is unchanged. Idempotent, and it never moves back: a lower version
     * than the stream's truncation point changes nothing.
     *
     * @param aggregateId the stream
     * @param version     the first version {@code load} still returns: 1 to the stream's stored version + 1
     * @throws StreamNotFoundException when the stream has never had events
     * @throws InvalidInputException   when an argument is null or {@code version} is out of range
     * @throws EventStoreException     when the storage fails
     */
    void truncateBefore(AggregateId aggregateId, long version);

    /**
     * Erases a stream's personal data: the payload and metadata of every one of its events (deleted or
     * truncated ones too) are replaced by an erased marker, in the store itself. Positions and versions
     * stay, so the global log stays dense; readers get a {@link StoredEvent} whose payload is
     * {@link ErasedEvent} (type {@link ErasedEvent#TYPE}, the original type in
     * {@code storedEventType()}) instead of failing. Stores with a cache (the Redis hot tier) drop the
     * stream from it in the same call. Idempotent.
     *
     * <p>What it guarantees: after it returns, the store's rows no longer hold the data. What it does
     * not: copies outside the store — backups, replicas' binary logs or WAL archives, exports, and
     * read models that projected the data — must be handled by their own retention.
     *
     * @param aggregateId the stream
     * @return how many events were erased by this call (0 when all were erased already)
     * @throws StreamNotFoundException when the stream has never had events
     * @throws InvalidInputException   when the id is null
     * @throws EventStoreException     when the storage fails
     */
    long erase(AggregateId aggregateId);

    /**
     * Returns where a stream stands in its lifecycle: its visible and stored versions, where its current
     * life started, its truncation point, whether it is deleted or erased. Repositories use it to tell
     * a stream started again after a delete from a truncated one.
     *
     * @param aggregateId the stream
     * @return the state; {@link StreamState#absent} for a stream that never had events
     * @throws InvalidInputException when the id is null
     * @throws EventStoreException   when the storage fails
     */
    StreamState streamState(AggregateId aggregateId);

    /**
     * Returns the serializer the store writes and reads events with, when it has one: its registry
     * names the event types the store knows, and a store placed in front of it (the Redis hot tier) or
     * beside it (snapshots, projections) must use the same one. Stores that serialize return it;
     * the default, for stores that hand events to another store, returns {@code Optional.empty()}.
     *
     * @return the serializer, if the store has one
     */
    default Optional<EventSerializer> serializer() {
        return Optional.empty();
    }

    /**
     * Releases the store's resources (connections, pools). The default does nothing.
     */
    @Override
    default void close() {
    }
}
