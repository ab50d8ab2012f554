package io.modularddd.snapshots;

import com.fasterxml.jackson.databind.ObjectReader;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import io.modularddd.core.AggregateId;
import io.modularddd.core.AggregateNotFoundException;
import io.modularddd.core.AppendRequest;
import io.modularddd.core.AppendResult;
import io.modularddd.core.ConcurrencyConflictException;
import io.modularddd.core.ErasedEvent;
import io.modularddd.core.EventMetadata;
import io.modularddd.core.EventStore;
import io.modularddd.core.EventStream;
import io.modularddd.core.ExpectedVersion;
import io.modularddd.core.NewEvent;
import io.modularddd.core.StoredEvent;
import io.modularddd.core.StreamErasedException;
import io.modularddd.core.StreamState;
import io.modularddd.core.StreamTruncatedException;
import io.modularddd.core.aggregate.AggregateAccess;
import io.modularddd.core.aggregate.AggregateRepository;
import io.modularddd.core.aggregate.AggregateRoot;
import io.modularddd.core.aggregate.Snapshotable;
import io.modularddd.core.internal.Checks;
import io.modularddd.core.snapshot.AggregateStats;
import io.modularddd.core.snapshot.Snapshot;
import io.modularddd.core.snapshot.StateAndSnapshot;
import io.modularddd.core.snapshot.SnapshotStore;
import io.modularddd.core.snapshot.SnapshotStrategy;
import io.modularddd.snapshots.SnapshotMeters.Eviction;
import io.modularddd.snapshots.SnapshotMeters.Ignored;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@link AggregateRepository} that loads aggregates from their newest usable snapshot plus the events
 * after it, takes snapshots as its {@link SnapshotStrategy} asks, and keeps the state of hot aggregates
 * in a bounded cache.
 *
 * <pre>{@code
 * SnapshottingRepository<Account> accounts = SnapshottingRepository
 *         .builder(store, "Account", Account::new, AccountState.class)
 *         .snapshotStore(snapshotStore)
 *         .build();
 * }</pre>
 *
 * <p>Why this class is longer than 500 lines: its load is one decision procedure — cache entry, lifecycle
 * state, snapshot choice, tail replay, each check in an order the consistency rules depend on — and reads
 * best in one place; the snapshot writing lives in {@code SnapshotWriter}, the settings in the builder.
 *
 * <h2>Load</h2>
 * The stream's state is read first ({@link EventStore#streamState}; without a cache hit together with the
 * newest snapshot, {@code SnapshotStore.newestWithState}, one round trip on a JDBC store): a deleted
 * stream is absent whatever a snapshot or the cache holds, so nothing is ever resurrected. The base is then the cache entry, or
 * else the newest stored snapshot, if it is usable: of this aggregate type and of the aggregate's
 * {@link Snapshotable#snapshotSchemaVersion()}, not ahead of the stream, of the stream's current life
 * (a stream started again after a delete ignores snapshots of its earlier life), and not before its
 * truncation point. The state is read with Jackson into the class given to the builder — never a class
 * named by stored data — and restored into a fresh aggregate; the events after it are replayed
 * ({@code load(id, version + 1)}). An unusable snapshot is ignored, counted by reason
 * ({@code modularddd.snapshots.ignored}), and the aggregate is rebuilt from its events; a truncated
 * stream without a usable snapshot raises {@link StreamTruncatedException}, an erased one
 * {@link StreamErasedException} (and its snapshot is deleted).
 *
 * <h2>Save</h2>
 * Appends with the loaded version expected, then asks the strategy. The state is captured on the
 * caller's thread (an immutable {@code S}), then serialized and written on the executor, after the
 * save returned. A failed snapshot — strategy, serialization, store, a full executor — is logged and
 * counted ({@code modularddd.snapshots.failed}), never thrown. Erased streams are never snapshotted.
 *
 * <h2>The aggregate cache</h2>
 * Holds, per id, the serialized state and its version — never an aggregate: every load builds a fresh
 * instance, so two callers never share one and never see each other's uncommitted changes. Bounded by
 * bytes (Caffeine). A loaded aggregate enters it when the admission rule holds (version above 5 and
 * more than 0.1 loads/s by default); a save of a cached aggregate refreshes its entry. A hit is not
 * trusted blindly: the stream's state is read and only newer events are loaded, so another node's writes
 * are seen — unless the repository is declared the {@linkplain SnapshottingRepositoryBuilder#singleWriter()
 * single writer}. A failed save evicts the entry.
 *
 * <p>Thread-safe; aggregates it returns are not (one per command).
 *
 * @param <A> the aggregate type
 */
public final class SnapshottingRepository<A extends AggregateRoot<A> & Snapshotable<?>>
        implements AggregateRepository<A> {

    private static final Logger LOG = LoggerFactory.getLogger(SnapshottingRepository.class);
    /** What a cache entry costs beyond its state's bytes, for the weigher. */
    private static final int ENTRY_OVERHEAD_BYTES = 96;

    private final EventStore store;
    private final SnapshotStore snapshots;
    private final String aggregateType;
    private final Function<AggregateId, A> factory;
    private final ObjectReader reader;
    private final AggregateStats stats;
    private final SnapshotWriter snapshotWriter;
    private final Cache<AggregateId, CachedState> cache;
    private final long admitVersionAbove;
    private final double admitLoadsPerSecondAbove;
    private final boolean singleWriter;
    /** The version of each aggregate's newest snapshot, as far as this repository knows. */
    private final Cache<AggregateId, Long> snapshotVersions;
    private final SnapshotMeters meters;
    private final Ticker ticker;

    /** A cache entry: the serialized state at a version; the bytes are never handed out or changed. */
    private record CachedState(long version, int schemaVersion, byte[] state) {
    }

    /** What a load attempt produced: an aggregate (or none), the events it replayed, its state if known. */
    private record Loaded<A>(A aggregate, long replayed, byte[] state) {
    }

    SnapshottingRepository(SnapshottingRepositoryBuilder<A> b) {
        this.store = b.store;
        this.snapshots = b.snapshotStore;
        this.aggregateType = b.aggregateType;
        this.factory = b.factory;
        this.reader = b.objectMapper.readerFor(b.stateClass);
        this.ticker = b.ticker;
        this.stats = b.stats != null ? b.stats : InMemoryAggregateStats.builder().ticker(b.ticker).build();
        this.meters = new SnapshotMeters(b.meterRegistry, aggregateType);
        this.admitVersionAbove = b.admitVersionAbove;
        this.admitLoadsPerSecondAbove = b.admitLoadsPerSecondAbove;
        this.singleWriter = b.singleWriter;
        this.cache = b.cacheMaximumBytes == 0 ? null : Caffeine.newBuilder()
                .maximumWeight(b.cacheMaximumBytes)
                .<AggregateId, CachedState>weigher((id, e) -> (int) Math.min(Integer.MAX_VALUE,
                        (long) e.state().length + ENTRY_OVERHEAD_BYTES))
                .evictionListener((id, e, cause) -> meters.evicted(Eviction.SIZE))
                .ticker(b.ticker)
                .executor(Runnable::run)
                .build();
        this.snapshotVersions = Caffeine.newBuilder().maximumSize(100_000).executor(Runnable::run).build();
        this.snapshotWriter = new SnapshotWriter(store, snapshots, aggregateType, b.strategy, b.executor, stats,
                b.stats != null ? store.serializer().orElse(null) : null, b.objectMapper.writerFor(b.stateClass),
                snapshotVersions, meters, b.clock);
    }

    /**
     * Starts configuring a repository.
     *
     * @param store         where the events live
     * @param aggregateType the type name stored with every event and snapshot, e.g. {@code "Account"}
     * @param factory       creates an empty aggregate for an id
     * @param stateClass    the class of the aggregate's snapshot state {@code S}: snapshots are read into it
     * @param <A>           the aggregate type
     * @param <S>           its snapshot state
     * @return a builder
     * @throws IllegalArgumentException when an argument is null, or the type name blank or too long
     */
    public static <A extends AggregateRoot<A> & Snapshotable<S>, S> SnapshottingRepositoryBuilder<A> builder(
            EventStore store, String aggregateType, Function<AggregateId, A> factory, Class<S> stateClass) {
        return new SnapshottingRepositoryBuilder<>(store, aggregateType, factory, stateClass);
    }

    /**
     * {@inheritDoc}
     *
     * @throws StreamTruncatedException when the stream is truncated and no usable snapshot is at or after
     *                                  the truncation point
     * @throws StreamErasedException    when the stream was erased
     */
    @Override
    public A load(AggregateId id) {
        return find(id).orElseThrow(() -> new AggregateNotFoundException(aggregateType, id));
    }

    /**
     * {@inheritDoc}
     *
     * @throws StreamTruncatedException when the stream is truncated and no usable snapshot is at or after
     *                                  the truncation point
     * @throws StreamErasedException    when the stream was erased
     */
    @Override
    public Optional<A> find(AggregateId id) {
        Checks.notNull("id", id);
        long started = ticker.read();
        Loaded<A> loaded = attempt(id, false);
        if (loaded == null) {
            // the stream was truncated past our base between reading its state and its events
            loaded = attempt(id, true);
        }
        if (loaded.aggregate() == null) {
            return Optional.empty();
        }
        try {
            stats.recordLoad(id, aggregateType, loaded.replayed(), ticker.read() - started);
            remember(loaded.aggregate(), loaded.state(), true);
        } catch (RuntimeException e) {
            LOG.warn("recording the load of {} '{}' failed; the load itself succeeded: {}", aggregateType,
                    id.value(), e.toString());
        }
        return Optional.of(loaded.aggregate());
    }

    /** One load; {@code null} when the events did not follow the base and {@code last} is false. */
    private Loaded<A> attempt(AggregateId id, boolean last) {
        CachedState hit = cache == null ? null : cache.getIfPresent(id);
        if (hit != null && singleWriter) {
            A aggregate = factory.apply(id);
            if (restore(aggregate, hit.version(), hit.schemaVersion(), hit.state())) {
                meters.hit();
                return new Loaded<>(aggregate, 0, hit.state());
            }
            evict(id, Eviction.UNREADABLE);
            hit = null;
        }
        // no cache hit: the state and the newest snapshot together (one round trip on a JDBC store); a hit: the state
        StateAndSnapshot both = hit == null ? readTogether(id) : null;
        StreamState state = both != null ? both.state() : store.streamState(id);
        Optional<Snapshot> newest = both != null ? both.snapshot() : hit == null ? Optional.empty() : null;
        if (!state.exists()) {
            // absent or deleted: whatever a snapshot or the cache holds, the aggregate does not exist
            if (hit != null) {
                evict(id, Eviction.LIFECYCLE);
            }
            return new Loaded<>(null, 0, null);
        }
        if (state.erased()) {
            if (hit != null) {
                evict(id, Eviction.LIFECYCLE);
            }
            dropSnapshotOfErased(id);
            countMiss();
            return replayAll(id, state, last);
        }
        if (hit != null) {
            if (usable(hit.version(), state) == null) {
                A aggregate = factory.apply(id);
                if (restore(aggregate, hit.version(), hit.schemaVersion(), hit.state())) {
                    meters.hit();
                    return replayTail(id, aggregate, hit.state(), state, last);
                }
                evict(id, Eviction.UNREADABLE);
            } else {
                evict(id, Eviction.LIFECYCLE);
            }
        }
        countMiss();
        A aggregate = factory.apply(id);
        Snapshot snapshot = usableSnapshot(id, state, aggregate.snapshotSchemaVersion(), newest);
        if (snapshot != null) {
            byte[] bytes = snapshot.state();
            if (restore(aggregate, snapshot.version(), snapshot.schemaVersion(), bytes)) {
                return replayTail(id, aggregate, bytes, state, last);
            }
            meters.ignored(Ignored.UNREADABLE);
            LOG.warn("the snapshot of {} '{}' at version {} could not be read into the declared state class; "
                    + "rebuilding from events", aggregateType, id.value(), snapshot.version());
        }
        return replayAll(id, state, last);
    }

    private void countMiss() {
        if (cache != null) {
            meters.miss();
        }
    }

    /** Why a base at {@code version} cannot be used for the stream in {@code state}; null when it can. */
    private static Ignored usable(long version, StreamState state) {
        if (version > state.version()) {
            return Ignored.AHEAD_OF_STREAM;
        }
        if (version < state.startVersion()) {
            return Ignored.EARLIER_LIFE;
        }
        if (version < state.firstVisibleVersion() - 1) {
            return Ignored.BEFORE_TRUNCATION;
        }
        return null;
    }

    /** The newest stored snapshot if it is usable; counts the reason when it is not. */
    /** The stream's state and newest snapshot in one call; {@code null} when the snapshot store fails (counted). */
    private StateAndSnapshot readTogether(AggregateId id) {
        try {
            return snapshots.newestWithState(store, id);
        } catch (RuntimeException e) {
            storeFailed(id, e);
            return null;
        }
    }

    private void storeFailed(AggregateId id, RuntimeException e) {
        meters.ignored(Ignored.STORE_FAILED);
        LOG.warn("reading the snapshot of {} '{}' failed; rebuilding from events: {}", aggregateType, id.value(),
                e.toString());
    }

    /** The newest snapshot if usable for the stream in {@code state}; {@code known}: read with it, or null. */
    private Snapshot usableSnapshot(AggregateId id, StreamState state, int schemaVersion, Optional<Snapshot> known) {
        Optional<Snapshot> newest = known;
        if (newest == null) {
            try {
                newest = snapshots.newest(id);
            } catch (RuntimeException e) {
                storeFailed(id, e);
                return null;
            }
        }
        if (newest.isEmpty()) {
            snapshotVersions.put(id, 0L);
            return null;
        }
        Snapshot s = newest.get();
        snapshotVersions.put(id, s.version());
        Ignored reason = !s.aggregateType().equals(aggregateType) ? Ignored.AGGREGATE_TYPE
                : s.schemaVersion() != schemaVersion ? Ignored.SCHEMA_VERSION
                : usable(s.version(), state);
        if (reason != null) {
            meters.ignored(reason);
            LOG.debug("ignoring the snapshot of {} '{}' at version {} (schema {}, type '{}'): {}; stream at "
                            + "version {}, life from {}, loadable from {}", aggregateType, id.value(), s.version(),
                    s.schemaVersion(), s.aggregateType(), SnapshotMeters.tag(reason), state.version(),
                    state.startVersion(), state.firstVisibleVersion());
            return null;
        }
        return s;
    }

    /** Reads the state into the declared class and restores it into the fresh aggregate; false on failure. */
    private boolean restore(A aggregate, long version, int schemaVersion, byte[] bytes) {
        if (schemaVersion != aggregate.snapshotSchemaVersion()) {
            return false;
        }
        try {
            Object state = reader.readValue(bytes);
            if (state == null) {
                return false;
            }
            AggregateAccess.restoreSnapshot(aggregate, state, version);
            return true;
        } catch (IOException | RuntimeException e) {
            LOG.debug("snapshot state of {} '{}' at version {} is unreadable: {}", aggregateType,
                    aggregate.id().value(), version, e.toString());
            return false;
        }
    }

    private Loaded<A> replayAll(AggregateId id, StreamState state, boolean last) {
        if (state.firstVisibleVersion() > state.startVersion()) {
            throw new StreamTruncatedException(id, state.truncatedBefore());
        }
        A aggregate = factory.apply(id);
        if (state.startVersion() > 1) {
            AggregateAccess.startAfter(aggregate, state.startVersion() - 1);
        }
        Loaded<A> loaded = replay(id, aggregate, null, last);
        return loaded == null || loaded.replayed() > 0 ? loaded : new Loaded<>(null, 0, null);
    }

    private Loaded<A> replayTail(AggregateId id, A aggregate, byte[] base, StreamState state, boolean last) {
        if (state.version() == aggregate.version()) {
            return new Loaded<>(aggregate, 0, base); // nothing newer: one read of the stream's state
        }
        return replay(id, aggregate, base, last);
    }

    private Loaded<A> replay(AggregateId id, A aggregate, byte[] base, boolean last) {
        long replayed = 0;
        try (EventStream events = store.load(id, aggregate.version() + 1)) {
            for (StoredEvent event : events) {
                if (event.payload() instanceof ErasedEvent) {
                    evict(id, Eviction.LIFECYCLE);
                    throw new StreamErasedException(id);
                }
                if (event.version() != aggregate.version() + 1) {
                    if (last) {
                        throw new StreamTruncatedException(id, event.version());
                    }
                    return null;
                }
                AggregateAccess.replay(aggregate, event);
                replayed++;
            }
        }
        return new Loaded<>(aggregate, replayed, replayed == 0 ? base : null);
    }

    private void dropSnapshotOfErased(AggregateId id) {
        snapshotVersions.invalidate(id);
        try {
            if (snapshots.newest(id).isPresent()) {
                snapshots.delete(id); // it was derived from data that has been erased
            }
        } catch (RuntimeException e) {
            LOG.warn("deleting the snapshot of erased {} '{}' failed: {}", aggregateType, id.value(), e.toString());
        }
    }

    /**
     * Puts the aggregate's state into the cache: after a load when it is admitted and newer than the entry,
     * after a save only when it is cached already.
     *
     * @return the serialized state when it was serialized, for the snapshot write to reuse
     */
    private byte[] remember(A aggregate, byte[] known, boolean loading) {
        if (cache == null) {
            return null;
        }
        AggregateId id = aggregate.id();
        long version = aggregate.version();
        CachedState held = cache.getIfPresent(id);
        if (held != null && held.version() >= version) {
            return null;
        }
        if (held == null && (!loading || version <= admitVersionAbove
                || !(stats.statistics(id).loadsPerSecond() > admitLoadsPerSecondAbove))) {
            return null;
        }
        byte[] bytes = known != null ? known : snapshotWriter.serialize(aggregate.snapshot());
        CachedState entry = new CachedState(version, aggregate.snapshotSchemaVersion(), bytes);
        cache.asMap().merge(id, entry, (old, offered) -> offered.version() > old.version() ? offered : old);
        return bytes;
    }

    private void evict(AggregateId id, Eviction cause) {
        if (cache != null && cache.asMap().remove(id) != null) {
            meters.evicted(cause);
        }
    }

    /**
     * Drops an aggregate from the cache: needed only with
     * {@link SnapshottingRepositoryBuilder#singleWriter()}, after changing its stream outside this
     * repository (a delete, truncation or erasure).
     *
     * @param id the aggregate
     * @throws io.modularddd.core.InvalidInputException when the id is null
     */
    public void evict(AggregateId id) {
        evict(Checks.notNull("id", id), Eviction.REQUESTED);
    }

    /** Empties the aggregate cache. */
    public void clearCache() {
        if (cache == null) {
            return;
        }
        for (AggregateId id : List.copyOf(cache.asMap().keySet())) {
            evict(id, Eviction.CLEARED);
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>The snapshot the strategy asks for is written later, on the executor; its failure never fails
     * this call.
     *
     * @throws ConcurrencyConflictException when another writer saved first (the cache entry is evicted)
     */
    @Override
    public Optional<AppendResult> save(A aggregate, EventMetadata metadata) {
        Checks.notNull("aggregate", aggregate);
        Checks.notNull("metadata", metadata);
        List<NewEvent> pending = aggregate.uncommittedEvents();
        if (pending.isEmpty()) {
            return Optional.empty();
        }
        // a copy: the aggregate's list is a view that markPersisted empties, and the executor reads it later
        List<NewEvent> events = List.copyOf(pending);
        if (!metadata.isEmpty()) {
            events = new ArrayList<>(pending.size());
            for (NewEvent e : pending) {
                events.add(e.withMetadata(e.metadata().merge(metadata)));
            }
        }
        AppendResult result;
        try {
            result = store.append(new AppendRequest(aggregate.id(), aggregateType,
                    ExpectedVersion.of(aggregate.persistedVersion()), events));
        } catch (RuntimeException e) {
            evict(aggregate.id(), e instanceof ConcurrencyConflictException ? Eviction.CONFLICT : Eviction.FAILED_SAVE);
            throw e;
        }
        AggregateAccess.markPersisted(aggregate, result);
        afterCommit(aggregate, events, result);
        return Optional.of(result);
    }

    /**
     * {@inheritDoc}
     *
     * <p>Caches the aggregate's new state and takes the snapshot the strategy asks for, as after {@link #save}: a
     * unit of work that appended the aggregate's events calls this, so aggregates saved by commands are
     * snapshotted too. The snapshot is written later, on the executor; nothing here throws for a failed write.
     */
    @Override
    public void committed(A aggregate, List<NewEvent> events, AppendResult result) {
        Checks.notNull("aggregate", aggregate);
        Checks.notNull("events", events);
        Checks.notNull("result", result);
        afterCommit(aggregate, events, result);
    }

    private void afterCommit(A aggregate, List<NewEvent> events, AppendResult result) {
        byte[] cached;
        try {
            cached = remember(aggregate, null, false);
        } catch (RuntimeException e) {
            evict(aggregate.id(), Eviction.UNREADABLE);
            cached = null;
        }
        snapshotWriter.afterCommit(aggregate.id(), result.lastVersion(), events, aggregate::snapshot,
                aggregate.snapshotSchemaVersion(), cached);
    }

    /**
     * Returns the aggregate type name this repository stores.
     *
     * @return the type name
     */
    public String aggregateType() {
        return aggregateType;
    }
}
