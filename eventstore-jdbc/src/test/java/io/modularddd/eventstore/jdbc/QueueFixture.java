package io.modularddd.eventstore.jdbc;

import io.modularddd.core.queue.QueuedCommand;
import io.modularddd.testkit.ServiceFixtures.JdbcService;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.UnaryOperator;

/**
 * A queue table of one test on one database: clients built from the JDBC URL (each with its own pools, as
 * separate processes would have), plain SQL for inspection and tampering, and cleanup (close the clients,
 * drop the table; on H2 the in-memory database, kept open for the test, is shut down).
 */
final class QueueFixture implements AutoCloseable {

    final TestDatabases db;
    final JdbcService service;
    final String table = "cq_" + TestDatabases.uniqueTable();
    private final List<JdbcCommandQueue> opened = new ArrayList<>();

    QueueFixture(TestDatabases db) {
        this.db = db;
        this.service = db == TestDatabases.H2
                ? new JdbcService("jdbc:h2:mem:queue-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa", "", "embedded")
                : db.service();
    }

    /** A builder on this table, with pools of 3. */
    JdbcCommandQueueBuilder builder() {
        return JdbcCommandQueue.builder().jdbcUrl(service.jdbcUrl()).username(service.username())
                .password(service.password()).tableName(table).poolSize(3);
    }

    /** A client with the given settings; the first one also creates the table. */
    JdbcCommandQueue open(UnaryOperator<JdbcCommandQueueBuilder> settings) {
        JdbcCommandQueue queue = settings.apply(builder()).build();
        if (opened.isEmpty()) {
            queue.createSchema();
        }
        opened.add(queue);
        return queue;
    }

    JdbcCommandQueue open(Duration lease, int maxAttempts) {
        return open(b -> b.leaseTime(lease).maxAttempts(maxAttempts));
    }

    /** A quoted identifier of this database. */
    String q(String identifier) {
        char quote = db == TestDatabases.MARIADB ? '`' : '"';
        return quote + identifier + quote;
    }

    /** Runs a statement; returns the update count. */
    int execute(String sql) throws SQLException {
        try (Connection c = TestDatabases.connect(service); Statement s = c.createStatement()) {
            return s.executeUpdate(sql);
        }
    }

    /** Runs a query returning one number. */
    long number(String sql) throws SQLException {
        try (Connection c = TestDatabases.connect(service); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The rows of a queue in a state. */
    long rows(String queue, int state) throws SQLException {
        return number("SELECT COUNT(*) FROM " + q(table) + " WHERE " + q("queue_name") + " = '" + queue + "' AND "
                + q("state") + " = " + state);
    }

    static String queueName() {
        return "q-" + UUID.randomUUID().toString().substring(0, 8);
    }

    static QueuedCommand command(String text) {
        return new QueuedCommand(UUID.randomUUID().toString(), "Test.Command", text.getBytes(StandardCharsets.UTF_8));
    }

    static String text(io.modularddd.core.queue.Delivery d) {
        return new String(d.command().payload(), StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        opened.forEach(JdbcCommandQueue::close);
        QueueTables.drop(service, table);
    }
}
