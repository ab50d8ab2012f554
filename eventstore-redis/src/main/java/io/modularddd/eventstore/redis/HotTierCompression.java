package io.modularddd.eventstore.redis;

/**
 * Whether the hot tier compresses encoded events: {@link #none()} or {@link #lz4(int) lz4(threshold)}.
 *
 * <p>With LZ4, an encoded event larger than the threshold is compressed (LZ4 block format, pure-Java
 * implementation, so every node produces the same bytes for the same event); it is kept
 * uncompressed when compression would not make it smaller. Small events are never compressed: for
 * them LZ4 costs time and saves nothing.
 */
public sealed interface HotTierCompression permits HotTierCompression.None, HotTierCompression.Lz4 {

    /** The largest threshold accepted, in bytes (64 MiB). */
    int MAX_THRESHOLD_BYTES = 64 * 1024 * 1024;

    /**
     * No compression.
     *
     * @return the choice
     */
    static HotTierCompression none() {
        return None.INSTANCE;
    }

    /**
     * LZ4 for encoded events larger than {@code thresholdBytes}.
     *
     * @param thresholdBytes events up to this size stay uncompressed; 0 compresses every event
     * @return the choice
     * @throws IllegalArgumentException when the threshold is negative or above {@value #MAX_THRESHOLD_BYTES}
     */
    static HotTierCompression lz4(int thresholdBytes) {
        return new Lz4(thresholdBytes);
    }

    /** No compression. */
    record None() implements HotTierCompression {
        private static final None INSTANCE = new None();

        @Override
        public String toString() {
            return "none";
        }
    }

    /**
     * LZ4 above a size threshold.
     *
     * @param thresholdBytes events up to this size stay uncompressed
     */
    record Lz4(int thresholdBytes) implements HotTierCompression {
        /**
         * Validates the threshold.
         *
         * @param thresholdBytes events up to this size stay uncompressed
         * @throws IllegalArgumentException when it is negative or too large
         */
        public Lz4 {
            if (thresholdBytes < 0 || thresholdBytes > MAX_THRESHOLD_BYTES) {
                throw new IllegalArgumentException("compression threshold must be between 0 and "
                        + MAX_THRESHOLD_BYTES + " bytes but was " + thresholdBytes
                        + "; use HotTierCompression.none() to switch compression off.");
            }
        }

        @Override
        public String toString() {
            return "lz4(>" + thresholdBytes + " bytes)";
        }
    }
}
