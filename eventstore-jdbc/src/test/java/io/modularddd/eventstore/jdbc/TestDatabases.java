package io.modularddd.eventstore.jdbc;

import io.modularddd.core.serialization.EventSerializer;
import io.modularddd.testkit.ContractEvents;
import io.modularddd.testkit.ServiceFixtures;
import io.modularddd.testkit.ServiceFixtures.JdbcService;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/** The three databases the tests run on, and helpers for uniquely named, dropped-afterwards tables. */
enum TestDatabases {
    H2, MARIADB, POSTGRESQL;

    /** A table name unique to this run: other engineers' tests share the servers. */
    static String uniqueTable() {
        return "es_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    }

    /** A fresh H2 in-memory database, gone when its last connection closes. */
    static String h2MemUrl() {
        return "jdbc:h2:mem:" + UUID.randomUUID();
    }

    /** The server's connection details (skips or fails the test when it is missing). */
    JdbcService service() {
        return switch (this) {
            case MARIADB -> ServiceFixtures.mariadb();
            case POSTGRESQL -> ServiceFixtures.postgres();
            case H2 -> new JdbcService(h2MemUrl(), "sa", "", "embedded");
        };
    }

    /** A builder on this database with a unique table and a read pool of 6; for H2 a fresh in-memory database. */
    JdbcEventStoreBuilder builder(JdbcService service, String table) {
        return builder(service, table, 6);
    }

    /** A builder on this database with a unique table and the given read pool (each setting may be given once). */
    JdbcEventStoreBuilder builder(JdbcService service, String table, int readPoolSize) {
        return builderWithoutSerializer(service, table, readPoolSize).serializer(serializer());
    }

    /** {@link #builder(JdbcService, String)} for a test that brings its own serializer (a setting is given once). */
    JdbcEventStoreBuilder builderWithoutSerializer(JdbcService service, String table) {
        return builderWithoutSerializer(service, table, 6);
    }

    private JdbcEventStoreBuilder builderWithoutSerializer(JdbcService service, String table, int readPoolSize) {
        return JdbcEventStore.builder().jdbcUrl(service.jdbcUrl()).username(service.username())
                .password(service.password()).tableName(table).readPoolSize(readPoolSize);
    }

    static EventSerializer serializer() {
        return ContractEvents.serializer();
    }

    /** Opens a plain JDBC connection (for setup, inspection and cleanup). */
    static Connection connect(JdbcService service) throws SQLException {
        return DriverManager.getConnection(service.jdbcUrl(), service.username(), service.password());
    }

    /** Drops a store's tables; for H2 in-memory databases there is nothing to do. */
    static void drop(JdbcService service, String table) {
        if (service.jdbcUrl().startsWith("jdbc:h2:mem:")) {
            return;
        }
        boolean mysql = service.jdbcUrl().startsWith("jdbc:mariadb:") || service.jdbcUrl().startsWith("jdbc:mysql:");
        String q = mysql ? "`" : "\"";
        try (Connection c = connect(service); Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS " + q + table + q);
            s.execute("DROP TABLE IF EXISTS " + q + table + "_head" + q);
            s.execute("DROP TABLE IF EXISTS " + q + table + "_streams" + q);
            s.execute("DROP TABLE IF EXISTS " + q + table + "_snapshots" + q);
            s.execute("DROP TABLE IF EXISTS " + q + table + "_checkpoints" + q);
            s.execute("DROP TABLE IF EXISTS " + q + table + "_dead_letters" + q);
        } catch (SQLException e) {
            throw new IllegalStateException("dropping test tables " + table + " failed", e);
        }
    }
}
