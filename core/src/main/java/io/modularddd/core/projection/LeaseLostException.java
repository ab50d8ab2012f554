package io.modularddd.core.projection;

import io.modularddd.core.ModularDddException;

/**
 * A commit, renewal or release carried a lease that is no longer the segment's: it expired and another
 * process claimed the segment (its token is newer), or the projection was reset. Nothing was written; the
 * process must stop working on the segment.
 */
public class LeaseLostException extends ModularDddException {

    private static final long serialVersionUID = 1L;

    private final String projection;
    private final int segment;

    /**
     * Creates the exception.
     *
     * @param lease the lease that was lost
     */
    public LeaseLostException(SegmentLease lease) {
        super("lease on projection '" + lease.projection() + "' segment " + lease.segment() + " (token "
                + lease.token() + ", owner " + lease.owner() + ") is no longer held: another process claimed the "
                + "segment after the lease ran out, or the projection was reset. Nothing was written; stop "
                + "processing this segment and claim it again.");
        this.projection = lease.projection();
        this.segment = lease.segment();
    }

    /**
     * Returns the projection's name.
     *
     * @return the name
     */
    public String projection() {
        return projection;
    }

    /**
     * Returns the segment.
     *
     * @return the segment
     */
    public int segment() {
        return segment;
    }
}
