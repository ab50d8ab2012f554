package io.modularddd.eventstore.redis;

import io.modularddd.core.InvalidInputException;
import io.modularddd.core.internal.Checks;
import io.modularddd.core.projection.AppendSignal;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.exceptions.JedisException;

/**
 * The {@link AppendSignal} across processes: an announcement is published on a Redis pub/sub channel and
 * reaches the subscribers of every instance on that channel, on every node. Build it with
 * {@link #builder()}:
 *
 * <pre>{@code
 * AppendSignal signal = RedisAppendSignal.builder().uri("redis://redis:6379").build();
 * }</pre>
 *
 * <h2>Delivery</h2>
 * {@link #appended} calls this instance's own subscribers at once, in the announcing thread, and publishes
 * {@code <instance id>:<head position>} on the channel; an instance ignores its own messages when they come
 * back, so a subscriber hears an announcement once. Other instances call their subscribers on their one
 * subscriber thread ({@code modularddd-append-signal}), started by the first {@link #subscribe} and ended by
 * {@link #close()}; a listener must not block, and one that throws is logged without stopping the others.
 *
 * <p>Publishing coalesces: while one thread publishes, others only raise the head to publish and return, and
 * the publishing thread sends the highest head before it lets go, so a burst of appends costs a few
 * {@code PUBLISH}es, not one each. A signal is a hint, never the data: pub/sub keeps no history, so messages
 * sent while a subscriber is disconnected are lost, and processors keep their bounded poll. When Redis is
 * unreachable, {@code appended} logs (a warning when the failures start, one line when they end), never
 * throws, and tries to publish again only after {@value #RETRY_AFTER_FAILURE_MILLIS} ms, so appenders are not
 * held up by connect timeouts. The subscriber reconnects with a growing pause (100 ms to 5 s); an idle
 * subscription is renewed every {@code readTimeout + 30 s}, which also finds a connection that died silently.
 *
 * <p>Thread-safe. The password is never shown in a message, a log line or {@link #toString()}.
 */
public final class RedisAppendSignal implements AppendSignal {

    /** Default {@link RedisAppendSignalBuilder#channel(String)}. */
    public static final String DEFAULT_CHANNEL = "modularddd:appended";
    /** Default {@link RedisAppendSignalBuilder#connectTimeout(Duration)}. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofMillis(500);
    /** Default {@link RedisAppendSignalBuilder#readTimeout(Duration)}. */
    public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(2);
    /** How long {@link #appended} skips publishing after a failed attempt. */
    static final long RETRY_AFTER_FAILURE_MILLIS = 1000;
    /** How long an idle subscription waits for a message before it is renewed (beyond the read timeout). */
    static final Duration IDLE_RENEWAL = Duration.ofSeconds(30);
    private static final long MIN_PAUSE_MILLIS = 100;
    private static final long MAX_PAUSE_MILLIS = 5000;

    private static final Logger LOG = LoggerFactory.getLogger(RedisAppendSignal.class);

    private final RedisConnection settings;
    private final String channel;
    private final String instance = UUID.randomUUID().toString();
    private final RedisKeyClient publisher;
    private final CopyOnWriteArrayList<Subscription> subscriptions = new CopyOnWriteArrayList<>();
    private final AtomicLong pending = new AtomicLong(-1);
    private final AtomicBoolean publishing = new AtomicBoolean();
    private volatile long published = -1;
    private volatile long retryAfterNanos;
    private volatile boolean publishFailing;
    private final Object lifecycle = new Object();
    private Thread subscriber; // guarded by lifecycle
    private RedisKeyClient subscriberClient; // guarded by lifecycle
    private volatile JedisPubSub pubSub;
    private volatile boolean subscribed;
    private volatile boolean subscriptionLost;
    private volatile long pauseMillis = MIN_PAUSE_MILLIS;
    private volatile boolean closed;

    RedisAppendSignal(RedisConnection settings, String channel) {
        this.settings = settings;
        this.channel = channel;
        this.publisher = settings.open();
    }

    /**
     * Starts a builder.
     *
     * @return a new builder
     */
    public static RedisAppendSignalBuilder builder() {
        return new RedisAppendSignalBuilder();
    }

    /**
     * {@inheritDoc}
     *
     * <p>Calls this instance's subscribers, then publishes (or leaves the publishing to the thread doing it).
     * After {@link #close()} it does nothing.
     *
     * @throws InvalidInputException when the position is negative
     */
    @Override
    public void appended(long headPosition) {
        if (headPosition < 0) {
            throw new InvalidInputException("headPosition", "headPosition must not be negative but was "
                    + headPosition + "; pass the highest committed global position (0 for an empty store).");
        }
        if (closed) {
            return;
        }
        deliver(headPosition);
        pending.accumulateAndGet(headPosition, Math::max);
        publishPending();
    }

