package io.modularddd.core.projection;

import io.modularddd.core.InvalidInputException;
import io.modularddd.core.internal.CheckpointChecks;
import io.modularddd.core.internal.Checks;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The embedded {@link CheckpointStore}: checkpoints, leases and dead letters in memory, for one process
 * (tests, and applications whose projections live in the same JVM). It gives every guarantee of the SPI:
 * one owner per segment, fencing by token, never backwards but for {@link #reset}. Its work runs with
 * {@link CheckpointTransaction#NONE}, so read models get at-least-once delivery: the checkpoint moves only
 * after the work returned, but the work's own effects are not undone when it throws half-way.
 *
 * <p>A commit holds its segment's lock while the work runs, as a database holds the checkpoint row's lock:
 * a claim of that segment (or a reset of its projection) waits for the commit to finish, so a lease that runs
 * out during the work is taken over only after the work and the checkpoint are done. Other segments are not
 * held up. Lease expiry follows the given {@link Clock}. Thread-safe; contents are lost when the process
 * ends.
 */
public final class InMemoryCheckpointStore implements CheckpointStore {

    private final Clock clock;
    private final ConcurrentMap<String, Projection> projections = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, ConcurrentSkipListMap<Long, ProjectionDeadLetter>> deadLetters =
            new ConcurrentHashMap<>();

    private InMemoryCheckpointStore(Clock clock) {
        this.clock = clock;
    }

    /**
     * Creates an empty store whose leases follow the system clock.
     *
     * @return the store
     */
    public static InMemoryCheckpointStore create() {
        return new InMemoryCheckpointStore(Clock.systemUTC());
    }

    /**
     * Creates an empty store whose leases follow a clock (tests move it to expire leases).
     *
     * @param clock the clock
     * @return the store
     * @throws InvalidInputException when the clock is null
     */
    public static InMemoryCheckpointStore create(Clock clock) {
        return new InMemoryCheckpointStore(Checks.notNull("clock", clock));
    }

    /**
     * {@inheritDoc}
     *
     * <p>Every grant, also one to the owner that holds the segment already, carries a new, higher token; the
     * lease returned before is void from then on.
     */
    @Override
    public Optional<SegmentLease> tryClaim(String projection, int segment, int segmentCount, String owner,
                                           Duration leaseTime) {
        CheckpointChecks.claim(projection, segment, segmentCount, owner, leaseTime);
        Projection p = projections.computeIfAbsent(projection, k -> new Projection());
        p.lock.lock();
        try {
            if (p.segmentCount == 0) {
                p.segmentCount = segmentCount;
            } else if (p.segmentCount != segmentCount) {
                throw segmentCountMismatch(projection, segmentCount, p.segmentCount);
            }
            Segment s = p.segments.computeIfAbsent(segment, k -> new Segment());
            s.lock.lock();
            try {
                Instant now = clock.instant();
                if (s.owner != null && s.expiresAt.isAfter(now) && !s.owner.equals(owner)) {
                    return Optional.empty();
                }
                s.token++;
                s.owner = owner;
                s.expiresAt = now.plus(leaseTime);
                return Optional.of(new SegmentLease(projection, segment, segmentCount, owner, s.token, s.position,
                        s.expiresAt));
            } finally {
                s.lock.unlock();
            }
        } finally {
            p.lock.unlock();
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>A lease past its expiry is lost even when no other process has claimed the segment yet: claim it
     * again.
     *
     * @throws InvalidInputException when an argument is null or the lease time out of range
     */
    @Override
    public SegmentLease renew(SegmentLease lease, Duration leaseTime) {
        CheckpointChecks.lease(lease);
        CheckpointChecks.leaseTime(leaseTime);
        Segment s = held(lease);
        s.lock.lock();
        try {
            Instant now = clock.instant();
            requireHeld(s, lease, now);
            s.expiresAt = now.plus(leaseTime);
            return lease.advancedTo(s.position, s.expiresAt);
        } finally {
            s.lock.unlock();
        }
    }

    /**
     * {@inheritDoc}
     *
     * @throws InvalidInputException when the lease is null
     */
    @Override
    public void release(SegmentLease lease) {
        CheckpointChecks.lease(lease);
        Segment s = segment(lease.projection(), lease.segment());
        if (s == null) {
            return;
        }
        s.lock.lock();
        try {
            if (s.owner != null && s.token == lease.token()) {
                s.owner = null;
                s.expiresAt = null;
            }
        } finally {
            s.lock.unlock();
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>The work runs with {@link CheckpointTransaction#NONE} while the segment is locked; the checkpoint moves
     * after it returned. A lease past its expiry is lost even when no other process has claimed the segment yet.
     *
     * @throws CheckpointWorkException when the work threw a checked exception (the checkpoint did not move)
     */
    @Override
    public SegmentLease commit(SegmentLease lease, long position, Work work) {
        CheckpointChecks.commit(lease, position, work);
        Segment s = held(lease);
        s.lock.lock();
        try {
            requireHeld(s, lease, clock.instant());
            if (position < s.position) {
                throw CheckpointChecks.backwards(lease, position, s.position);
            }
            try {
                work.run(CheckpointTransaction.NONE);
            } catch (RuntimeException e) {
                throw e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CheckpointWorkException(lease, e);
            } catch (Exception e) {
                throw new CheckpointWorkException(lease, e);
            }
            s.position = position;
            return lease.advancedTo(position, s.expiresAt);
        } finally {
            s.lock.unlock();
        }
    }

    @Override
    public long position(String projection, int segment) {
        CheckpointChecks.projection(projection);
        CheckpointChecks.segment(segment);
        Segment s = segment(projection, segment);
        return s == null ? 0 : s.position;
    }

    @Override
    public void reset(String projection) {
        CheckpointChecks.projection(projection);
        Projection p = projections.get(projection);
        if (p == null) {
            return;
        }
        p.lock.lock();
        try {
            for (Segment s : p.segments.values()) {
                s.lock.lock();
                try {
                    s.position = 0;
                    s.owner = null;
                    s.expiresAt = null;
                } finally {
                    s.lock.unlock();
                }
            }
            p.segmentCount = 0;
        } finally {
            p.lock.unlock();
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>A dead letter at a position the projection has one for already replaces it. An error longer than
     * 2,000 chars is cut to that length.
     *
     * @throws InvalidInputException when the letter or a field is invalid
     */
    @Override
    public void addDeadLetter(ProjectionDeadLetter letter) {
        ProjectionDeadLetter stored = CheckpointChecks.deadLetter(letter);
        deadLetters.computeIfAbsent(stored.projection(), k -> new ConcurrentSkipListMap<>())
                .put(stored.position(), stored);
    }

    /**
     * {@inheritDoc}
     *
     * @throws InvalidInputException when the name is invalid or {@code max} is not 1 to 10,000
     */
    @Override
    public List<ProjectionDeadLetter> deadLetters(String projection, int max) {
        CheckpointChecks.projection(projection);
        CheckpointChecks.max(max);
        ConcurrentSkipListMap<Long, ProjectionDeadLetter> letters = deadLetters.get(projection);
        if (letters == null) {
            return List.of();
        }
        List<ProjectionDeadLetter> out = new ArrayList<>(Math.min(max, 64));
        for (ProjectionDeadLetter l : letters.values()) {
            if (out.size() == max) {
                break;
            }
            out.add(l);
        }
        return List.copyOf(out);
    }

    /**
     * {@inheritDoc}
     *
     * @throws InvalidInputException when the name is invalid
     */
    @Override
    public boolean removeDeadLetter(String projection, long position) {
        CheckpointChecks.projection(projection);
        ConcurrentSkipListMap<Long, ProjectionDeadLetter> letters = deadLetters.get(projection);
        return letters != null && letters.remove(position) != null;
    }

    /** Nothing to release. */
    @Override
    public void close() {
        // in memory: nothing held
    }

    private Segment segment(String projection, int segment) {
        Projection p = projections.get(projection);
        return p == null ? null : p.segments.get(segment);
    }

    private Segment held(SegmentLease lease) {
        Segment s = segment(lease.projection(), lease.segment());
        if (s == null) {
            throw new LeaseLostException(lease);
        }
        return s;
    }

    private static void requireHeld(Segment s, SegmentLease lease, Instant now) {
        if (s.owner == null || s.token != lease.token() || !s.expiresAt.isAfter(now)) {
            throw new LeaseLostException(lease);
        }
    }

    private static InvalidInputException segmentCountMismatch(String projection, int asked, int held) {
        return new InvalidInputException("segmentCount", "projection '" + projection + "' is split into " + held
                + " segments but the claim asked for " + asked + "; every process must use the same count. To "
                + "change it, stop the processors and reset the projection (it is then rebuilt from position 1).");
    }

    /** A projection's segment count and segments; the lock is taken before any segment's. */
    private static final class Projection {
        final ReentrantLock lock = new ReentrantLock();
        final Map<Integer, Segment> segments = new ConcurrentHashMap<>();
        int segmentCount; // 0: not claimed since created or reset
    }

    /** A segment's checkpoint and lease. */
    private static final class Segment {
        final ReentrantLock lock = new ReentrantLock();
        volatile long position;
        long token;
        String owner;
        Instant expiresAt;
    }
}
