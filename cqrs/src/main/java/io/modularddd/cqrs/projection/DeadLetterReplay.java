package io.modularddd.cqrs.projection;

import io.modularddd.core.EventStream;
import io.modularddd.core.StoredEvent;
import io.modularddd.core.projection.LeaseLostException;
import io.modularddd.core.projection.ProjectionDeadLetter;
import io.modularddd.core.projection.SegmentLease;
import java.util.List;
import java.util.Optional;

/**
 * Hands a dead letter's event to its projection again, alone, inside a checkpoint commit that leaves the position
 * where it is: with the segment's lease this process holds, or one borrowed for the replay (claimed, then
 * released) when no processor here holds it; never while another process holds it.
 */
final class DeadLetterReplay {

    private DeadLetterReplay() {
    }

    /** Replays one letter under its segment's lock: 1 replayed, 0 failed, -1 skipped. */
    static int replay(EngineSettings settings, Registered reg, SegmentRunner runner, ProjectionDeadLetter letter) {
        SegmentLease lease = runner.lease();
        boolean borrowed = lease == null;
        if (borrowed) {
            Optional<SegmentLease> claimed = settings.checkpoints.tryClaim(reg.name(), runner.segment(),
                    reg.segmentCount(), settings.owner, settings.leaseTime);
            if (claimed.isEmpty()) {
                return -1;
            }
            lease = claimed.get();
        }
        try {
            StoredEvent event;
            try (EventStream stream = settings.store.readAll(letter.position(), 1)) {
                List<StoredEvent> read = stream.toList();
                if (read.isEmpty() || read.get(0).position() != letter.position()) {
                    return failedAgain(settings, letter, "the event at position " + letter.position()
                            + " is no longer in the "
                            + "log (archived?)");
                }
                event = read.get(0);
            } catch (RuntimeException e) {
                return failedAgain(settings, letter, SegmentRunner.describe(e));
            }
            try {
                SegmentLease after = settings.checkpoints.commit(lease, lease.position(), tx -> {
                    try {
                        reg.projection.handle(List.of(event), tx);
                    } catch (Exception e) {
                        throw new HandlerFailure(e);
                    }
                });
                if (borrowed) {
                    lease = after;
                } else {
                    runner.committed(after);
                }
            } catch (LeaseLostException e) {
                return -1;
            } catch (RuntimeException e) {
                HandlerFailure f = HandlerFailure.in(e);
                return failedAgain(settings, letter, SegmentRunner.describe(f == null ? e : f.failure()));
            }
            settings.checkpoints.removeDeadLetter(reg.name(), letter.position());
            return 1;
        } finally {
            if (borrowed) {
                settings.checkpoints.release(lease);
            }
        }
    }

    private static int failedAgain(EngineSettings settings, ProjectionDeadLetter letter, String error) {
        settings.checkpoints.addDeadLetter(new ProjectionDeadLetter(letter.projection(), letter.position(),
                letter.streamId(), letter.eventType(), error, letter.attempts() + 1, settings.clock.instant()));
        return 0;
    }
}
