package io.modularddd.benchmarks.cli;

/**
 * A service given on the command line could not be used: the message names it by its URL with the password masked,
 * and says what failed. The command exits with {@link #EXIT_CODE}.
 */
final class ServiceUnavailableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** The exit code of a run that could not reach its services or failed. */
    static final int EXIT_CODE = 1;

    ServiceUnavailableException(String message) {
        super(message);
    }
}
