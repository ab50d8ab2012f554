package io.modularddd.eventstore.redis;

import io.modularddd.core.AggregateId;
import io.modularddd.core.AppendRequest;
import io.modularddd.core.AppendResult;
import io.modularddd.core.NewEvent;
import io.modularddd.core.StoredEvent;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything the hot tier writes to Redis about events: the post-commit write of an append, the
 * backfill of events read from the warm tier, and the drop of a stream whose Redis copy can no longer
 * be trusted. Events are encoded before Redis is touched, so a failure to encode (an event type or a
 * payload the codec cannot write) is about that stream alone and never counts as a Redis failure;
 * Redis failures go to the {@link HotTierFailurePolicy}. Never throws.
 */
final class HotTierWriter {

    private static final Logger LOG = LoggerFactory.getLogger(RedisHotTier.class);

    /** Event types whose first encoding failure is logged at WARN; bounds the set that remembers them. */
    private static final int MAX_UNENCODABLE_TYPES_WARNED = 1_000;

    private final boolean enabled;
    private final StreamKeys keys;
    private final HotTierCodec codec;
    private final RedisOps ops;
    private final long ttlMillis;
    private final HotTierMetrics metrics;
    private final HotTierFailurePolicy failures;
    /** Event types that failed to encode, already logged at WARN. */
    private final Set<String> unencodableTypes = ConcurrentHashMap.newKeySet();

    HotTierWriter(HotTierSettings settings, StreamKeys keys, HotTierCodec codec, RedisOps ops, HotTierMetrics metrics,
                  HotTierFailurePolicy failures) {
        this.enabled = settings.enabled();
        this.keys = keys;
        this.codec = codec;
        this.ops = ops;
        this.ttlMillis = settings.ttlMillis();
        this.metrics = metrics;
        this.failures = failures;
    }

    /** Drops a stream's key now, or once Redis answers; never throws. */
    void drop(AggregateId aggregateId, String reason) {
        failures.dropOrPend(keys.of(aggregateId), reason);
    }

    /** Writes the events of a committed append; never throws. */
    void afterAppend(AppendRequest request, AppendResult result) {
        if (!enabled) {
            return;
        }
        StreamKey key = keys.of(request.aggregateId());
        if (!failures.ready()) {
            failures.pend(key);
            metrics.write("skipped");
            return;
        }
        Map<byte[], Double> members = encode(request, result);
        if (members == null) {
            // its events cannot be in Redis now, so the key must go, or Redis would end below the head
            failures.dropOrPend(key, "unencodable");
            return;
        }
        try {
            ops.write(key, members, ttlMillis);
            metrics.write("written");
            failures.redisSucceeded();
        } catch (RuntimeException e) {
            metrics.writeFailure("append");
            if (failures.redisFailed(e, "append")) {
                // unreachable: the back-off WARN has been logged; drop the key once Redis answers
                LOG.debug("Redis hot tier at {}: writing {} event(s) of stream '{}' failed ({}); dropping its key "
                        + "once Redis answers", failures.endpointText(), request.size(),
                        request.aggregateId().value(), failures.describe(e));
                failures.pend(key);
            } else {
                LOG.warn("Redis hot tier at {}: writing {} event(s) of stream '{}' failed ({}); the append is "
                        + "committed in the warm tier, the stream's hot key is dropped", failures.endpointText(),
                        request.size(), request.aggregateId().value(), failures.describe(e));
                failures.dropOrPend(key, "write_failure");
            }
        }
    }

