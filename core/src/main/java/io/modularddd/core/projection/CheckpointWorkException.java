package io.modularddd.core.projection;

import io.modularddd.core.ModularDddException;

/**
 * The work of a {@link CheckpointStore#commit} threw a checked exception (an unchecked one reaches the caller
 * as it is). Nothing was committed: neither the work's writes, where the store has transactions, nor the
 * checkpoint. The work's exception is the {@link #getCause() cause}.
 */
public class CheckpointWorkException extends ModularDddException {

    private static final long serialVersionUID = 1L;

    private final String projection;
    private final int segment;

    /**
     * Creates the exception.
     *
     * @param lease the lease the commit carried
     * @param cause what the work threw
     */
    public CheckpointWorkException(SegmentLease lease, Exception cause) {
        super("the work committed with projection '" + lease.projection() + "' segment " + lease.segment()
                + " failed (" + cause.getClass().getName() + "); nothing was committed and the checkpoint stays at "
                + lease.position() + ". The cause says what failed.", cause);
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
