package io.modularddd.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every Java block of the README and of every Markdown page under {@code docs/} is a copy of a region
 * of compiled example code, so the snippets compile: a block follows a marker
 * {@code <!-- snippet: path#tag -->} and must equal, line for line, the code between
 * {@code // tag::tag[]} and {@code // end::tag[]} in that file (indentation removed). A Java block
 * without a marker fails the test too. Sample code for the docs lives in
 * {@code examples/src/main/java/io/modularddd/examples/docs/<topic>/} (or under {@code src/test} when it
 * needs the testkit).
 */
class ReadmeSnippetsTest {

    private static final Pattern BLOCK = Pattern.compile(
            "(?:<!-- snippet: (\\S+)#(\\S+) -->\\s*\\n)?```java\\n(.*?)```", Pattern.DOTALL);

    private static Path root() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("README.md"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("README.md not found above " + Path.of("").toAbsolutePath());
        }
        return dir;
    }

    @Test
    void every_java_block_of_the_readme_is_compiled_example_code() throws IOException {
        Path root = root();
        List<String> failures = new ArrayList<>();
        List<String> checked = check(root, root.resolve("README.md"), failures);
        assertThat(failures).as("README.md's Java blocks").isEmpty();
        assertThat(checked).contains("in-memory", "jdbc", "tiered");
    }

    @Test
    void every_java_block_of_the_docs_is_compiled_example_code() throws IOException {
        Path root = root();
        List<Path> pages;
        try (Stream<Path> files = Files.walk(root.resolve("docs"))) {
            pages = files.filter(f -> f.toString().endsWith(".md")).sorted().toList();
        }
        List<String> failures = new ArrayList<>();
        int checked = 0;
        for (Path page : pages) {
            checked += check(root, page, failures).size();
        }
        assertThat(failures).as("Java blocks of docs/**/*.md that are not compiled example code").isEmpty();
        assertThat(checked).as("Java blocks checked in docs/").isGreaterThanOrEqualTo(23);
    }

    /**
     * Checks every Java block of one Markdown page against the region its marker names; adds one line per
     * failure (page, line, what is wrong) and returns the tags checked.
     */
    static List<String> check(Path root, Path page, List<String> failures) throws IOException {
        String text = Files.readString(page, StandardCharsets.UTF_8);
        String name = root.relativize(page).toString();
        Matcher m = BLOCK.matcher(text);
        List<String> checked = new ArrayList<>();
        while (m.find()) {
            int line = 1 + (int) text.substring(0, m.start(3)).chars().filter(c -> c == '\n').count();
            if (m.group(1) == null) {
                failures.add(name + ":" + line + ": a ```java block without a <!-- snippet: path#tag --> marker");
                continue;
            }
            Path source = root.resolve(m.group(1));
            if (!Files.exists(source)) {
                failures.add(name + ":" + line + ": the snippet's file " + m.group(1) + " does not exist");
                continue;
            }
            try {
                String region = region(source, m.group(2));
                if (!m.group(3).equals(region)) {
                    failures.add(name + ":" + line + ": the block differs from " + m.group(1) + "#" + m.group(2)
                            + "; the region is:\n" + region);
                }
            } catch (AssertionError e) {
                failures.add(name + ":" + line + ": " + e.getMessage());
            }
            checked.add(m.group(2));
        }
        return checked;
    }

    /** The lines between the tag markers, with their common indentation removed, each ending in a newline. */
    static String region(Path file, String tag) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        int start = -1;
        int end = -1;
        for (int i = 0; i < lines.size(); i++) {
            String t = lines.get(i).trim();
            if (t.equals("// tag::" + tag + "[]")) {
                start = i + 1;
            } else if (t.equals("// end::" + tag + "[]")) {
                end = i;
            }
        }
        assertThat(start).as("tag %s in %s", tag, file).isPositive();
        assertThat(end).as("end of tag %s in %s", tag, file).isGreaterThan(start);
        List<String> region = lines.subList(start, end);
        int indent = Integer.MAX_VALUE;
        for (String line : region) {
            if (!line.isBlank()) {
                indent = Math.min(indent, line.length() - line.stripLeading().length());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (String line : region) {
            sb.append(line.isBlank() ? "" : line.substring(indent)).append('\n');
        }
        return sb.toString();
    }
}
