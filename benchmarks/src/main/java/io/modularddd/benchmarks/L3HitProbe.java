package io.modularddd.benchmarks;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * A diagnostic beside {@link JdbcCacheTierBenchmark}, for a machine that other work keeps busy: it runs the
 * benchmark's two operations — an L3 hit through {@code JdbcCacheTier.lookup} and the raw JDBC primary-key select
 * of the same row — in short alternating blocks in one JVM (the order swapped each round), so both meet the same
 * background load, and reports for each the 10th percentile and the median of the blocks' times per operation, and
 * their ratios.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.modularddd.benchmarks.L3HitProbe \
 *      [--value-bytes 1024] [--rounds 2000] [--block 20]
 * </pre>
 * Uses a table {@code bench_l3_*} of its own, dropped afterwards.
 */
public final class L3HitProbe {

    private L3HitProbe() {
    }

    /**
     * Runs the probe.
     *
     * @param args {@code --value-bytes N}, {@code --rounds N}, {@code --block N}
     */
    public static void main(String[] args) {
        int valueBytes = 1024;
        int rounds = 2000;
        int block = 20;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--value-bytes" -> valueBytes = Integer.parseInt(args[i + 1]);
                case "--rounds" -> rounds = Integer.parseInt(args[i + 1]);
                case "--block" -> block = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        JdbcCacheTierBenchmark bench = new JdbcCacheTierBenchmark();
        bench.valueBytes = valueBytes;
        bench.setUp();
        try {
            String[] names = {"l3_hit", "raw_pk_select"};
            List<Supplier<byte[]>> ops = List.of(bench::l3_hit, bench::raw_pk_select);
            double[][] times = new double[ops.size()][rounds];
            int warmup = Math.max(100, rounds / 10);
            long sink = 0;
            for (int r = -warmup; r < rounds; r++) {
                for (int k = 0; k < ops.size(); k++) {
                    int op = Math.floorMod(r + k, ops.size());
                    long start = System.nanoTime();
                    for (int i = 0; i < block; i++) {
                        sink += ops.get(op).get().length;
                    }
                    long took = System.nanoTime() - start;
                    if (r >= 0) {
                        times[op][r] = took / 1000.0 / block;
                    }
                }
            }
            System.out.printf(Locale.ROOT, "L3HitProbe value %d B, %d rounds of %d ops per operation (checksum %d)%n",
                    valueBytes, rounds, block, sink);
            double[] raw = sorted(times[1]);
            for (int k = 0; k < ops.size(); k++) {
                double[] t = sorted(times[k]);
                System.out.printf(Locale.ROOT, "  %-22s p10 %7.1f us/op (%.2fx raw)   median %7.1f us/op (%.2fx raw)%n",
                        names[k], t[rounds / 10], t[rounds / 10] / raw[rounds / 10], t[rounds / 2],
                        t[rounds / 2] / raw[rounds / 2]);
            }
        } finally {
            bench.tearDown();
        }
    }

    private static double[] sorted(double[] values) {
        double[] copy = values.clone();
        Arrays.sort(copy);
        return copy;
    }
}
