package io.modularddd.cqrs.projection;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The thread of an async or batched projection in this process: claims segments (up to the engine's maximum),
 * steps each one it holds through the log, and when none has anything to do waits for a wake-up (a local append,
 * the {@code AppendSignal}) or the poll interval — never spinning. It renews leases as they age, re-claims at the
 * claim interval (taking over segments whose owner's lease ran out), and when stopped releases its leases after
 * recording how far it got. An {@link Error} ends it at once, as if the process had died: nothing more is
 * written, and its leases run out by themselves.
 */
final class TrackingProcessor implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(TrackingProcessor.class);

    private final Registered reg;
    private final EngineSettings engine;
    private final int offset;
    private volatile long nextClaimNanos = System.nanoTime();
    private volatile Throwable crash;

    TrackingProcessor(Registered reg) {
        this.reg = reg;
        this.engine = reg.engine;
        this.offset = Math.floorMod(Segments.mix(engine.owner.hashCode()), reg.segmentCount());
    }

    /** Makes the next loop claim at once (after a rebuild or a resume). */
    void claimSoon() {
        nextClaimNanos = System.nanoTime();
        engine.wakeup.bump();
    }

    Throwable crash() {
        return crash;
    }

    @Override
    public void run() {
        try {
            loop();
        } catch (Error e) {
            crash = e;
            LOG.error("projection '{}': its processor died; its leases run out by themselves", reg.name(), e);
            reg.stop(-1, SegmentRunner.describe(e));
            return;
        }
        releaseAll();
    }

    private void loop() {
        while (!engine.closing()) {
            long generation = engine.wakeup.generation();
            if (reg.stopped()) {
                releaseAll();
                engine.wakeup.await(generation, engine.pollNanos);
                continue;
            }
            claim();
            boolean progressed = false;
            boolean failed = false;
            for (SegmentRunner runner : reg.runners()) {
                if (!runner.held() || engine.closing()) {
                    continue;
                }
                SegmentRunner.Outcome outcome;
                runner.lock.lock();
                try {
                    if (!runner.held() || reg.stopped()) {
                        continue;
                    }
                    outcome = runner.step(Long.MAX_VALUE);
                } finally {
                    runner.lock.unlock();
                }
                switch (outcome) {
                    case ADVANCED -> progressed = true;
                    case FAILED -> failed = true;
                    default -> { }
                }
            }
            if (!progressed && !engine.closing()) {
                idle(generation, failed);
            }
        }
    }

    private void idle(long generation, boolean failed) {
        long wait = engine.pollNanos;
        long now = System.nanoTime();
        boolean holdsAll = true;
        for (SegmentRunner runner : reg.runners()) {
            if (runner.held()) {
                runner.lock.lock();
                try {
                    runner.flushSkipped(true);
                } finally {
                    runner.lock.unlock();
                }
                wait = Math.min(wait, engine.leaseNanos / 4); // renewals fall due at half the lease
            } else {
                holdsAll = false;
            }
        }
        if (!holdsAll) {
            wait = Math.min(wait, Math.max(0, nextClaimNanos - now));
        }
        if (wait > 0 && !engine.wakeup.await(generation, wait) && !failed) {
            refreshHead();
        }
    }

    private void refreshHead() {
        try {
            reg.observeHead(engine.store.headPosition());
        } catch (RuntimeException e) {
            LOG.debug("projection '{}': reading the head position failed: {}", reg.name(), e.toString());
        }
    }

    private void claim() {
        long now = System.nanoTime();
        if (now - nextClaimNanos < 0) {
            return;
        }
        nextClaimNanos = now + engine.claimNanos;
        SegmentRunner[] runners = reg.runners();
        int held = 0;
        for (SegmentRunner r : runners) {
            held += r.held() ? 1 : 0;
        }
        for (int i = 0; i < runners.length && held < engine.maxSegments && !engine.closing(); i++) {
            SegmentRunner r = runners[(offset + i) % runners.length];
            if (r.held()) {
                continue;
            }
            r.lock.lock();
            try {
                if (!r.held() && !reg.stopped() && r.claim()) {
                    held++;
                }
            } catch (RuntimeException e) {
                LOG.warn("projection '{}' segment {}: claiming failed, trying again in {} ms: {}", reg.name(),
                        r.segment(), Wakeup.millis(engine.claimNanos), e.toString());
            } finally {
                r.lock.unlock();
            }
        }
    }

    private void releaseAll() {
        for (SegmentRunner r : reg.runners()) {
            if (r.held()) {
                r.lock.lock();
                try {
                    r.release();
                } finally {
                    r.lock.unlock();
                }
            }
        }
    }
}
