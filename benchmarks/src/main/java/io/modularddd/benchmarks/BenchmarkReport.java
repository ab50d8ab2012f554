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
 * </pre>
 * The param defaults to {@code store}, the baselines to {@code raw-jdbc axon}.
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
        if (args.length < 1) {
            System.err.println("usage: BenchmarkReport <jmh-result.json> [param] [baseline ...]");
            System.exit(2);
        }
        String param = args.length > 1 ? args[1] : "store";
        String[] baselines = args.length > 2 ? java.util.Arrays.copyOfRange(args, 2, args.length)
                : new String[] {Stores.RAW_JDBC, Stores.AXON};
        System.out.print(render(new ObjectMapper().readTree(Path.of(args[0]).toFile()), param, baselines));
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
        // benchmark -> contender -> [score, error, unit]
        Map<String, Map<String, double[]>> scores = new TreeMap<>();
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
        }
        StringBuilder out = new StringBuilder("| benchmark | " + param + " | score | ± | unit |");
        StringBuilder rule = new StringBuilder("| --- | --- | ---: | ---: | --- |");
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
