package io.modularddd.benchmarks.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * The {@code --html} report: one self-contained file (inline CSS, inline SVG drawn by {@link SvgCharts}, no script,
 * nothing fetched) with the run's facts, the seed's table per profile, and three charts — latency percentiles per
 * part for each profile, ops/s per part with one bar per profile, and each profile's latency histogram.
 */
final class HtmlReport {

    private static final String CSS = String.join("\n",
            "body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:24px;color:#222;"
                    + "max-width:1040px}",
            "h1{font-size:22px}h2{font-size:18px;margin-top:32px;border-bottom:1px solid #ddd}h3{font-size:15px}",
            "table{border-collapse:collapse;margin:8px 0;font-size:13px}",
            "th,td{border:1px solid #ddd;padding:3px 8px;text-align:right}th{background:#f4f4f4}",
            "td:first-child,th:first-child{text-align:left}",
            ".facts td{text-align:left}.note{color:#555;font-size:13px}",
            "svg.chart{display:block;margin:8px 0 4px;border:1px solid #eee}",
            "svg .tick,svg .legend{font-size:12px;fill:#333}svg .axis-title{font-size:12px;fill:#555}");

    private HtmlReport() {
    }

    static void write(Report report, Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(file, render(report), StandardCharsets.UTF_8);
    }

    static String render(Report report) {
        Options o = report.options();
        StringBuilder h = new StringBuilder(64 * 1024);
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
                .append("<title>ddd-benchmark: ").append(Html.escape(o.type().label())).append(", ")
                .append(Html.escape(String.join(", ", o.profileNames()))).append("</title><style>").append(CSS)
                .append("</style></head><body>\n");
        h.append("<h1>ddd-benchmark — ").append(o.operations()).append(" operations, type ")
                .append(Html.escape(o.type().label())).append("</h1>\n");
        facts(h, report);
        h.append("<h2>Latency percentiles per type</h2>\n<p class=\"note\">Milliseconds, logarithmic scale; "
                + "from HdrHistogram (3 significant digits).</p>\n");
        for (Report.ProfileRun run : report.runs()) {
            h.append("<h3>profile ").append(Html.escape(run.profile())).append("</h3>\n");
            h.append(percentiles(run)).append('\n');
        }
        h.append("<h2>Throughput per profile</h2>\n<p class=\"note\">Operations per wall-clock second of the "
                + "measured phase, per part; one bar per profile.</p>\n");
        h.append(throughput(report)).append('\n');
        h.append("<h2>Latency histogram</h2>\n<p class=\"note\">Share of each part's operations per latency "
                + "bucket (buckets double in width; the label is the bucket's upper bound in ms).</p>\n");
        for (Report.ProfileRun run : report.runs()) {
            h.append("<h3>profile ").append(Html.escape(run.profile())).append("</h3>\n");
            h.append(histogram(run)).append('\n');
        }
        h.append("<h2>Results</h2>\n");
        for (Report.ProfileRun run : report.runs()) {
            table(h, run);
        }
        return h.append("</body></html>\n").toString();
    }

    private static void facts(StringBuilder h, Report report) {
        Options o = report.options();
        Report.Machine m = report.machine();
        h.append("<table class=\"facts\">");
        fact(h, "started", report.startedAt().toString());
        fact(h, "profiles", String.join(", ", o.profileNames()));
        fact(h, "operations / warm-up / concurrency", o.operations() + " / " + o.warmup() + " / " + o.concurrency());
        fact(h, "event store", report.infrastructure().eventStore());
        fact(h, "redis", report.infrastructure().redis());
        fact(h, "machine", m.cores() + " cores, " + m.os() + ", " + m.jvm() + ", max heap " + m.maxHeapMb() + " MiB");
        for (Report.ProfileRun run : report.runs()) {
            StringBuilder settings = new StringBuilder();
            for (Map.Entry<String, String> s : run.settings().entrySet()) {
                settings.append(settings.length() == 0 ? "" : "; ").append(s.getKey()).append('=').append(s.getValue());
            }
            fact(h, run.profile(), run.wiring() + (settings.length() == 0 ? "" : " — " + settings));
        }
        h.append("</table>\n");
    }

    private static void fact(StringBuilder h, String key, String value) {
        h.append("<tr><th>").append(Html.escape(key)).append("</th><td>").append(Html.escape(value))
                .append("</td></tr>");
    }

