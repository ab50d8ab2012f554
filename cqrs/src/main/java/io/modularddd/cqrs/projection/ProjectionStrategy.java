package io.modularddd.cqrs.projection;

import io.modularddd.core.internal.BuilderChecks;
import java.time.Duration;

/**
 * How a {@link ProjectionEngine} runs a projection: when its handler runs, how many events share a checkpoint
 * commit, how failures are retried and what happens after the last retry, and into how many segments it is split.
 * Immutable; each {@code with}-style method returns a copy.
 *
 * <table>
 *   <caption>The three strategies</caption>
 *   <tr><th>strategy</th><th>handler runs</th><th>events per handler call</th>
 *       <th>events per checkpoint commit</th></tr>
 *   <tr><td>{@link #realtime()}</td><td>after the append commits, on the appending thread, before {@code append}
 *       returns (the caller reads its own write)</td><td>1</td><td>those the delivery found (its own append's, and
 *       any before it not delivered yet)</td></tr>
 *   <tr><td>{@link #async()}</td><td>on the engine's thread for the projection, tracking {@code readAll} from
 *       the checkpoint</td><td>1</td><td>those available when it reads, up to the engine's page size</td></tr>
 *   <tr><td>{@link #batched(int) batched(n)}</td><td>as async</td><td>up to {@code n}</td><td>up to {@code n};
 *       while catching up (a full page read), up to the page size, in calls of up to {@code n}</td></tr>
 * </table>
 *
 * <p>Defaults: 3 attempts with backoff from 50 ms doubling to 1 s, then a dead letter
 * ({@link OnFailure#DEAD_LETTER}); one segment.
 */
public final class ProjectionStrategy {

    /** What the engine does with an event whose handling failed on every attempt, or that cannot be read. */
    public enum OnFailure {
        /** Record a dead letter (listable, replayable) and go on with the next event. */
        DEAD_LETTER,
        /** Stop the projection in this process at that event, until {@code resume} or {@code rebuild}. */
        STOP
    }

    enum Kind { REALTIME, ASYNC, BATCHED }

    private final Kind kind;
    private final int batchSize;
    private final int segments;
    private final int attempts;
    private final Duration firstBackoff;
    private final Duration maxBackoff;
    private final OnFailure onFailure;

    private ProjectionStrategy(Kind kind, int batchSize, int segments, int attempts, Duration firstBackoff,
                               Duration maxBackoff, OnFailure onFailure) {
        this.kind = kind;
        this.batchSize = batchSize;
        this.segments = segments;
        this.attempts = attempts;
        this.firstBackoff = firstBackoff;
        this.maxBackoff = maxBackoff;
        this.onFailure = onFailure;
    }

    /**
     * Runs the handler after each append commits, on the appending thread, before the append returns. Events are
     * delivered in global order (a delivery first catches up with appends other threads committed before), so the
     * read model sees every aggregate's events in order. One process delivers (the holder of the projection's
     * lease): run realtime projections of a read model in one process, or use {@link #async()}.
     *
     * @return the strategy
     */
    public static ProjectionStrategy realtime() {
        return new ProjectionStrategy(Kind.REALTIME, Integer.MAX_VALUE, 1, 3, Duration.ofMillis(50),
                Duration.ofSeconds(1), OnFailure.DEAD_LETTER);
    }

    /**
     * Runs the handler on a thread of the engine, one event per call, tracking the global log from the stored
     * checkpoint; woken by appends (and by the {@code AppendSignal} across processes), polling as a fallback.
     *
     * @return the strategy
     */
    public static ProjectionStrategy async() {
        return new ProjectionStrategy(Kind.ASYNC, Integer.MAX_VALUE, 1, 3, Duration.ofMillis(50),
                Duration.ofSeconds(1), OnFailure.DEAD_LETTER);
    }

