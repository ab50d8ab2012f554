package io.modularddd.core.projection;

import io.modularddd.core.internal.Checks;
import java.time.Instant;

/**
 * An event a projection gave up on after its retries (or could not decode), recorded so the projection can
 * go on, and listed and replayed later.
 *
 * @param projection the projection's name
 * @param position   the event's global position
 * @param streamId   the event's stream (aggregate id)
 * @param eventType  the event's stored type name
 * @param error      what the last failure said (type and message, shortened; no payload data)
 * @param attempts   how many times it was tried
 * @param recordedAt when it was recorded
 */
public record ProjectionDeadLetter(String projection, long position, String streamId, String eventType,
                                   String error, int attempts, Instant recordedAt) {

    /**
     * Checks the fields.
     *
     * @param projection the projection's name
     * @param position   the event's global position
     * @param streamId   the event's stream
     * @param eventType  the event's stored type name
     * @param error      the last failure
     * @param attempts   how many times it was tried
     * @param recordedAt when it was recorded
     */
    public ProjectionDeadLetter {
        Checks.notNull("projection", projection);
        Checks.notNull("streamId", streamId);
        Checks.notNull("eventType", eventType);
        Checks.notNull("error", error);
        Checks.notNull("recordedAt", recordedAt);
        if (position < 1) {
            throw new IllegalArgumentException("position counts from 1 but was " + position);
        }
    }
}
