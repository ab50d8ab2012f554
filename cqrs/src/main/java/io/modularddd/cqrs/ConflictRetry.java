package io.modularddd.cqrs;

import io.modularddd.core.ConcurrencyConflictException;
import io.modularddd.core.InvalidInputException;
import io.modularddd.core.command.CommandMiddleware;
import io.modularddd.core.internal.Checks;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Middleware that runs a command again when it fails with a {@link ConcurrencyConflictException}: another
 * writer saved the aggregate first. Running it again re-runs the handler, which loads the aggregate
 * afresh — with the other writer's events — and decides again; so it must sit <em>outside</em> the unit of
 * work (each attempt gets its own) and inside validation (a command is checked once).
 *
 * <pre>{@code
 * ConflictRetry retry = ConflictRetry.attempts(3).backoff(Duration.ofMillis(10), Duration.ofMillis(500));
 * }</pre>
 *
 * <p>At most {@code attempts} runs in all; between them it waits with exponential backoff and jitter: before
 * run {@code n + 1} a random time between half and all of {@code min(max, initial × 2^(n-1))}, so writers
 * that collided do not collide again in step. When every run conflicted, the last conflict is thrown, the
 * earlier ones attached as suppressed. Other exceptions are never retried. If the thread is interrupted
 * while waiting, the interrupt is kept and the conflict thrown. Immutable and thread-safe.
 */
public final class ConflictRetry implements CommandMiddleware {

    private static final Logger LOG = LoggerFactory.getLogger(ConflictRetry.class);

    /** The most attempts allowed. */
    public static final int MAX_ATTEMPTS = 100;

    /** Waits between attempts; a test's records instead of sleeping. */
    @FunctionalInterface
    interface Sleeper {
        void sleep(long nanos) throws InterruptedException;
    }

    private final int attempts;
    private final long initialNanos;
    private final long maxNanos;
    private final Sleeper sleeper;
    private final DoubleSupplier random;

    private ConflictRetry(int attempts, long initialNanos, long maxNanos, Sleeper sleeper, DoubleSupplier random) {
        this.attempts = attempts;
        this.initialNanos = initialNanos;
        this.maxNanos = maxNanos;
        this.sleeper = sleeper;
        this.random = random;
    }

    /**
     * Retries conflicting commands, up to a number of runs in all, with a backoff starting at 10 ms and
     * capped at 500 ms.
     *
     * @param attempts the most runs of one command, 1 (no retry) to {@value #MAX_ATTEMPTS}
     * @return the middleware
     * @throws InvalidInputException when {@code attempts} is out of range
     */
    public static ConflictRetry attempts(int attempts) {
        if (attempts < 1 || attempts > MAX_ATTEMPTS) {
            throw new InvalidInputException("attempts", "attempts must be between 1 and " + MAX_ATTEMPTS
                    + " but was " + attempts + "; 3 to 5 is usual");
        }
        return new ConflictRetry(attempts, 10_000_000L, 500_000_000L, ConflictRetry::sleepNanos,
                () -> ThreadLocalRandom.current().nextDouble());
    }

    /**
     * A copy with another backoff.
     *
     * @param initial the wait before the second run (before jitter), zero or more
     * @param max     the longest wait, at least {@code initial}
     * @return the copy
     * @throws InvalidInputException when a duration is null, negative, or {@code max < initial}
     */
    public ConflictRetry backoff(Duration initial, Duration max) {
        Checks.notNull("initial", initial);
        Checks.notNull("max", max);
        if (initial.isNegative() || max.compareTo(initial) < 0 || max.compareTo(Duration.ofMinutes(1)) > 0) {
            throw new InvalidInputException("backoff", "backoff needs 0 <= initial <= max <= 1 minute but was "
                    + "initial " + initial + ", max " + max + "; pass e.g. (10 ms, 500 ms)");
        }
        return new ConflictRetry(attempts, initial.toNanos(), max.toNanos(), sleeper, random);
    }

    /** A copy with another way to wait and another random source, for tests. */
    ConflictRetry with(Sleeper newSleeper, DoubleSupplier newRandom) {
        return new ConflictRetry(attempts, initialNanos, maxNanos, newSleeper, newRandom);
    }

    /**
     * Returns how long to wait after a failed run.
     *
     * @param failedRun the run that conflicted, from 1
     * @return the wait, in nanoseconds
     */
    long delayNanos(int failedRun) {
        long ceiling = initialNanos;
        for (int i = 1; i < failedRun && ceiling < maxNanos; i++) {
            ceiling = ceiling * 2;
        }
        ceiling = Math.min(ceiling, maxNanos);
        return ceiling / 2 + (long) (random.getAsDouble() * (ceiling - ceiling / 2));
    }

    @Override
    public Invoker wrap(Class<?> commandType, Invoker next) {
        if (attempts == 1) {
            return next;
        }
        return command -> {
            ConcurrencyConflictException earlier = null;
            for (int run = 1; ; run++) {
                try {
                    return next.invoke(command);
                } catch (ConcurrencyConflictException conflict) {
                    if (earlier != null) {
                        conflict.addSuppressed(earlier);
                    }
                    if (run >= attempts) {
                        throw conflict;
                    }
                    earlier = conflict;
                    long wait = delayNanos(run);
                    LOG.debug("command {} conflicted on run {} of {} ({}); running it again in {} us",
                            commandType.getName(), run, attempts, conflict.aggregateId(), wait / 1000);
                    try {
                        sleeper.sleep(wait);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw conflict;
                    }
                }
            }
        };
    }

    private static void sleepNanos(long nanos) throws InterruptedException {
        if (nanos > 0) {
            Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
        }
    }

    @Override
    public String toString() {
        return "ConflictRetry[" + attempts + " attempts]";
    }
}
