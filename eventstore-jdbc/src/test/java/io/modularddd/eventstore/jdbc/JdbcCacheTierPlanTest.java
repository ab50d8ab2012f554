package io.modularddd.eventstore.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The statements' query plans, read with EXPLAIN on tables of a few thousand rows (statistics gathered): a lookup
 * reads the entry (and a miss the clock row) by primary key, a tag invalidation reads its entries through the tags
 * table's primary key and deletes by key through indexes, the purge reads the index on expires_at, a put reads
 * markers by primary key — none of them scans.
 */
class JdbcCacheTierPlanTest {

    private static final int TAGS = 200;
    private static final int ENTRIES = 3000;

    @ParameterizedTest
    @EnumSource(TestDatabases.class)
    void a_lookup_reads_the_entry_and_a_miss_the_clock_row_by_their_primary_keys(TestDatabases db)
            throws SQLException {
        try (CacheTierFixture f = filled(db)) {
            CacheStatements sql = f.tier.statements();
            assertIndexed(db, explain(f, sql.lookup, "query:{P}:17"), f.table + "_query_cache",
                    f.table + "_query_cache", null);
            if (db != TestDatabases.POSTGRESQL) { // PostgreSQL reads the one-row clock table's only page
                assertIndexed(db, explain(f, sql.readClock), f.table + "_qc_clock", f.table + "_qc_clock", null);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.class)
    void a_tag_invalidation_finds_its_entries_through_the_tags_primary_key_and_deletes_by_key(TestDatabases db)
            throws SQLException {
        try (CacheTierFixture f = filled(db)) {
            CacheStatements sql = f.tier.statements();
            assertIndexed(db, explain(f, sql.keysOfTag, "tag-17"), f.table + "_qc_tags", f.table + "_qc_tags", null);
            assertIndexed(db, explain(f, sql.deleteTagsOfKey, "query:{P}:17"), f.table + "_qc_tags",
                    f.table + "_qc_tags", f.table + "_qc_ix_tag_key");
            assertIndexed(db, explain(f, sql.deleteEntry, "query:{P}:17"), f.table + "_query_cache",
                    f.table + "_query_cache", null);
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.class)
    void the_purge_reads_the_expiry_index_and_a_put_reads_markers_by_primary_key(TestDatabases db)
            throws SQLException {
        try (CacheTierFixture f = filled(db)) {
            CacheStatements sql = f.tier.statements();
            assertIndexed(db, explain(f, sql.expiredKeys, 1_000_010L, 100), f.table + "_query_cache",
                    f.table + "_query_cache", f.table + "_qc_ix_expires");
            assertIndexed(db, explain(f, sql.marksAfter(3), "k:a", "t:b", "t:c", 5L), f.table + "_qc_marks",
                    f.table + "_qc_marks", null);
        }
    }

    /**
     * Asserts that the plan reads {@code table} through {@code index} (null: its primary key) and scans nothing.
     *
     * @param label the table's name or alias as the plan shows it
     */
    private static void assertIndexed(TestDatabases db, List<String> plan, String label, String table, String index) {
        String text = String.join("\n", plan);
        switch (db) {
            case MARIADB -> {
                assertThat(plan).as(text).noneMatch(row -> row.contains("type=ALL"));
                assertThat(plan).as(text).anyMatch(row -> row.contains("table=" + label + " |")
                        && row.contains("key=" + (index == null ? "PRIMARY" : index) + " |"));
            }
            case POSTGRESQL -> {
                assertThat(text).doesNotContain("Seq Scan on " + table + " ");
                assertThat(text).containsPattern("(Index Scan|Index Only Scan|Bitmap Index Scan) (using|on) "
                        + (index == null ? table + "_pk" : index) + "\\b");
            }
            case H2 -> {
                assertThat(text).doesNotContain("tableScan");
                assertThat(text).containsPattern("\"" + table + "\"( \"" + label + "\")?\\s+/\\* PUBLIC\\."
                        + (index == null ? "PRIMARY_KEY_\\w+" : index) + ": ");
            }
            default -> throw new IllegalStateException(db.name());
        }
    }

    /** The tier's tables with a few thousand rows and their statistics gathered. */
    private static CacheTierFixture filled(TestDatabases db) throws SQLException {
        CacheTierFixture f = new CacheTierFixture(db);
        f.create();
        fill(f, db);
        return f;
    }

    private static void fill(CacheTierFixture f, TestDatabases db) throws SQLException {
        try (Connection c = f.events.dataSource().getConnection()) {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + f.quoted("_query_cache")
                    + " VALUES (?, ?, ?, ?, ?)")) {
                for (int i = 0; i < ENTRIES; i++) {
                    ps.setString(1, "query:{P}:" + i);
                    ps.setString(2, "P(" + i + ")");
                    ps.setLong(3, 1_000_000L + i);
                    ps.setBytes(4, new byte[] {1, 2, 3});
                    ps.setString(5, "tag-" + i % TAGS);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + f.quoted("_qc_tags") + " VALUES (?, ?)")) {
                for (int i = 0; i < ENTRIES; i++) {
                    ps.setString(1, "tag-" + i % TAGS);
                    ps.setString(2, "query:{P}:" + i);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + f.quoted("_qc_marks")
                    + " VALUES (?, ?, ?)")) {
                for (int i = 0; i < ENTRIES; i++) {
                    ps.setString(1, "k:query:{P}:" + i);
                    ps.setLong(2, i);
                    ps.setLong(3, i);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            try (Statement s = c.createStatement()) {
                for (String t : List.of("_query_cache", "_qc_tags", "_qc_marks", "_qc_clock")) {
                    s.execute(switch (db) {
                        case MARIADB -> "ANALYZE TABLE " + f.quoted(t);
                        case POSTGRESQL -> "ANALYZE " + f.quoted(t);
                        case H2 -> "ANALYZE TABLE " + f.quoted(t);
                    });
                }
            }
        }
    }

    static List<String> explain(CacheTierFixture f, String sql, Object... args) throws SQLException {
        List<String> lines = new ArrayList<>();
        try (Connection c = f.events.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("EXPLAIN " + sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                int n = rs.getMetaData().getColumnCount();
                while (rs.next()) {
                    StringBuilder sb = new StringBuilder();
                    for (int i = 1; i <= n; i++) {
                        sb.append(i == 1 ? "" : " | ").append(rs.getMetaData().getColumnLabel(i)).append('=')
                                .append(rs.getString(i));
                    }
                    lines.add(sb.toString());
                }
            }
        }
        return lines;
    }
}
