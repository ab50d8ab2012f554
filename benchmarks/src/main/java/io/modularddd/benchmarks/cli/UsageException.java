package io.modularddd.benchmarks.cli;

/**
 * A bad command line: the message says which option was wrong, the value, and what is accepted. The command exits
 * with {@link #EXIT_CODE} and prints the usage after the message.
 */
final class UsageException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** The exit code of a bad command line. */
    static final int EXIT_CODE = 2;

    UsageException(String message) {
        super(message);
    }
}
