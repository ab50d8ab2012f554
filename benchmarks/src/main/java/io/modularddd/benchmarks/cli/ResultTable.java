package io.modularddd.benchmarks.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The text output: the seed's table per type (operations, total, avg, min, max, median, p95, p99, ops/s; times in
 * milliseconds), the projection lag, and with {@code --compare} the profiles side by side.
 */
final class ResultTable {

    private static final String ROW = "%-16s %10s %11s %9s %9s %9s %9s %9s %9s %11s%n";

    private ResultTable() {
    }

    static void header(PrintStream out, Report report) {
        Options o = report.options();
        out.printf(Locale.ROOT, "ddd-benchmark: %d operations, type %s, profile%s %s, concurrency %d, warm-up %d%n",
                o.operations(), o.type().label(), o.comparing() ? "s" : "", String.join(", ", o.profileNames()),
                o.concurrency(), o.warmup());
        out.printf(Locale.ROOT, "event store: %s; redis: %s%n", report.infrastructure().eventStore(),
                report.infrastructure().redis());
        Report.Machine m = report.machine();
        out.printf(Locale.ROOT, "machine: %d cores, %s, %s, max heap %d MiB%n", m.cores(), m.jvm(), m.os(),
                m.maxHeapMb());
    }

    static void profile(PrintStream out, Report.ProfileRun run) {
        out.println();
        out.println("profile " + run.profile() + " — " + run.wiring());
        for (TypeResult type : run.types()) {
            out.println();
            out.printf(Locale.ROOT, ROW, type.type(), "operations", "total ms", "avg ms", "min ms", "max ms",
                    "median ms", "p95 ms", "p99 ms", "ops/s");
            for (LatencyStats s : type.parts()) {
                row(out, s);
            }
            if (type.parts().size() > 1) {
                row(out, type.all());
            }
            type.lag().ifPresent(lag -> out.printf(Locale.ROOT,
                    "projection lag (%s, append commit -> read model): p50 %s ms, p99 %s ms, max %s ms over %d events;"
                            + " %d events behind when the run ended, applied %s ms later%n"
                            + "  (the commit instant is when the post-commit hook ran on the appending thread; an event"
                            + " the projection applied before that counts 0 ms)%n",
                    lag.strategy(), ms(lag.p50Nanos()), ms(lag.p99Nanos()), ms(lag.maxNanos()), lag.events(),
                    lag.finalLagEvents(), ms(lag.catchUpNanos())));
            type.notes().forEach(out::println);
        }
    }

    private static void row(PrintStream out, LatencyStats s) {
        String name = s.part();
        out.printf(Locale.ROOT, ROW, name.length() > 16 ? name.substring(0, 16) : name, s.operations(),
                ms(s.totalNanos()), ms(s.avgNanos()), ms(s.minNanos()), ms(s.maxNanos()), ms(s.medianNanos()),
                ms(s.p95Nanos()), ms(s.p99Nanos()), opsPerSecond(s.opsPerSecond()));
    }

    /** Prints every part's ops/s, p50 and p99 with one column group per profile. */
    static void compare(PrintStream out, Report report) {
        List<Report.ProfileRun> runs = report.runs();
        if (runs.size() < 2) {
            return;
        }
        out.println();
        out.println("side by side (ops/s | p50 ms | p99 ms)");
        StringBuilder head = new StringBuilder(String.format(Locale.ROOT, "%-16s", "part"));
        for (Report.ProfileRun run : runs) {
            head.append(String.format(Locale.ROOT, " %29s", run.profile()));
        }
        out.println(head);
        for (String[] key : rows(runs)) {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-16s", key[1]));
            for (Report.ProfileRun run : runs) {
                LatencyStats s = find(run, key[0], key[1]);
                line.append(s == null ? String.format(Locale.ROOT, " %29s", "-")
                        : String.format(Locale.ROOT, " %11s | %6s | %6s", opsPerSecond(s.opsPerSecond()),
                        ms(s.medianNanos()), ms(s.p99Nanos())));
            }
            out.println(line);
        }
        boolean anyLag = runs.stream().flatMap(r -> r.types().stream()).anyMatch(t -> t.lag().isPresent());
        if (anyLag) {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-16s", "lag p50|p99|end"));
            for (Report.ProfileRun run : runs) {
                ProjectionLag lag = run.types().stream().flatMap(t -> t.lag().stream()).findFirst().orElse(null);
                line.append(lag == null ? String.format(Locale.ROOT, " %29s", "-")
                        : String.format(Locale.ROOT, " %11s | %6s | %6s", ms(lag.p50Nanos()) + " ms",
                        ms(lag.p99Nanos()), lag.finalLagEvents() + " ev"));
            }
            out.println(line);
        }
    }

    /** @return (type, part) pairs in first-seen order, with each multi-part type's total after its parts */
    static List<String[]> rows(List<Report.ProfileRun> runs) {
        Set<String> seen = new LinkedHashSet<>();
        List<String[]> rows = new ArrayList<>();
        for (Report.ProfileRun run : runs) {
            for (TypeResult t : run.types()) {
                List<LatencyStats> parts = new ArrayList<>(t.parts());
                if (t.parts().size() > 1) {
                    parts.add(t.all());
                }
                for (LatencyStats s : parts) {
                    if (seen.add(t.type() + "\u0000" + s.part())) {
                        rows.add(new String[] {t.type(), s.part()});
                    }
                }
            }
        }
        return rows;
    }

    static LatencyStats find(Report.ProfileRun run, String type, String part) {
        for (TypeResult t : run.types()) {
            if (t.type().equals(type)) {
                if (t.all().part().equals(part)) {
                    return t.all();
                }
                for (LatencyStats s : t.parts()) {
                    if (s.part().equals(part)) {
                        return s;
                    }
                }
            }
        }
        return null;
    }

    static String ms(double nanos) {
        double ms = nanos / 1e6;
        if (ms >= 1000) {
            return String.format(Locale.ROOT, "%.0f", ms);
        }
        return String.format(Locale.ROOT, ms >= 10 ? "%.2f" : "%.3f", ms);
    }

    static String opsPerSecond(double ops) {
        return String.format(Locale.ROOT, "%,.0f", ops);
    }
}
