package io.modularddd.core.internal;

import io.modularddd.core.AggregateId;
import io.modularddd.core.InvalidInputException;
import io.modularddd.core.projection.ProjectionDeadLetter;
import io.modularddd.core.projection.SegmentLease;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * The argument rules every {@link io.modularddd.core.projection.CheckpointStore} applies, shared so the stores
 * cannot disagree on what is valid. Every failure is an {@link InvalidInputException} naming the argument.
 *
 * <p>Internal API: may change without notice.
 */
public final class CheckpointChecks {

    /** The longest projection name. */
    public static final int MAX_PROJECTION_LENGTH = 100;
    /** The longest owner id (code points). */
    public static final int MAX_OWNER_LENGTH = 200;
    /** The most segments a projection may be split into. */
    public static final int MAX_SEGMENTS = 1024;
    /** The shortest lease. */
    public static final Duration MIN_LEASE = Duration.ofMillis(1);
    /** The longest lease. */
    public static final Duration MAX_LEASE = Duration.ofDays(1);
    /** The longest dead-letter error kept, in chars; longer ones are cut (a dead letter is never refused for it). */
    public static final int MAX_ERROR_LENGTH = 2000;
    /** The longest dead-letter event type (code points), as the event store allows. */
    public static final int MAX_EVENT_TYPE_LENGTH = 100;
    /** The most dead letters one {@code deadLetters} call returns. */
    public static final int MAX_LIST = 10_000;

    private static final Pattern PROJECTION = Pattern.compile("[A-Za-z0-9._-]{1," + MAX_PROJECTION_LENGTH + "}");

    private CheckpointChecks() {
    }

    /**
     * Requires a projection name: letters, digits and {@code ._-}, 1 to {@value #MAX_PROJECTION_LENGTH} chars.
     *
     * @param projection the name
     * @return the name
     * @throws InvalidInputException when it breaks the rule
     */
    public static String projection(String projection) {
        Checks.notNull("projection", projection);
        if (!PROJECTION.matcher(projection).matches()) {
            throw new InvalidInputException("projection", "projection must be 1 to " + MAX_PROJECTION_LENGTH
                    + " letters, digits, '.', '_' or '-' but was " + Checks.show(projection)
                    + "; use a name such as \"order-summary\" or \"billing.v2\".");
        }
        return projection;
    }

    /**
     * Requires a segment: {@code 0 <= segment < segmentCount}.
     *
     * @param segment the segment
     * @return the segment
     * @throws InvalidInputException when it is negative
     */
    public static int segment(int segment) {
        if (segment < 0 || segment >= MAX_SEGMENTS) {
            throw new InvalidInputException("segment", "segment must be 0 to " + (MAX_SEGMENTS - 1) + " but was "
                    + segment + "; segments count from 0.");
        }
        return segment;
    }

    /**
     * Checks the arguments of a claim.
     *
     * @param projection   the projection
     * @param segment      the segment
     * @param segmentCount how many segments
     * @param owner        the owner
     * @param leaseTime    the lease time
     * @throws InvalidInputException when one is invalid
     */
    public static void claim(String projection, int segment, int segmentCount, String owner, Duration leaseTime) {
        projection(projection);
        if (segmentCount < 1 || segmentCount > MAX_SEGMENTS) {
            throw new InvalidInputException("segmentCount", "segmentCount must be 1 to " + MAX_SEGMENTS + " but was "
                    + segmentCount + "; a projection without scale-out has 1 segment.");
        }
        if (segment < 0 || segment >= segmentCount) {
            throw new InvalidInputException("segment", "segment must be 0 to " + (segmentCount - 1) + " (of "
                    + segmentCount + " segments) but was " + segment + "; segments count from 0.");
        }
        Checks.identifier("owner", owner, MAX_OWNER_LENGTH, "node-1");
        leaseTime(leaseTime);
    }

    /**
     * Requires a lease time from {@link #MIN_LEASE} to {@link #MAX_LEASE}.
     *
     * @param leaseTime the lease time
     * @return the lease time
     * @throws InvalidInputException when it is null or out of range
     */
    public static Duration leaseTime(Duration leaseTime) {
        Checks.notNull("leaseTime", leaseTime);
        if (leaseTime.compareTo(MIN_LEASE) < 0 || leaseTime.compareTo(MAX_LEASE) > 0) {
            throw new InvalidInputException("leaseTime", "leaseTime must be 1 ms to 1 day but was " + leaseTime
                    + "; a lease of a few times the renewal interval (e.g. PT30S, renewed every 10 s) is usual.");
        }
        return leaseTime;
    }

