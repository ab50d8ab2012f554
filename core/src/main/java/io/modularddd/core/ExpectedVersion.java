package io.modularddd.core;

/**
 * The condition an append places on the current version of its stream.
 *
 * <ul>
 *   <li>{@link #any()} — no condition; the events go after whatever is there.</li>
 *   <li>{@link #noStream()} — the stream must not exist yet (version 0).</li>
 *   <li>{@link #exactly(long) exactly(n)} — the stream's last event must have version {@code n}.</li>
 * </ul>
 *
 * <p>A stream's first event has version 1 and a stream without events is at version 0, as in
 * Occurrent ({@code streamVersionEq(0)} for a new stream). So {@code exactly(0)} means "the stream has
 * no events yet" and is the same condition as {@code noStream()} (ADR 0002). When the condition does not hold the store throws {@link ConcurrencyConflictException} and stores
 * nothing.
 */
public sealed interface ExpectedVersion permits ExpectedVersion.Any, ExpectedVersion.NoStream, ExpectedVersion.Exactly {

    /**
     * No condition on the stream's version.
     *
     * @return the condition
     */
    static ExpectedVersion any() {
        return Any.INSTANCE;
    }

    /**
     * The stream must not exist yet.
     *
     * @return the condition
     */
    static ExpectedVersion noStream() {
        return NoStream.INSTANCE;
    }

    /**
     * The stream must be at exactly this version: its last event has version {@code version}, or, for
     * {@code 0}, it has no events yet (the same condition as {@link #noStream()}, which is returned).
     *
     * @param version the expected version, at least 0
     * @return the condition
     * @throws InvalidInputException when {@code version < 0}
     */
    static ExpectedVersion exactly(long version) {
        if (version == 0) {
            return noStream();
        }
        if (version < 0) {
            throw new InvalidInputException("expectedVersion", "ExpectedVersion.exactly(" + version
                    + ") is invalid: versions are never negative. A stream's first event has version 1; use "
                    + "exactly(0) or noStream() to require that the stream has no events yet, or any() for no "
                    + "condition.");
        }
        return new Exactly(version);
    }

    /**
     * The condition matching a stream at {@code version}: {@code noStream()} for 0, else {@code exactly}.
     *
     * @param version the version, 0 for a stream that does not exist
     * @return the condition
     * @throws InvalidInputException when {@code version < 0}
     */
    static ExpectedVersion of(long version) {
        return exactly(version);
    }

    /**
     * Tells whether a stream at {@code currentVersion} satisfies this condition.
     *
     * @param currentVersion the stream's version, 0 when it does not exist
     * @return {@code true} when an append may proceed
     */
    boolean matches(long currentVersion);

    /**
     * Describes the condition for messages ("version 3", "no stream", "any version").
     *
     * @return the description
     */
    String describe();

    /** No condition. */
    record Any() implements ExpectedVersion {
        private static final Any INSTANCE = new Any();

        @Override
        public boolean matches(long currentVersion) {
            return true;
        }

        @Override
        public String describe() {
            return "any version";
        }
    }

    /** The stream must not exist. */
    record NoStream() implements ExpectedVersion {
        private static final NoStream INSTANCE = new NoStream();

        @Override
        public boolean matches(long currentVersion) {
            return currentVersion == 0;
        }

        @Override
        public String describe() {
            return "no stream";
        }
    }

    /**
     * The stream must be at exactly this version.
     *
     * @param version the expected version, at least 1
     */
    record Exactly(long version) implements ExpectedVersion {
        /**
         * Validates the version.
         *
         * @param version the expected version, at least 1
         * @throws InvalidInputException when {@code version < 1}
         */
        public Exactly {
            if (version < 1) {
                throw new InvalidInputException("expectedVersion", "ExpectedVersion.exactly(" + version
                        + ") is invalid: a stream's first event has version 1. Use ExpectedVersion.noStream() to "
                        + "require that the stream does not exist yet, or ExpectedVersion.any() for no condition.");
            }
        }

        @Override
        public boolean matches(long currentVersion) {
            return currentVersion == version;
        }

        @Override
        public String describe() {
            return "version " + version;
        }
    }
}
