package io.modularddd.core;

import io.modularddd.core.internal.AppendPlanner;
import io.modularddd.core.internal.Checks;
import io.modularddd.core.internal.Idempotency;
import io.modularddd.core.internal.IteratorEventStream;
import io.modularddd.core.internal.PagingIterator;
import io.modularddd.core.internal.PositionPagingIterator;
import io.modularddd.core.internal.StoreChecks;
import io.modularddd.core.serialization.EventSerializer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A complete, thread-safe {@link EventStore} held in memory: the embedded default for tests, demos
 * and single-process tools.
 *
 * <p>It behaves like the database stores, not like a map of objects: payloads and metadata are
 * serialized on append (so an unregistered or unserializable event fails at once, and mutating a
 * payload object after appending changes nothing stored) and deserialized into fresh objects on
 * every read (an event that does not decode is an {@link UnreadableEventException} naming it). It
 * passes the same {@code EventStoreContract} as the JDBC and Redis stores.
 *
 * <p>Appends take one write lock; reads take a read lock per page of {@value #PAGE_SIZE} events and
 * decode outside it. Contents are lost when the process ends.
 */
public final class InMemoryEventStore implements EventStore {

    static final int PAGE_SIZE = 512;

    private final EventSerializer serializer;
    private final ReentrantReadWriteLock lock;
    /** Global log; the event at position p is at index p - 1. */
    private final ArrayList<Row> log;
    /** Each stream's events; the event at version v is at index v - 1. */
    private final HashMap<AggregateId, ArrayList<Row>> streams;
    private final HashMap<UUID, Row> byEventId;

    /** The stored events, shared by a store and its {@linkplain #withSerializer views}. */
    private static final class Data {
        final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
        final ArrayList<Row> log = new ArrayList<>();
        final HashMap<AggregateId, ArrayList<Row>> streams = new HashMap<>();
        final HashMap<UUID, Row> byEventId = new HashMap<>();
    }

    private final Data data;

    private InMemoryEventStore(EventSerializer serializer, Data data) {
        this.serializer = serializer;
        this.data = data;
        this.lock = data.lock;
        this.log = data.log;
        this.streams = data.streams;
        this.byEventId = data.byEventId;
    }

    /**
     * Creates an empty store.
     *
     * @param serializer turns payloads into bytes and back; its registry names the event types
     * @return the store
     */
    public static InMemoryEventStore create(EventSerializer serializer) {
        return new InMemoryEventStore(Checks.notNull("serializer", serializer), new Data());
    }

    /**
     * Returns a view of this store's events through another serializer: the same events, read (and
     * written) with {@code other}. For tools and migrations, e.g. reading every event as a JSON tree
     * with {@code UntypedJsonSerializer.raw()}, or reading old events through a registry with new
     * upcasters. Appends through either are seen by both.
     *
     * @param other the serializer of the view
     * @return the view
     * @throws InvalidInputException when {@code other} is null
     */
    public InMemoryEventStore withSerializer(EventSerializer other) {
        return new InMemoryEventStore(Checks.notNull("serializer", other), data);
    }

    private record Row(long position, UUID eventId, AggregateId aggregateId, String aggregateType, String eventType,
                       byte[] payload, byte[] metadata, long version, Instant occurredAt) {
    }

    /** A request serialized outside the lock. */
    private record Encoded(AppendRequest request, String[] types, byte[][] payloads, byte[][] metadata) {
    }

    @Override
    public AppendResult append(AppendRequest request) {
        Encoded encoded = encode(StoreChecks.request(request));
        lock.writeLock().lock();
        try {
            return write(List.of(encoded)).get(0);
        } finally {
            lock.writeLock().unlock();
        }
    }

    @Override
    public List<AppendResult> appendBatch(List<AppendRequest> requests) {
        List<AppendRequest> checked = StoreChecks.batch(requests);
        List<Encoded> encoded = new ArrayList<>(checked.size());
        for (AppendRequest r : checked) {
            encoded.add(encode(r));
        }
        lock.writeLock().lock();
        try {
            return write(encoded);
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Plans the unit with the append rule every store shares, then writes it; called under the write lock. */
    private List<AppendResult> write(List<Encoded> batch) {
        List<AppendRequest> unit = new ArrayList<>(batch.size());
        for (Encoded e : batch) {
            unit.add(e.request());
        }
        AppendPlanner.Plan plan = AppendPlanner.plan(unit, known, log.size() + 1L);
        int k = 0;
        for (AppendPlanner.Placement placement : plan.placements()) {
            while (batch.get(k).request() != placement.request()) {
                k++;
            }
            insert(batch.get(k), placement);
        }
        return plan.results();
    }

    /** What the append rule needs to know of the stored log: read under the write lock. */
    private final AppendPlanner.Known known = new AppendPlanner.Known() {
        @Override
        public long versionOf(AggregateId stream) {
            return InMemoryEventStore.this.versionOf(stream);
        }

        @Override
        public Idempotency.StoredRef storedRef(UUID eventId) {
            Row row = byEventId.get(eventId);
            return row == null ? null : new Idempotency.StoredRef(row.eventId(), row.aggregateId(), row.version(),
                    row.position());
        }
    };

    private void insert(Encoded encoded, AppendPlanner.Placement placement) {
        AppendRequest r = encoded.request();
        ArrayList<Row> stream = streams.computeIfAbsent(r.aggregateId(), id -> new ArrayList<>());
        for (int j = 0; j < r.size(); j++) {
            NewEvent e = r.events().get(j);
            Row row = new Row(placement.firstPosition() + j, e.eventId(), r.aggregateId(), r.aggregateType(),
                    encoded.types()[j], encoded.payloads()[j], encoded.metadata()[j], placement.firstVersion() + j,
                    e.occurredAt());
            log.add(row);
            stream.add(row);
            byEventId.put(e.eventId(), row);
        }
    }

    private Encoded encode(AppendRequest r) {
        int n = r.size();
        String[] types = new String[n];
        byte[][] payloads = new byte[n][];
        byte[][] metadata = new byte[n][];
        for (int j = 0; j < n; j++) {
            NewEvent e = r.events().get(j);
            types[j] = serializer.typeName(e.payload());
            payloads[j] = serializer.serialize(e.payload());
            metadata[j] = e.metadata().isEmpty() ? null : serializer.serializeMetadata(e.metadata());
        }
        return new Encoded(r, types, payloads, metadata);
    }

    @Override
    public EventStream load(AggregateId aggregateId, long fromVersion, long toVersion) {
        StoreChecks.load(aggregateId, fromVersion, toVersion);
        return new IteratorEventStream(new PagingIterator(PAGE_SIZE) {
            @Override
            protected List<StoredEvent> fetch(StoredEvent after, int limit) {
                long from = after == null ? fromVersion : after.version() + 1;
                List<Row> rows;
                lock.readLock().lock();
                try {
                    ArrayList<Row> stream = streams.get(aggregateId);
                    rows = stream == null ? List.of() : slice(stream, from, toVersion, limit);
                } finally {
                    lock.readLock().unlock();
                }
                return decode(rows);
            }
        }, () -> { });
    }

    @Override
    public Map<AggregateId, EventStream> loadBatch(Collection<AggregateId> aggregateIds, long fromVersion,
                                                   long toVersion) {
        List<AggregateId> ids = StoreChecks.ids(aggregateIds);
        StoreChecks.versions(fromVersion, toVersion);
        Map<AggregateId, List<Row>> rows = new LinkedHashMap<>();
        lock.readLock().lock();
        try {
            for (AggregateId id : ids) {
                ArrayList<Row> stream = streams.get(id);
                rows.put(id, stream == null ? List.of() : slice(stream, fromVersion, toVersion, Integer.MAX_VALUE));
            }
        } finally {
            lock.readLock().unlock();
        }
        Map<AggregateId, EventStream> result = new LinkedHashMap<>();
        rows.forEach((id, r) -> result.put(id, EventStream.of(decode(r))));
        return result;
    }

    @Override
    public EventStream readAll(long fromPosition, int limit) {
        StoreChecks.readAll(fromPosition, limit);
        return new IteratorEventStream(new PositionPagingIterator(fromPosition, limit, PAGE_SIZE) {
            @Override
            protected List<StoredEvent> fetchFrom(long from, int want) {
                List<Row> rows;
                lock.readLock().lock();
                try {
                    rows = slice(log, from, Long.MAX_VALUE, want);
                } finally {
                    lock.readLock().unlock();
                }
                return decode(rows);
            }
        }, () -> { });
    }

    @Override
    public long currentVersion(AggregateId aggregateId) {
        Checks.notNull("aggregateId", aggregateId);
        lock.readLock().lock();
        try {
            return versionOf(aggregateId);
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public Optional<EventSerializer> serializer() {
        return Optional.of(serializer);
    }

    @Override
    public long headPosition() {
        lock.readLock().lock();
        try {
            return log.size();
        } finally {
            lock.readLock().unlock();
        }
    }

    private long versionOf(AggregateId id) {
        ArrayList<Row> stream = streams.get(id);
        return stream == null ? 0 : stream.size();
    }

    /** Copies rows numbered {@code from..to} (1-based, inclusive), at most {@code limit} of them. */
    private static List<Row> slice(ArrayList<Row> rows, long from, long to, int limit) {
        if (from > rows.size()) {
            return List.of();
        }
        int start = (int) (from - 1);
        long end = Math.min(Math.min(to, rows.size()), from - 1 + limit);
        return new ArrayList<>(rows.subList(start, (int) end));
    }

    private List<StoredEvent> decode(List<Row> rows) {
        List<StoredEvent> events = new ArrayList<>(rows.size());
        for (Row row : rows) {
            Object payload;
            EventMetadata metadata;
            try {
                payload = serializer.deserialize(row.eventType(), row.payload());
                metadata = row.metadata() == null ? EventMetadata.empty()
                        : serializer.deserializeMetadata(row.metadata());
            } catch (SerializationException | UnknownEventTypeException e) {
                throw UnreadableEventException.of(row.aggregateId(), row.version(), row.position(), row.eventType(), e);
            }
            events.add(new StoredEvent(row.position(), row.eventId(), row.aggregateId(), row.aggregateType(),
                    serializer.readTypeName(row.eventType()), row.eventType(), payload, metadata, row.version(),
                    row.occurredAt()));
        }
        return events;
    }
}
