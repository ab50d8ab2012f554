package io.modularddd.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.TreeSet;

/**
 * The report side of {@code benchmarks/run-headline.sh}: checks that MariaDB and Redis answer before a run,
 * and afterwards merges the run's JMH result files into one JSON file (with the machine facts and the
 * command of every part) and renders the Markdown table of ratios against each baseline of the same run
 * ({@link HeadlineTargets}), optionally rewriting the generated section of {@code docs/benchmarks.md}
 * between {@value #START} and {@value #END}.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.modularddd.benchmarks.HeadlineReport check
 * java -cp benchmarks/target/benchmarks.jar io.modularddd.benchmarks.HeadlineReport report --facts FACTS.properties \
 *      --json OUT.json --md OUT.md [--docs docs/benchmarks.md] PART.json...
 * </pre>
 * The whole run: {@code benchmarks/run-headline.sh} (see its header).
 */
public final class HeadlineReport {

    /** Marks the start of the generated section in docs/benchmarks.md. */
    public static final String START = "<!-- headline:start -->";
    /** Marks the end of the generated section in docs/benchmarks.md. */
    public static final String END = "<!-- headline:end -->";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private HeadlineReport() {
    }

    /**
     * Runs {@code check} or {@code report}.
     *
     * @param args the mode and its options (see the class comment)
     * @throws IOException when a file cannot be read or written
     */
    public static void main(String[] args) throws IOException {
        if (args.length > 0 && args[0].equals("check")) {
            System.exit(check());
        }
        if (args.length == 0 || !args[0].equals("report")) {
            usage("the first argument must be 'check' or 'report'");
        }
        Path facts = null;
        Path json = null;
        Path md = null;
        Path docs = null;
        List<Path> parts = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            switch (args[i]) {
                case "--facts" -> facts = Path.of(value(args, ++i, "--facts"));
                case "--json" -> json = Path.of(value(args, ++i, "--json"));
                case "--md" -> md = Path.of(value(args, ++i, "--md"));
                case "--docs" -> docs = Path.of(value(args, ++i, "--docs"));
                default -> {
                    if (args[i].startsWith("--")) {
                        usage("unknown option " + args[i]);
                    }
                    parts.add(Path.of(args[i]));
                }
            }
        }
        if (facts == null || json == null || md == null || parts.isEmpty()) {
            usage("report needs --facts, --json, --md and at least one JMH result file");
        }
        Properties machine = new Properties();
        try (Reader r = Files.newBufferedReader(facts, StandardCharsets.UTF_8)) {
            machine.load(r);
        }
        ArrayNode results = JSON.createArrayNode();
        for (Path part : parts) {
            if (Files.size(part) > 0) {
                JSON.readTree(part.toFile()).forEach(results::add);
            } else {
                System.err.println("HeadlineReport: " + part + " is empty (that part produced no result)");
            }
        }
        ObjectNode all = JSON.createObjectNode();
        ObjectNode machineNode = all.putObject("machine");
        ArrayNode partNodes = all.putArray("parts");
        for (String key : new TreeSet<>(machine.stringPropertyNames())) {
            if (!key.startsWith("part.")) {
                machineNode.put(key, machine.getProperty(key));
            }
        }
        for (int n = 1; machine.getProperty("part." + n + ".name") != null; n++) {
            ObjectNode p = partNodes.addObject();
            for (String field : List.of("name", "command", "seconds", "load")) {
                p.put(field, machine.getProperty("part." + n + "." + field, ""));
            }
        }
        all.set("results", results);
        Files.createDirectories(json.toAbsolutePath().getParent());
        JSON.writeValue(json.toFile(), all);
        String table = HeadlineMarkdown.render(all, json.toString());
        Files.writeString(md, table, StandardCharsets.UTF_8);
        if (docs != null) {
            rewriteSection(docs, table);
        }
        System.out.print(table);
    }

    /** Replaces the text between the markers (adding the section at the end when the file has none). */
    static void rewriteSection(Path docs, String section) throws IOException {
        String text = Files.readString(docs, StandardCharsets.UTF_8);
        int start = text.indexOf(START);
        int end = text.indexOf(END);
        String body = START + "\n" + section.replaceFirst("^# [^\n]*\n", "") + END;
        String updated = start >= 0 && end > start ? text.substring(0, start) + body + text.substring(end + END.length())
                : text + "\n" + body + "\n";
        Files.writeString(docs, updated, StandardCharsets.UTF_8);
    }

    private static int check() {
        String mariadb = BenchmarkServices.describeMariaDb();
        String redis = BenchmarkServices.describeRedis();
        int status = 0;
        if (mariadb.startsWith("unknown")) {
            System.err.println("MariaDB at " + mask(BenchmarkDatabase.url()) + " did not answer ("
                    + mask(mariadb.substring(mariadb.indexOf(':') + 1).trim()) + "). Start it (e.g. `start-stop-daemon "
                    + "--start --oknodo --background --exec /usr/sbin/mariadbd`) or point MODDDD_MYSQL_URL, "
                    + "MODDDD_MYSQL_USER and MODDDD_MYSQL_PASSWORD at a running server.");
            status = 3;
        }
        if (redis.startsWith("unknown")) {
            System.err.println("Redis at " + mask(BenchmarkServices.redisUri()) + " did not answer ("
                    + mask(redis.substring(redis.indexOf(':') + 1).trim()) + "). Start it (e.g. `redis-server "
                    + "--daemonize yes --port 6379 --save '' --appendonly no`) or point MODDDD_REDIS_URL at a "
                    + "running server.");
            status = 3;
        }
        if (status == 0) {
            System.out.println("mariadb=" + mariadb);
            System.out.println("redis=" + redis);
        }
        return status;
    }

    /** Hides passwords in JDBC URLs ({@code password=...}) and in URIs ({@code user:secret@host}). */
    static String mask(String text) {
        return text.replaceAll("(?i)(password=)[^&;\\s]*", "$1***").replaceAll("(//[^/:@\\s]*:)[^@/\\s]*@", "$1***@");
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            usage(option + " needs a value");
        }
        return args[i];
    }

    private static void usage(String problem) {
        System.err.println("HeadlineReport: " + problem + "\nusage: HeadlineReport check\n"
                + "       HeadlineReport report --facts FACTS.properties --json OUT.json --md OUT.md "
                + "[--docs docs/benchmarks.md] PART.json...");
        System.exit(2);
    }
}
