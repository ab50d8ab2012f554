package io.modularddd.eventstore.redis;

import io.modularddd.core.AggregateId;
import io.modularddd.core.AppendOutcomeUnknownException;
import io.modularddd.core.AppendRequest;
import io.modularddd.core.AppendResult;
import io.modularddd.core.ConcurrencyConflictException;
import io.modularddd.core.EventPage;
import io.modularddd.core.EventStore;
import io.modularddd.core.EventStream;
import io.modularddd.core.ExpectedVersion;
import io.modularddd.core.StoredEvent;
import io.modularddd.core.StreamState;
import io.modularddd.core.internal.Checks;
import io.modularddd.core.internal.StoreChecks;
import io.modularddd.core.serialization.EventSerializer;
import io.modularddd.core.serialization.JacksonEventSerializer;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * An {@link EventStore} with a Redis hot tier in front of a warm store (JDBC, in-memory, any
 * {@code EventStore}). The warm store is the source of truth; Redis holds copies of recent streams.
 *
 * <h2>Writes</h2>
 * Appends go to the warm store first; it checks the expected version and commits. Only then are the
 * new events written to Redis, one pipelined MULTI/EXEC per stream that also refreshes the key's
 * TTL. A Redis failure never fails a committed append (see {@link RedisHotTier}). When the warm store
 * reports a {@link ConcurrencyConflictException} — possibly because the caller decided from a stale
 * copy in Redis — the stream's key is dropped, so the caller's retry loads fresh events.
 *
 * <h2>Reads</h2>
 * {@link #load} reads Redis page by page and accepts only a run of versions without holes from the
 * version asked for; what Redis lacks is read from the warm store and written back (backfilled).
 * {@link #loadBatch} reads the first page of every stream in one Redis pipeline and sends all streams
 * Redis cannot serve to one warm {@code loadBatch}.
 *
 * <p>Events served from Redis decode their envelope while the stream is read and their payload on the
 * first {@link StoredEvent#payload()} call (ADR 0204): a caller that needs only versions, ids, types or
 * metadata never pays for data-binding payloads. A payload whose Redis copy does not decode then is
 * read from the warm store instead, and the stream's key is dropped.
 *
 * <p>{@link #readAll} and {@link #currentVersion} go to the warm store: Redis holds only some
 * streams, for a while, so it cannot answer "every event in global order" or "the version now", and
 * {@code currentVersion} is what writers use to decide their expected version — it must be the truth.
 *
 * <p>Thread-safe when the warm store is. {@link #close()} closes the hot tier and the warm store.
 */
public final class TieredEventStore implements EventStore {

    private final EventStore warm;
    private final RedisHotTier hot;
    private final HotTierWriter writes;
    private final HotTierReads reads;

    private TieredEventStore(EventStore warm, RedisHotTier hot) {
        this.warm = warm;
        this.hot = hot;
        this.writes = hot.writer();
        this.reads = hot.reads(warm);
    }

    /**
     * Puts a hot tier in front of a warm store. The tiered store owns both from now on. Build the hot
     * tier from the serializer the warm store uses ({@link RedisHotTierBuilder#serializer}), so both
     * tiers know the same event types and Jackson modules.
     *
     * @param warm the source of truth
     * @param hot  the Redis hot tier; when disabled, every call goes to {@code warm}
     * @return the tiered store
     * @throws io.modularddd.core.InvalidInputException when an argument is null
     * @throws IllegalArgumentException when the warm store names its serializer and the hot tier was
     *                                  built from one that is not equivalent: another event type
     *                                  registry, or other Jackson modules
     */
    public static TieredEventStore of(EventStore warm, RedisHotTier hot) {
        Checks.notNull("warm", warm);
        Checks.notNull("hot", hot);
        warm.serializer().ifPresent(w -> checkSameSerialization(warm, w, hot.serializer()));
        return new TieredEventStore(warm, hot);
    }

    /**
     * Test seam: puts a hot tier in front of a warm store without {@link #of}'s serializer check, so that
     * tests can build the mismatch {@code of} refuses and show that an event the hot tier cannot encode
     * still affects its own stream only.
     */
    static TieredEventStore withoutSerializerCheck(EventStore warm, RedisHotTier hot) {
        return new TieredEventStore(warm, hot);
    }

    /**
     * Refuses tiers that would disagree on the events: the hot tier's serializer must be the warm
     * store's, or one built on the same {@code EventTypeRegistry} instance with the same Jackson
     * modules (as two {@code JacksonEventSerializer.json(registry)} of one registry are).
     */
    private static void checkSameSerialization(EventStore warm, EventSerializer warmSerializer,
                                               JacksonEventSerializer hotSerializer) {
        if (warmSerializer == hotSerializer) {
            return;
        }
        String fix = " Build the hot tier with RedisHotTier.builder().serializer(s) where s is the serializer given to "
                + "the warm store (warm.serializer().get()).";
        if (warmSerializer.registry() != hotSerializer.registry()) {
            throw new IllegalArgumentException("the hot tier was built from a serializer with another EventTypeRegistry "
                    + "than the warm store's (" + warm + "), so the two tiers could disagree on event types." + fix);
        }
        if (!(warmSerializer instanceof JacksonEventSerializer jackson)
                || !jackson.objectMapper().getRegisteredModuleIds()
                        .equals(hotSerializer.objectMapper().getRegisteredModuleIds())) {
            throw new IllegalArgumentException("the hot tier was built from a serializer with other Jackson modules "
                    + "than the warm store's (" + warm + "), so the two tiers could write the same event differently."
                    + fix);
        }
    }

    /** The warm store's serializer, which the hot tier was built from. */
    @Override
    public Optional<EventSerializer> serializer() {
        return warm.serializer();
    }

    /**
     * Returns the warm store.
     *
     * @return the source of truth
     */
    public EventStore warm() {
        return warm;
    }

    /**
     * Returns the hot tier.
     *
     * @return the hot tier
     */
    public RedisHotTier hot() {
        return hot;
    }

    @Override
    public AppendResult append(AppendRequest request) {
        StoreChecks.request(request);
        AppendResult result;
        try {
            result = warm.append(request);
        } catch (ConcurrencyConflictException e) {
            writes.drop(e.aggregateId(), "conflict");
            throw e;
        } catch (AppendOutcomeUnknownException e) {
            // maybe committed, certainly not in Redis: drop so no reader takes Redis for complete
            writes.drop(request.aggregateId(), "outcome_unknown");
            throw e;
        }
        writes.afterAppend(request, result);
        return result;
    }

    @Override
    public List<AppendResult> appendBatch(List<AppendRequest> requests) {
        List<AppendRequest> checked = StoreChecks.batch(requests);
        List<AppendResult> results;
        try {
            results = warm.appendBatch(checked);
        } catch (ConcurrencyConflictException e) {
            writes.drop(e.aggregateId(), "conflict");
            throw e;
        } catch (AppendOutcomeUnknownException e) {
            for (AppendRequest r : checked) {
                writes.drop(r.aggregateId(), "outcome_unknown");
            }
            throw e;
        }
        for (int i = 0; i < checked.size(); i++) {
            writes.afterAppend(checked.get(i), results.get(i));
        }
        return results;
    }

    @Override
    public EventStream load(AggregateId aggregateId, long fromVersion, long toVersion) {
        StoreChecks.load(aggregateId, fromVersion, toVersion);
        if (!hot.enabled() || fromVersion >= TieredLimits.MAX_EXACT_VERSION) {
            return warm.load(aggregateId, fromVersion, toVersion);
        }
        return reads.load(aggregateId, fromVersion, toVersion);
    }

    @Override
    public Map<AggregateId, EventStream> loadBatch(Collection<AggregateId> aggregateIds, long fromVersion,
                                                   long toVersion) {
        List<AggregateId> ids = StoreChecks.ids(aggregateIds);
        StoreChecks.versions(fromVersion, toVersion);
        if (ids.isEmpty() || !hot.enabled() || fromVersion >= TieredLimits.MAX_EXACT_VERSION) {
            return warm.loadBatch(ids, fromVersion, toVersion);
        }
        return reads.loadBatch(ids, fromVersion, toVersion);
    }

    /**
     * Reads the global log from the warm store: Redis holds only some streams, so it cannot give every
     * event in commit order.
     */
    @Override
    public EventStream readAll(long fromPosition, int limit) {
        return warm.readAll(fromPosition, limit);
    }

    /** Answers from the warm store, as {@link #readAll(long, int)} does (which may filter in its storage). */
    @Override
    public EventPage readAll(long fromPosition, int limit, Set<String> eventTypes) {
        return warm.readAll(fromPosition, limit, eventTypes);
    }

    /**
     * Answers from the warm store: writers base their expected version on this, so it must be the
     * source of truth, never a copy that may lag behind.
     */
    @Override
    public long currentVersion(AggregateId aggregateId) {
        return warm.currentVersion(aggregateId);
    }

    /**
     * Deletes the stream in the warm store, then drops its hot key (a drop bumps the key's epoch, so a
     * backfill that read the stream before cannot write it back).
     */
    @Override
    public long delete(AggregateId aggregateId, ExpectedVersion expected) {
        Checks.notNull("aggregateId", aggregateId);
        try {
            return warm.delete(aggregateId, expected);
        } finally {
            writes.drop(aggregateId, "lifecycle");
        }
    }

    /** Truncates the stream in the warm store, then drops its hot key. */
    @Override
    public void truncateBefore(AggregateId aggregateId, long version) {
        Checks.notNull("aggregateId", aggregateId);
        try {
            warm.truncateBefore(aggregateId, version);
        } finally {
            writes.drop(aggregateId, "lifecycle");
        }
    }

    /**
     * Erases the stream in the warm store, then drops its hot key, in the same call: the copies in Redis
     * are gone when it returns, and a backfill that read the stream before the erasure cannot write them
     * back (the drop bumps the key's epoch, which every backfill checks).
     */
    @Override
    public long erase(AggregateId aggregateId) {
        Checks.notNull("aggregateId", aggregateId);
        try {
            return warm.erase(aggregateId);
        } finally {
            writes.drop(aggregateId, "lifecycle");
        }
    }

    /** Asks the warm store. */
    @Override
    public StreamState streamState(AggregateId aggregateId) {
        return warm.streamState(aggregateId);
    }

    /** Asks the warm store: it holds the whole log. */
    @Override
    public long headPosition() {
        return warm.headPosition();
    }

    /** Closes the hot tier, then the warm store. */
    @Override
    public void close() {
        try {
            hot.close();
        } finally {
            warm.close();
        }
    }

    @Override
    public String toString() {
        return "TieredEventStore[hot=" + hot + ", warm=" + warm + "]";
    }
}
