package io.modularddd.core.projection;

import io.modularddd.core.InvalidInputException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Where projections keep their progress (SPI): per projection and segment a checkpoint (the global position
 * of the last event handled), a lease (owner, fencing token, expiry), and the projection's dead letters.
 *
 * <h2>Guarantees every implementation gives</h2>
 * <ul>
 *   <li><b>One owner per segment.</b> {@link #tryClaim} grants a segment to one process at a time: to a
 *       caller when it is unowned, its lease has run out, or the caller already owns it. Each grant carries a
 *       higher token than any before it for that segment.</li>
 *   <li><b>Fencing.</b> {@link #commit}, {@link #renew} and {@link #release} with a token that is no longer
 *       the segment's change nothing ({@link LeaseLostException}, or {@code false}), so a process that lost its
 *       lease cannot write after the new owner started.</li>
 *   <li><b>Atomic checkpoint and work.</b> {@link #commit} runs the work and moves the checkpoint in one
 *       transaction where the storage has them: both happen or neither.</li>
 *   <li><b>Never backwards by accident.</b> A commit's position must be at or after the lease's; only
 *       {@link #reset} moves a checkpoint back.</li>
 * </ul>
 * Thread-safe.
 */
public interface CheckpointStore extends AutoCloseable {

    /**
     * Claims a segment for an owner if it is free, its lease has run out, or the owner holds it already (a
     * renewal that also returns the current checkpoint).
     *
     * @param projection   the projection's name (letters, digits, {@code ._-}, at most 100 characters)
     * @param segment      the segment, from 0
     * @param segmentCount how many segments the projection has; a projection keeps the count it was first
     *                     claimed with until it is {@link #reset}
     * @param owner        the claiming process's id
     * @param leaseTime    how long the lease lasts unless renewed
     * @return the lease, or empty when another owner holds a live lease
     * @throws InvalidInputException when an argument is null or out of range, or {@code segmentCount} differs
     *                               from the one the projection was claimed with
     */
    Optional<SegmentLease> tryClaim(String projection, int segment, int segmentCount, String owner,
                                    Duration leaseTime);

    /**
     * Extends a lease.
     *
     * @param lease     the lease
     * @param leaseTime how long from now
     * @return the renewed lease
     * @throws LeaseLostException when the lease is no longer the segment's
     */
    SegmentLease renew(SegmentLease lease, Duration leaseTime);

    /**
     * Gives a segment up so another process may claim it at once. A lease already lost is ignored.
     *
     * @param lease the lease
     */
    void release(SegmentLease lease);

    /**
     * Moves a segment's checkpoint to {@code position}, running {@code work} in the same transaction first.
     * If the work throws, nothing is committed and the exception reaches the caller.
     *
     * @param lease    the lease held
     * @param position the position of the last event the work handled; at or after the lease's position
     * @param work     the read model's writes (may do nothing)
     * @return the lease at its new position
     * @throws LeaseLostException    when the lease is no longer the segment's (nothing was written)
     * @throws InvalidInputException when the position is before the lease's
     * @throws CheckpointWorkException when the work threw a checked exception (its cause); an unchecked one
     *                                 reaches the caller as it is. Either way nothing was committed
     */
    SegmentLease commit(SegmentLease lease, long position, Work work);

    /**
     * Returns a segment's checkpoint.
     *
     * @param projection the projection's name
     * @param segment    the segment
     * @return the position of the last event handled, 0 when none (or the segment was never claimed)
     */
    long position(String projection, int segment);

    /**
     * Resets a projection for a rebuild: every segment's checkpoint goes back to 0 and every lease is voided
     * (their holders get {@link LeaseLostException} on their next commit). Dead letters are kept.
     *
     * @param projection the projection's name
     */
    void reset(String projection);

    /**
     * Records a dead letter.
     *
     * @param letter the dead letter
     */
    void addDeadLetter(ProjectionDeadLetter letter);

    /**
     * Lists a projection's dead letters, oldest position first.
     *
     * @param projection the projection's name
     * @param max        the most to return
     * @return the dead letters
     */
    List<ProjectionDeadLetter> deadLetters(String projection, int max);

    /**
     * Removes a dead letter (after it was replayed or dismissed).
     *
     * @param projection the projection's name
     * @param position   the dead event's position
     * @return {@code true} when there was one
     */
    boolean removeDeadLetter(String projection, long position);

    /** Releases the store's resources. Idempotent. */
    @Override
    void close();

    /** A read model's writes, run in the checkpoint's transaction. */
    @FunctionalInterface
    interface Work {
        /**
         * Does the writes.
         *
         * @param transaction the checkpoint's transaction
         * @throws Exception when the writes fail; nothing commits
         */
        void run(CheckpointTransaction transaction) throws Exception;
    }
}