    /** @return one line per part of the run: its latencies at the chart percentiles, in ms */
    static String percentiles(Report.ProfileRun run) {
        List<String> categories = new ArrayList<>();
        for (double p : LatencyStats.CHART_PERCENTILES) {
            categories.add("p" + SvgCharts.value(p));
        }
        List<SvgCharts.Series> series = new ArrayList<>();
        for (TypeResult t : run.types()) {
            for (LatencyStats s : t.parts()) {
                double[] values = s.chartPercentiles().values().stream().mapToDouble(LatencyStats::ms).toArray();
                series.add(new SvgCharts.Series(s.part(), values));
            }
        }
        return SvgCharts.lines("percentiles-" + run.profile(), "percentiles", categories, series, true, "ms");
    }

    /** @return per part, one bar per profile of its ops/s */
    static String throughput(Report report) {
        List<String[]> rows = ResultTable.rows(report.runs());
        List<String> categories = rows.stream().map(r -> r[1]).toList();
        List<SvgCharts.Series> series = new ArrayList<>();
        for (Report.ProfileRun run : report.runs()) {
            double[] values = new double[rows.size()];
            for (int i = 0; i < rows.size(); i++) {
                LatencyStats s = ResultTable.find(run, rows.get(i)[0], rows.get(i)[1]);
                values[i] = s == null ? Double.NaN : s.opsPerSecond();
            }
            series.add(new SvgCharts.Series(run.profile(), values));
        }
        return SvgCharts.bars("throughput", "throughput", categories, series, "ops/s");
    }

    /** @return the share of each part's operations per latency bucket */
    static String histogram(Report.ProfileRun run) {
        TreeSet<Long> bounds = new TreeSet<>();
        List<LatencyStats> parts = new ArrayList<>();
        for (TypeResult t : run.types()) {
            for (LatencyStats s : t.parts()) {
                parts.add(s);
                JsonReport.buckets(s.histogram()).forEach(b -> bounds.add(b[1]));
            }
        }
        List<Long> uppers = new ArrayList<>(bounds);
        List<String> categories = uppers.stream().map(u -> ResultTable.ms(u)).toList();
        List<SvgCharts.Series> series = new ArrayList<>();
        for (LatencyStats s : parts) {
            double[] values = new double[uppers.size()];
            for (long[] b : JsonReport.buckets(s.histogram())) {
                values[uppers.indexOf(b[1])] = 100.0 * b[2] / s.operations();
            }
            series.add(new SvgCharts.Series(s.part(), values));
        }
        return SvgCharts.bars("histogram-" + run.profile(), "histogram", categories, series, "% of operations");
    }

    private static String lagLine(ProjectionLag lag) {
        return String.format(Locale.ROOT, "Projection lag (%s, append commit to read model): p50 %s ms, p99 %s ms, "
                + "max %s ms over %d events; %d events behind when the run ended, applied %s ms later.",
                lag.strategy(), ResultTable.ms(lag.p50Nanos()), ResultTable.ms(lag.p99Nanos()),
                ResultTable.ms(lag.maxNanos()), lag.events(), lag.finalLagEvents(), ResultTable.ms(lag.catchUpNanos()));
    }

    private static void table(StringBuilder h, Report.ProfileRun run) {
        h.append("<h3>profile ").append(Html.escape(run.profile())).append("</h3>\n");
        for (TypeResult t : run.types()) {
            h.append("<table class=\"results\" data-profile=\"").append(Html.escape(run.profile()))
                    .append("\" data-type=\"").append(Html.escape(t.type())).append("\"><tr><th>")
                    .append(Html.escape(t.type())).append("</th>");
            for (String c : List.of("operations", "total ms", "avg ms", "min ms", "max ms", "median ms", "p95 ms",
                    "p99 ms", "ops/s")) {
                h.append("<th>").append(c).append("</th>");
            }
            h.append("</tr>");
            List<LatencyStats> rows = new ArrayList<>(t.parts());
            if (t.parts().size() > 1) {
                rows.add(t.all());
            }
            for (LatencyStats s : rows) {
                h.append("<tr data-part=\"").append(Html.escape(s.part())).append("\"><td>")
                        .append(Html.escape(s.part())).append("</td>");
                for (String v : List.of(Long.toString(s.operations()), ResultTable.ms(s.totalNanos()),
                        ResultTable.ms(s.avgNanos()), ResultTable.ms(s.minNanos()), ResultTable.ms(s.maxNanos()),
                        ResultTable.ms(s.medianNanos()), ResultTable.ms(s.p95Nanos()), ResultTable.ms(s.p99Nanos()),
                        ResultTable.opsPerSecond(s.opsPerSecond()))) {
                    h.append("<td>").append(v).append("</td>");
                }
                h.append("</tr>");
            }
            h.append("</table>\n");
            t.lag().ifPresent(lag -> h.append("<p class=\"note lag\">").append(Html.escape(lagLine(lag)))
                    .append("</p>\n"));
            t.notes().forEach(n -> h.append("<p class=\"note\">").append(Html.escape(n)).append("</p>\n"));
        }
    }
}
