package io.modularddd.benchmarks.cli;

import java.io.PrintStream;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Progress of a measured phase: on a terminal, a bar redrawn in place with {@code \r}; otherwise (a pipe, a file, a
 * CI log) a plain {@code n/N} line every 10%. Short phases print nothing. Thread-safe: every worker reports its
 * completed count; only the report that crosses a step prints.
 */
final class Progress {

    /** Phases shorter than this print no progress. */
    static final int MIN_OPERATIONS = 1000;
    private static final int BAR = 40;

    private final PrintStream out;
    private final boolean terminal;
    private final String label;
    private final long total;
    private final int steps;
    private final AtomicInteger printed = new AtomicInteger();

    private Progress(PrintStream out, boolean terminal, String label, long total) {
        this.out = out;
        this.terminal = terminal;
        this.label = label;
        this.total = total;
        this.steps = terminal ? BAR : 10;
    }

    /**
     * A progress display for one phase.
     *
     * @param out      where to print (the command uses standard error, so standard output holds only results)
     * @param terminal whether {@code out} is a terminal ({@code System.console() != null})
     * @param label    what is running
     * @param total    the phase's operations
     * @return the display
     */
    static Progress of(PrintStream out, boolean terminal, String label, long total) {
        return new Progress(out, terminal, label, total);
    }

    /** @return a display that prints nothing */
    static Progress silent() {
        return new Progress(null, false, "", 0);
    }

    /**
     * Reports that {@code done} operations have completed.
     *
     * @param done the completed count so far
     */
    void advance(long done) {
        if (out == null || total < MIN_OPERATIONS) {
            return;
        }
        int step = (int) (done * steps / total);
        int last = printed.get();
        if (step <= last || !printed.compareAndSet(last, step)) {
            return;
        }
        synchronized (this) {
            if (terminal) {
                int filled = (int) (done * BAR / total);
                out.print("\r" + label + " [" + "#".repeat(filled) + " ".repeat(BAR - filled) + "] " + done + "/"
                        + total + (done >= total ? "\n" : ""));
            } else {
                out.println(label + ": " + done + "/" + total);
            }
            out.flush();
        }
    }
}
