package io.modularddd.cqrs;

import io.modularddd.core.InvalidInputException;
import io.modularddd.core.command.CommandMiddleware;
import io.modularddd.core.internal.Checks;
import io.modularddd.core.metrics.MetricsCollector;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Named timers that measure a piece of work — its duration, the memory its thread allocated meanwhile and the
 * heap's peak — and the command middleware that profiles every command into a {@link MetricsCollector} and the
 * {@link SlowCommandLog} (the seed's "Built-in Performance Monitoring").
 *
 * <pre>{@code
 * PerformanceProfiler profiler = PerformanceProfiler.create();
 * profiler.start("import-batch");
 * importBatch();
 * PerformanceProfiler.Measurement m = profiler.stop("import-batch");
 * log.info("import took {} ms, allocated {} bytes", m.durationNanos() / 1_000_000, m.allocatedBytes());
 *
 * CommandBus bus = SimpleCommandBus.builder()
 *         .middleware(PerformanceProfiler.commandProfiling(metrics, SlowCommandLog.threshold(Duration.ofMillis(200))))
 *         ...
 * }</pre>
 *
 * <h2>Timers and threads</h2>
 * Timers live in one concurrent map by name, shared by all threads: a timer started on one thread may be stopped
 * on another (work handed to an executor), and two threads starting the same name is an error rather than a
 * silent overwrite — use distinct names for concurrent work (e.g. with a request id). The allocation figure is
 * always that of the <em>starting</em> thread over the timer's life (read through
 * {@code com.sun.management.ThreadMXBean} where the JVM has it, -1 elsewhere or when that thread has ended). At
 * most {@value #MAX_RUNNING} timers run at once, so timers that are started and never stopped cannot grow
 * memory without limit. Thread-safe.
 *
 * <h2>Command profiling</h2>
 * {@link #commandProfiling} does not go through the named timers (concurrent dispatches of one command type
 * would share a name): it times each dispatch on the dispatching thread, records it with
 * {@link MetricsCollector#recordCommandExecution} (success or failure) and hands a dispatch slower than the
 * log's threshold to the {@link SlowCommandLog}, which writes its usual warning.
 */
public final class PerformanceProfiler {

    /** The most timers running at once. */
    public static final int MAX_RUNNING = 10_000;

    private static final List<MemoryPoolMXBean> HEAP_POOLS = ManagementFactory.getMemoryPoolMXBeans().stream()
            .filter(p -> p.getType() == MemoryType.HEAP).toList();

    /**
     * What a timer measured.
     *
     * @param name           the timer's name
     * @param durationNanos  from {@code start} to {@code stop}
     * @param allocatedBytes bytes allocated by the starting thread meanwhile; -1 when the JVM does not tell
     * @param peakHeapBytes  the heap's peak usage so far (the sum of the heap pools' peaks, JVM-wide, since the
     *                       JVM started or the peaks were last reset)
     * @param heapUsedBytes  the heap in use when the timer stopped
     */
    public record Measurement(String name, long durationNanos, long allocatedBytes, long peakHeapBytes,
                              long heapUsedBytes) {
    }

    /** A running timer. */
    private record Running(long startNanos, long threadId, long allocatedBefore) {
    }

    private final ConcurrentHashMap<String, Running> running = new ConcurrentHashMap<>();

    private PerformanceProfiler() {
    }

    /**
     * Creates a profiler with no timer running.
     *
     * @return the profiler
     */
    public static PerformanceProfiler create() {
        return new PerformanceProfiler();
    }

    /**
     * Starts a timer.
     *
     * @param name the timer's name: not blank, at most 200 characters
     * @throws InvalidInputException when the name is null, blank or too long
     * @throws IllegalStateException when a timer of that name is running, or {@value #MAX_RUNNING} timers are
     */
    public void start(String name) {
        Checks.identifier("name", name, 200, "import-batch");
        if (running.size() >= MAX_RUNNING) {
            throw new IllegalStateException("cannot start timer '" + name + "': " + MAX_RUNNING + " timers are "
                    + "running already; stop the timers you start (in a finally block)");
        }
        long threadId = Thread.currentThread().getId();
        Running fresh = new Running(0, threadId, Allocations.current());
        if (running.putIfAbsent(name, fresh) != null) {
            throw new IllegalStateException("timer '" + name + "' is running already; stop it first, or give "
                    + "concurrent work distinct names");
        }
        // the clock starts last, so the bookkeeping above is not counted
        running.replace(name, fresh, new Running(System.nanoTime(), threadId, fresh.allocatedBefore()));
    }

    /**
     * Stops a timer and returns what it measured; the name may then be started again.
     *
     * @param name the timer's name
     * @return the measurement
     * @throws TimerNotStartedException when no timer of that name is running (never started, or stopped already)
     */
    public Measurement stop(String name) {
        long now = System.nanoTime();
        Running r = name == null ? null : running.remove(name);
        if (r == null) {
            throw new TimerNotStartedException(name, running());
        }
        long allocatedNow = r.threadId() == Thread.currentThread().getId() ? Allocations.current()
                : Allocations.of(r.threadId());
        long allocated = r.allocatedBefore() < 0 || allocatedNow < 0 ? -1 : allocatedNow - r.allocatedBefore();
        return new Measurement(name, now - r.startNanos(), allocated, peakHeap(),
                ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
    }

    /**
     * Returns the names of the running timers, sorted.
     *
     * @return the names
     */
    public List<String> running() {
        return List.copyOf(new TreeSet<>(running.keySet()));
    }

    private static long peakHeap() {
        long sum = 0;
        for (MemoryPoolMXBean pool : HEAP_POOLS) {
            sum += pool.getPeakUsage().getUsed();
        }
        return sum;
    }

    /**
     * Middleware that profiles every command: its duration goes to {@code metrics} as a successful or failed
     * execution of its type (the class name), and a dispatch slower than {@code slowLog}'s threshold is logged
     * by it, with the memory the dispatching thread allocated. Place it outermost to see the whole dispatch.
     *
     * @param metrics where every execution is recorded
     * @param slowLog the slow-command log that reports slow dispatches
     * @return the middleware
     * @throws InvalidInputException when an argument is null
     */
    public static CommandMiddleware commandProfiling(MetricsCollector metrics, SlowCommandLog slowLog) {
        Checks.notNull("metrics", metrics);
        Checks.notNull("slowLog", slowLog);
        return new CommandProfiling(metrics, slowLog);
    }

    /** The middleware of {@link #commandProfiling}. */
    private static final class CommandProfiling implements CommandMiddleware {
        private final MetricsCollector metrics;
        private final SlowCommandLog slowLog;

        CommandProfiling(MetricsCollector metrics, SlowCommandLog slowLog) {
            this.metrics = metrics;
            this.slowLog = slowLog;
        }

        @Override
        public Invoker wrap(Class<?> commandType, Invoker next) {
            String name = commandType.getName();
            boolean measureAllocation = slowLog.measuresAllocation();
            return command -> {
                long allocatedBefore = measureAllocation ? Allocations.current() : -1;
                long start = slowLog.now();
                String outcome = "failed";
                try {
                    Object result = next.invoke(command);
                    outcome = "completed";
                    return result;
                } catch (RuntimeException | Error e) {
                    outcome = SlowCommandLog.outcome(e);
                    throw e;
                } finally {
                    long took = Math.max(0, slowLog.now() - start);
                    metrics.recordCommandExecution(name, took, "completed".equals(outcome));
                    if (slowLog.isSlow(took)) {
                        slowLog.report(name, took, measureAllocation ? Allocations.current() - allocatedBefore : -1,
                                outcome);
                    }
                }
            };
        }

        @Override
        public String toString() {
            return "PerformanceProfiler.commandProfiling[" + metrics + ", " + slowLog + "]";
        }
    }
}
