package io.modularddd.eventstore.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modularddd.core.AggregateId;
import io.modularddd.core.AppendRequest;
import io.modularddd.core.ExpectedVersion;
import io.modularddd.core.NewEvent;
import io.modularddd.testkit.ContractEvents.Happened;
import io.modularddd.testkit.ServiceFixtures.JdbcService;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The schema: names, the shipped scripts, and {@code createSchema()}. */
class SchemaTest {

    @Nested
    class TableNamesAreValidatedAndQuoted {

        @ParameterizedTest
        @ValueSource(strings = {"events`; DROP TABLE x", "events\"; DROP TABLE x; --", "Events", "1events", "",
            "events-store", "événements", "a_name_that_is_far_too_long_to_be_a_table_name_xx", "events\u0000"})
        void a_bad_table_name_is_refused_naming_the_setting_the_value_and_the_pattern(String name) {
            assertThatThrownBy(() -> JdbcEventStore.builder().tableName(name))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("tableName")
                    .hasMessageContaining("[a-z_][a-z0-9_]{0,47}")
                    .hasMessageContaining(name.replace("\u0000", "\\u0000"));
        }

        @Test
        void null_is_refused() {
            assertThatThrownBy(() -> JdbcEventStore.builder().tableName(null))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tableName");
        }

        @Test
        void the_longest_valid_name_is_accepted() {
            JdbcEventStore.builder().tableName("a".repeat(48));
            JdbcEventStore.builder().tableName("_x9");
        }

        @ParameterizedTest
        @EnumSource(JdbcDialect.class)
        void every_identifier_of_the_scripts_is_renamed_and_quoted_by_jooq(JdbcDialect dialect) {
            // when
            List<String> statements = SchemaScript.statements(dialect, false, new TableNames("orders_events"));
            // then
            String all = String.join(";\n", statements);
            char q = dialect.quote();
            assertThat(all).doesNotContain(q + "event_store");
            assertThat(all).contains(q + "orders_events" + q).contains(q + "orders_events_head" + q)
                    .contains(q + "orders_events_ux_version" + q).contains(q + "orders_events_snapshots" + q);
            assertThat(statements).allSatisfy(s -> assertThat(s).doesNotEndWith(";"));
        }

        @ParameterizedTest
        @EnumSource(JdbcDialect.class)
        void every_identifier_built_on_the_longest_name_fits_postgresql_s_63_characters(JdbcDialect dialect) {
            String base = "a".repeat(TableNames.MAX_LENGTH);
            char q = dialect.quote();
            java.util.regex.Matcher m = java.util.regex.Pattern.compile(q + "(" + base + "[a-z0-9_]*)" + q)
                    .matcher(String.join("\n", SchemaScript.statements(dialect, false, new TableNames(base))));
            int found = 0;
            while (m.find()) {
                found++;
                assertThat(m.group(1).length()).as(m.group(1)).isLessThanOrEqualTo(63);
            }
            assertThat(found).isGreaterThan(10);
        }

        @Test
        void the_scripts_are_the_shipped_files() {
            // the files users run and the statements createSchema runs are the same text, names aside
            String file = SchemaScript.read(JdbcDialect.MARIADB.schemaResource(false));
            assertThat(SchemaScript.statements(JdbcDialect.MARIADB, false, new TableNames("event_store")))
                    .isEqualTo(SchemaScript.splitStatements(file));
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.class)
    void create_schema_is_idempotent_and_keeps_the_head(TestDatabases db) {
        JdbcService service = db.service();
        String table = TestDatabases.uniqueTable();
        try (JdbcEventStore store = db.builder(service, table).build()) {
            // given
            store.createSchema();
            store.createSchema();
            AggregateId id = AggregateId.of("idem-" + UUID.randomUUID());
            store.append(AppendRequest.of(id, "Thing", ExpectedVersion.noStream(), NewEvent.of(new Happened("a", 1)),
                    NewEvent.of(new Happened("b", 2))));
            // when
            store.createSchema();
            // then
            assertThat(store.append(AppendRequest.of(id, "Thing", ExpectedVersion.exactly(2),
                    NewEvent.of(new Happened("c", 3)))).firstPosition()).isEqualTo(3);
        } finally {
            TestDatabases.drop(service, table);
        }
    }

