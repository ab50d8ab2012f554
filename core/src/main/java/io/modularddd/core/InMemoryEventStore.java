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
import java.util.Set;
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
    private final HashMap<AggregateId, Life> lives;

    /** The stored events, shared by a store and its {@linkplain #withSerializer views}. */
    private static final class Data {
        final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
        final ArrayList<Row> log = new ArrayList<>();
        final HashMap<AggregateId, ArrayList<Row>> streams = new HashMap<>();
        final HashMap<UUID, Row> byEventId = new HashMap<>();
        /** Deleted, truncated or erased streams; a stream with none of these has no entry. */
        final HashMap<AggregateId, Life> lives = new HashMap<>();
    }

    /** A stream's lifecycle marks: versions up to {@code deletedThrough} are deleted. */
    private record Life(long deletedThrough, long truncatedBefore, boolean erased) {
        static final Life NONE = new Life(0, 1, false);
    }

    private final Data data;

    /** The most positions one type-filtered read examines. */
    private static final int FILTERED_SCAN = 65_536;

    private InMemoryEventStore(EventSerializer serializer, Data data) {
        this.serializer = serializer;
        this.data = data;
        this.lock = data.lock;
        this.log = data.log;
        this.streams = data.streams;
        this.byEventId = data.byEventId;
        this.lives = data.lives;
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
        public long storedVersionOf(AggregateId stream) {
            return InMemoryEventStore.this.storedVersionOf(stream);
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
                    rows = stream == null ? List.of()
                            : slice(stream, Math.max(from, firstVisible(aggregateId)), toVersion, limit);
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
                rows.put(id, stream == null ? List.of()
                        : slice(stream, Math.max(fromVersion, firstVisible(id)), toVersion, Integer.MAX_VALUE));
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

    /**
     * Looks at the stored type of each row and decodes only the wanted ones; one call examines at most
     * {@value #FILTERED_SCAN} positions, so the lock is never held long.
     */
    @Override
    public EventPage readAll(long fromPosition, int limit, Set<String> eventTypes) {
        Set<String> types = StoreChecks.readAll(fromPosition, limit, eventTypes);
        List<Row> rows = new ArrayList<>();
        long scanned;
        lock.readLock().lock();
        try {
            long end = Math.min(log.size(), fromPosition - 1 + FILTERED_SCAN);
            scanned = Math.max(fromPosition - 1, end);
            for (long p = fromPosition; p <= end; p++) {
                Row row = log.get((int) (p - 1));
                if (types.contains(row.eventType())) {
                    rows.add(row);
                    if (rows.size() == limit) {
                        scanned = p;
                        break;
                    }
                }
            }
        } finally {
            lock.readLock().unlock();
        }
        return new EventPage(decode(rows), scanned);
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

    /** The version readers and writers see: 0 for a deleted stream not started again. */
    private long versionOf(AggregateId id) {
        long stored = storedVersionOf(id);
        return stored <= lives.getOrDefault(id, Life.NONE).deletedThrough() ? 0 : stored;
    }

    private long storedVersionOf(AggregateId id) {
        ArrayList<Row> stream = streams.get(id);
        return stream == null ? 0 : stream.size();
    }

    /** The first version {@code load} may return; beyond the stored version for a deleted stream. */
    private long firstVisible(AggregateId id) {
        Life life = lives.getOrDefault(id, Life.NONE);
        return Math.max(life.deletedThrough() + 1, life.truncatedBefore());
    }

    // ------------------------------------------------------------------ lifecycle

    @Override
    public long delete(AggregateId aggregateId, ExpectedVersion expected) {
        Checks.notNull("aggregateId", aggregateId);
        Checks.notNull("expected", expected);
        lock.writeLock().lock();
        try {
            long version = versionOf(aggregateId);
            if (version == 0) {
                throw new StreamNotFoundException(aggregateId, "delete", storedVersionOf(aggregateId) == 0
                        ? "it has no events" : "it is deleted already");
            }
            if (!expected.matches(version)) {
                throw new ConcurrencyConflictException(aggregateId, expected, version);
            }
            Life life = lives.getOrDefault(aggregateId, Life.NONE);
            lives.put(aggregateId, new Life(version, life.truncatedBefore(), life.erased()));
            return version;
        } finally {
            lock.writeLock().unlock();
        }
    }

    @Override
    public void truncateBefore(AggregateId aggregateId, long version) {
        Checks.notNull("aggregateId", aggregateId);
        lock.writeLock().lock();
        try {
            long stored = storedVersionOf(aggregateId);
            StoreChecks.truncation(aggregateId, version, stored);
            Life life = lives.getOrDefault(aggregateId, Life.NONE);
            if (version > life.truncatedBefore()) {
                lives.put(aggregateId, new Life(life.deletedThrough(), version, life.erased()));
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    @Override
    public long erase(AggregateId aggregateId) {
        Checks.notNull("aggregateId", aggregateId);
        lock.writeLock().lock();
        try {
            ArrayList<Row> stream = streams.get(aggregateId);
            if (stream == null) {
                throw new StreamNotFoundException(aggregateId, "erase", "it has no events");
            }
            long erased = 0;
            for (int i = 0; i < stream.size(); i++) {
                Row row = stream.get(i);
                if (row.payload() == null) {
                    continue;
                }
                Row blank = new Row(row.position(), row.eventId(), row.aggregateId(), row.aggregateType(),
                        row.eventType(), null, null, row.version(), row.occurredAt());
                stream.set(i, blank);
                log.set((int) (row.position() - 1), blank);
                byEventId.put(row.eventId(), blank);
                erased++;
            }
            Life life = lives.getOrDefault(aggregateId, Life.NONE);
            lives.put(aggregateId, new Life(life.deletedThrough(), life.truncatedBefore(), true));
            return erased;
        } finally {
            lock.writeLock().unlock();
        }
    }

    @Override
    public StreamState streamState(AggregateId aggregateId) {
        Checks.notNull("aggregateId", aggregateId);
        lock.readLock().lock();
        try {
            long stored = storedVersionOf(aggregateId);
            if (stored == 0) {
                return StreamState.absent(aggregateId);
            }
            Life life = lives.getOrDefault(aggregateId, Life.NONE);
            long version = versionOf(aggregateId);
            return new StreamState(aggregateId, version, stored, life.deletedThrough() + 1, life.truncatedBefore(),
                    version == 0, life.erased());
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Copies rows numbered {@code from..to} (1-based, inclusive), at most {@code limit} of them. */
    private static List<Row> slice(ArrayList<Row> rows, long from, long to, int limit) {
        if (from > rows.size() || from > to) {
            return List.of();
        }
        int start = (int) (from - 1);
        long end = Math.min(Math.min(to, rows.size()), from - 1 + limit);
        return new ArrayList<>(rows.subList(start, (int) end));
    }

    private List<StoredEvent> decode(List<Row> rows) {
        List<StoredEvent> events = new ArrayList<>(rows.size());
        for (Row row : rows) {
            if (row.payload() == null) {
                events.add(new StoredEvent(row.position(), row.eventId(), row.aggregateId(), row.aggregateType(),
                        ErasedEvent.TYPE, row.eventType(), ErasedEvent.INSTANCE, EventMetadata.empty(), row.version(),
                        row.occurredAt()));
                continue;
            }
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
