package io.modularddd.eventstore.redis;

/** Numeric limits shared by the hot tier's classes. */
final class TieredLimits {

    /**
     * Sorted-set scores are doubles: versions up to 2^53 are exact. Reads starting above it go to the
     * warm tier; an upper bound at or above it is sent as {@code +inf}.
     */
    static final long MAX_EXACT_VERSION = 1L << 53;

    private TieredLimits() {
    }
}
