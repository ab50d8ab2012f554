package io.modularddd.cqrs.projection;

import io.modularddd.core.AggregateId;
import io.modularddd.core.StoredEvent;
import io.modularddd.core.UnreadableEventException;
import io.modularddd.core.projection.CheckpointTransaction;
import io.modularddd.core.projection.LeaseLostException;
import io.modularddd.core.projection.ProjectionDeadLetter;
import io.modularddd.core.projection.SegmentLease;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One segment of one projection in this process: its lease, how far it has read, and the step that reads the
 * next page of the log and applies it.
 *
 * <h2>A step</h2>
 * Reads up to a page of {@code readAll} after the position handled — of the projection's types only, when it
 * declares them ({@code readAll(from, limit, types)}: the store skips the others, and the page covers every
 * position up to where the store looked; {@link SegmentReads}) — keeps the events of this segment and of the
 * projection's types, and applies them in transactions of up to the strategy's batch size (the page size while
 * catching up: the page was full), each through {@code CheckpointStore.commit}, so the handler's writes and the
 * checkpoint commit together. A page with nothing to apply only moves the position in memory; the checkpoint
 * follows lazily (a page's worth, a second, idle, or release), since re-reading skipped events after a crash
 * changes nothing.
 *
 * <h2>Failures</h2>
 * A failing transaction is rolled back and tried again after a backoff, up to the strategy's attempts; one of
 * several events is then split into single events to find the failing one, which becomes a dead letter (the
 * checkpoint moves past it) or stops the projection. An event that cannot be read ({@link UnreadableEventException}:
 * its type is not registered, its payload does not decode) follows the same policy at once, without retries, since
 * reading it again gives the same result — the step reads the page up to it, then deals with it alone, and goes
 * on after it: it never loops. A {@link LeaseLostException} drops the lease (someone else owns the segment now,
 * and nothing was written); any other failure of the stores leaves the position where it was and is tried again
 * at the next step. An {@link Error} from the handler is not caught.
 *
 * <p>All mutable state is guarded by {@link #lock}, held for a whole step; the processor thread, realtime
 * deliveries, rebuilds and dead-letter replays take it.
 */
final class SegmentRunner {

    private static final Logger LOG = LoggerFactory.getLogger(SegmentRunner.class);
    private static final int MAX_ERROR_CHARS = 1000;
    private static final long LAZY_COMMIT_NANOS = 1_000_000_000L;

    enum Outcome { IDLE, ADVANCED, LOST, STOPPED, FAILED, CLOSING }

    final ReentrantLock lock = new ReentrantLock();
    private final Registered reg;
    private final EngineSettings engine;
    private final int segment;
    private final SegmentReads reads;
    private volatile SegmentLease lease;
    private volatile long handled;
    private long renewAtNanos;
    private long deadlineNanos;
    private long lastCommitNanos;

    SegmentRunner(Registered reg, int segment) {
        this.reg = reg;
        this.engine = reg.engine;
        this.segment = segment;
        this.reads = new SegmentReads(reg);
    }

    int segment() {
        return segment;
    }

    boolean held() {
        return lease != null;
    }

    SegmentLease lease() {
        return lease;
    }

    long handled() {
        return handled;
    }

    /** Events behind the head as last seen; NaN when another process owns the segment. */
    double lag() {
        return lease == null ? Double.NaN : Math.max(0, reg.knownHead() - handled);
    }

    /** Claims the segment; under the lock. */
    boolean claim() {
        long start = System.nanoTime();
        Optional<SegmentLease> claimed = engine.checkpoints.tryClaim(reg.name(), segment, reg.segmentCount(),
                engine.owner, engine.leaseTime);
        if (claimed.isEmpty()) {
            return false;
        }
        adopt(claimed.get(), start);
        handled = claimed.get().position();
        lastCommitNanos = start;
        LOG.debug("projection '{}' segment {}: claimed at position {} (token {})", reg.name(), segment, handled,
                claimed.get().token());
        reg.progress.bump();
        return true;
    }

    /** Forgets the lease and position after a reset voided them; under the lock. */
    void forget() {
        reads.clear();
        lease = null;
        handled = 0;
    }

    /** Records skipped progress and gives the segment up; under the lock. */
    void release() {
        SegmentLease l = lease;
        if (l == null) {
            return;
        }
        flushSkipped(true);
        try {
            if (lease != null) {
                engine.checkpoints.release(lease);
            }
        } catch (RuntimeException e) {
            LOG.warn("projection '{}' segment {}: could not release the lease; it runs out by itself: {}", reg.name(),
                    segment, e.toString());
        }
        lease = null;
        reads.clear();
    }

    /** Replaces the lease after a commit done outside a step (a dead-letter replay); under the lock. */
    void committed(SegmentLease after) {
        lease = after;
    }

    private void adopt(SegmentLease l, long startNanos) {
        lease = l;
        renewAtNanos = startNanos + engine.leaseNanos / 2;
        deadlineNanos = startNanos + engine.leaseNanos - engine.leaseNanos / 10;
    }

    private void lost(String why) {
        LOG.info("projection '{}' segment {}: lease lost ({}); this process stops handling the segment", reg.name(),
                segment, why);
        reads.clear();
        lease = null;
        reg.progress.bump();
    }

    /** Renews the lease when half of it is used up. */
    private Outcome fresh() {
        SegmentLease l = lease;
        if (l == null) {
            return Outcome.LOST;
        }
        long now = System.nanoTime();
        if (now - renewAtNanos < 0) {
            return Outcome.ADVANCED;
        }
        try {
            adopt(engine.checkpoints.renew(l, engine.leaseTime), now);
            return Outcome.ADVANCED;
        } catch (LeaseLostException e) {
            lost("renewal refused");
            return Outcome.LOST;
        } catch (RuntimeException e) {
            if (System.nanoTime() - deadlineNanos >= 0) {
                lost("renewal failed until the lease ran out: " + e);
                return Outcome.LOST;
            }
            LOG.warn("projection '{}' segment {}: renewing the lease failed, trying again: {}", reg.name(), segment,
                    e.toString());
            return Outcome.FAILED;
        }
    }

    /**
     * Reads the next page (not past {@code upTo}) and applies it; under the lock.
     *
     * @return {@code ADVANCED} when the position moved, {@code IDLE} when there was nothing to read, else why not
     */
    Outcome step(long upTo) {
        Outcome ok = fresh();
        if (ok != Outcome.ADVANCED) {
            return ok;
        }
        long from = handled + 1;
        if (from > upTo) {
            return Outcome.IDLE;
        }
        int limit = (int) Math.min(engine.pageSize, upTo - handled);
        SegmentReads.Page read;
        try {
            read = reads.read(from, limit, upTo);
        } catch (RuntimeException e) {
            LOG.warn("projection '{}' segment {}: reading the log from position {} failed, trying again: {}",
                    reg.name(), segment, from, e.toString());
            return Outcome.FAILED;
        }
        if (read.scanned() < from) {
            return Outcome.IDLE;
        }
        List<SegmentReads.Item> page = read.items();
        long last = read.scanned();
        reg.observeHead(last);
        boolean catchingUp = page.size() == engine.pageSize;
        int txLimit = catchingUp ? Math.max(engine.pageSize, reg.strategy.batchSize()) : reg.strategy.batchSize();
        List<StoredEvent> pending = new ArrayList<>();
        for (SegmentReads.Item item : page) {
            if (!relevant(item)) {
                continue;
            }
            if (item.unreadable() != null) {
                Outcome o = pending.isEmpty() ? Outcome.ADVANCED : apply(pending, item.position() - 1);
                pending = new ArrayList<>();
                if (o == Outcome.ADVANCED) {
                    o = giveUp(item.position(), item.aggregateId(), item.storedType(), item.unreadable(), 1);
                }
                if (o != Outcome.ADVANCED) {
                    return o;
                }
                continue;
            }
            pending.add(item.event());
            if (pending.size() >= txLimit) {
                Outcome o = apply(pending, item.position());
                pending = new ArrayList<>();
                if (o != Outcome.ADVANCED) {
                    return o;
                }
            }
        }
        if (!pending.isEmpty()) {
            return apply(pending, last);
        }
        if (handled < last) {
            handled = last;
            reg.progress.bump();
            flushSkipped(false);
        }
        return Outcome.ADVANCED;
    }

    private boolean relevant(SegmentReads.Item item) {
        if (Segments.of(item.aggregateId(), reg.segmentCount()) != segment) {
            return false;
        }
        return item.event() != null ? reg.types.accepts(item.event()) : reg.types.acceptsStored(item.storedType());
    }

    /** How far one run of the work got: events handled, and whether a real transaction can undo them. */
    private static final class Run {
        int done;
        boolean transactional;
    }

    /**
     * Applies events in one transaction, with retries, then event by event; moves the position to {@code end}.
     * Where the checkpoint store has no transactions ({@link CheckpointTransaction#NONE}), the events handled
     * before a failure stay applied: the position is moved past them at once, so a retry does not repeat them.
     */
    private Outcome apply(List<StoredEvent> events, long end) {
        Exception failure = null;
        int attempts = reg.strategy.attempts();
        List<StoredEvent> rest = events;
        Run run = new Run();
        for (int attempt = 1; attempt <= attempts; attempt++) {
            run = new Run();
            Run current = run;
            List<StoredEvent> batch = rest;
            try {
                SegmentLease after = engine.checkpoints.commit(lease, end, tx -> handle(batch, tx, current));
                lease = after;
                handled = end;
                lastCommitNanos = System.nanoTime();
                reg.metrics().handled(segment, batch.size());
                reg.progress.bump();
                return Outcome.ADVANCED;
            } catch (LeaseLostException e) {
                lost("commit refused");
                return Outcome.LOST;
            } catch (RuntimeException e) {
                HandlerFailure f = HandlerFailure.in(e); // a store may have wrapped it after all
                if (f == null) {
                    LOG.warn("projection '{}' segment {}: committing positions {}..{} failed, trying again: {}",
                            reg.name(), segment, batch.get(0).position(), end, e.toString());
                    return Outcome.FAILED;
                }
                failure = f.failure();
                reg.metrics().failed(segment);
                LOG.debug("projection '{}' segment {}: attempt {} of {} failed for positions {}..{}: {}", reg.name(),
                        segment, attempt, attempts, batch.get(0).position(), end, failure.toString());
            }
            if (!current.transactional && current.done > 0) {
                Outcome o = keep(batch.subList(0, current.done));
                if (o != Outcome.ADVANCED) {
                    return o;
                }
                rest = List.copyOf(batch.subList(current.done, batch.size()));
            }
            Outcome p = attempt < attempts ? pause(attempt) : Outcome.ADVANCED;
            if (p != Outcome.ADVANCED) {
                return p;
            }
        }
        StoredEvent first = rest.get(0);
        if (rest.size() == 1 || !run.transactional && reg.strategy.chunkSize() == 1) {
            // the first event is the failing one: nothing before it in the batch is left unapplied
            long to = rest.size() == 1 ? end : first.position();
            Outcome o = giveUp(to, first.aggregateId(), first.storedEventType(), failure, attempts, first.position());
            return o != Outcome.ADVANCED || rest.size() == 1 ? o
                    : apply(List.copyOf(rest.subList(1, rest.size())), end);
        }
        for (int i = 0; i < rest.size(); i++) {
            long to = i == rest.size() - 1 ? end : rest.get(i).position();
            Outcome o = apply(List.of(rest.get(i)), to);
            if (o != Outcome.ADVANCED) {
                return o;
            }
        }
        return Outcome.ADVANCED;
    }

    /** Moves the position past events a non-transactional store's work applied before it failed. */
    private Outcome keep(List<StoredEvent> applied) {
        long to = applied.get(applied.size() - 1).position();
        try {
            lease = engine.checkpoints.commit(lease, to, tx -> { });
        } catch (LeaseLostException e) {
            lost("commit refused");
            return Outcome.LOST;
        } catch (RuntimeException e) {
            LOG.warn("projection '{}' segment {}: committing position {} failed, trying again: {}", reg.name(),
                    segment, to, e.toString());
            return Outcome.FAILED;
        }
        handled = to;
        lastCommitNanos = System.nanoTime();
        reg.metrics().handled(segment, applied.size());
        reg.progress.bump();
        return Outcome.ADVANCED;
    }

    /** Waits before the next attempt and renews the lease if due; anything but {@code ADVANCED} ends the step. */
    private Outcome pause(int attempt) {
        return engine.backoff(reg.strategy.backoff(attempt)) ? fresh() : Outcome.CLOSING;
    }

    private void handle(List<StoredEvent> events, CheckpointTransaction tx, Run run) {
        run.transactional = tx != CheckpointTransaction.NONE;
        int chunk = reg.strategy.chunkSize();
        try {
            for (int i = 0; i < events.size(); i += chunk) {
                List<StoredEvent> part = events.size() <= chunk ? events
                        : events.subList(i, Math.min(events.size(), i + chunk));
                reg.projection.handle(List.copyOf(part), tx);
                run.done += part.size();
            }
        } catch (Exception e) {
            throw new HandlerFailure(e);
        }
    }

    private Outcome giveUp(long position, AggregateId streamId, String storedType, Exception failure, int attempts) {
        return giveUp(position, streamId, storedType, failure, attempts, position);
    }

    /** Records a dead letter for the event at {@code eventPosition} and moves to {@code end}, or stops. */
    private Outcome giveUp(long end, AggregateId streamId, String storedType, Exception failure, int attempts,
                           long eventPosition) {
        String error = describe(failure);
        if (reg.strategy.policy() == ProjectionStrategy.OnFailure.STOP) {
            LOG.error("projection '{}' segment {}: stopped at position {} (event '{}' of stream '{}') after {} "
                    + "attempt(s): {}", reg.name(), segment, eventPosition, storedType, streamId.value(), attempts,
                    error);
            reg.stop(eventPosition, error);
            return Outcome.STOPPED;
        }
        try {
            engine.checkpoints.addDeadLetter(new ProjectionDeadLetter(reg.name(), eventPosition, streamId.value(),
                    storedType == null ? "?" : storedType, error, attempts, engine.clock.instant()));
            lease = engine.checkpoints.commit(lease, end, tx -> { });
        } catch (LeaseLostException e) {
            lost("commit refused");
            return Outcome.LOST;
        } catch (RuntimeException e) {
            LOG.warn("projection '{}' segment {}: recording the dead letter for position {} failed, trying again: {}",
                    reg.name(), segment, eventPosition, e.toString());
            return Outcome.FAILED;
        }
        handled = end;
        lastCommitNanos = System.nanoTime();
        reg.metrics().deadLettered(segment);
        reg.progress.bump();
        LOG.warn("projection '{}' segment {}: dead letter for position {} (event '{}' of stream '{}') after {} "
                + "attempt(s): {}", reg.name(), segment, eventPosition, storedType, streamId.value(), attempts, error);
        return Outcome.ADVANCED;
    }

    /** Commits the position reached through skipped events: at once when forced, else now and then. */
    void flushSkipped(boolean force) {
        SegmentLease l = lease;
        if (l == null || handled <= l.position()) {
            return;
        }
        if (!force && handled - l.position() < engine.pageSize
                && System.nanoTime() - lastCommitNanos < LAZY_COMMIT_NANOS) {
            return;
        }
        try {
            lease = engine.checkpoints.commit(l, handled, tx -> { });
            lastCommitNanos = System.nanoTime();
        } catch (LeaseLostException e) {
            lost("commit refused");
        } catch (RuntimeException e) {
            LOG.debug("projection '{}' segment {}: committing the position failed; it is kept in memory: {}",
                    reg.name(), segment, e.toString());
        }
    }

    static String describe(Throwable failure) {
        String s = failure == null ? "unknown failure" : failure.getClass().getName()
                + (failure.getMessage() == null ? "" : ": " + failure.getMessage());
        return s.length() <= MAX_ERROR_CHARS ? s : s.substring(0, MAX_ERROR_CHARS - 3) + "...";
    }
}
