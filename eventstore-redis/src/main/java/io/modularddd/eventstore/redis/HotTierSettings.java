package io.modularddd.eventstore.redis;

import io.micrometer.core.instrument.MeterRegistry;
import io.modularddd.core.serialization.JacksonEventSerializer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The validated, immutable settings a {@link RedisHotTier} is built from; produced only by
 * {@link RedisHotTierBuilder#build()}, which has checked each value and how they fit together.
 *
 * <p>{@link #toString()} and {@link #endpointText()} never show the password; {@link #describe}
 * masks it in any text that reaches a message or a log line.
 *
 * @param enabled           whether Redis is used at all
 * @param endpoints         one standalone server, or the seeds of one cluster; empty only when disabled
 * @param cluster           whether {@code endpoints} are cluster seeds
 * @param user              the ACL user, or null
 * @param password          the password, or null; never shown
 * @param serializer        the warm store's serializer: the event types and the Jackson configuration
 * @param keyPrefix         the prefix of every key
 * @param ttl               a stream key's time to live
 * @param format            the encoding of new members
 * @param compression       the compression of new members
 * @param connectTimeout    the connect timeout
 * @param readTimeout       the read timeout
 * @param retryAfterFailure the back-off after a connection failure
 * @param maxConnections    the pool size (per node)
 * @param readPageSize      events per Redis read
 * @param meterRegistry     where the meters go
 * @param clock             the clock that times the back-off
 */
record HotTierSettings(boolean enabled, List<RedisEndpoint> endpoints, boolean cluster, String user, String password,
                       JacksonEventSerializer serializer, String keyPrefix, Duration ttl, HotTierFormat format,
                       HotTierCompression compression, Duration connectTimeout, Duration readTimeout,
                       Duration retryAfterFailure, int maxConnections, int readPageSize, MeterRegistry meterRegistry,
                       Clock clock) {

    HotTierSettings {
        endpoints = List.copyOf(endpoints);
    }

    /** The TTL in milliseconds, as Redis takes it. */
    long ttlMillis() {
        return ttl.toMillis();
    }

    /** Where Redis is, for messages and logs: without credentials. */
    String endpointText() {
        if (endpoints.isEmpty()) {
            return "(none)";
        }
        if (!cluster) {
            return endpoints.get(0).display();
        }
        List<String> shown = new ArrayList<>();
        for (RedisEndpoint e : endpoints) {
            shown.add(e.display());
        }
        return "cluster" + shown;
    }

    /** A failure's class and message, with the configured password (if any) masked out. */
    String describe(Throwable e) {
        String message = e.getClass().getSimpleName() + ": " + e.getMessage();
        if (password != null && !password.isEmpty()) {
            message = message.replace(password, "***");
        }
        return message;
    }

    /** The settings without credentials (a record's default would print the password). */
    @Override
    public String toString() {
        return (enabled ? endpointText() : "disabled") + ", prefix=" + keyPrefix + ", ttl=" + ttl + ", " + format
                + ", " + compression + ", connectTimeout=" + connectTimeout + ", readTimeout=" + readTimeout
                + ", retryAfterFailure=" + retryAfterFailure + ", maxConnections=" + maxConnections
                + ", readPageSize=" + readPageSize;
    }
}
