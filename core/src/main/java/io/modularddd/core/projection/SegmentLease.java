package io.modularddd.core.projection;

import io.modularddd.core.internal.Checks;
import java.time.Instant;

/**
 * One process's claim on one segment of a projection, as {@link CheckpointStore#tryClaim} granted it.
 *
 * <p>The {@link #token()} fences: every claim of a segment gets a higher token than the one before, and the
 * store refuses a commit, renewal or release that carries a token which is no longer the segment's, so a
 * process that lost its lease (it paused past the expiry and another took over) can never write after the new
 * owner started.
 *
 * @param projection   the projection's name
 * @param segment      the segment, from 0 to {@code segmentCount - 1}
 * @param segmentCount how many segments the projection is split into
 * @param owner        the owning process's id
 * @param token        the fencing token of this claim
 * @param position     the segment's checkpoint when claimed: the global position of the last event handled
 *                     (0 before the first)
 * @param expiresAt    when the lease runs out unless renewed
 */
public record SegmentLease(String projection, int segment, int segmentCount, String owner, long token,
                           long position, Instant expiresAt) {

    /**
     * Checks the fields.
     *
     * @param projection   the projection's name
     * @param segment      the segment
     * @param segmentCount how many segments
     * @param owner        the owner
     * @param token        the fencing token
     * @param position     the checkpoint
     * @param expiresAt    the expiry
     */
    public SegmentLease {
        Checks.notNull("projection", projection);
        Checks.notNull("owner", owner);
        Checks.notNull("expiresAt", expiresAt);
        if (segmentCount < 1 || segment < 0 || segment >= segmentCount) {
            throw new IllegalArgumentException("segment " + segment + " of " + segmentCount + " is out of range");
        }
        if (position < 0) {
            throw new IllegalArgumentException("position must not be negative but was " + position);
        }
    }

    /**
     * Returns a copy at another position (after a commit) and expiry (after a renewal).
     *
     * @param newPosition  the new checkpoint
     * @param newExpiresAt the new expiry
     * @return the copy
     */
    public SegmentLease advancedTo(long newPosition, Instant newExpiresAt) {
        return new SegmentLease(projection, segment, segmentCount, owner, token, newPosition, newExpiresAt);
    }
}
