package io.modularddd.eventstore.jdbc;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;

/**
 * The shipped DDL of a dialect, made ready to run for a set of table names.
 *
 * <p>The SQL files under {@code io/modularddd/eventstore/jdbc/schema/} are the single source of the
 * schema: users who run their own migrations apply them as they are, and
 * {@link JdbcEventStore#createSchema()} runs the very same statements. The only change made is the
 * renaming: every quoted identifier that starts with the default base name {@code event_store} is
 * re-rendered by jOOQ ({@code DSL.name()}) on the configured base name, keeping its suffix. Other
 * text is never touched, and the configured name was validated against
 * {@link TableNames#PATTERN_TEXT} before it got here.
 */
final class SchemaScript {

    private SchemaScript() {
    }

    /**
     * Returns the statements of a dialect's script with the identifiers renamed.
     *
     * @param dialect     the dialect
     * @param partitioned whether the partitioned MySQL/MariaDB layout is wanted
     * @param names       the configured names
     * @return the statements, in order, without trailing semicolons
     */
    static List<String> statements(JdbcDialect dialect, boolean partitioned, TableNames names) {
        String script = read(dialect.schemaResource(partitioned));
        DSLContext render = DSL.using(dialect.sqlDialect(), JdbcEventStore.jooqSettings());
        String q = Pattern.quote(String.valueOf(dialect.quote()));
        Pattern identifier = Pattern.compile(q + TableNames.DEFAULT + "([a-z0-9_]*)" + q);
        List<String> statements = new ArrayList<>();
        for (String raw : splitStatements(script)) {
            Matcher m = identifier.matcher(raw);
            StringBuilder sb = new StringBuilder();
            while (m.find()) {
                String renamed = render.render(DSL.name(names.derived(m.group(1))));
                m.appendReplacement(sb, Matcher.quoteReplacement(renamed));
            }
            m.appendTail(sb);
            statements.add(sb.toString());
        }
        return statements;
    }

    /** Reads a script from the classpath. */
    static String read(String resource) {
        try (InputStream in = SchemaScript.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("schema script " + resource + " is missing from the classpath; the "
                        + "modular-ddd-eventstore-jdbc jar is incomplete");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("reading schema script " + resource + " failed", e);
        }
    }

    /**
     * Splits a script into statements: drops {@code --} comment lines and splits at semicolons that end
     * a line. The shipped scripts contain no semicolon inside a string or comment.
     */
    static List<String> splitStatements(String script) {
        List<String> statements = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : script.split("\n", -1)) {
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("--")) {
                continue;
            }
            if (trimmed.endsWith(";")) {
                current.append(trimmed, 0, trimmed.length() - 1);
                statements.add(current.toString().strip());
                current.setLength(0);
            } else {
                current.append(trimmed).append('\n');
            }
        }
        if (!current.toString().isBlank()) {
            statements.add(current.toString().strip());
        }
        return statements;
    }
}
