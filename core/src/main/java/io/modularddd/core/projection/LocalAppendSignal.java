package io.modularddd.core.projection;

import io.modularddd.core.InvalidInputException;
import io.modularddd.core.internal.Checks;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The in-process {@link AppendSignal}: an announcement reaches this JVM's subscribers at once, in the
 * announcing thread (listeners must not block; waking a processor is what they are for). A listener that
 * throws is logged and does not keep the others from being called, nor fails the announcer. Thread-safe;
 * no thread of its own.
 */
public final class LocalAppendSignal implements AppendSignal {

    private static final Logger LOG = LoggerFactory.getLogger(LocalAppendSignal.class);

    private final CopyOnWriteArrayList<Subscription> subscriptions = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    private LocalAppendSignal() {
    }

    /**
     * Creates a signal without subscribers.
     *
     * @return the signal
     */
    public static LocalAppendSignal create() {
        return new LocalAppendSignal();
    }

    /**
     * {@inheritDoc}
     *
     * <p>Calls every subscriber before returning. After {@link #close()} it does nothing.
     *
     * @throws InvalidInputException when the position is negative
     */
    @Override
    public void appended(long headPosition) {
        if (headPosition < 0) {
            throw new InvalidInputException("headPosition", "headPosition must not be negative but was "
                    + headPosition + "; pass the highest committed global position (0 for an empty store).");
        }
        for (Subscription s : subscriptions) {
            try {
                s.listener.accept(headPosition);
            } catch (RuntimeException e) {
                LOG.warn("an append-signal listener failed on head position {}; the others were called", headPosition,
                        e);
            }
        }
    }

    /**
     * {@inheritDoc}
     *
     * @throws InvalidInputException when the listener is null
     * @throws IllegalStateException when the signal is closed
     */
    @Override
    public AutoCloseable subscribe(LongConsumer listener) {
        Checks.notNull("listener", listener);
        if (closed) {
            throw new IllegalStateException("this LocalAppendSignal is closed; subscribe to an open one");
        }
        Subscription s = new Subscription(listener);
        subscriptions.add(s);
        if (closed) {
            subscriptions.remove(s);
            throw new IllegalStateException("this LocalAppendSignal is closed; subscribe to an open one");
        }
        return () -> subscriptions.remove(s);
    }

    @Override
    public void close() {
        closed = true;
        subscriptions.clear();
    }

    /** One subscription; its own identity, so one listener subscribed twice is two subscriptions. */
    private static final class Subscription {
        final LongConsumer listener;

        Subscription(LongConsumer listener) {
            this.listener = listener;
        }
    }
}
