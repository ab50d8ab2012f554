package io.modularddd.cqrs.projection;

import io.modularddd.core.projection.CheckpointStore;
import io.modularddd.core.projection.ProjectionDeadLetter;
import io.modularddd.core.projection.SegmentLease;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A checkpoint store that shows handlers the lease their work commits under (so a read model can record owner
 * and token per event) and records every commit. Forwards everything else.
 */
final class FencedCheckpoints implements CheckpointStore {

    private static final ThreadLocal<SegmentLease> CURRENT = new ThreadLocal<>();

    /** A commit: the lease it carried, the position, and whether it went through. */
    record Commit(SegmentLease lease, long position, boolean committed) {
    }

    private final CheckpointStore delegate;
    private final List<Commit> commits = new ArrayList<>();
    private final java.util.Map<String, Integer> claims = new java.util.HashMap<>();

    FencedCheckpoints(CheckpointStore delegate) {
        this.delegate = delegate;
    }

    static SegmentLease current() {
        return CURRENT.get();
    }

    synchronized List<Commit> commits() {
        return List.copyOf(commits);
    }

    private synchronized void record(Commit c) {
        commits.add(c);
        notifyAll();
    }

    /** Waits until {@code count} commits match. */
    synchronized boolean awaitCommits(java.util.function.Predicate<Commit> which, int count, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (commits.stream().filter(which).count() < count) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return true;
    }

    @Override
    public Optional<SegmentLease> tryClaim(String projection, int segment, int segmentCount, String owner,
                                           Duration leaseTime) {
        Optional<SegmentLease> lease = delegate.tryClaim(projection, segment, segmentCount, owner, leaseTime);
        if (lease.isPresent()) {
            synchronized (this) {
                claims.merge(owner, 1, Integer::sum);
                notifyAll();
            }
        }
        return lease;
    }

    /** Waits until {@code owner} was granted {@code count} claims. */
    synchronized boolean awaitClaims(String owner, int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (claims.getOrDefault(owner, 0) < count) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return true;
    }

    @Override
    public SegmentLease renew(SegmentLease lease, Duration leaseTime) {
        return delegate.renew(lease, leaseTime);
    }

    @Override
    public void release(SegmentLease lease) {
        delegate.release(lease);
    }

    @Override
    public SegmentLease commit(SegmentLease lease, long position, Work work) {
        boolean ok = false;
        try {
            SegmentLease after = delegate.commit(lease, position, tx -> {
                SegmentLease outer = CURRENT.get();
                CURRENT.set(lease);
                try {
                    work.run(tx);
                } finally {
                    CURRENT.set(outer);
                }
            });
            ok = true;
            return after;
        } finally {
            record(new Commit(lease, position, ok));
        }
    }

    @Override
    public long position(String projection, int segment) {
        return delegate.position(projection, segment);
    }

    @Override
    public void reset(String projection) {
        delegate.reset(projection);
    }

    @Override
    public void addDeadLetter(ProjectionDeadLetter letter) {
        delegate.addDeadLetter(letter);
    }

    @Override
    public List<ProjectionDeadLetter> deadLetters(String projection, int max) {
        return delegate.deadLetters(projection, max);
    }

    @Override
    public boolean removeDeadLetter(String projection, long position) {
        return delegate.removeDeadLetter(projection, position);
    }

    @Override
    public void close() {
        delegate.close();
    }
}
