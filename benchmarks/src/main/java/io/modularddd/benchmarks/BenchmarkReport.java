package io.modularddd.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns a JMH JSON result file into a Markdown table of scores and ratios against the baselines of
 * the same run: for every benchmark, each contender's score divided by {@code raw-jdbc}'s and by
 * {@code axon}'s (or any other baseline named on the command line).
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.modularddd.benchmarks.BenchmarkReport result.json [param [baseline...]]
 *      [--secondary=METRIC ...]
 * </pre>
 * The param defaults to {@code store}, the baselines to {@code raw-jdbc axon}. Each
 * {@code --secondary=METRIC} adds a column with that secondary result of the run, e.g.
 * {@code --secondary=gc.alloc.rate.norm} (bytes allocated per operation, from {@code -prof gc}).
 */
public final class BenchmarkReport {

    private BenchmarkReport() {
    }

    /**
     * Prints the table.
     *
     * @param args the JMH JSON file, then optionally the parameter name and the baselines
     * @throws IOException when the file cannot be read
     */
    public static void main(String[] args) throws IOException {
        java.util.List<String> positional = new java.util.ArrayList<>();
        java.util.List<String> secondary = new java.util.ArrayList<>();
        for (String a : args) {
            if (a.startsWith("--secondary=")) {
                secondary.add(a.substring("--secondary=".length()));
            } else {
                positional.add(a);
            }
        }
        if (positional.isEmpty()) {
            System.err.println("usage: BenchmarkReport <jmh-result.json> [param] [baseline ...] [--secondary=METRIC ...]");
            System.exit(2);
        }
        String param = positional.size() > 1 ? positional.get(1) : "store";
        String[] baselines = positional.size() > 2 ? positional.subList(2, positional.size()).toArray(new String[0])
                : new String[] {Stores.RAW_JDBC, Stores.AXON};
        System.out.print(render(new ObjectMapper().readTree(Path.of(positional.get(0)).toFile()), param,
                secondary, baselines));
    }

    /**
     * Renders the table.
     *
     * @param results   the parsed JMH JSON array
     * @param param     the parameter that names the contender
     * @param baselines the contenders to compare against
     * @return Markdown
     */
    static String render(JsonNode results, String param, String... baselines) {
        return render(results, param, java.util.List.of(), baselines);
    }

    /**
     * Renders the table with columns for secondary results.
     *
     * @param results   the parsed JMH JSON array
     * @param param     the parameter that names the contender
     * @param secondary secondary metrics to show (e.g. {@code gc.alloc.rate.norm}); absent ones show "–"
     * @param baselines the contenders to compare against
     * @return Markdown
     */
    static String render(JsonNode results, String param, java.util.List<String> secondary, String... baselines) {
        // benchmark -> contender -> [score, error, unit]
        Map<String, Map<String, double[]>> scores = new TreeMap<>();
        // benchmark -> contender -> secondary metric -> "score unit"
        Map<String, Map<String, Map<String, String>>> extra = new TreeMap<>();
        Map<String, String> units = new TreeMap<>();
        for (JsonNode r : results) {
            String bench = r.get("benchmark").asText();
            bench = bench.substring(bench.lastIndexOf('.') + 1);
            JsonNode params = r.get("params");
            String contender = params != null && params.has(param) ? params.get(param).asText() : "-";
            StringBuilder key = new StringBuilder(bench);
            if (params != null) {
                params.properties().forEach(f -> {
                    if (!f.getKey().equals(param)) {
                        key.append(' ').append(f.getKey()).append('=').append(f.getValue().asText());
                    }
                });
            }
            JsonNode metric = r.get("primaryMetric");
            scores.computeIfAbsent(key.toString(), k -> new TreeMap<>()).put(contender,
                    new double[] {metric.get("score").asDouble(), metric.get("scoreError").asDouble()});
            units.put(key.toString(), metric.get("scoreUnit").asText());
            JsonNode secondaries = r.get("secondaryMetrics");
            for (String name : secondary) {
                JsonNode m = secondaries == null ? null : secondaries.get(name);
                if (m != null) {
                    extra.computeIfAbsent(key.toString(), k -> new TreeMap<>())
                            .computeIfAbsent(contender, k -> new TreeMap<>())
                            .put(name, String.format(Locale.ROOT, "%.1f %s", m.get("score").asDouble(),
                                    m.get("scoreUnit").asText()));
                }
            }
        }
        StringBuilder out = new StringBuilder("| benchmark | " + param + " | score | ± | unit |");
        StringBuilder rule = new StringBuilder("| --- | --- | ---: | ---: | --- |");
        for (String name : secondary) {
            out.append(' ').append(name).append(" |");
            rule.append(" ---: |");
        }
        for (String b : baselines) {
            out.append(" vs ").append(b).append(" |");
            rule.append(" ---: |");
        }
        out.append('\n').append(rule).append('\n');
        boolean lowerIsBetter;
        for (Map.Entry<String, Map<String, double[]>> bench : scores.entrySet()) {
            String unit = units.get(bench.getKey());
            lowerIsBetter = unit.endsWith("/op");
            for (Map.Entry<String, double[]> c : bench.getValue().entrySet()) {
                double score = c.getValue()[0];
                out.append(String.format(Locale.ROOT, "| %s | %s | %.1f | %.1f | %s |", bench.getKey(), c.getKey(),
                        score, c.getValue()[1], unit));
                for (String name : secondary) {
                    String value = extra.getOrDefault(bench.getKey(), Map.of()).getOrDefault(c.getKey(), Map.of())
                            .get(name);
                    out.append(' ').append(value == null ? "–" : value).append(" |");
                }
                for (String b : baselines) {
                    double[] base = bench.getValue().get(b);
                    if (base == null || base[0] == 0) {
                        out.append(" – |");
                    } else {
                        double ratio = lowerIsBetter ? base[0] / score : score / base[0];
                        out.append(String.format(Locale.ROOT, " %.2f× |", ratio));
                    }
                }
                out.append('\n');
            }
        }
        out.append("\nRatios are speed-ups: above 1 means faster than the baseline (throughput divided, or time "
                + "inverted).\n");
        return out.toString();
    }
}