    /**
     * As {@link #async()}, handing the handler batches of up to {@code maxBatch} events, one checkpoint commit
     * per batch.
     *
     * @param maxBatch the most events per batch, 1 to 100,000
     * @return the strategy
     * @throws IllegalArgumentException when out of range
     */
    public static ProjectionStrategy batched(int maxBatch) {
        BuilderChecks.inRange("maxBatch", maxBatch, 1, 100_000);
        return new ProjectionStrategy(Kind.BATCHED, maxBatch, 1, 3, Duration.ofMillis(50), Duration.ofSeconds(1),
                OnFailure.DEAD_LETTER);
    }

    /**
     * Splits the projection into segments by a hash of the aggregate id, each claimed by one process at a time
     * through a lease: several processes share the work, and each aggregate's events stay in order. Every process
     * must use the same count; changing it needs a rebuild.
     *
     * @param count the number of segments, 1 to 1,024
     * @return a copy with the count
     * @throws IllegalArgumentException when out of range
     * @throws IllegalStateException    for a realtime projection (it runs in the appending thread)
     */
    public ProjectionStrategy segments(int count) {
        BuilderChecks.inRange("segments", count, 1, 1024);
        BuilderChecks.noConflict(kind == Kind.REALTIME && count != 1, "segments(" + count + ") cannot be combined "
                + "with realtime(): a realtime projection runs on the appending thread; use async() or batched(n)");
        return new ProjectionStrategy(kind, batchSize, count, attempts, firstBackoff, maxBackoff, onFailure);
    }

    /**
     * Sets how often a failing batch is tried, and the waits between tries: {@code first}, doubling up to
     * {@code max}. A failing batch of several events is then tried event by event, to find the failing one.
     *
     * @param attempts the tries per event or batch, 1 to 100
     * @param first    the first wait, 0 to 1 minute
     * @param max      the longest wait, {@code first} to 10 minutes
     * @return a copy with the retries
     * @throws IllegalArgumentException when a value is null or out of range
     */
    public ProjectionStrategy retries(int attempts, Duration first, Duration max) {
        BuilderChecks.inRange("attempts", attempts, 1, 100);
        BuilderChecks.inRange("first", first, Duration.ZERO, Duration.ofMinutes(1));
        BuilderChecks.inRange("max", max, first, Duration.ofMinutes(10));
        return new ProjectionStrategy(kind, batchSize, segments, attempts, first, max, onFailure);
    }

    /**
     * Sets what happens after the last attempt, and to an event that cannot be read (its type is not registered,
     * or its payload does not decode) and that the projection would handle.
     *
     * @param policy dead letter and go on, or stop
     * @return a copy with the policy
     * @throws IllegalArgumentException when null
     */
    public ProjectionStrategy onFailure(OnFailure policy) {
        BuilderChecks.notNull("policy", policy);
        return new ProjectionStrategy(kind, batchSize, segments, attempts, firstBackoff, maxBackoff, policy);
    }

    Kind kind() {
        return kind;
    }

    /** The most events per checkpoint commit when not catching up. */
    int batchSize() {
        return batchSize;
    }

    /** The most events per handler call. */
    int chunkSize() {
        return kind == Kind.BATCHED ? batchSize : 1;
    }

    int segmentCount() {
        return segments;
    }

    int attempts() {
        return attempts;
    }

    OnFailure policy() {
        return onFailure;
    }

    /** The wait after failed attempt {@code attempt} (from 1). */
    Duration backoff(int attempt) {
        long first = firstBackoff.toNanos();
        long wait = first << Math.min(attempt - 1, 20);
        return Duration.ofNanos(wait < 0 ? maxBackoff.toNanos() : Math.min(wait, maxBackoff.toNanos()));
    }

    @Override
    public String toString() {
        return kind.name().toLowerCase(java.util.Locale.ROOT) + (kind == Kind.BATCHED ? "(" + batchSize + ")" : "")
                + "[segments=" + segments + ", attempts=" + attempts + ", backoff=" + firstBackoff + ".." + maxBackoff
                + ", onFailure=" + onFailure + "]";
    }
}
