package io.modularddd.eventstore.jdbc;

import static io.modularddd.eventstore.jdbc.QueueFixture.command;
import static io.modularddd.eventstore.jdbc.QueueFixture.queueName;
import static io.modularddd.eventstore.jdbc.QueueFixture.text;
import static org.assertj.core.api.Assertions.assertThat;

import io.modularddd.core.SerializationException;
import io.modularddd.core.queue.CommandCodec;
import io.modularddd.core.queue.DeadLetter;
import io.modularddd.core.queue.Delivery;
import io.modularddd.core.queue.QueuedCommand;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The {@link JdbcCommandQueue}'s own behaviour beyond the contract, on each database: rows that no longer
 * decode, commands that no longer decode into their class, abandonment, stale failures and acknowledgements,
 * the retry delay, the purge of remembered ids, concurrent sends of one id.
 */
class JdbcCommandQueueTest {

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

    @ParameterizedTest
    @EnumSource(TestDatabases.class)
    void a_row_that_no_longer_decodes_becomes_a_dead_letter_at_once_and_the_rows_behind_it_are_delivered(
            TestDatabases db) throws Exception {
        // given: five commands, three of whose rows are then changed outside the queue
        QueueFixture f = on(db);
        JdbcCommandQueue queue = f.open(Duration.ofSeconds(30), 5);
        String name = queueName();
        List<QueuedCommand> sent = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            sent.add(command("c-" + i));
            queue.send(name, sent.get(i));
        }
        String where = " WHERE " + f.q("command_id") + " = ?";
        update(f, "UPDATE " + f.q(f.table) + " SET " + f.q("payload") + " = ?" + where,
                "c-X".getBytes(StandardCharsets.UTF_8), sent.get(1).commandId());          // same length, other bytes
        update(f, "UPDATE " + f.q(f.table) + " SET " + f.q("type_name") + " = ?" + where, " padded",
                sent.get(2).commandId());                                                   // not a valid type name
        update(f, "UPDATE " + f.q(f.table) + " SET " + f.q("payload_length") + " = 999" + where, null,
                sent.get(3).commandId());

        // when
        List<Delivery> got = queue.poll(name, "c", 10, Duration.ofSeconds(2));