    /**
     * Writes events read from the warm tier, guarded as {@link RedisOps#backfill} explains; never throws.
     * When the events start above {@code readFrom} (the version the warm read started at), the versions
     * below the first are not visible (truncated, or deleted before the stream started again): a floor
     * marker written with them lets later reads from below start there, served from Redis. The epoch guard
     * keeps it true: every delete and truncation drops the key (and the marker) after it committed.
     */
    void backfill(StreamKey key, String epoch, long generation, List<StoredEvent> events, boolean reachedHead,
                  long readFrom) {
        if (events.isEmpty()) {
            return;
        }
        if (generation != failures.generation() || failures.bypasses(key) || !failures.ready()) {
            metrics.backfill("skipped");
            return;
        }
        // encoded before Redis is touched: a failure to encode is no Redis failure (it must not back off)
        Map<byte[], Double> members = encode(events);
        if (members == null) {
            return; // nothing was written, so Redis holds nothing that needs dropping
        }
        long firstVersion = events.get(0).version();
        if (firstVersion > readFrom && firstVersion < TieredLimits.MAX_FLOOR_VERSION) {
            members.put(HotTierCodec.floorMarker(firstVersion), HotTierCodec.floorScore(firstVersion));
        }
        try {
            RedisOps.BackfillOutcome outcome = ops.backfill(key, epoch, events.get(events.size() - 1).version(),
                    reachedHead, members, ttlMillis);
            metrics.backfill(outcome.name().toLowerCase(Locale.ROOT));
            failures.redisSucceeded();
        } catch (RuntimeException e) {
            metrics.writeFailure("backfill");
            if (!failures.redisFailed(e, "backfill")) {
                LOG.warn("Redis hot tier at {}: backfilling {} event(s) of stream '{}' failed ({})",
                        failures.endpointText(), events.size(), events.get(0).aggregateId().value(),
                        failures.describe(e));
            }
        }
    }

    /**
     * Encodes the events of a committed append, outside any Redis call: a failure here is about one
     * event, never about Redis.
     *
     * @return the members, or null when an event could not be encoded (counted and logged)
     */
    private Map<byte[], Double> encode(AppendRequest request, AppendResult result) {
        Map<byte[], Double> members = new HashMap<>(request.size() * 2);
        for (int i = 0; i < request.size(); i++) {
            NewEvent e = request.events().get(i);
            long version = result.firstVersion() + i;
            String type = e.payload().getClass().getName();
            try {
                type = codec.registry().typeNameOf(e.payload().getClass());
                byte[] member = codec.encode(result.firstPosition() + i, e.eventId(), request.aggregateType(), type,
                        e.payload(), e.metadata(), version, e.occurredAt());
                members.put(member, (double) version);
            } catch (RuntimeException x) {
                encodeFailed("append", request.aggregateId(), type, version, x);
                return null;
            }
        }
        return members;
    }

    /**
     * Encodes events read from the warm tier for a backfill, outside any Redis call.
     *
     * @return the members, or null when an event could not be encoded (counted and logged)
     */
    private Map<byte[], Double> encode(List<StoredEvent> events) {
        Map<byte[], Double> members = new HashMap<>(events.size() * 2);
        for (StoredEvent e : events) {
            try {
                members.put(codec.encode(e), (double) e.version());
            } catch (RuntimeException x) {
                encodeFailed("backfill", e.aggregateId(), e.eventType(), e.version(), x);
                return null;
            }
        }
        return members;
    }

    /**
     * Counts and logs an event that could not be encoded (a payload the hot tier's copy of the warm
     * store's mapper cannot write to its format, an unregistered type...). It concerns that event's
     * stream only: Redis was not asked, so there is no back-off, no "unavailable" log and no clearing
     * of connections. The first failure of each event type is a WARN naming the fix; later ones are
     * DEBUG (the meter counts them all), so a stream read often cannot flood the log.
     */
    private void encodeFailed(String operation, AggregateId stream, String eventType, long version,
                              RuntimeException e) {
        metrics.encodeFailure(operation);
        String consequence = operation.equals("append")
                ? "the append is committed in the warm tier and the stream's hot key is dropped"
                : "the stream is not backfilled (the read got the warm tier's events)";
        boolean first = unencodableTypes.size() < MAX_UNENCODABLE_TYPES_WARNED && unencodableTypes.add(eventType);
        if (first) {
            LOG.warn("Redis hot tier (prefix '{}'): could not encode event '{}' (version {} of stream '{}') for "
                    + "Redis ({}). This is no Redis failure: {}; streams holding such events are not cached but "
                    + "read from the warm tier. Build the hot tier from the serializer the warm store uses "
                    + "(RedisHotTier.builder().serializer(...)), so it has the Jackson modules of your event types. "
                    + "Further encoding failures of this type are logged at DEBUG and counted in {}encode_failures",
                    keys.prefix(), eventType, version, stream.value(), failures.describe(e), consequence,
                    HotTierMetrics.PREFIX);
        } else {
            LOG.debug("Redis hot tier (prefix '{}'): could not encode event '{}' (version {} of stream '{}') for "
                    + "Redis ({}); {}", keys.prefix(), eventType, version, stream.value(), failures.describe(e),
                    consequence);
        }
    }
}
