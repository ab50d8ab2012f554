package io.modularddd.cqrs.projection;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A realtime projection: after an append commits, the appending thread brings the projection up to the append's
 * last position — its own events, and any committed before them that no thread has delivered yet — in global
 * order, under the projection's lock, so concurrent appenders never deliver one event twice or an aggregate's
 * events out of order, and each returns only once its own events are applied (read your own write).
 *
 * <p>The projection's single segment is leased like any other; the lease is claimed at start and renewed by the
 * deliveries as it ages (after a quiet spell it is claimed again). While another process holds it, this process
 * does not deliver. During a rebuild, deliveries return at once and the rebuilding thread catches up, then
 * delivers everything committed meanwhile before realtime delivery resumes.
 */
final class RealtimeDelivery {

    private static final Logger LOG = LoggerFactory.getLogger(RealtimeDelivery.class);

    private final Registered reg;
    private final EngineSettings engine;
    private final SegmentRunner runner;
    private volatile boolean rebuilding;
    private volatile boolean started;
    private long nextClaimNanos = System.nanoTime();

    RealtimeDelivery(Registered reg) {
        this.reg = reg;
        this.engine = reg.engine;
        this.runner = reg.runner(0);
    }

    /** Claims the lease and catches up with the log; on the starting thread. */
    void start() {
        started = true;
        catchUpToHead();
    }

    /** After an append committed up to {@code position}: delivers up to it, on the appending thread. */
    void deliver(long position) {
        if (!started || rebuilding || engine.closing() || reg.stopped()) {
            return;
        }
        runner.lock.lock();
        try {
            catchUp(position);
        } finally {
            runner.lock.unlock();
        }
    }

    void catchUpToHead() {
        long head;
        try {
            head = engine.store.headPosition();
        } catch (RuntimeException e) {
            LOG.warn("projection '{}': reading the head position failed; the next append catches up: {}", reg.name(),
                    e.toString());
            return;
        }
        reg.observeHead(head);
        runner.lock.lock();
        try {
            catchUp(head);
        } finally {
            runner.lock.unlock();
        }
    }

    /** Under the lock. A lease that ran out during a quiet spell is claimed again, once. */
    private void catchUp(long position) {
        reg.observeHead(position);
        for (int round = 0; round < 2 && !reg.stopped(); round++) {
            if (!runner.held() && !claim()) {
                return;
            }
            while (runner.handled() < position && !reg.stopped()) {
                SegmentRunner.Outcome outcome = runner.step(position);
                if (outcome == SegmentRunner.Outcome.LOST) {
                    break;
                }
                if (outcome != SegmentRunner.Outcome.ADVANCED) {
                    return;
                }
            }
            if (runner.held()) {
                return;
            }
        }
    }

    /** Claims the lease; after a refusal (another process holds it) not again before the claim interval. */
    private boolean claim() {
        long now = System.nanoTime();
        if (now - nextClaimNanos < 0) {
            return false;
        }
        try {
            if (runner.claim()) {
                return true;
            }
            LOG.debug("projection '{}': another process holds its lease; it delivers", reg.name());
        } catch (RuntimeException e) {
            LOG.warn("projection '{}': claiming its lease failed: {}", reg.name(), e.toString());
        }
        nextClaimNanos = now + engine.claimNanos;
        return false;
    }

    /** Runs a rebuild's catch-up: deliveries stand aside until it is done, then everything since is delivered. */
    void rebuild(Runnable resetUnderLock) {
        rebuilding = true;
        try {
            runner.lock.lock();
            try {
                resetUnderLock.run();
                nextClaimNanos = System.nanoTime();
                catchUp(engine.store.headPosition());
            } finally {
                runner.lock.unlock();
            }
        } finally {
            rebuilding = false;
        }
        // appends that committed while the flag was up were not delivered: the head read now covers them
        catchUpToHead();
    }

    /** Records how far it got and gives the lease up. */
    void close() {
        runner.lock.lock();
        try {
            runner.release();
        } finally {
            runner.lock.unlock();
        }
    }
}
