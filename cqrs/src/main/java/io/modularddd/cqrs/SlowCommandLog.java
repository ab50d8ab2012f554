package io.modularddd.cqrs;

import io.modularddd.core.InvalidInputException;
import io.modularddd.core.command.CommandMiddleware;
import io.modularddd.core.internal.Checks;
import java.time.Duration;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Middleware that logs a warning for every command that took longer than a threshold (the seed's
 * {@code slow_command_threshold}), with its duration and the memory its thread allocated meanwhile.
 *
 * <pre>
 * WARN io.modularddd.cqrs.SlowCommandLog - slow command com.example.Deposit: 812 ms (threshold 200 ms), 48.2 MB allocated, completed
 * </pre>
 *
 * <p>The allocation figure comes from {@code com.sun.management.ThreadMXBean} where the JVM has it
 * (HotSpot), counts the dispatching thread only (not threads the handler hands work to), and is
 * {@code n/a} elsewhere; {@link #withoutAllocation()} skips reading it. Nothing of the command's content
 * is logged — only its type. The logger is {@code io.modularddd.cqrs.SlowCommandLog}. Usable alone;
 * place it outside retry to see the whole time a command took.
 */
public final class SlowCommandLog implements CommandMiddleware {

    private static final Logger LOG = LoggerFactory.getLogger(SlowCommandLog.class);

    /** Where a warning goes: SLF4J, or a test's list. */
    @FunctionalInterface
    interface Sink {
        void warn(String message);
    }

    private final long thresholdNanos;
    private final boolean allocation;
    private final LongSupplier ticker;
    private final Sink sink;

    private SlowCommandLog(long thresholdNanos, boolean allocation, LongSupplier ticker, Sink sink) {
        this.thresholdNanos = thresholdNanos;
        this.allocation = allocation;
        this.ticker = ticker;
        this.sink = sink;
    }

    /**
     * Logs commands slower than a threshold.
     *
     * @param threshold the duration above which a command is logged; zero logs every command
     * @return the middleware
     * @throws InvalidInputException when the threshold is null or negative
     */
    public static SlowCommandLog threshold(Duration threshold) {
        Checks.notNull("threshold", threshold);
        if (threshold.isNegative()) {
            throw new InvalidInputException("threshold", "threshold must not be negative but was " + threshold
                    + "; pass e.g. Duration.ofMillis(200)");
        }
        long nanos = threshold.getSeconds() >= Long.MAX_VALUE / 1_000_000_000L ? Long.MAX_VALUE : threshold.toNanos();
        return new SlowCommandLog(nanos, true, System::nanoTime, LOG::warn);
    }

    /**
     * A copy that does not read allocated memory (a little cheaper per command; the warning says
     * {@code n/a}).
     *
     * @return the copy
     */
    public SlowCommandLog withoutAllocation() {
        return new SlowCommandLog(thresholdNanos, false, ticker, sink);
    }

    /** A copy with another clock and destination, for tests. */
    SlowCommandLog with(LongSupplier newTicker, Sink newSink) {
        return new SlowCommandLog(thresholdNanos, allocation, newTicker, newSink);
    }

    @Override
    public Invoker wrap(Class<?> commandType, Invoker next) {
        String name = commandType.getName();
        boolean measureAllocation = measuresAllocation();
        return command -> {
            long allocatedBefore = measureAllocation ? Allocations.current() : -1;
            long start = ticker.getAsLong();
            String outcome = "failed";
            try {
                Object result = next.invoke(command);
                outcome = "completed";
                return result;
            } catch (RuntimeException | Error e) {
                outcome = outcome(e);
                throw e;
            } finally {
                long took = ticker.getAsLong() - start;
                if (isSlow(took)) {
                    report(name, took, measureAllocation ? Allocations.current() - allocatedBefore : -1, outcome);
                }
            }
        };
    }

    /** Whether allocated memory is read and reported (asked for, and the JVM tells). */
    boolean measuresAllocation() {
        return allocation && Allocations.available();
    }

    /** Whether a command that took {@code tookNanos} is logged. */
    boolean isSlow(long tookNanos) {
        return tookNanos > thresholdNanos || thresholdNanos == 0;
    }

    /** The clock this log measures with. */
    long now() {
        return ticker.getAsLong();
    }

    /** How a failed command's outcome reads in the warning. */
    static String outcome(Throwable e) {
        return "failed with " + e.getClass().getSimpleName();
    }

    /**
     * Logs one slow command: the one format of the warning, shared with the {@link PerformanceProfiler}'s
     * command middleware.
     *
     * @param allocated bytes allocated, or -1 when not measured
     */
    void report(String commandName, long tookNanos, long allocated, String outcome) {
        sink.warn("slow command " + commandName + ": " + millis(tookNanos) + " ms (threshold " + millis(thresholdNanos)
                + " ms), " + bytes(allocated) + " allocated, " + outcome);
    }

    private static String millis(long nanos) {
        return nanos == Long.MAX_VALUE ? "unbounded" : String.valueOf(nanos / 1_000_000);
    }

    static String bytes(long bytes) {
        if (bytes < 0) {
            return "n/a";
        }
        if (bytes < 1024) {
            return bytes + " B";
        }
        if (bytes < 1024 * 1024) {
            return String.format(java.util.Locale.ROOT, "%.1f KB", bytes / 1024.0);
        }
        return String.format(java.util.Locale.ROOT, "%.1f MB", bytes / (1024.0 * 1024.0));
    }

    @Override
    public String toString() {
        return "SlowCommandLog[threshold " + millis(thresholdNanos) + " ms]";
    }
}