    /**
     * The shipped file, run as a user would (plain JDBC, default names, in a schema of its own), and
     * {@code createSchema()} (configured name) produce the same columns, types, nullability, collations,
     * keys and indexes.
     */
    @ParameterizedTest
    @EnumSource(TestDatabases.class)
    void the_shipped_file_and_create_schema_produce_the_same_schema(TestDatabases db) throws Exception {
        JdbcService service = db.service();
        String table = TestDatabases.uniqueTable();
        String scratch = "modddd_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        JdbcDialect dialect = switch (db) {
            case MARIADB -> JdbcDialect.MARIADB;
            case POSTGRESQL -> JdbcDialect.POSTGRESQL;
            case H2 -> JdbcDialect.H2;
        };
        String userUrl = db == TestDatabases.H2 ? TestDatabases.h2MemUrl() + ";DB_CLOSE_DELAY=-1" : service.jdbcUrl();
        try (Connection user = java.sql.DriverManager.getConnection(userUrl, service.username(), service.password());
             JdbcEventStore store = db.builder(service, table).build()) {
            // given: the file as a user runs it, in its own schema/database
            String userCatalog;
            String userSchema;
            try (Statement s = user.createStatement()) {
                switch (db) {
                    case MARIADB -> {
                        s.execute("CREATE DATABASE `" + scratch + "`");
                        s.execute("USE `" + scratch + "`");
                    }
                    case POSTGRESQL -> {
                        s.execute("CREATE SCHEMA \"" + scratch + "\"");
                        s.execute("SET search_path TO \"" + scratch + "\"");
                    }
                    case H2 -> { }
                }
                for (String sql : SchemaScript.splitStatements(SchemaScript.read(dialect.schemaResource(false)))) {
                    s.execute(sql);
                }
            }
            userCatalog = db == TestDatabases.MARIADB ? scratch : null;
            userSchema = switch (db) {
                case MARIADB -> null;
                case POSTGRESQL -> scratch;
                case H2 -> "PUBLIC";
            };
            // when
            store.createSchema();
            // then
            try (Connection c = store.dataSource().getConnection()) {
                String storeCatalog = db == TestDatabases.MARIADB ? c.getCatalog() : null;
                String storeSchema = db == TestDatabases.POSTGRESQL ? "public" : db == TestDatabases.H2 ? "PUBLIC" : null;
                for (String suffix : List.of("", "_head", "_snapshots", "_checkpoints", "_dead_letters")) {
                    List<String> shipped = describe(user, userCatalog, userSchema, "event_store" + suffix, "event_store");
                    List<String> created = describe(c, storeCatalog, storeSchema, table + suffix, table);
                    assertThat(created).as("table %s%s", table, suffix).isNotEmpty().isEqualTo(shipped);
                }
                if (db == TestDatabases.MARIADB) {
                    assertThat(mysqlCollations(user, scratch, "event_store"))
                            .isEqualTo(mysqlCollations(c, c.getCatalog(), table))
                            .contains("aggregate_id utf8mb4 utf8mb4_bin");
                }
            }
        } finally {
            TestDatabases.drop(service, table);
            if (db != TestDatabases.H2) {
                try (Connection c = TestDatabases.connect(service); Statement s = c.createStatement()) {
                    s.execute(db == TestDatabases.MARIADB ? "DROP DATABASE IF EXISTS `" + scratch + "`"
                            : "DROP SCHEMA IF EXISTS \"" + scratch + "\" CASCADE");
                }
            }
        }
    }

    /** Columns and index entries of a table, with the table's own name in index names replaced by T. */
    private static List<String> describe(Connection c, String catalog, String schema, String table, String base)
            throws SQLException {
        DatabaseMetaData meta = c.getMetaData();
        List<String> lines = new ArrayList<>();
        try (ResultSet rs = meta.getColumns(catalog, schema, table, null)) {
            while (rs.next()) {
                lines.add("column " + rs.getInt("ORDINAL_POSITION") + " " + rs.getString("COLUMN_NAME") + " "
                        + rs.getString("TYPE_NAME").toLowerCase(Locale.ROOT) + "(" + rs.getInt("COLUMN_SIZE") + ","
                        + rs.getInt("DECIMAL_DIGITS") + ") nullable=" + rs.getString("IS_NULLABLE"));
            }
        }
        TreeSet<String> indexes = new TreeSet<>();
        try (ResultSet rs = meta.getIndexInfo(catalog, schema, table, false, false)) {
            while (rs.next()) {
                if (rs.getString("COLUMN_NAME") == null) {
                    continue;
                }
                String name = rs.getString("INDEX_NAME").replace(base, "T")
                        .replaceAll("^PRIMARY_KEY_.*", "PRIMARY_KEY").replaceAll("_INDEX_[A-Z0-9]+$", "");
                indexes.add("index " + name + " unique=" + !rs.getBoolean("NON_UNIQUE") + " "
                        + rs.getInt("ORDINAL_POSITION") + " " + rs.getString("COLUMN_NAME"));
            }
        }
        lines.addAll(indexes);
        return lines;
    }

    private static List<String> mysqlCollations(Connection c, String database, String table) throws SQLException {
        List<String> lines = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT COLUMN_NAME, CHARACTER_SET_NAME, "
                + "COLLATION_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = '" + database
                + "' AND TABLE_NAME = '" + table + "' ORDER BY ORDINAL_POSITION")) {
            while (rs.next()) {
                lines.add(rs.getString(1) + " " + rs.getString(2) + " " + rs.getString(3));
            }
        }
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT CHECK_CLAUSE FROM "
                + "information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = '" + database + "' AND TABLE_NAME = '"
                + table + "' ORDER BY CONSTRAINT_NAME")) {
            while (rs.next()) {
                lines.add("check " + rs.getString(1));
            }
        }
        return lines;
    }
}
