package io.modularddd.eventstore.jdbc;

import java.util.regex.Pattern;

/**
 * The validated names of the store's tables.
 *
 * <p>Every identifier the store uses is derived from one base name: the events table is the base
 * name itself, the head table is {@code <base>_head}, and constraints and indexes are
 * {@code <base>_<suffix>}. The base name must match {@value #PATTERN_TEXT} — lower case so it reads
 * the same quoted or unquoted on every database, and at most {@value #MAX_LENGTH} characters so
 * every derived name stays under PostgreSQL's 63-character limit. On top of that validation every
 * name is quoted by jOOQ ({@code DSL.name()}) when rendered.
 */
record TableNames(String events) {

    static final String PATTERN_TEXT = "[a-z_][a-z0-9_]{0,47}";
    static final int MAX_LENGTH = 48;
    static final String DEFAULT = "event_store";
    private static final Pattern PATTERN = Pattern.compile(PATTERN_TEXT);

    TableNames {
        validate("tableName", events);
    }

    /**
     * Checks a base table name.
     *
     * @param setting the builder setting, for the message
     * @param value   the name
     * @return the name
     * @throws IllegalArgumentException when it does not match the pattern
     */
    static String validate(String setting, String value) {
        if (value == null || !PATTERN.matcher(value).matches()) {
            throw new IllegalArgumentException(setting + " must match " + PATTERN_TEXT + " (lower-case letters, "
                    + "digits and '_', at most " + MAX_LENGTH + " characters, not starting with a digit) but was "
                    + (value == null ? "null" : "\"" + printable(value) + "\"")
                    + "; pick a plain name such as \"" + DEFAULT + "\" or \"orders_events\".");
        }
        return value;
    }

    /** The one-row table holding the last assigned global position. */
    String head() {
        return events + "_head";
    }

    /** The table of deleted, truncated and erased streams: the events table's name plus {@code _streams}. */
    String streams() {
        return events + "_streams";
    }

    /** The snapshots table ({@link JdbcSnapshotStore}): the events table's name plus {@code _snapshots}. */
    String snapshots() {
        return events + "_snapshots";
    }

    /**
     * The projections' checkpoints and leases ({@link JdbcCheckpointStore}): the events table's name plus
     * {@code _checkpoints}.
     */
    String checkpoints() {
        return events + "_checkpoints";
    }

    /**
     * The projections' dead letters ({@link JdbcCheckpointStore}): the events table's name plus
     * {@code _dead_letters}.
     */
    String deadLetters() {
        return events + "_dead_letters";
    }

    /**
     * A derived constraint or index name.
     *
     * @param suffix the suffix as written in the schema scripts, e.g. {@code "_ux_version"}
     * @return the name
     */
    String derived(String suffix) {
        return events + suffix;
    }

    private static String printable(String value) {
        StringBuilder sb = new StringBuilder();
        int shown = Math.min(value.length(), 80);
        for (int i = 0; i < shown; i++) {
            char c = value.charAt(i);
            sb.append(Character.isISOControl(c) ? String.format("\\u%04X", (int) c) : String.valueOf(c));
        }
        if (shown < value.length()) {
            sb.append("…");
        }
        return sb.toString();
    }
}
