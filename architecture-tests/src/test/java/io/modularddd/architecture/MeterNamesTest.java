package io.modularddd.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every Micrometer meter the library registers is listed in {@code docs/monitoring.md} and follows one scheme,
 * {@code modularddd.<area>[.<thing>...]} with lowercase {@code snake_case} segments; the list names no meter the
 * code does not register.
 *
 * <p>The names are read from the sources: full-name literals ({@code "modularddd.commands"}), prefix constants
 * joined to a literal ({@code PREFIX + "hits"}), prefix constants joined to a variable whose values are the
 * literals passed to the file's {@code count("...")}/{@code counter("...")} helper, and any literal given to a
 * meter builder or a registry shortcut, which must carry the prefix.
 */
class MeterNamesTest {

    private static final Pattern SCHEME = Pattern.compile("modularddd(\\.[a-z][a-z0-9_]*)+");
    private static final Pattern DOCUMENTED = Pattern.compile("(?m)^\\| `(modularddd\\.[^`]+)` \\|");
    private static final Pattern LITERAL = Pattern.compile("\"(modularddd\\.[A-Za-z0-9_.\\-]*)\"");
    private static final Pattern PREFIX_CONSTANT = Pattern.compile(
            "static final String (\\w+) = \"(modularddd\\.[a-z0-9_.]*\\.)\"");
    private static final Pattern BUILDER_LITERAL = Pattern.compile(
            "(?:\\b(?:Counter|Timer|Gauge|DistributionSummary|LongTaskTimer|FunctionCounter|FunctionTimer)\\.builder"
                    + "|\\.(?:counter|timer|gauge|summary))\\(\\s*\"([^\"]*)\"");
    private static final Pattern HELPER_NAME = Pattern.compile("\\b(?:count|counter)\\(\"([a-z0-9_.]+)\"");
    /** Literals with the prefix that are not meters. */
    private static final Set<String> NOT_METERS = Set.of("modularddd.erased");

    private final Path root = findRoot();

    private static Path findRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("architecture-tests"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("the project root is not above " + Path.of("").toAbsolutePath());
        }
        return dir;
    }

    private List<Path> productionSources() throws IOException {
        List<Path> files = new ArrayList<>();
        for (Modules module : Modules.values()) {
            if (module == Modules.BENCHMARKS || module == Modules.EXAMPLES) {
                continue;
            }
            Path dir = root.resolve(module.directory).resolve("src/main/java");
            if (Files.isDirectory(dir)) {
                try (Stream<Path> walk = Files.walk(dir)) {
                    walk.filter(f -> f.toString().endsWith(".java")).forEach(files::add);
                }
            }
        }
        return files;
    }

    private TreeSet<String> documented() throws IOException {
        String doc = Files.readString(root.resolve("docs/monitoring.md"), StandardCharsets.UTF_8);
        TreeSet<String> names = new TreeSet<>();
        Matcher m = DOCUMENTED.matcher(doc);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    /** The meter names a source file registers, as far as they can be read from it. */
    static Set<String> namesIn(String source) {
        Set<String> names = new TreeSet<>();
        Matcher literal = LITERAL.matcher(source);
        while (literal.find()) {
            String value = literal.group(1);
            if (!value.endsWith(".") && !NOT_METERS.contains(value)) {
                names.add(value);
            }
        }
        Matcher constant = PREFIX_CONSTANT.matcher(source);
        while (constant.find()) {
            String name = constant.group(1);
            String prefix = constant.group(2);
            Matcher joined = Pattern.compile("\\b" + name + "\\s*\\+\\s*\"([a-z0-9_.]+)\"").matcher(source);
            while (joined.find()) {
                names.add(prefix + joined.group(1));
            }
            if (Pattern.compile("\\b" + name + "\\s*\\+\\s*[a-z]\\w*\\b(?!\\()").matcher(source).find()) {
                Matcher helper = HELPER_NAME.matcher(source);
                while (helper.find()) {
                    names.add(prefix + helper.group(1));
                }
            }
        }
        return names;
    }

    @Test
    void every_registered_meter_is_documented_and_every_documented_one_is_registered() throws IOException {
        TreeSet<String> inCode = new TreeSet<>();
        for (Path file : productionSources()) {
            inCode.addAll(namesIn(Files.readString(file, StandardCharsets.UTF_8)));
        }
        TreeSet<String> inDocs = documented();

        assertThat(inDocs).as("meters listed in docs/monitoring.md").isNotEmpty();
        assertThat(inCode).as("meters registered in the sources but missing from docs/monitoring.md")
                .isSubsetOf(inDocs);
        assertThat(inDocs).as("meters listed in docs/monitoring.md that no source registers").isSubsetOf(inCode);
    }

    @Test
    void every_documented_meter_follows_the_scheme() throws IOException {
        List<String> off = documented().stream().filter(n -> !SCHEME.matcher(n).matches()).toList();
        assertThat(off).as("names outside modularddd.<area>[.<thing>...] (lowercase snake_case segments)").isEmpty();
    }

    @Test
    void every_literal_given_to_a_meter_builder_carries_the_prefix() throws IOException {
        List<String> off = new ArrayList<>();
        for (Path file : productionSources()) {
            Matcher m = BUILDER_LITERAL.matcher(Files.readString(file, StandardCharsets.UTF_8));
            while (m.find()) {
                if (!SCHEME.matcher(m.group(1)).matches()) {
                    off.add(root.relativize(file) + ": \"" + m.group(1) + "\"");
                }
            }
        }
        assertThat(off).as("meter names outside the scheme").isEmpty();
    }

    @Test
    void the_scanner_finds_names_in_each_form() {
        String source = "static final String PREFIX = \"modularddd.area.\";\n"
                + "Counter.builder(\"modularddd.direct.name\");\n"
                + "Timer.builder(PREFIX + \"joined\");\n"
                + "void count(String name) { Counter.builder(PREFIX + name); }\n"
                + "void hit() { count(\"helped\"); }\n"
                + "String type = \"modularddd.erased\";\n";
        assertThat(namesIn(source)).containsExactlyInAnyOrder("modularddd.direct.name", "modularddd.area.joined",
                "modularddd.area.helped");
    }
}
