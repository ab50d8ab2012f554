package io.modularddd.eventstore.redis;

import io.modularddd.core.EventStore;
import io.modularddd.core.EventStream;
import io.modularddd.core.SerializationException;
import io.modularddd.core.StoredEvent;
import java.util.List;

/**
 * What the hot tier does when a lazily decoded payload's Redis copy does not decode (ADR 0204): drop
 * the stream's key, as for any damaged member found while reading, and read that one event from the
 * warm tier — the source of truth — so the caller gets the right payload instead of an error.
 *
 * <p>One instance serves one load of one stream; the events of that load hold it until their payloads
 * are decoded. It may run long after the load, in any thread: it never throws anything but
 * {@link SerializationException} and the warm store's own errors are wrapped into one.
 */
final class WarmPayloadFallback implements HotTierCodec.PayloadFallback {

    private final HotTierFailurePolicy failures;
    private final HotTierMetrics metrics;
    private final EventStore warm;
    private final StreamKey key;

    WarmPayloadFallback(HotTierFailurePolicy failures, HotTierMetrics metrics, EventStore warm, StreamKey key) {
        this.failures = failures;
        this.metrics = metrics;
        this.warm = warm;
        this.key = key;
    }

    @Override
    public Object payloadOf(StoredEvent event, SerializationException failure) {
        failures.payloadUndecodable(key, event, failure);
        String what = "The payload of event '" + event.eventType() + "' (version " + event.version() + " of stream '"
                + event.aggregateId().value() + "') did not decode from its Redis hot-tier copy (the key was "
                + "dropped), and ";
        StoredEvent original;
        Object payload;
        try (EventStream s = warm.load(event.aggregateId(), event.version(), event.version())) {
            List<StoredEvent> events = s.toList();
            original = events.isEmpty() ? null : events.get(0);
            payload = original == null ? null : original.payload();
        } catch (RuntimeException e) {
            metrics.payloadFallback("failed");
            SerializationException x = new SerializationException(event.eventType(), what + "reading it from the "
                    + "warm tier failed too: " + failures.describe(e) + ". Read the event again once the warm tier "
                    + "answers; the next load of the stream reads the warm tier.", failure);
            x.addSuppressed(e);
            throw x;
        }
        if (original == null || !original.eventId().equals(event.eventId())
                || !original.eventType().equals(event.eventType())) {
            metrics.payloadFallback("failed");
            throw new SerializationException(event.eventType(), what + "the warm tier holds "
                    + (original == null ? "no event" : "event " + original.eventId() + " of type '"
                    + original.eventType() + "'") + " at that version instead of " + event.eventId() + ". The hot "
                    + "copy was not the warm tier's event; load the stream again (it now comes from the warm tier).",
                    failure);
        }
        metrics.payloadFallback("served");
        return payload;
    }
}
