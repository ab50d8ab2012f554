package io.modularddd.integration;

import io.modularddd.core.projection.CheckpointStore;
import io.modularddd.core.projection.ProjectionDeadLetter;
import io.modularddd.core.projection.SegmentLease;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A checkpoint store that shows a commit's work the lease it commits under ({@link #current()}), so a read model
 * can record owner and token per event. Forwards everything.
 */
final class LeaseRecordingCheckpoints implements CheckpointStore {

    private static final ThreadLocal<SegmentLease> CURRENT = new ThreadLocal<>();

    private final CheckpointStore delegate;

    LeaseRecordingCheckpoints(CheckpointStore delegate) {
        this.delegate = delegate;
    }

    static SegmentLease current() {
        return CURRENT.get();
    }

    @Override
    public Optional<SegmentLease> tryClaim(String projection, int segment, int segmentCount, String owner,
                                           Duration leaseTime) {
        return delegate.tryClaim(projection, segment, segmentCount, owner, leaseTime);
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
        return delegate.commit(lease, position, tx -> {
            CURRENT.set(lease);
            try {
                work.run(tx);
            } finally {
                CURRENT.remove();
            }
        });
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
