package io.modularddd.eventstore.redis;

/** Numeric limits shared by the hot tier's classes. */
final class TieredLimits {

    /**
     * Sorted-set scores are doubles: versions up to 2^53 are exact. Reads starting above it go to the
     * warm tier; an upper bound at or above it is sent as {@code +inf}.
     */
    static final long MAX_EXACT_VERSION = 1L << 53;

    /**
     * Below this, {@code version - 0.5} is an exact double, as a floor marker's score must be
     * ({@link HotTierCodec#floorScore}); no marker is written for a stream whose first visible version is
     * higher (its reads from below that version go on treating the missing versions as a gap).
     */
    static final long MAX_FLOOR_VERSION = 1L << 52;

    private TieredLimits() {
    }
}
