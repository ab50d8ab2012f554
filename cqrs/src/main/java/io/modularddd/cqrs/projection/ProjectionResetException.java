package io.modularddd.cqrs.projection;

import io.modularddd.core.ModularDddException;

/**
 * A rebuild could not clear a projection's read model: its reset hook threw. The checkpoints were reset already,
 * so the projection is stopped (it would otherwise replay onto the old read model): fix the cause and call
 * {@code rebuild} again.
 */
public class ProjectionResetException extends ModularDddException {

    private static final long serialVersionUID = 1L;

    private final String projection;

    ProjectionResetException(String projection, Throwable cause) {
        super("the reset hook of projection '" + projection + "' failed (" + cause + "); its checkpoints are reset "
                + "and it is stopped so that it does not replay onto the old read model. Fix the cause and call "
                + "rebuild(\"" + projection + "\") again.", cause);
        this.projection = projection;
    }

    /**
     * Returns the projection's name.
     *
     * @return the name
     */
    public String projection() {
        return projection;
    }
}
