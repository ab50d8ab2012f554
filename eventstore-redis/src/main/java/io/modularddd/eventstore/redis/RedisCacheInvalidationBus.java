package io.modularddd.eventstore.redis;

import io.modularddd.core.EventStoreException;
import io.modularddd.core.cache.CacheInvalidation;
import io.modularddd.core.cache.CacheInvalidationBus;
import io.modularddd.core.internal.Checks;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.BinaryJedisPubSub;
import redis.clients.jedis.CommandArguments;
import redis.clients.jedis.Connection;
import redis.clients.jedis.Protocol;

/**
 * Core's {@link CacheInvalidationBus} over Redis pub/sub: every node publishes its invalidations on one
 * channel and subscribes to it, so each node's in-process cache drops what another node invalidated.
 * Start with {@link #builder()}.
 *
 * <h2>Connections and threads</h2>
 * {@link #publish} sends {@code PUBLISH} on a pooled connection (on a cluster, to any node: a classic
 * {@code PUBLISH} reaches the subscribers of every node). Receiving uses one dedicated connection, named
 * {@code modularddd-cache-bus-<random>} ({@code CLIENT SETNAME}), and one thread,
 * {@code modularddd-cache-bus}, that delivers messages to the listeners in order; a second thread sends a
 * {@code PING} on the subscription every heartbeat and closes it when no answer came within two
 * heartbeats and a read timeout, so a connection that died without a word is noticed too.
 *
 * <h2>Gaps</h2>
 * Pub/sub delivers only to connected subscribers. When the subscription connection drops (a killed
 * connection, a restarted server, a missed heartbeat) every listener gets {@link Listener#onGap()}: it
 * may have missed messages and must drop what it holds. The bus then subscribes again by itself, waiting
 * between attempts from the minimum to the maximum backoff (doubling, with jitter; on a cluster each
 * attempt goes to the next seed), and calls {@code onGap()} once more when the subscription is
 * established — messages published while it was down are lost. The first subscription after
 * {@code build()} is announced with {@code onGap()} too. A message that cannot be read is logged and
 * treated as a gap. A listener that throws is logged; delivery goes on.
 *
 * <p>Messages are JSON ({@code {"v":1,"origin":...,"keys":[...],"tags":[...]}}). Thread-safe.
 */
public final class RedisCacheInvalidationBus implements CacheInvalidationBus {

    private static final Logger LOG = LoggerFactory.getLogger(RedisCacheInvalidationBus.class);

    /** The channel's suffix after the key prefix: {@code <keyPrefix>:invalidations}. */
    public static final String CHANNEL_SUFFIX = ":invalidations";
    /** Default connect timeout. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofMillis(250);
    /** Default read timeout (publishing, and the heartbeat's grace). */
    public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(1);
    /** Default size of the publishing pool (per node on a cluster). */
    public static final int DEFAULT_MAX_CONNECTIONS = 4;
    /** Default first wait before subscribing again. */
    public static final Duration DEFAULT_MIN_BACKOFF = Duration.ofMillis(100);
    /** Default longest wait between attempts to subscribe again. */
    public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(5);
    /** Default interval of the subscription's heartbeat {@code PING}. */
    public static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(5);

    private final RedisConnection connection;
    private final String channel;
    private final byte[] channelBytes;
    private final Duration minBackoff;
    private final Duration maxBackoff;
    private final Duration heartbeat;
    private final String subscriberName = "modularddd-cache-bus-" + UUID.randomUUID().toString().substring(0, 8);
    private final RedisKeyClient publisher;
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Thread subscriber;
    private final ScheduledExecutorService heartbeats;
    private volatile Subscription current;
    private volatile boolean subscribed;

