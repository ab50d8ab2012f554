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
import org.junit.jupiter.api.Test;

/**
 * Every Java block of the README is a copy of a region of compiled example code, so the README's
 * snippets compile: a block follows a marker {@code <!-- snippet: path#tag -->} and must equal, line
 * for line, the code between {@code // tag::tag[]} and {@code // end::tag[]} in that file (indentation
 * removed). A Java block without a marker fails the test too.
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
        String readme = Files.readString(root.resolve("README.md"), StandardCharsets.UTF_8);
        Matcher m = BLOCK.matcher(readme);
        List<String> checked = new ArrayList<>();
        while (m.find()) {
            assertThat(m.group(1)).as("a ```java block of README.md has no <!-- snippet: path#tag --> marker:%n%s",
                    m.group(3)).isNotNull();
            String region = region(root.resolve(m.group(1)), m.group(2));
            assertThat(m.group(3)).as("README block for %s#%s", m.group(1), m.group(2)).isEqualTo(region);
            checked.add(m.group(2));
        }
        assertThat(checked).contains("in-memory", "jdbc", "tiered");
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