    /**
     * Requires a lease.
     *
     * @param lease the lease
     * @return the lease
     * @throws InvalidInputException when it is null
     */
    public static SegmentLease lease(SegmentLease lease) {
        return Checks.notNull("lease", lease);
    }

    /**
     * Checks a commit's arguments: the position is not before the lease's.
     *
     * @param lease    the lease
     * @param position the new position
     * @param work     the work
     * @throws InvalidInputException when one is invalid
     */
    public static void commit(SegmentLease lease, long position, Object work) {
        lease(lease);
        Checks.notNull("work", work);
        if (position < lease.position()) {
            throw backwards(lease, position, lease.position());
        }
    }

    /**
     * The error for a commit that would move a checkpoint back.
     *
     * @param lease    the lease
     * @param position the requested position
     * @param current  the checkpoint
     * @return the exception
     */
    public static InvalidInputException backwards(SegmentLease lease, long position, long current) {
        return new InvalidInputException("position", "position " + position + " is before the checkpoint "
                + current + " of projection '" + lease.projection() + "' segment " + lease.segment()
                + "; a commit never moves a checkpoint back (reset the projection to rebuild it), and commits with "
                + "the lease the previous commit returned.");
    }

    /**
     * Requires a list size from 1 to {@value #MAX_LIST}.
     *
     * @param max the size
     * @return the size
     * @throws InvalidInputException when it is out of range
     */
    public static int max(int max) {
        if (max < 1 || max > MAX_LIST) {
            throw new InvalidInputException("max", "max must be 1 to " + MAX_LIST + " but was " + max
                    + "; page through larger sets by removing what was handled.");
        }
        return max;
    }

    /**
     * Checks a dead letter and returns it with its error made storable: lone surrogates replaced by
     * {@code '?'} and cut to {@value #MAX_ERROR_LENGTH} chars.
     *
     * @param letter the dead letter
     * @return the dead letter as stored
     * @throws InvalidInputException when a field is invalid
     */
    public static ProjectionDeadLetter deadLetter(ProjectionDeadLetter letter) {
        Checks.notNull("letter", letter);
        projection(letter.projection());
        Checks.text("streamId", letter.streamId(), 2 * AggregateId.MAX_LENGTH);
        if (letter.streamId().codePointCount(0, letter.streamId().length()) > AggregateId.MAX_LENGTH) {
            throw new InvalidInputException("streamId", "streamId must be at most " + AggregateId.MAX_LENGTH
                    + " characters, as aggregate ids are, but was " + Checks.show(letter.streamId()));
        }
        Checks.text("eventType", letter.eventType(), 2 * MAX_EVENT_TYPE_LENGTH);
        if (letter.eventType().codePointCount(0, letter.eventType().length()) > MAX_EVENT_TYPE_LENGTH) {
            throw new InvalidInputException("eventType", "eventType must be at most " + MAX_EVENT_TYPE_LENGTH
                    + " characters, as stored event types are, but was " + Checks.show(letter.eventType()));
        }
        if (letter.attempts() < 0) {
            throw new InvalidInputException("attempts", "attempts must not be negative but was " + letter.attempts());
        }
        String error = storableError(letter.error());
        return error.equals(letter.error()) ? letter : new ProjectionDeadLetter(letter.projection(),
                letter.position(), letter.streamId(), letter.eventType(), error, letter.attempts(),
                letter.recordedAt());
    }

    /**
     * Makes an error text storable: lone surrogates become {@code '?'}, and the text is cut to
     * {@value #MAX_ERROR_LENGTH} chars without splitting a surrogate pair.
     *
     * @param error the text
     * @return the storable text
     */
    public static String storableError(String error) {
        String text = error;
        if (Checks.loneSurrogate(text) >= 0) {
            StringBuilder sb = new StringBuilder(text);
            int i;
            while ((i = Checks.loneSurrogate(sb)) >= 0) {
                sb.setCharAt(i, '?');
            }
            text = sb.toString();
        }
        if (text.length() > MAX_ERROR_LENGTH) {
            int end = MAX_ERROR_LENGTH;
            if (Character.isHighSurrogate(text.charAt(end - 1))) {
                end--;
            }
            text = text.substring(0, end);
        }
        return text;
    }
}
