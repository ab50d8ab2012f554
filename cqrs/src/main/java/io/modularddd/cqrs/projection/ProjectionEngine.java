package io.modularddd.cqrs.projection;

import io.micrometer.core.instrument.MeterRegistry;
import io.modularddd.core.AggregateId;
import io.modularddd.core.EventStore;
import io.modularddd.core.InvalidInputException;
import io.modularddd.core.internal.BuilderChecks;
import io.modularddd.core.internal.Checks;
import io.modularddd.core.projection.AppendSignal;
import io.modularddd.core.projection.CheckpointStore;
import io.modularddd.core.projection.Projection;
import io.modularddd.core.projection.ProjectionDeadLetter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@link Projection}s from an event store's global log, each with its {@link ProjectionStrategy} (realtime,
 * async or batched), keeping their checkpoints, leases and dead letters in a {@link CheckpointStore}.
 *
 * <pre>{@code
 * ProjectionEngine engine = ProjectionEngine.builder(jdbcStore, jdbcCheckpoints)
 *         .register(balances, ProjectionStrategy.realtime())
 *         .register(search, ProjectionStrategy.batched(500).segments(4))
 *         .signal(redisSignal)                     // wake-ups across processes; optional
 *         .meterRegistry(meterRegistry)
 *         .build();
 * engine.start();
 * EventStore store = engine.eventStore();          // append through this one
 * ...
 * engine.close();                                  // stops and joins its threads, releases its leases
 * }</pre>
 *
 * <h2>Guarantees</h2>
 * <ul>
 *   <li><b>Every event, in order.</b> A projection reads {@code readAll} from its checkpoint; positions are dense
 *       and commit-ordered, so it never skips an event that commits late, and sees each aggregate's events in
 *       version order (segments split by aggregate). A projection that declares its types asks the store for those
 *       only ({@code readAll(from, limit, types)}) and moves its position to where the store looked, over the
 *       events of other types ({@link ProjectionEngineBuilder#typeFilteredReads}).</li>
 *   <li><b>Checkpoint and read model together.</b> Each batch is applied inside {@code CheckpointStore.commit}:
 *       with a JDBC checkpoint store and a read model written through the handed transaction, each event's effect
 *       happens exactly once, even when a process dies mid-batch. Other read models get every event at least once
 *       (again after a crash before the commit); the position makes their writes idempotent.</li>
 *   <li><b>One owner per segment.</b> Segments are claimed through leases with fencing tokens and renewed as they
 *       age; a lease that ran out is taken over by another process at its next claim. A process whose lease was
 *       lost stops handling the segment before it writes again: the store refuses its commit.</li>
 *   <li><b>No endless loop.</b> A failing event is retried with backoff, then dead-lettered (the projection goes
 *       on) or stops the projection, per its strategy; so is an event it would handle that cannot be read.</li>
 * </ul>
 *
 * <h2>Threads</h2>
 * Realtime projections run on the appending thread; each async or batched projection has one thread of the
 * engine's {@link ProjectionEngineBuilder#threadFactory thread factory}, started by {@link #start()} and stopped
 * and joined by {@link #close()}. Wake-ups come from appends through {@link #eventStore()} and, across processes,
 * from the {@link AppendSignal}; without them a processor polls at the poll interval.
 */
public final class ProjectionEngine implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ProjectionEngine.class);

    /** Whether a projection runs in this process. */
    public enum State {
        /** It handles events. */
        RUNNING,
        /** It stopped at a failed event (policy {@code STOP}), a failed reset hook, or an {@link Error}. */
        STOPPED
    }

    /**
     * Where a projection stands in this process.
     *
     * @param projection the projection's name
     * @param state      running or stopped
     * @param stoppedAt  the position it stopped at (0 when running, -1 when unknown)
     * @param failure    why it stopped ("" when running)
     */
    public record Status(String projection, State state, long stoppedAt, String failure) {

        static Status running(String projection) {
            return new Status(projection, State.RUNNING, 0, "");
        }

        static Status stopped(String projection, long position, String failure) {
            return new Status(projection, State.STOPPED, position, failure);
        }
    }

    /**
     * What a dead-letter replay did.
     *
     * @param replayed handled and removed
     * @param failed   failed again (kept, with one more attempt recorded)
     * @param skipped  not tried: another process holds the event's segment (replay there)
     */
    public record ReplayReport(int replayed, int failed, int skipped) {
    }

    private final EngineSettings settings;
    private final Map<String, Registered> projections;
    private final Map<String, RealtimeDelivery> realtime = new LinkedHashMap<>();
    private final Map<String, TrackingProcessor> tracking = new LinkedHashMap<>();
    private final List<Thread> threads = new ArrayList<>();
    private final AppendSignal signal;
    private final ThreadFactory threadFactory;
    private final EventStore view;
    private AutoCloseable subscription;
    private volatile boolean started;
    private boolean closed;

    ProjectionEngine(AppendSignal signal, MeterRegistry meterRegistry, ThreadFactory threadFactory,
                     EngineSettings settings, Map<String, Registered> projections) {
        this.settings = settings;
        this.projections = projections;
        this.signal = signal;
        this.threadFactory = threadFactory;
        for (Registered r : projections.values()) {
            r.meter(meterRegistry);
            if (r.strategy.kind() == ProjectionStrategy.Kind.REALTIME) {
                realtime.put(r.name(), new RealtimeDelivery(r));
            } else {
                tracking.put(r.name(), new TrackingProcessor(r));
            }
        }
        this.view = new EngineEventStore(settings.store, this);
    }

    /**
     * Starts configuring an engine.
     *
     * @param store       the store whose log the projections read
     * @param checkpoints where their checkpoints, leases and dead letters are kept
     * @return the builder
     * @throws IllegalArgumentException when an argument is null
     */
    public static ProjectionEngineBuilder builder(EventStore store, CheckpointStore checkpoints) {
        return new ProjectionEngineBuilder(BuilderChecks.notNull("store", store),
                BuilderChecks.notNull("checkpoints", checkpoints));
    }

    /**
     * Starts the projections: subscribes to the signal, brings each realtime projection up to the log's head on the
     * calling thread, and starts a thread per async or batched projection.
     *
     * @throws IllegalStateException when started before or closed
     */
    public synchronized void start() {
        BuilderChecks.noConflict(closed, "the engine is closed; build a new one");
        BuilderChecks.noConflict(started, "the engine is started already; start it once");
        if (signal != null) {
            subscription = signal.subscribe(head -> {
                for (Registered r : projections.values()) {
                    r.observeHead(head);
                }
                settings.wakeup.bump();
            });
        }
        if (settings.readAhead > 0) {
            AtomicInteger readers = new AtomicInteger();
            settings.readers(Executors.newFixedThreadPool(settings.readAhead, r -> {
                Thread t = threadFactory.newThread(r);
                t.setName("modularddd-projection-read-ahead-" + readers.incrementAndGet());
                return t;
            }));
        }
        started = true;
        for (RealtimeDelivery d : realtime.values()) {
            d.start();
        }
        for (Map.Entry<String, TrackingProcessor> p : tracking.entrySet()) {
            Thread t = threadFactory.newThread(p.getValue());
            t.setName("modularddd-projection-" + p.getKey());
            threads.add(t);
            t.start();
        }
    }

    /**
     * Returns the store to append through: after each append commits it wakes this engine's processors, announces
     * the new head on the signal, and runs the realtime projections before returning. Reads go to the store.
     *
     * @return the store
     */
    public EventStore eventStore() {
        return view;
    }

    void afterCommit(long lastPosition) {
        settings.wakeup.bump();
        if (signal != null) {
            try {
                signal.appended(lastPosition);
            } catch (RuntimeException e) {
                LOG.warn("announcing position {} on the append signal failed; other processes poll: {}",
                        lastPosition, e.toString());
            }
        }
        for (RealtimeDelivery d : realtime.values()) {
            d.deliver(lastPosition);
        }
    }

    void afterUnknownOutcome() {
        settings.wakeup.bump();
        if (started) {
            for (RealtimeDelivery d : realtime.values()) {
                d.catchUpToHead();
            }
        }
    }

    /**
     * Rebuilds a projection: stops handling it in this process, resets its checkpoints (every segment back to 0;
     * leases of other processes are voided), runs its reset hook, and processes the log again from position 1 in
     * pages while appends go on; once caught up it tails the log as before, losing and repeating nothing. A realtime
     * projection is rebuilt on the calling thread (this returns when it has caught up); others by their thread.
     * Dead letters are kept. Other processes' in-flight batches fail at commit; with a read model outside the
     * checkpoint's transaction, stop the other processes first.
     *
     * @param projection the projection's name
     * @throws InvalidInputException      when no projection has that name
     * @throws ProjectionResetException   when the reset hook failed (the projection is then stopped)
     * @throws IllegalStateException      when the engine is closed
     */
    public void rebuild(String projection) {
        Registered reg = registered(projection);
        BuilderChecks.noConflict(settings.closing(), "the engine is closed");
        RealtimeDelivery d = realtime.get(projection);
        if (d != null) {
            d.rebuild(() -> reset(reg));
            return;
        }
        SegmentRunner[] runners = reg.runners();
        for (SegmentRunner r : runners) {
            r.lock.lock();
        }
        try {
            reset(reg);
        } finally {
            for (int i = runners.length - 1; i >= 0; i--) {
                runners[i].lock.unlock();
            }
        }
        tracking.get(projection).claimSoon();
    }

    /** Resets checkpoints, forgets leases, runs the hook; with every segment's lock held. */
    private void reset(Registered reg) {
        settings.checkpoints.reset(reg.name());
        for (SegmentRunner r : reg.runners()) {
            r.forget();
        }
        try {
            reg.projection.reset();
        } catch (Exception e) {
            reg.stop(0, "reset hook failed: " + SegmentRunner.describe(e));
            throw new ProjectionResetException(reg.name(), e);
        }
        reg.resume();
        LOG.info("projection '{}': reset; rebuilding from position 1", reg.name());
    }

    /**
     * Starts a stopped projection again at its checkpoint (the failed event is tried again).
     *
     * @param projection the projection's name
     * @throws InvalidInputException when no projection has that name
     */
    public void resume(String projection) {
        Registered reg = registered(projection);
        reg.resume();
        TrackingProcessor p = tracking.get(projection);
        if (p != null) {
            p.claimSoon();
        } else if (started) {
            realtime.get(projection).catchUpToHead();
        }
    }

    /**
     * Returns whether a projection runs in this process, and if not, where and why it stopped.
     *
     * @param projection the projection's name
     * @return the status
     * @throws InvalidInputException when no projection has that name
     */
    public Status status(String projection) {
        return registered(projection).status();
    }

    /**
     * Waits until every segment of a projection has handled the log up to a position (in this process, or as its
     * checkpoint shows for segments other processes own): an async caller's way to read its own write.
     *
     * @param projection the projection's name
     * @param position   the position, e.g. an append's {@code lastPosition()}
     * @param timeout    how long to wait at most
     * @return {@code true} when caught up; {@code false} on timeout, interrupt, or when the projection stopped
     * @throws InvalidInputException when no projection has that name or an argument is invalid
     */
    public boolean awaitCaughtUp(String projection, long position, Duration timeout) {
        Registered reg = registered(projection);
        Checks.notNull("timeout", timeout);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long generation = reg.progress.generation();
            if (caughtUp(reg, position)) {
                return true;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0 || reg.stopped() || Thread.currentThread().isInterrupted()) {
                return false;
            }
            // segments of other processes are seen through the store: look again at least every 20 ms
            reg.progress.await(generation, Math.min(left, 20_000_000L));
        }
    }

    private boolean caughtUp(Registered reg, long position) {
        for (SegmentRunner r : reg.runners()) {
            long at = r.held() ? r.handled() : settings.checkpoints.position(reg.name(), r.segment());
            if (at < position) {
                return false;
            }
        }
        return true;
    }

    /** The names of the projections, in registration order: for {@link ProjectionLagIndicator}. */
    java.util.Set<String> projectionNames() {
        return java.util.Collections.unmodifiableSet(projections.keySet());
    }

    /**
     * The lowest position every segment of a projection has handled (in this process, or as its checkpoint shows
     * for segments other processes own): for {@link ProjectionLagIndicator}.
     */
    long lowestPosition(String projection) {
        Registered reg = registered(projection);
        long lowest = Long.MAX_VALUE;
        for (SegmentRunner r : reg.runners()) {
            lowest = Math.min(lowest, r.held() ? r.handled() : settings.checkpoints.position(reg.name(), r.segment()));
        }
        return lowest == Long.MAX_VALUE ? 0 : lowest;
    }

    /**
     * Lists a projection's dead letters, oldest position first.
     *
     * @param projection the projection's name
     * @param max        the most to return
     * @return the dead letters
     * @throws InvalidInputException when no projection has that name or {@code max} is out of the store's range
     */
    public List<ProjectionDeadLetter> deadLetters(String projection, int max) {
        return settings.checkpoints.deadLetters(registered(projection).name(), max);
    }

    /**
     * Hands a projection's dead letters to its handler again, oldest first, each alone in the checkpoint's
     * transaction (the checkpoint stays where it is). One handled is removed; one that fails again is kept with
     * one more attempt. Events of segments another process holds are skipped: replay there. A replayed event
     * reaches the read model after later events of its aggregate.
     *
     * @param projection the projection's name
     * @param max        the most dead letters to replay
     * @return what happened
     * @throws InvalidInputException when no projection has that name or {@code max} is out of range
     */
    public ReplayReport replayDeadLetters(String projection, int max) {
        Registered reg = registered(projection);
        int replayed = 0;
        int failed = 0;
        int skipped = 0;
        for (ProjectionDeadLetter letter : settings.checkpoints.deadLetters(reg.name(), max)) {
            SegmentRunner runner = reg.runner(Segments.of(AggregateId.of(letter.streamId()), reg.segmentCount()));
            runner.lock.lock();
            try {
                switch (DeadLetterReplay.replay(settings, reg, runner, letter)) {
                    case 1 -> replayed++;
                    case 0 -> failed++;
                    default -> skipped++;
                }
            } finally {
                runner.lock.unlock();
            }
        }
        return new ReplayReport(replayed, failed, skipped);
    }

    private Registered registered(String projection) {
        Checks.notNull("projection", projection);
        Registered reg = projections.get(projection);
        if (reg == null) {
            throw new InvalidInputException("projection", "no projection is named " + Checks.show(projection)
                    + "; this engine runs " + projections.keySet());
        }
        return reg;
    }

    /**
     * Stops the engine: its threads finish the batch in hand (the wait between retries is cut short), record how
     * far they got, release their leases and end; this waits for them (up to the lease time, then interrupts them).
     * Realtime projections stop delivering. The stores and the signal stay open: they are the caller's. Idempotent.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        settings.close();
        long waitMillis = Math.max(1000, settings.leaseTime.toMillis());
        for (Thread t : threads) {
            try {
                t.join(waitMillis);
                if (t.isAlive()) {
                    LOG.warn("projection thread {} did not stop within {} ms; interrupting it", t.getName(),
                            waitMillis);
                    t.interrupt();
                    t.join(waitMillis);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        for (RealtimeDelivery d : realtime.values()) {
            d.close();
        }
        ExecutorService readers = settings.readers();
        if (readers != null) {
            readers.shutdown();
            try {
                if (!readers.awaitTermination(waitMillis, TimeUnit.MILLISECONDS)) {
                    readers.shutdownNow();
                }
            } catch (InterruptedException e) {
                readers.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
        if (subscription != null) {
            try {
                subscription.close();
            } catch (Exception e) {
                LOG.warn("closing the append signal subscription failed: {}", e.toString());
            }
        }
    }

    @Override
    public String toString() {
        return "ProjectionEngine[owner=" + settings.owner + ", projections=" + projections.keySet() + "]";
    }
}
