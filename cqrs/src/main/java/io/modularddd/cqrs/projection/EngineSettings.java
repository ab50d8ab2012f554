package io.modularddd.cqrs.projection;

import io.modularddd.core.EventStore;
import io.modularddd.core.projection.CheckpointStore;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/** What every part of one engine shares: the stores, its identity, its timings, and its closing latch. */
final class EngineSettings {

    final EventStore store;
    final CheckpointStore checkpoints;
    final String owner;
    final Duration leaseTime;
    final long leaseNanos;
    final int pageSize;
    final long pollNanos;
    final long claimNanos;
    final int maxSegments;
    final int readAhead;
    final boolean typeFilteredReads;
    final Clock clock;
    final Wakeup wakeup = new Wakeup();
    private final CountDownLatch closing = new CountDownLatch(1);
    private volatile ExecutorService readers;

    EngineSettings(EventStore store, CheckpointStore checkpoints, String owner, Duration leaseTime, int pageSize,
                   Duration poll, Duration claim, int maxSegments, int readAhead, boolean typeFilteredReads,
                   Clock clock) {
        this.store = store;
        this.checkpoints = checkpoints;
        this.owner = owner;
        this.leaseTime = leaseTime;
        this.leaseNanos = leaseTime.toNanos();
        this.pageSize = pageSize;
        this.pollNanos = poll.toNanos();
        this.claimNanos = claim.toNanos();
        this.maxSegments = maxSegments;
        this.readAhead = readAhead;
        this.typeFilteredReads = typeFilteredReads;
        this.clock = clock;
    }

    /** The read-ahead threads, once started; null without read-ahead. */
    ExecutorService readers() {
        return readers;
    }

    void readers(ExecutorService pool) {
        this.readers = pool;
    }

    boolean closing() {
        return closing.getCount() == 0;
    }

    void close() {
        closing.countDown();
        wakeup.bump();
    }

    /**
     * Waits between attempts; returns early when the engine closes.
     *
     * @return {@code false} when the engine is closing (or the thread was interrupted): give up
     */
    boolean backoff(Duration wait) {
        try {
            return !closing.await(wait.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
