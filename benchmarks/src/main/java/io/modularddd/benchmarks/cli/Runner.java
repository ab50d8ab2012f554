package io.modularddd.benchmarks.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.HdrHistogram.Histogram;

/**
 * Times a {@link Workload}: prepares it, runs the warm-up unmeasured, then the measured operations on
 * {@code threads} threads, each recording into its own histograms (no shared state on the timed path but one
 * counter), and merges them. The first failure stops every thread and is rethrown.
 */
final class Runner {

    private final int operations;
    private final int warmup;
    private final int threads;

    Runner(int operations, int warmup, int threads) {
        this.operations = operations;
        this.warmup = warmup;
        this.threads = threads;
    }

    /**
     * Runs a workload.
     *
     * @param type     the type's label
     * @param workload what to run
     * @param progress the measured phase's progress display
     * @return the statistics
     * @throws Exception the first operation's failure, or the workload's own
     */
    TypeResult run(String type, Workload workload, Progress progress) throws Exception {
        workload.prepare(operations, threads);
        phase(workload, 0, warmup, Progress.silent(), null, null);
        int parts = workload.parts().size();
        Histogram[][] histograms = new Histogram[threads][parts];
        long[][] sums = new long[threads][parts];
        for (Histogram[] perThread : histograms) {
            for (int p = 0; p < parts; p++) {
                perThread[p] = LatencyStats.newHistogram();
            }
        }
        workload.startMeasuring();
        long wall = phase(workload, warmup, operations, progress, histograms, sums);
        Optional<ProjectionLag> lag = workload.finish();
        List<LatencyStats> stats = new ArrayList<>();
        Histogram all = LatencyStats.newHistogram();
        long allSum = 0;
        for (int p = 0; p < parts; p++) {
            Histogram merged = LatencyStats.newHistogram();
            long sum = 0;
            for (int t = 0; t < threads; t++) {
                merged.add(histograms[t][p]);
                sum += sums[t][p];
            }
            all.add(merged);
            allSum += sum;
            if (merged.getTotalCount() > 0) {
                stats.add(LatencyStats.of(workload.parts().get(p), merged, sum, wall));
            }
        }
        return new TypeResult(type, List.copyOf(stats), LatencyStats.of(type, all, allSum, wall), wall, lag,
                List.copyOf(workload.notes()));
    }

    private long phase(Workload workload, long first, long count, Progress progress, Histogram[][] histograms,
                       long[][] sums) throws Exception {
        if (count == 0) {
            return 0;
        }
        AtomicLong next = new AtomicLong(first);
        AtomicLong done = new AtomicLong();
        long end = first + count;
        AtomicReference<Exception> failure = new AtomicReference<>();
        CountDownLatch start = new CountDownLatch(1);
        CountDownLatch finished = new CountDownLatch(threads);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Histogram[] mine = histograms == null ? null : histograms[t];
            long[] mySums = sums == null ? null : sums[t];
            Thread worker = new Thread(() -> {
                try {
                    start.await();
                    long i;
                    while (failure.get() == null && (i = next.getAndIncrement()) < end) {
                        workload.setUp(i);
                        long t0 = System.nanoTime();
                        int part = workload.execute(i);
                        long elapsed = System.nanoTime() - t0;
                        if (mine != null) {
                            mine[part].recordValue(elapsed);
                            mySums[part] += elapsed;
                        }
                        progress.advance(done.incrementAndGet());
                    }
                } catch (Exception e) {
                    failure.compareAndSet(null, e);
                } catch (Throwable e) {
                    failure.compareAndSet(null, new IllegalStateException(e));
                } finally {
                    finished.countDown();
                }
            }, "ddd-benchmark-" + t);
            worker.setDaemon(true);
            workers.add(worker);
            worker.start();
        }
        long t0 = System.nanoTime();
        start.countDown();
        finished.await();
        long wall = System.nanoTime() - t0;
        for (Thread w : workers) {
            w.join();
        }
        if (failure.get() != null) {
            throw failure.get();
        }
        return wall;
    }
}