        // then: the good ones are delivered, the others are dead letters with the reason, and never come back
        assertThat(got).extracting(d -> d.command().commandId())
                .containsExactly(sent.get(0).commandId(), sent.get(4).commandId());
        assertThat(queue.poll(name, "c", 10, Duration.ZERO)).isEmpty();
        Map<String, DeadLetter> dead = new HashMap<>();
        queue.deadLetters(name, 10).forEach(d -> dead.put(d.command().commandId(), d));
        assertThat(dead).containsOnlyKeys(sent.get(1).commandId(), sent.get(2).commandId(), sent.get(3).commandId());
        assertThat(dead.get(sent.get(1).commandId()).lastError()).contains("does not decode").contains("CRC-32C");
        assertThat(dead.get(sent.get(1).commandId()).command().payload()).asString(StandardCharsets.UTF_8)
                .isEqualTo("c-X");
        assertThat(dead.get(sent.get(2).commandId()).lastError()).contains("does not decode").contains("typeName");
        assertThat(dead.get(sent.get(2).commandId()).command().typeName()).isEqualTo("undecodable");
        assertThat(dead.get(sent.get(3).commandId()).lastError()).contains("payload_length says 999");
        assertThat(dead.values()).extracting(DeadLetter::attempts).containsOnly(1);
        assertThat(f.rows(name, QueueStatements.DEAD)).isEqualTo(3);
    }

    private static void update(QueueFixture f, String sql, Object value, String commandId) throws SQLException {
        try (Connection c = TestDatabases.connect(f.service); PreparedStatement ps = c.prepareStatement(sql)) {
            int i = 1;
            if (value instanceof byte[] bytes) {
                ps.setBytes(i++, bytes);
            } else if (value != null) {
                ps.setString(i++, (String) value);
            }
            ps.setString(i, commandId);
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
    }

    /** A command of the codec test. */
    record Deposit(String account, long amount) {
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.class)
    void a_command_that_no_longer_decodes_into_its_class_is_failed_into_the_dead_letters_and_never_loops(
            TestDatabases db) throws Exception {
        // given: a consumer decoding through the codec; one entry's payload no longer fits the class, one names a
        // type the codec does not know
        QueueFixture f = on(db);
        JdbcCommandQueue queue = f.open(Duration.ofSeconds(10), 3);
        CommandCodec codec = CommandCodec.builder().register("Deposit", Deposit.class).build();
        String name = queueName();
        QueuedCommand good = codec.encode(UUID.randomUUID().toString(), new Deposit("acc-1", 100));
        QueuedCommand badShape = new QueuedCommand(UUID.randomUUID().toString(), "Deposit",
                "{\"account\":\"acc-2\",\"amount\":\"lots\"}".getBytes(StandardCharsets.UTF_8));
        QueuedCommand unknownType = new QueuedCommand(UUID.randomUUID().toString(), "Withdraw",
                "{\"account\":\"acc-3\"}".getBytes(StandardCharsets.UTF_8));
        queue.send(name, badShape);
        queue.send(name, good);
        queue.send(name, unknownType);

        // when: the consumer works until nothing is left
        List<Object> handled = new ArrayList<>();
        Map<String, List<Integer>> attempts = new HashMap<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (queue.deadLetters(name, 10).size() < 2 && System.nanoTime() < deadline) {
            for (Delivery d : queue.poll(name, "c", 10, Duration.ofMillis(500))) {
                attempts.computeIfAbsent(d.command().commandId(), k -> new ArrayList<>()).add(d.attempt());
                try {
                    handled.add(codec.decode(d.command()));
                    queue.acknowledge(d);
                } catch (SerializationException e) {
                    queue.fail(d, "SerializationException: " + e.getMessage());
                }
            }
        }

        // then: the good one ran once; each bad one was tried maxAttempts times and is a dead letter naming its type
        assertThat(handled).containsExactly(new Deposit("acc-1", 100));
        assertThat(attempts.get(badShape.commandId())).containsExactly(1, 2, 3);
        assertThat(attempts.get(unknownType.commandId())).containsExactly(1, 2, 3);
        assertThat(queue.poll(name, "c", 10, Duration.ofMillis(300))).isEmpty();
        List<DeadLetter> dead = queue.deadLetters(name, 10);
        assertThat(dead).extracting(d -> d.command().commandId())
                .containsExactlyInAnyOrder(badShape.commandId(), unknownType.commandId());
        assertThat(dead).allSatisfy(d -> assertThat(d.attempts()).isEqualTo(3));
        assertThat(dead).filteredOn(d -> d.command().equals(badShape)).singleElement()
                .satisfies(d -> assertThat(d.lastError()).contains("'Deposit'").contains(Deposit.class.getName()));
        assertThat(dead).filteredOn(d -> d.command().equals(unknownType)).singleElement()
                .satisfies(d -> assertThat(d.lastError()).contains("'Withdraw'"));
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.class)
    void a_command_abandoned_max_attempts_times_becomes_a_dead_letter_saying_so(TestDatabases db) throws Exception {
        QueueFixture f = on(db);
        JdbcCommandQueue queue = f.open(Duration.ofMillis(300), 2);
        String name = queueName();
        QueuedCommand sent = command("slow");
        queue.send(name, sent);

        // given: two consumers that each take it and die (never acknowledge nor fail)
        assertThat(queue.poll(name, "c1", 1, Duration.ofSeconds(2))).extracting(Delivery::attempt).containsExactly(1);
        List<Delivery> second = List.of();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (second.isEmpty() && System.nanoTime() < deadline) {
            second = queue.poll(name, "c2", 1, Duration.ofSeconds(1));
        }
        assertThat(second).extracting(Delivery::attempt).containsExactly(2);

        // when: its second lease runs out, the next claim moves it aside instead of delivering it a third time
        assertThat(queue.poll(name, "c3", 1, Duration.ofSeconds(2))).isEmpty();

        // then
        assertThat(queue.deadLetters(name, 10)).singleElement().satisfies(d -> {
            assertThat(d.command()).isEqualTo(sent);
            assertThat(d.attempts()).isEqualTo(2);
            assertThat(d.lastError()).contains("abandoned").contains("consumer 'c2'").contains("PT0.3S");
        });
        assertThat(f.rows(name, QueueStatements.DEAD)).isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.class)
    void a_long_error_is_stored_shortened_also_when_the_command_is_then_abandoned(TestDatabases db) {
        QueueFixture f = on(db);
        JdbcCommandQueue queue = f.open(Duration.ofMillis(300), 2);
        String name = queueName();
        queue.send(name, command("x"));
        queue.fail(queue.poll(name, "c1", 1, Duration.ofSeconds(2)).get(0), "IllegalStateException: "
                + "é🚀".repeat(2_000));
        List<Delivery> second = List.of();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (second.isEmpty() && System.nanoTime() < deadline) {
            second = queue.poll(name, "c2", 1, Duration.ofSeconds(1));
        }
        assertThat(second).extracting(Delivery::attempt).containsExactly(2);

        // when: c2 dies too, and the next claim moves the command aside with a reason quoting the long error
        assertThat(queue.poll(name, "c3", 1, Duration.ofSeconds(2))).isEmpty();

        // then
        assertThat(queue.deadLetters(name, 10)).singleElement().satisfies(d -> {
            assertThat(d.lastError()).startsWith("abandoned").contains("IllegalStateException: é🚀").endsWith("…");
            assertThat(d.lastError().length()).isLessThanOrEqualTo(1000);
        });
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.class)
    void a_failure_reported_for_an_old_attempt_changes_nothing_and_the_first_acknowledgement_wins(TestDatabases db)
            throws Exception {
        QueueFixture f = on(db);
        JdbcCommandQueue a = f.open(Duration.ofMillis(300), 5);
        JdbcCommandQueue b = f.open(Duration.ofMillis(300), 5);
        String name = queueName();
        a.send(name, command("x"));
        Delivery first = a.poll(name, "a", 1, Duration.ofSeconds(2)).get(0);
        List<Delivery> retaken = List.of();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (retaken.isEmpty() && System.nanoTime() < deadline) {
            retaken = b.poll(name, "b", 1, Duration.ofSeconds(1));
        }
        Delivery second = retaken.get(0);
        assertThat(second.attempt()).isEqualTo(2);

        // when: the first holder reports a failure after its lease ran out and b took the command
        a.fail(first, "too late");

        // then: b still holds it (nobody else gets it, no error recorded), attempt 2 stays current
        assertThat(f.number("SELECT COUNT(*) FROM " + f.q(f.table) + " WHERE " + f.q("lease_owner") + " = 'b' AND "
                + f.q("attempt") + " = 2 AND " + f.q("last_error") + " IS NULL")).isEqualTo(1);

        // and the first acknowledgement wins, even the late one; the second does no harm
        a.acknowledge(first);
        b.fail(second, "after it was done");
        b.acknowledge(second);
        assertThat(b.poll(name, "b", 1, Duration.ofMillis(800))).isEmpty();
        assertThat(f.rows(name, QueueStatements.DONE)).isEqualTo(1);
        assertThat(b.deadLetters(name, 10)).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.class)
    void a_failed_command_is_due_again_after_the_retry_delay_not_at_once(TestDatabases db) throws Exception {
        QueueFixture f = on(db);
        JdbcCommandQueue queue = f.open(Duration.ofSeconds(10), 5);
        String name = queueName();
        queue.send(name, command("x"));
        Delivery d = queue.poll(name, "c", 1, Duration.ofSeconds(2)).get(0);
        String clock = new QueueStatements(db == TestDatabases.MARIADB ? JdbcDialect.MARIADB
                : db == TestDatabases.POSTGRESQL ? JdbcDialect.POSTGRESQL : JdbcDialect.H2, f.table, 1, 1).clock;
        long before = f.number(clock);

        queue.fail(d, "IllegalStateException: try later");

        long dueAt = f.number("SELECT " + f.q("due_at") + " FROM " + f.q(f.table));
        assertThat(dueAt - before).as("due again 100 ms after the failure, not at once")
                .isGreaterThanOrEqualTo(100_000).isLessThan(10_000_000);
        Delivery again = queue.poll(name, "c", 1, Duration.ofSeconds(5)).get(0);
        assertThat(again.attempt()).isEqualTo(2);
        assertThat(queue.retryDelayMicros(1)).isEqualTo(100_000);
        assertThat(queue.retryDelayMicros(4)).isEqualTo(800_000);
        assertThat(queue.retryDelayMicros(40)).as("at most the lease time").isEqualTo(10_000_000);
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.class)
    void done_commands_are_forgotten_after_their_id_retention_in_bounded_batches(TestDatabases db) throws Exception {
        // given: done rows of two queues whose retention ran out, and rows that must stay
        QueueFixture f = on(db);
        JdbcCommandQueue queue = f.open(b -> b.leaseTime(Duration.ofSeconds(30)).maxAttempts(1)
                .idRetention(Duration.ofHours(1)));
        String name = queueName();
        String other = queueName();
        QueuedCommand retained = command("acknowledged just now");
        QueuedCommand expired = command("acknowledged long ago");
        QueuedCommand waiting = command("waiting");
        QueuedCommand poison = command("poison");
        for (QueuedCommand c : List.of(retained, expired, poison)) {
            queue.send(name, c);
            Delivery d = queue.poll(name, "c", 1, Duration.ofSeconds(2)).get(0);
            if (c == poison) {
                queue.fail(d, "dead");
            } else {
                queue.acknowledge(d);
            }
        }
        queue.send(name, waiting);
        insertDone(f, name, 1_003); // after the polls above, whose first one purged (nothing)
        insertDone(f, other, 5);
        f.execute("UPDATE " + f.q(f.table) + " SET " + f.q("due_at") + " = 0 WHERE " + f.q("command_id") + " = '"
                + expired.commandId() + "'");
        f.execute("UPDATE " + f.q(f.table) + " SET " + f.q("enqueued_at") + " = 0, " + f.q("due_at") + " = 0 WHERE "
                + f.q("command_id") + " IN ('" + waiting.commandId() + "', '" + poison.commandId() + "')");

        // when / then: batches of at most 1,000 rows, of this queue only
        assertThat(queue.purge(name)).isEqualTo(1_000);
        assertThat(queue.purge(name)).isEqualTo(4);
        assertThat(queue.purge(name)).isZero();
        assertThat(f.rows(name, QueueStatements.DONE)).as("the retained one").isEqualTo(1);
        assertThat(f.rows(name, QueueStatements.READY)).as("waiting rows are never purged").isEqualTo(1);
        assertThat(f.rows(name, QueueStatements.DEAD)).as("dead letters are never purged").isEqualTo(1);
        assertThat(f.rows(other, QueueStatements.DONE)).isEqualTo(5);

        // and a forgotten id is accepted again, a retained one is not
        assertThat(queue.send(name, expired)).isTrue();
        assertThat(queue.send(name, retained)).isFalse();

        // and a poll purges what is due by itself
        f.open(Duration.ofSeconds(30), 3).poll(other, "c", 1, Duration.ZERO);
        assertThat(f.rows(other, QueueStatements.DONE)).isZero();
    }

    private static void insertDone(QueueFixture f, String queue, int rows) throws SQLException {
        String sql = "INSERT INTO " + f.q(f.table) + " (" + f.q("queue_name") + ", " + f.q("command_id") + ", "
                + f.q("type_name") + ", " + f.q("payload") + ", " + f.q("payload_length") + ", "
                + f.q("payload_crc32c") + ", " + f.q("state") + ", " + f.q("attempt") + ", " + f.q("due_at") + ", "
                + f.q("enqueued_at") + ") VALUES (?, ?, 'Test.Command', ?, 0, 0, 1, 1, 0, 0)";
        try (Connection c = TestDatabases.connect(f.service); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < rows; i++) {
                ps.setString(1, queue);
                ps.setString(2, UUID.randomUUID().toString());
                ps.setBytes(3, new byte[0]);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.class)
    void concurrent_sends_of_one_command_id_accept_it_once(TestDatabases db) throws Exception {
        QueueFixture f = on(db);
        List<JdbcCommandQueue> clients = List.of(f.open(Duration.ofSeconds(30), 3), f.open(Duration.ofSeconds(30), 3));
        String name = queueName();
        int senders = 6;
        for (int round = 0; round < 5; round++) {
            QueuedCommand c = command("round " + round);
            CyclicBarrier start = new CyclicBarrier(senders);
            ExecutorService pool = Executors.newFixedThreadPool(senders);
            try {
                List<Future<Boolean>> results = new ArrayList<>();
                for (int i = 0; i < senders; i++) {
                    JdbcCommandQueue client = clients.get(i % 2);
                    Callable<Boolean> send = () -> {
                        start.await(10, TimeUnit.SECONDS);
                        return client.send(name, c);
                    };
                    results.add(pool.submit(send));
                }
                int accepted = 0;
                for (Future<Boolean> r : results) {
                    accepted += r.get(30, TimeUnit.SECONDS) ? 1 : 0;
                }
                assertThat(accepted).as("round %d", round).isEqualTo(1);
            } finally {
                pool.shutdownNow();
            }
        }
        assertThat(clients.get(0).poll(name, "c", 10, Duration.ofSeconds(2))).extracting(QueueFixture::text)
                .containsExactly("round 0", "round 1", "round 2", "round 3", "round 4");
    }
}
