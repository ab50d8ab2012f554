package io.modularddd.eventstore.jdbc;

import static io.modularddd.eventstore.jdbc.QueueFixture.command;
import static io.modularddd.eventstore.jdbc.QueueFixture.queueName;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.modularddd.core.InvalidInputException;
import io.modularddd.core.queue.CommandQueueException;
import io.modularddd.core.queue.Delivery;
import io.modularddd.core.queue.QueuedCommand;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Building and setting up a {@link JdbcCommandQueue}: the builder's checks, schema creation (idempotent, safe
 * when instances start together, a clear error when its lock is held), the claim's index range, connections
 * from a given DataSource, the packet limit, and polls that end early (interrupt, close).
 */
class JdbcCommandQueueSetupTest {

    private QueueFixture fixture;

    @AfterEach
    void cleanUp() {
        if (fixture != null) {
            fixture.close();
        }
    }

    private QueueFixture on(TestDatabases db) {
        fixture = new QueueFixture(db);
        return fixture;
    }

    @Test
    void the_builder_names_what_is_wrong() {
        assertThatThrownBy(() -> JdbcCommandQueue.builder().build()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("dataSource(...) or jdbcUrl(...)");
        assertThatThrownBy(() -> JdbcCommandQueue.builder().jdbcUrl("jdbc:h2:mem:x")
                .dataSource(new HikariDataSource()).build()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cannot be combined");
        assertThatThrownBy(() -> JdbcCommandQueue.builder().dataSource(new HikariDataSource()).poolSize(2).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("configure your own pool");
        assertThatThrownBy(() -> JdbcCommandQueue.builder().jdbcUrl("mariadb://x")).isInstanceOf(
                IllegalArgumentException.class).hasMessageContaining("jdbc:");
        assertThatThrownBy(() -> JdbcCommandQueue.builder().tableName("Queue; DROP"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[a-z_][a-z0-9_]{0,47}");
        assertThatThrownBy(() -> JdbcCommandQueue.builder().leaseTime(Duration.ofMillis(50)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("leaseTime");
        assertThatThrownBy(() -> JdbcCommandQueue.builder().maxAttempts(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxAttempts");
        assertThatThrownBy(() -> JdbcCommandQueue.builder().idRetention(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("idRetention");
        assertThatThrownBy(() -> JdbcCommandQueue.builder().maxPayloadBytes(100))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxPayloadBytes");
        assertThatThrownBy(() -> JdbcCommandQueue.builder().maxAttempts(3).maxAttempts(4))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("maxAttempts");
    }

    @Test
    void defaults_and_description_show_the_settings_but_never_the_password() {
        String url = "jdbc:h2:mem:queue-" + UUID.randomUUID();
        try (JdbcCommandQueue queue = JdbcCommandQueue.builder().jdbcUrl(url).username("sa").password("sesame")
                .build()) {
            assertThat(queue.tableName()).isEqualTo("command_queue");
            assertThat(queue.dialect()).isEqualTo(JdbcDialect.H2);
            assertThat(queue.leaseTime()).isEqualTo(Duration.ofSeconds(30));
            assertThat(queue.maxAttempts()).isEqualTo(5);
            assertThat(queue.idRetention()).isEqualTo(Duration.ofHours(24));
            assertThat(queue.maxPayloadBytes()).isEqualTo(1024 * 1024);
            assertThat(queue.describe()).contains("H2", "command_queue", "statement pool 4 + claim pool 4",
                    "leaseTime PT30S", "maxAttempts 5").doesNotContain("sesame");
        }
    }

    @Test
    void an_unreachable_database_is_a_transient_error_of_the_queue() {
        assertThatThrownBy(() -> JdbcCommandQueue.builder().jdbcUrl("jdbc:mariadb://127.0.0.1:1/test")
                .username("app").password("pw").build())
                .isInstanceOfSatisfying(CommandQueueException.class, e -> {
                    assertThat(e.isTransient()).isTrue();
                    assertThat(e.queue()).as("no queue: the transport as a whole failed").isEmpty();
                })
                .hasMessageStartingWith("JdbcCommandQueue failed connecting").hasMessageNotContaining("pw");
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.class)
    void a_missing_table_is_an_error_that_says_to_create_the_schema(TestDatabases db) {
        QueueFixture f = on(db);
        try (JdbcCommandQueue queue = f.builder().build()) {
            String name = queueName();
            assertThatThrownBy(() -> queue.send(name, command("x")))
                    .isInstanceOfSatisfying(CommandQueueException.class, e -> {
                        assertThat(e.isTransient()).isFalse();
                        assertThat(e.queue()).contains(name);
                    })
                    .hasMessageContaining("JdbcCommandQueue.createSchema()");
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.class)
    void create_schema_is_idempotent_and_succeeds_when_instances_start_together(TestDatabases db) throws Exception {
        QueueFixture f = on(db);
        List<String> failures = new ArrayList<>();
        for (int round = 0; round < 3; round++) {
            String table = "cq_" + TestDatabases.uniqueTable();
            List<JdbcCommandQueue> clients = new ArrayList<>();
            ExecutorService pool = Executors.newFixedThreadPool(6);
            try {
                for (int i = 0; i < 6; i++) {
                    clients.add(JdbcCommandQueue.builder().jdbcUrl(f.service.jdbcUrl()).username(f.service.username())
                            .password(f.service.password()).tableName(table).poolSize(1).build());
                }
                CyclicBarrier start = new CyclicBarrier(clients.size());
                List<Future<?>> calls = new ArrayList<>();
                for (JdbcCommandQueue client : clients) {
                    calls.add(pool.submit(() -> {
                        start.await(30, TimeUnit.SECONDS);
                        client.createSchema();
                        return null;
                    }));
                }
                for (Future<?> call : calls) {
                    try {
                        call.get(60, TimeUnit.SECONDS);
                    } catch (java.util.concurrent.ExecutionException e) {
                        failures.add("round " + round + ": " + e.getCause());
                    }
                }
                clients.get(0).createSchema(); // and again, alone
                String name = queueName();
                assertThat(clients.get(1).send(name, command("x"))).isTrue();
                assertThat(clients.get(2).poll(name, "c", 1, Duration.ofSeconds(2))).hasSize(1);
            } finally {
                pool.shutdownNow();
                clients.forEach(JdbcCommandQueue::close);
                if (db != TestDatabases.H2) {
                    QueueTables.drop(f.service, table);
                }
            }
        }
        assertThat(failures).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(value = TestDatabases.class, names = {"MARIADB", "POSTGRESQL"})
    void a_schema_lock_held_elsewhere_fails_create_schema_with_a_clear_error(TestDatabases db) throws Exception {
        QueueFixture f = on(db);
        try (JdbcCommandQueue queue = f.builder().build(); Connection other = TestDatabases.connect(f.service);
             Statement s = other.createStatement()) {
            String lock = db == TestDatabases.MARIADB ? "GET_LOCK('modularddd-q:" + f.table + "', 1)"
                    : "pg_advisory_lock(" + QueueSchema.PG_LOCK_CLASS + ", " + f.table.hashCode() + ")";
            s.executeQuery("SELECT " + lock).close();
            queue.schemaLockTimeoutSeconds(1);
            assertThatThrownBy(queue::createSchema).isInstanceOf(CommandQueueException.class)
                    .hasMessageContaining("within 1 s").hasMessageContaining(f.table);
            s.executeQuery("SELECT " + (db == TestDatabases.MARIADB ? "RELEASE_LOCK('modularddd-q:" + f.table + "')"
                    : "pg_advisory_unlock(" + QueueSchema.PG_LOCK_CLASS + ", " + f.table.hashCode() + ")")).close();
            queue.createSchema();
            assertThat(queue.send(queueName(), command("x"))).isTrue();
        }
    }

    @ParameterizedTest
    @EnumSource(value = TestDatabases.class, names = {"MARIADB", "POSTGRESQL"})
    void a_claim_reads_one_range_of_the_due_index_not_the_table(TestDatabases db) throws Exception {
        // given: a table of 20,000 rows over 10 queues in every state
        QueueFixture f = on(db);
        JdbcCommandQueue queue = f.open(Duration.ofSeconds(30), 3);
        String sql = "INSERT INTO " + f.q(f.table) + " (" + f.q("queue_name") + ", " + f.q("command_id") + ", "
                + f.q("type_name") + ", " + f.q("payload") + ", " + f.q("payload_length") + ", "
                + f.q("payload_crc32c") + ", " + f.q("state") + ", " + f.q("attempt") + ", " + f.q("due_at") + ", "
                + f.q("enqueued_at") + ") VALUES (?, ?, 'T', ?, 0, 0, ?, 1, ?, 0)";
        long nowMicros = System.currentTimeMillis() * 1000;
        try (Connection c = TestDatabases.connect(f.service); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < 20_000; i++) {
                ps.setString(1, "q" + i % 10);
                ps.setString(2, "c" + i);
                ps.setBytes(3, new byte[0]);
                ps.setInt(4, i % 3);
                ps.setLong(5, nowMicros + (i % 7 - 3) * 60_000_000L);
                ps.addBatch();
            }
            ps.executeBatch();
            try (Statement s = c.createStatement()) {
                s.execute((db == TestDatabases.MARIADB ? "ANALYZE TABLE " : "ANALYZE ") + f.q(f.table));
            }
        }
        QueueStatements statements = new QueueStatements(db == TestDatabases.MARIADB ? JdbcDialect.MARIADB
                : JdbcDialect.POSTGRESQL, f.table, 30_000_000, 1);

        // when
        List<String> plan = new ArrayList<>();
        try (Connection c = TestDatabases.connect(f.service);
             PreparedStatement ps = c.prepareStatement("EXPLAIN " + statements.claim)) {
            ps.setString(1, "q3");
            ps.setInt(2, 10);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (db == TestDatabases.MARIADB) {
                        plan.add("type=" + rs.getString("type") + " key=" + rs.getString("key") + " extra="
                                + rs.getString("Extra"));
                    } else {
                        plan.add(rs.getString(1));
                    }
                }
            }
        }

        // then
        String text = String.join("\n", plan);
        if (db == TestDatabases.MARIADB) {
            assertThat(text).contains("type=range", "key=" + f.table + "_ix_due").doesNotContain("filesort");
        } else {
            assertThat(text).contains("Index Scan using " + f.table + "_ix_due").doesNotContain("Seq Scan")
                    .doesNotContain("Sort");
        }
        assertThat(queue.poll("q3", "c", 10, Duration.ZERO)).hasSize(10);
    }

    @Test
    void a_queue_on_a_given_data_source_restores_the_connections_it_borrows() throws Exception {
        QueueFixture f = on(TestDatabases.MARIADB);
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(f.service.jdbcUrl());
        config.setUsername(f.service.username());
        config.setPassword(f.service.password());
        config.setMaximumPoolSize(1);
        config.setTransactionIsolation("TRANSACTION_REPEATABLE_READ");
        try (HikariDataSource ds = new HikariDataSource(config);
             JdbcCommandQueue queue = JdbcCommandQueue.builder().dataSource(ds).tableName(f.table).build()) {
            queue.createSchema();
            String name = queueName();
            queue.send(name, command("x"));
            Delivery d = queue.poll(name, "c", 1, Duration.ofSeconds(2)).get(0);
            queue.acknowledge(d);
            try (Connection c = ds.getConnection()) {
                assertThat(c.getAutoCommit()).isTrue();
                assertThat(c.getTransactionIsolation()).isEqualTo(Connection.TRANSACTION_REPEATABLE_READ);
            }
            assertThat(queue.describe()).contains("connections from the given DataSource");
        }
    }

    @Test
    void a_payload_larger_than_the_server_takes_in_one_packet_is_refused_before_it_is_sent() throws Exception {
        QueueFixture f = on(TestDatabases.MARIADB);
        JdbcCommandQueue queue = f.open(b -> b.maxPayloadBytes(JdbcCommandQueueBuilder.MAX_PAYLOAD_BYTES_LIMIT));
        long packet = f.number("SELECT @@max_allowed_packet");
        String name = queueName();
        QueuedCommand huge = new QueuedCommand(UUID.randomUUID().toString(), "Big", new byte[(int) packet + 1]);
        assertThatThrownBy(() -> queue.send(name, huge)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("max_allowed_packet=" + packet).hasMessageContaining(huge.commandId());
        assertThat(queue.send(name, command("small"))).isTrue();
    }

    @Test
    void a_poll_of_an_interrupted_thread_returns_at_once_and_keeps_the_interrupt() {
        QueueFixture f = on(TestDatabases.H2);
        JdbcCommandQueue queue = f.open(Duration.ofSeconds(30), 3);
        Thread.currentThread().interrupt();
        try {
            long started = System.nanoTime();
            assertThat(queue.poll(queueName(), "c", 1, Duration.ofSeconds(20))).isEmpty();
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void closing_the_queue_ends_a_waiting_poll_and_later_calls_are_refused() throws Exception {
        QueueFixture f = on(TestDatabases.H2);
        JdbcCommandQueue queue = f.open(Duration.ofSeconds(30), 3);
        AtomicInteger claims = new AtomicInteger();
        CountDownLatch waiting = new CountDownLatch(1);
        queue.hook(new QueueHook() {
            @Override
            public void claimed(Connection connection, int rows) {
                if (claims.incrementAndGet() == 2) {
                    waiting.countDown(); // the poll found nothing once and is in its backoff loop
                }
            }
        });
        ExecutorService thread = Executors.newSingleThreadExecutor();
        try {
            long started = System.nanoTime();
            Future<List<Delivery>> poll = thread.submit(() -> queue.poll(queueName(), "c", 1, Duration.ofSeconds(60)));
            assertThat(waiting.await(30, TimeUnit.SECONDS)).isTrue();
            queue.close();
            assertThat(poll.get(30, TimeUnit.SECONDS)).isEmpty();
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(30));
        } finally {
            thread.shutdownNow();
        }
        assertThatThrownBy(() -> queue.send(queueName(), command("x"))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
        queue.close();
    }
}