    private void publishPending() {
        while (pending.get() > published && System.nanoTime() - retryAfterNanos >= 0) {
            if (!publishing.compareAndSet(false, true)) {
                return; // the publishing thread sends the highest head before it lets go
            }
            try {
                long head = pending.get();
                if (head <= published) {
                    continue;
                }
                publisher.jedis().publish(channel, instance + ":" + head);
                published = head;
                if (publishFailing) {
                    publishFailing = false;
                    LOG.info("RedisAppendSignal publishes on channel '{}' at {} again", channel,
                            settings.endpointText());
                }
            } catch (JedisException | IllegalStateException e) {
                retryAfterNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(RETRY_AFTER_FAILURE_MILLIS);
                if (!publishFailing) {
                    publishFailing = true;
                    LOG.warn("RedisAppendSignal could not publish on channel '{}' at {} ({}); processors on other "
                            + "nodes rely on their poll until it works again (retried after {} ms)", channel,
                            settings.endpointText(), settings.describe(e), RETRY_AFTER_FAILURE_MILLIS);
                } else {
                    LOG.debug("RedisAppendSignal publish failed again: {}", settings.describe(e));
                }
                return;
            } finally {
                publishing.set(false);
            }
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>The first call starts the subscriber thread.
     *
     * @throws InvalidInputException when the listener is null
     * @throws IllegalStateException when the signal is closed
     */
    @Override
    public AutoCloseable subscribe(LongConsumer listener) {
        Checks.notNull("listener", listener);
        Subscription s = new Subscription(listener);
        synchronized (lifecycle) {
            if (closed) {
                throw new IllegalStateException("this RedisAppendSignal (channel '" + channel + "') is closed; "
                        + "subscribe to an open one");
            }
            subscriptions.add(s);
            if (subscriber == null) {
                subscriberClient = settings.openForBlockingReads(1, IDLE_RENEWAL);
                subscriber = new Thread(this::listen, "modularddd-append-signal");
                subscriber.setDaemon(true);
                subscriber.start();
            }
        }
        return () -> subscriptions.remove(s);
    }

    /** Stops the subscriber thread (waiting for it up to the read timeout) and closes the connections. */
    @Override
    public void close() {
        Thread thread;
        RedisKeyClient client;
        synchronized (lifecycle) {
            if (closed) {
                return;
            }
            closed = true;
            subscriptions.clear();
            thread = subscriber;
            client = subscriberClient;
            lifecycle.notifyAll();
        }
        JedisPubSub current = pubSub;
        if (current != null && current.isSubscribed()) {
            try {
                current.unsubscribe();
            } catch (RuntimeException e) {
                LOG.debug("RedisAppendSignal: unsubscribing failed: {}", settings.describe(e));
            }
        }
        if (thread != null) {
            try {
                thread.join(settings.readTimeout().toMillis() + 1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (client != null) {
            client.close();
        }
        publisher.close();
    }

    /** Where it publishes, without credentials. */
    @Override
    public String toString() {
        return "RedisAppendSignal[channel " + channel + " at " + settings.endpointText() + "]";
    }

    /** Test seam: waits until the subscriber thread is subscribed. */
    boolean awaitSubscribed(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lifecycle) {
            while (!subscribed) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(lifecycle, left);
            }
        }
        return true;
    }

    private void deliver(long head) {
        for (Subscription s : subscriptions) {
            try {
                s.listener.accept(head);
            } catch (RuntimeException e) {
                LOG.warn("an append-signal listener failed on head position {}; the others were called", head, e);
            }
        }
    }

    /** The subscriber thread: subscribes until closed, reconnecting with a growing pause. */
    private void listen() {
        while (!closed) {
            JedisPubSub current = new Listener();
            pubSub = current;
            try {
                subscriberClient.jedis().subscribe(current, channel);
            } catch (JedisException | IllegalStateException e) {
                setSubscribed(false);
                if (closed) {
                    break;
                }
                if (isIdleTimeout(e)) {
                    continue; // renewal of an idle subscription: no pause, nothing to report
                }
                if (!subscriptionLost) {
                    subscriptionLost = true;
                    LOG.warn("RedisAppendSignal lost its subscription to channel '{}' at {} ({}); reconnecting, "
                            + "processors rely on their poll meanwhile", channel, settings.endpointText(),
                            settings.describe(e));
                } else {
                    LOG.debug("RedisAppendSignal could not subscribe again: {}", settings.describe(e));
                }
                pause(pauseMillis);
                pauseMillis = Math.min(pauseMillis * 2, MAX_PAUSE_MILLIS);
                continue;
            }
            setSubscribed(false);
        }
    }

    private static boolean isIdleTimeout(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof SocketTimeoutException) {
                return true;
            }
        }
        return false;
    }

    private void pause(long millis) {
        synchronized (lifecycle) {
            if (!closed) {
                try {
                    lifecycle.wait(millis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    closed = true;
                }
            }
        }
    }

    private void setSubscribed(boolean value) {
        synchronized (lifecycle) {
            subscribed = value;
            lifecycle.notifyAll();
        }
    }

    /** Receives the channel's messages on the subscriber thread. */
    private final class Listener extends JedisPubSub {
        @Override
        public void onSubscribe(String subscribedChannel, int count) {
            if (closed) {
                unsubscribe();
                return;
            }
            setSubscribed(true);
            pauseMillis = MIN_PAUSE_MILLIS;
            if (subscriptionLost) {
                subscriptionLost = false;
                LOG.info("RedisAppendSignal subscribed to channel '{}' at {} again", channel, settings.endpointText());
            }
        }

        @Override
        public void onMessage(String fromChannel, String message) {
            int colon = message.lastIndexOf(':');
            long head;
            try {
                head = Long.parseLong(message.substring(colon + 1));
            } catch (NumberFormatException e) {
                LOG.debug("RedisAppendSignal ignored a message on channel '{}' that is not <id>:<position>",
                        channel);
                return;
            }
            if (colon > 0 && message.regionMatches(0, instance, 0, colon) && colon == instance.length()) {
                return; // our own announcement: our subscribers heard it already
            }
            if (head >= 0) {
                deliver(head);
            }
        }
    }

    /** One subscription; its own identity, so one listener subscribed twice is two subscriptions. */
    private static final class Subscription {
        final LongConsumer listener;

        Subscription(LongConsumer listener) {
            this.listener = listener;
        }
    }
}
