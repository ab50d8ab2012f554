package io.modularddd.eventstore.redis;

import io.micrometer.core.instrument.MeterRegistry;
import io.modularddd.core.serialization.JacksonEventSerializer;
import java.time.Clock;
import java.time.Duration;

/**
 * The validated, immutable settings a {@link RedisHotTier} is built from; produced only by
 * {@link RedisHotTierBuilder#build()}, which has checked each value and how they fit together.
 *
 * <p>{@link #toString()} and {@link #endpointText()} never show the password; {@link #describe}
 * masks it in any text that reaches a message or a log line.
 *
 * @param enabled           whether Redis is used at all
 * @param connection        server or cluster seeds, credentials, timeouts and pool size (the endpoints are
 *                          empty only when disabled); never shows the password
 * @param serializer        the warm store's serializer: the event types and the Jackson configuration
 * @param keyPrefix         the prefix of every key
 * @param ttl               a stream key's time to live
 * @param format            the encoding of new members
 * @param compression       the compression of new members
 * @param retryAfterFailure the back-off after a connection failure
 * @param readPageSize      events per Redis read
 * @param meterRegistry     where the meters go
 * @param clock             the clock that times the back-off
 */
record HotTierSettings(boolean enabled, RedisConnection connection, JacksonEventSerializer serializer,
                       String keyPrefix, Duration ttl, HotTierFormat format, HotTierCompression compression,
                       Duration retryAfterFailure, int readPageSize, MeterRegistry meterRegistry, Clock clock) {

    /** The TTL in milliseconds, as Redis takes it. */
    long ttlMillis() {
        return ttl.toMillis();
    }

    /** Where Redis is, for messages and logs: without credentials. */
    String endpointText() {
        return connection.endpointText();
    }

    /** A failure's class and message, with the configured password (if any) masked out. */
    String describe(Throwable e) {
        return connection.describe(e);
    }

    /** The settings without credentials (a record's default would print the password). */
    @Override
    public String toString() {
        return (enabled ? endpointText() : "disabled") + ", prefix=" + keyPrefix + ", ttl=" + ttl + ", " + format
                + ", " + compression + ", connectTimeout=" + connection.connectTimeout() + ", readTimeout="
                + connection.readTimeout() + ", retryAfterFailure=" + retryAfterFailure + ", maxConnections="
                + connection.maxConnections() + ", readPageSize=" + readPageSize;
    }
}
