package io.modularddd.benchmarks.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

/**
 * The {@code --json} file: the options, the machine, the infrastructure (URLs masked), and per profile per type
 * per part the seed's statistics in milliseconds, the percentiles 50 to 99.99 and the latency histogram's buckets
 * (for charts). The shape ({@code "format": 1}):
 * <pre>
 * { "format": 1, "tool": "ddd-benchmark", "startedAt": "...",
 *   "options": { "operations", "type", "profiles": [..], "concurrency", "warmup" },
 *   "machine": { "cores", "jvm", "os", "maxHeapMb" },
 *   "infrastructure": { "eventStore", "redis", "embedded" },
 *   "runs": [ { "profile", "settings": {..}, "wiring",
 *              "types": [ { "type", "wallMs", "parts": [ {stats}.. ], "all": {stats},
 *                           "projectionLag": { "strategy", "events", "p50Ms", "p99Ms", "maxMs", "finalLagEvents",
 *                                              "catchUpMs" } } ] } ] }
 * stats: { "part", "operations", "totalMs", "avgMs", "minMs", "maxMs", "medianMs", "p95Ms", "p99Ms",
 *          "opsPerSecond", "percentiles": [ { "percentile", "ms" } ], "histogram": [ { "fromMs", "toMs", "count" } ] }
 * </pre>
 */
final class JsonReport {

    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private JsonReport() {
    }

    static void write(Report report, Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        MAPPER.writeValue(file.toFile(), toJson(report));
    }

    static ObjectNode toJson(Report report) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("format", 1);
        root.put("tool", "ddd-benchmark");
        root.put("startedAt", report.startedAt().toString());
        Options o = report.options();
        ObjectNode options = root.putObject("options");
        options.put("operations", o.operations());
        options.put("type", o.type().label());
        ArrayNode profiles = options.putArray("profiles");
        o.profileNames().forEach(profiles::add);
        options.put("concurrency", o.concurrency());
        options.put("warmup", o.warmup());
        ObjectNode machine = root.putObject("machine");
        machine.put("cores", report.machine().cores());
        machine.put("jvm", report.machine().jvm());
        machine.put("os", report.machine().os());
        machine.put("maxHeapMb", report.machine().maxHeapMb());
        ObjectNode infra = root.putObject("infrastructure");
        infra.put("eventStore", report.infrastructure().eventStore());
        infra.put("redis", report.infrastructure().redis());
        infra.put("embedded", report.infrastructure().embedded());
        ArrayNode runs = root.putArray("runs");
        for (Report.ProfileRun run : report.runs()) {
            ObjectNode r = runs.addObject();
            r.put("profile", run.profile());
            ObjectNode settings = r.putObject("settings");
            for (Map.Entry<String, String> s : run.settings().entrySet()) {
                settings.put(s.getKey(), s.getValue());
            }
            r.put("wiring", run.wiring());
            ArrayNode types = r.putArray("types");
            for (TypeResult t : run.types()) {
                ObjectNode tn = types.addObject();
                tn.put("type", t.type());
                tn.put("wallMs", LatencyStats.ms(t.wallNanos()));
                ArrayNode parts = tn.putArray("parts");
                t.parts().forEach(s -> stats(parts.addObject(), s));
                stats(tn.putObject("all"), t.all());
                ArrayNode notes = tn.putArray("notes");
                t.notes().forEach(notes::add);
                t.lag().ifPresent(lag -> {
                    ObjectNode l = tn.putObject("projectionLag");
                    l.put("strategy", lag.strategy());
                    l.put("events", lag.events());
                    l.put("p50Ms", LatencyStats.ms(lag.p50Nanos()));
                    l.put("p99Ms", LatencyStats.ms(lag.p99Nanos()));
                    l.put("maxMs", LatencyStats.ms(lag.maxNanos()));
                    l.put("finalLagEvents", lag.finalLagEvents());
                    l.put("catchUpMs", LatencyStats.ms(lag.catchUpNanos()));
                });
            }
        }
        return root;
    }

    private static void stats(ObjectNode n, LatencyStats s) {
        n.put("part", s.part());
        n.put("operations", s.operations());
        n.put("totalMs", LatencyStats.ms(s.totalNanos()));
        n.put("avgMs", LatencyStats.ms(s.avgNanos()));
        n.put("minMs", LatencyStats.ms(s.minNanos()));
        n.put("maxMs", LatencyStats.ms(s.maxNanos()));
        n.put("medianMs", LatencyStats.ms(s.medianNanos()));
        n.put("p95Ms", LatencyStats.ms(s.p95Nanos()));
        n.put("p99Ms", LatencyStats.ms(s.p99Nanos()));
        n.put("opsPerSecond", s.opsPerSecond());
        ArrayNode percentiles = n.putArray("percentiles");
        for (Map.Entry<Double, Long> p : s.chartPercentiles().entrySet()) {
            ObjectNode pn = percentiles.addObject();
            pn.put("percentile", p.getKey());
            pn.put("ms", LatencyStats.ms(p.getValue()));
        }
        ArrayNode buckets = n.putArray("histogram");
        for (long[] b : buckets(s.histogram())) {
            ObjectNode bn = buckets.addObject();
            bn.put("fromMs", LatencyStats.ms(b[0]));
            bn.put("toMs", LatencyStats.ms(b[1]));
            bn.put("count", b[2]);
        }
    }

    /**
     * The histogram in buckets that double in width (the first from 0), each {@code {fromNanos, toNanos, count}};
     * empty buckets below the fastest are left out, those between the fastest and the slowest are kept so a chart shows the gaps.
     *
     * @param h a latency histogram
     * @return the buckets, in order
     */
    static java.util.List<long[]> buckets(Histogram h) {
        java.util.List<long[]> out = new java.util.ArrayList<>();
        if (h.getTotalCount() == 0) {
            return out;
        }
        long from = 0;
        for (HistogramIterationValue v : h.logarithmicBucketValues(1000, 2.0)) {
            long to = v.getValueIteratedTo() + 1; // iterated to the last value below the level
            long count = v.getCountAddedInThisIterationStep();
            if (count > 0 || !out.isEmpty()) {
                out.add(new long[] {from, to, count});
            }
            from = to;
        }
        return out;
    }
}