    RedisCacheInvalidationBus(RedisConnection connection, String channel, Duration minBackoff, Duration maxBackoff,
                              Duration heartbeat) {
        this.connection = connection;
        this.channel = channel;
        this.channelBytes = channel.getBytes(StandardCharsets.UTF_8);
        this.minBackoff = minBackoff;
        this.maxBackoff = maxBackoff;
        this.heartbeat = heartbeat;
        this.publisher = connection.open();
        this.subscriber = new Thread(this::subscribeForever, "modularddd-cache-bus");
        this.subscriber.setDaemon(true);
        this.heartbeats = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "modularddd-cache-bus-heartbeat");
            t.setDaemon(true);
            return t;
        });
        subscriber.start();
        heartbeats.scheduleWithFixedDelay(this::beat, heartbeat.toMillis(), heartbeat.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /**
     * Starts configuring a bus.
     *
     * @return a builder
     */
    public static RedisCacheInvalidationBusBuilder builder() {
        return new RedisCacheInvalidationBusBuilder();
    }

    /**
     * Returns the channel the bus publishes and listens on.
     *
     * @return the channel name
     */
    public String channel() {
        return channel;
    }

    /** The {@code CLIENT SETNAME} of the subscription connection (for tests and operators). */
    String subscriberName() {
        return subscriberName;
    }

    /** Whether the subscription is established now. */
    boolean isSubscribed() {
        return subscribed;
    }

    /**
     * {@inheritDoc}
     *
     * @throws io.modularddd.core.InvalidInputException when the invalidation is null
     * @throws EventStoreException when Redis fails (transient when repeating may help) or the bus is closed
     */
    @Override
    public void publish(CacheInvalidation invalidation) {
        Checks.notNull("invalidation", invalidation);
        if (closed.get()) {
            throw new EventStoreException("The Redis cache invalidation bus on channel '" + channel
                    + "' is closed; publish through an open bus.", null, false);
        }
        byte[] message = InvalidationCodec.encode(invalidation);
        try (Connection c = publisher.connection(channelBytes)) {
            c.executeCommand(new CommandArguments(Protocol.Command.PUBLISH).add(channelBytes).add(message));
        } catch (RuntimeException e) {
            boolean transientFailure = RedisKeyClient.isTransient(e);
            if (transientFailure) {
                publisher.clearIdleConnections();
            }
            throw new EventStoreException("Publishing a cache invalidation on channel '" + channel + "' to Redis at "
                    + connection.endpointText() + " failed: " + connection.describe(e)
                    + (transientFailure ? ". Retry once Redis answers; until then the other nodes' in-process "
                    + "caches may serve what this node invalidated." : "."), e, transientFailure);
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>A listener added while the bus is not subscribed gets {@link Listener#onGap()} once it is.
     *
     * @throws io.modularddd.core.InvalidInputException when the listener is null
     */
    @Override
    public AutoCloseable subscribe(Listener listener) {
        Checks.notNull("listener", listener);
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    private void subscribeForever() {
        int failures = 0;
        int endpoint = 0;
        while (!closed.get()) {
            Subscription s = null;
            try {
                Connection c = connection.connect(endpoint, subscriberName);
                s = new Subscription(c);
                current = s;
                if (!closed.get()) {
                    s.proceed(c, channelBytes); // returns when unsubscribed, throws when the connection fails
                }
            } catch (RuntimeException e) {
                if (!closed.get()) {
                    String text = "The Redis cache invalidation bus lost (or could not make) its subscription to '"
                            + channel + "' at " + connection.endpointText() + ": " + connection.describe(e)
                            + ". It subscribes again by itself; in-process caches are flushed.";
                    if (failures == 0) {
                        LOG.warn(text);
                    } else {
                        LOG.debug(text);
                    }
                }
            } finally {
                current = null;
                if (s != null) {
                    s.connection.close();
                }
            }
            boolean wasSubscribed = subscribed;
            subscribed = false;
            if (wasSubscribed && !closed.get()) {
                gap("the subscription dropped");
                failures = 0;
            }
            if (closed.get()) {
                return;
            }
            endpoint++;
            pause(backoff(failures++));
        }
    }

    private long backoff(int failures) {
        long min = minBackoff.toMillis();
        long wait = Math.min(maxBackoff.toMillis(), min << Math.min(failures, 20));
        return wait / 2 + ThreadLocalRandom.current().nextLong(wait / 2 + 1);
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // close() interrupts: the loop sees closed and ends
        }
    }

    private void beat() {
        Subscription s = current;
        if (s == null || !subscribed) {
            return;
        }
        long silentMillis = (System.nanoTime() - s.lastPongNanos) / 1_000_000;
        if (silentMillis > heartbeat.toMillis() * 2 + connection.readTimeout().toMillis()) {
            LOG.warn("The Redis cache invalidation bus had no answer on its subscription to '{}' at {} for {} ms; "
                    + "it reconnects.", channel, connection.endpointText(), silentMillis);
            s.connection.disconnect();
            return;
        }
        try {
            s.ping();
        } catch (RuntimeException e) {
            s.connection.disconnect(); // the subscriber thread sees the failure and reconnects
        }
    }

    private void gap(String why) {
        LOG.debug("Cache invalidation gap on '{}': {}", channel, why);
        for (Listener l : listeners) {
            try {
                l.onGap();
            } catch (RuntimeException e) {
                LOG.warn("A cache invalidation listener failed on a gap: {}", e.toString());
            }
        }
    }

    private void deliver(byte[] message) {
        CacheInvalidation invalidation;
        try {
            invalidation = InvalidationCodec.decode(message);
        } catch (RuntimeException e) {
            LOG.warn("A message on the cache invalidation channel '{}' could not be read ({}); in-process caches "
                    + "are flushed instead.", channel, e.getMessage());
            gap("an unreadable message");
            return;
        }
        for (Listener l : listeners) {
            try {
                l.onInvalidation(invalidation);
            } catch (RuntimeException e) {
                LOG.warn("A cache invalidation listener failed: {}", e.toString());
            }
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>Unsubscribes, ends both threads and closes the connections.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        heartbeats.shutdownNow();
        Subscription s = current;
        if (s != null) {
            s.connection.disconnect(); // the subscriber thread's read fails at once and it ends
        }
        subscriber.interrupt();
        try {
            subscriber.join(connection.connectTimeout().plus(connection.readTimeout()).toMillis() * 2);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        publisher.close();
    }

    /** The settings, without credentials. */
    @Override
    public String toString() {
        return "RedisCacheInvalidationBus[" + connection + ", channel=" + channel + ", subscriber=" + subscriberName
                + "]";
    }

    /** One subscription on one connection. */
    private final class Subscription extends BinaryJedisPubSub {
        final Connection connection;
        volatile long lastPongNanos = System.nanoTime();

        Subscription(Connection connection) {
            this.connection = connection;
        }

        @Override
        public void onSubscribe(byte[] subscribedChannel, int count) {
            lastPongNanos = System.nanoTime();
            subscribed = true;
            gap("subscribed");
        }

        @Override
        public void onMessage(byte[] messageChannel, byte[] message) {
            deliver(message);
        }

        @Override
        public void onPong(byte[] pattern) {
            lastPongNanos = System.nanoTime();
        }
    }
}
