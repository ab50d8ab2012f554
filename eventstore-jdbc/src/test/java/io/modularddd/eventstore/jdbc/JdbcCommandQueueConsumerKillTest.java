package io.modularddd.eventstore.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modularddd.core.queue.CommandQueueException;
import io.modularddd.core.queue.Delivery;
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
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issue 14: two consumers on the real server, one of them killed — its sessions ended server-side (MariaDB
 * {@code KILL}, PostgreSQL {@code pg_terminate_backend}) — in the middle of a command or in the middle of its
 * claim transaction. Every command runs to completion exactly once in effect, and none is lost.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class JdbcCommandQueueConsumerKillTest {

    private final List<JdbcCommandQueue> opened = new ArrayList<>();
    private JdbcService service;
    private String table;

    @AfterEach
    void cleanUp() {
        opened.forEach(JdbcCommandQueue::close);
        if (table != null) {
            QueueTables.drop(service, table);
        }
    }

    private JdbcCommandQueue open(TestDatabases db, Duration lease) {
        if (service == null) {
            service = db.service();
            table = "cq_" + TestDatabases.uniqueTable();
        }
        JdbcCommandQueue queue = JdbcCommandQueue.builder().jdbcUrl(service.jdbcUrl()).username(service.username())
                .password(service.password()).tableName(table).poolSize(3).leaseTime(lease).maxAttempts(5).build();
        opened.add(queue);
        return queue;
    }

    private static QueuedCommand command(String text) {
        return new QueuedCommand(UUID.randomUUID().toString(), "Kill.Command", text.getBytes(StandardCharsets.UTF_8));
    }

    @ParameterizedTest
    @EnumSource(value = TestDatabases.class, names = {"MARIADB", "POSTGRESQL"})
    void a_consumer_killed_mid_command_loses_nothing_and_every_command_completes_once_in_effect(TestDatabases db)
            throws Exception {
        // given: 120 commands, and two consumers in their own clients (processes) working on them together
        Duration lease = Duration.ofSeconds(2);
        JdbcCommandQueue producer = open(db, lease);
        producer.createSchema();
        JdbcCommandQueue dying = open(db, lease);
        QueueSessions dyingSessions = QueueSessions.record(dying, db);
        JdbcCommandQueue survivor = open(db, lease);
        String name = "kill-" + UUID.randomUUID().toString().substring(0, 8);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 120; i++) {
            QueuedCommand c = command("c-" + i);
            ids.add(c.commandId());
            assertThat(producer.send(name, c)).isTrue();
        }
        Set<String> effects = ConcurrentHashMap.newKeySet();            // the idempotent effect, keyed by command id
        Map<String, AtomicInteger> handlerRuns = new ConcurrentHashMap<>();
        Set<String> completed = ConcurrentHashMap.newKeySet();          // acknowledged
        List<String> completedTwice = new CopyOnWriteArrayList<>();
        AtomicReference<List<Delivery>> heldAtDeath = new AtomicReference<>();
        CountDownLatch midCommand = new CountDownLatch(1);
        CountDownLatch dead = new CountDownLatch(1);

        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            // when: the dying consumer handles 15 commands, then dies after the effect of the 16th and before its
            // acknowledgement, holding the rest of its batch
            Future<?> dyingRun = threads.submit(() -> {
                int handled = 0;
                while (true) {
                    List<Delivery> batch = dying.poll(name, "dying", 4, Duration.ofMillis(200));
                    for (int i = 0; i < batch.size(); i++) {
                        Delivery d = batch.get(i);
                        handle(d, effects, handlerRuns);
                        if (++handled == 16) {
                            heldAtDeath.set(List.copyOf(batch.subList(i, batch.size())));
                            midCommand.countDown();
                            dead.await();
                            return null; // the process is gone: no acknowledgement, no more polls
                        }
                        dying.acknowledge(d);
                        if (!completed.add(d.command().commandId())) {
                            completedTwice.add(d.command().commandId());
                        }
                    }
                }
            });
            Future<?> survivorRun = threads.submit(() -> {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
                while (completed.size() < ids.size() && System.nanoTime() < deadline) {
                    for (Delivery d : survivor.poll(name, "survivor", 4, Duration.ofMillis(200))) {
                        handle(d, effects, handlerRuns);
                        survivor.acknowledge(d);
                        if (!completed.add(d.command().commandId())) {
                            completedTwice.add(d.command().commandId());
                        }
                        if (heldAtDeath.get() != null && heldAtDeath.get().stream()
                                .anyMatch(h -> h.deliveryId().equals(d.deliveryId()))) {
                            assertThat(d.attempt()).as("a command the dead consumer held").isEqualTo(2);
                        }
                    }
                }
                return null;
            });
            assertThat(midCommand.await(60, TimeUnit.SECONDS)).isTrue();
            assertThat(dyingSessions.killAll(service)).as("sessions of the dying consumer killed").isPositive();
            dead.countDown();
            dyingRun.get(60, TimeUnit.SECONDS);
            survivorRun.get(120, TimeUnit.SECONDS);
        } finally {
            threads.shutdownNow();
        }

        // then: every command completed, none twice; every effect happened once; nothing dead; all rows done
        assertThat(completedTwice).isEmpty();
        assertThat(completed).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(effects).containsExactlyInAnyOrderElementsOf(ids);
        String killedMidCommand = heldAtDeath.get().get(0).command().commandId();
        assertThat(handlerRuns.get(killedMidCommand)).as("handled by the dead consumer, then again").hasValue(2);
        handlerRuns.forEach((id, runs) -> {
            if (!id.equals(killedMidCommand)) {
                assertThat(runs).as("handler runs of %s", id).hasValue(1);
            }
        });
        assertThat(survivor.deadLetters(name, 10)).isEmpty();
        assertThat(rowsInState(db, name, QueueStatements.DONE)).isEqualTo(ids.size());
        assertThat(rowsInState(db, name, QueueStatements.READY)).isZero();
    }

    @ParameterizedTest
    @EnumSource(value = TestDatabases.class, names = {"MARIADB", "POSTGRESQL"})
    void a_consumer_killed_inside_its_claim_transaction_leaves_its_rows_claimable_at_once(TestDatabases db)
            throws Exception {
        // given: a long lease, so a row that had been leased would not come back during the test
        Duration lease = Duration.ofSeconds(60);
        JdbcCommandQueue producer = open(db, lease);
        producer.createSchema();
        JdbcCommandQueue dying = open(db, lease);
        JdbcCommandQueue other = open(db, lease);
        String name = "kill-" + UUID.randomUUID().toString().substring(0, 8);
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            QueuedCommand c = command("c-" + i);
            sent.add(c.commandId());
            producer.send(name, c);
        }
        List<Delivery> takenMeanwhile = new ArrayList<>();
        dying.hook(new QueueHook() {
            @Override
            public void claimed(Connection connection, int rows) throws SQLException {
                // while the dying claim holds its rows locked, another consumer skips them instead of waiting
                takenMeanwhile.addAll(other.poll(name, "other", 10, Duration.ZERO));
                QueueSessions.kill(db, service, QueueSessions.sessionId(db, connection));
            }
        });

        // when: the dying consumer's session is killed between its SELECT ... FOR UPDATE and its COMMIT
        assertThatThrownBy(() -> dying.poll(name, "dying", 3, Duration.ZERO))
                .isInstanceOfSatisfying(CommandQueueException.class, e -> {
                    assertThat(e.isTransient()).isTrue();
                    assertThat(e.queue()).contains(name);
                })
                .hasMessageContaining("claiming commands of queue '" + name + "'");

        // then: the other consumer got the rows the dying one had not locked, and now gets the others at once,
        // as first attempts: the killed claim was rolled back by the server
        assertThat(takenMeanwhile).extracting(d -> d.command().commandId()).containsExactlyElementsOf(sent.subList(3, 6));
        List<Delivery> released = other.poll(name, "other", 10, Duration.ZERO);
        assertThat(released).extracting(d -> d.command().commandId()).containsExactlyElementsOf(sent.subList(0, 3));
        assertThat(released).extracting(Delivery::attempt).containsOnly(1);
        assertThat(takenMeanwhile).extracting(Delivery::attempt).containsOnly(1);
        released.forEach(other::acknowledge);
        takenMeanwhile.forEach(other::acknowledge);
        assertThat(rowsInState(db, name, QueueStatements.DONE)).isEqualTo(6);
    }

    private static void handle(Delivery d, Set<String> effects, Map<String, AtomicInteger> runs) {
        runs.computeIfAbsent(d.command().commandId(), k -> new AtomicInteger()).incrementAndGet();
        effects.add(d.command().commandId()); // the handler writes the command id with its effect: once
    }

    private long rowsInState(TestDatabases db, String queue, int state) throws SQLException {
        String q = db == TestDatabases.MARIADB ? "`" : "\"";
        try (Connection c = TestDatabases.connect(service); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + q + table + q + " WHERE " + q + "queue_name" + q
                     + " = '" + queue + "' AND " + q + "state" + q + " = " + state)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
