package io.modularddd.eventstore.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modularddd.core.InvalidInputException;
import io.modularddd.core.queue.CommandQueueException;
import io.modularddd.core.queue.DeadLetter;
import io.modularddd.core.queue.Delivery;
import io.modularddd.core.queue.QueuedCommand;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.params.XAddParams;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * {@link RedisCommandQueue} on one {@link RedisTarget}, beyond the testkit's contract: a consumer killed
 * with {@code CLIENT KILL} while it holds commands and waits in a blocking poll, commands abandoned until
 * they become dead letters, damaged entries, stale acknowledgements and failures, the key layout and the
 * stream's trimming, keys of the wrong type, a deleted stream, and blocked polls that must not starve the
 * other commands.
 */
abstract class RedisCommandQueueSuite {

    /** The Redis the suite runs on. */
    protected abstract RedisTarget target();

    /** The key prefix the suite's keys live under (deleted by the enclosing test class). */
    protected abstract String prefix();

    private final List<RedisCommandQueue> opened = new ArrayList<>();

    @AfterEach
    void closeQueues() {
        opened.forEach(RedisCommandQueue::close);
    }

    private RedisCommandQueue open(UnaryOperator<RedisCommandQueueBuilder> settings) {
        RedisCommandQueue queue = settings.apply(target().queue(prefix())).build();
        opened.add(queue);
        return queue;
    }

    private static String queueName() {
        return "suite-" + UUID.randomUUID().toString().substring(0, 13);
    }

    private static QueuedCommand command(String text) {
        return new QueuedCommand(UUID.randomUUID().toString(), "Suite.Command", text.getBytes(StandardCharsets.UTF_8));
    }

    private static List<Delivery> pollUntilSome(RedisCommandQueue queue, String name, String consumer, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        List<Delivery> got = List.of();
        while (got.isEmpty() && System.nanoTime() < deadline) {
            got = queue.poll(name, consumer, 10, Duration.ofMillis(200));
        }
        return got;
    }

    @Test
    void two_consumers_and_one_killed_while_it_holds_commands_every_command_completes_once_in_effect()
            throws Exception {
        // given: 60 commands, a consumer that takes five and a survivor
        Duration lease = Duration.ofSeconds(2);
        RedisCommandQueue producer = open(b -> b.leaseTime(lease));
        RedisCommandQueue dying = open(b -> b.leaseTime(lease));
        RedisCommandQueue survivor = open(b -> b.leaseTime(lease));
        String name = queueName();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            QueuedCommand c = command("c-" + i);
            ids.add(c.commandId());
            assertThat(producer.send(name, c)).isTrue();
        }
        Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();      // handler executions per command
        Map<String, AtomicInteger> effects = new ConcurrentHashMap<>();   // state changes per command (idempotent)
        List<String> acknowledged = java.util.Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            // the dying process: one thread completes two commands, applies the third without acknowledging
            // it and holds two more; another thread waits in a blocking poll on an empty queue
            List<Delivery> taken = pool.submit(() -> {
                List<Delivery> got = dying.poll(name, "dying", 5, Duration.ofSeconds(5));
                for (int i = 0; i < 3; i++) {
                    handle(got.get(i), runs, effects);
                    if (i < 2) {
                        dying.acknowledge(got.get(i));
                        acknowledged.add(got.get(i).command().commandId());
                    }
                }
                return got;
            }).get(20, TimeUnit.SECONDS);
            assertThat(taken).hasSize(5);
            Future<List<Delivery>> waiting = pool.submit(() -> dying.poll(queueName(), "dying-2", 1,
                    Duration.ofSeconds(60)));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (QueueClients.blocked(target().inspector(), dying) == 0 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertThat(QueueClients.blocked(target().inspector(), dying)).as("a blocked poll connection").isPositive();
            // the survivor works alongside
            Future<List<Delivery>> survivorWork = pool.submit(() -> {
                List<Delivery> seen = new ArrayList<>();
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
                while (acknowledged.size() < ids.size() && System.nanoTime() < end) {
                    for (Delivery d : survivor.poll(name, "survivor", 10, Duration.ofMillis(200))) {
                        seen.add(d);
                        handle(d, runs, effects);
                        survivor.acknowledge(d);
                        acknowledged.add(d.command().commandId());
                    }
                }
                return seen;
            });

            // when: the dying process's connections are killed server-side, as its death drops them (again
            // until its waiting poll has ended: a dead process opens no new ones)
            long killDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            do {
                QueueClients.kill(target().inspector(), dying);
                Thread.sleep(20);
            } while (!waiting.isDone() && System.nanoTime() < killDeadline);

            // then: the waiting poll failed at once with a transient error rather than hanging
            assertThatThrownBy(() -> waiting.get(1, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(CommandQueueException.class)
                    .matches(e -> ((CommandQueueException) e).isTransient(), "transient");
            List<Delivery> seen = survivorWork.get(60, TimeUnit.SECONDS);
            // every command completed, each acknowledged once, each with exactly one effect
            assertThat(acknowledged).containsExactlyInAnyOrderElementsOf(ids);
            assertThat(effects.keySet()).containsExactlyInAnyOrderElementsOf(ids);
            assertThat(effects.values()).allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
            // only the command the dying consumer applied without acknowledging ran twice
            String appliedNotAcknowledged = taken.get(2).command().commandId();
            runs.forEach((id, n) -> assertThat(n.get()).as(id)
                    .isEqualTo(id.equals(appliedNotAcknowledged) ? 2 : 1));
            // the three it held came back as second attempts
            Set<String> held = Set.of(taken.get(2).command().commandId(), taken.get(3).command().commandId(),
                    taken.get(4).command().commandId());
            assertThat(seen).filteredOn(d -> held.contains(d.command().commandId())).hasSize(3)
                    .allSatisfy(d -> assertThat(d.attempt()).isEqualTo(2));
            assertThat(seen).filteredOn(d -> !held.contains(d.command().commandId()))
                    .allSatisfy(d -> assertThat(d.attempt()).isEqualTo(1));
            assertThat(survivor.deadLetters(name, 10)).isEmpty();
            String stream = survivor.keys().stream(name);
            assertThat(target().inspector().xlen(stream)).as("entries left in the stream").isZero();
            assertThat(target().inspector().xpending(stream, survivor.consumerGroup()).getTotal()).isZero();
        } finally {
            pool.shutdownNow();
        }
    }

    /** An idempotent handler: its effect is keyed by the command id, a second run changes nothing. */
    private static void handle(Delivery d, Map<String, AtomicInteger> runs, Map<String, AtomicInteger> effects) {
        String id = d.command().commandId();
        runs.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
        effects.computeIfAbsent(id, k -> new AtomicInteger()).compareAndSet(0, 1);
    }

    @Test
    void a_command_whose_consumers_keep_dying_becomes_a_dead_letter_after_max_attempts() {
        // given: a short lease and two attempts
        RedisCommandQueue queue = open(b -> b.leaseTime(Duration.ofMillis(300)).maxAttempts(2));
        String name = queueName();
        QueuedCommand sent = command("abandoned");
        queue.send(name, sent);

        // when: two consumers take it and never answer
        List<Delivery> first = pollUntilSome(queue, name, "c1", Duration.ofSeconds(5));
        List<Delivery> second = pollUntilSome(queue, name, "c2", Duration.ofSeconds(5));
        List<Delivery> third = pollUntilSome(queue, name, "c3", Duration.ofSeconds(2));

        // then: attempts 1 and 2, then it is moved aside and not delivered again
        assertThat(first).extracting(Delivery::attempt).containsExactly(1);
        assertThat(second).extracting(Delivery::attempt).containsExactly(2);
        assertThat(third).isEmpty();
        List<DeadLetter> dead = queue.deadLetters(name, 10);
        assertThat(dead).hasSize(1);
        assertThat(dead.get(0).command()).isEqualTo(sent);
        assertThat(dead.get(0).attempts()).isEqualTo(2);
        assertThat(dead.get(0).lastError()).contains("lease time");
        assertThat(target().inspector().xlen(queue.keys().stream(name))).isZero();
    }

    @Test
    void a_damaged_entry_becomes_a_dead_letter_and_the_commands_around_it_are_delivered_in_order() {
        // given: good commands around entries that something else wrote into the stream
        RedisCommandQueue queue = open(b -> b.leaseTime(Duration.ofMillis(500)));
        String name = queueName();
        String stream = queue.keys().stream(name);
        QueuedCommand before = command("before");
        QueuedCommand after = command("after");
        queue.send(name, before);
        rawEntry(stream, "id", "only-an-id".getBytes(StandardCharsets.UTF_8));
        rawEntry(stream, "id", "x".getBytes(StandardCharsets.UTF_8), "type", "T".getBytes(StandardCharsets.UTF_8),
                "payload", new byte[] {1}, "attempts", "lots".getBytes(StandardCharsets.UTF_8));
        rawEntry(stream, "id", new byte[] {(byte) 0xC3, 0x28}, "type", "T".getBytes(StandardCharsets.UTF_8),
                "payload", new byte[] {2}, "attempts", "0".getBytes(StandardCharsets.UTF_8));
        rawEntry(stream, "id", " ".getBytes(StandardCharsets.UTF_8), "type", "T".getBytes(StandardCharsets.UTF_8),
                "payload", new byte[] {3}, "attempts", "0".getBytes(StandardCharsets.UTF_8));
        queue.send(name, after);

        // when
        List<Delivery> got = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (got.size() < 2 && System.nanoTime() < deadline) {
            for (Delivery d : queue.poll(name, "c", 10, Duration.ofMillis(200))) {
                got.add(d);
                queue.acknowledge(d);
            }
        }

        // then: the good ones, in order; the damaged ones are dead letters that say what was wrong
        assertThat(got).extracting(Delivery::command).containsExactly(before, after);
        List<DeadLetter> dead = queue.deadLetters(name, 10);
        assertThat(dead).hasSize(4);
        assertThat(dead.get(0).lastError()).contains("field 'type' is missing", "field 'payload' is missing");
        assertThat(dead.get(0).command().commandId()).isEqualTo("only-an-id");
        assertThat(dead.get(1).lastError()).contains("field 'attempts' is not a count: lots");
        assertThat(dead.get(2).lastError()).contains("field 'id' is not UTF-8");
        assertThat(dead.get(2).command().commandId()).startsWith("damaged-entry-");
        assertThat(dead.get(3).lastError()).contains("commandId");
        assertThat(dead).allSatisfy(d -> assertThat(d.deadAt()).isAfter(java.time.Instant.parse("2020-01-01T00:00:00Z")));
        // nothing is left to loop: the stream is empty, and no poll brings a damaged entry back
        assertThat(target().inspector().xlen(stream)).isZero();
        assertThat(queue.poll(name, "c", 10, Duration.ofSeconds(1))).isEmpty();
        assertThat(target().inspector().xpending(stream, queue.consumerGroup()).getTotal()).isZero();
    }

    @Test
    void a_damaged_dead_letter_entry_is_listed_not_thrown() {
        RedisCommandQueue queue = open(UnaryOperator.identity());
        String name = queueName();
        rawEntry(queue.keys().dead(name), "error", "hand-written".getBytes(StandardCharsets.UTF_8));

        List<DeadLetter> dead = queue.deadLetters(name, 10);

        assertThat(dead).hasSize(1);
        assertThat(dead.get(0).lastError()).contains("damaged", "field 'id' is missing", "hand-written");
        assertThat(dead.get(0).command().typeName()).isEqualTo(QueueEntries.UNKNOWN_TYPE);
    }

    private void rawEntry(String key, Object... fieldsAndValues) {
        Map<byte[], byte[]> fields = new LinkedHashMap<>();
        for (int i = 0; i < fieldsAndValues.length; i += 2) {
            fields.put(((String) fieldsAndValues[i]).getBytes(StandardCharsets.UTF_8), (byte[]) fieldsAndValues[i + 1]);
        }
        target().inspector().xadd(key.getBytes(StandardCharsets.UTF_8), XAddParams.xAddParams(), fields);
    }

    @Test
    void a_late_failure_or_acknowledgement_of_a_delivery_another_consumer_took_does_no_harm() {
        // given: c1's lease ran out and c2 took the command
        RedisCommandQueue queue = open(b -> b.leaseTime(Duration.ofMillis(300)).maxAttempts(5));
        String name = queueName();
        queue.send(name, command("contended"));
        Delivery late = pollUntilSome(queue, name, "c1", Duration.ofSeconds(5)).get(0);
        Delivery current = pollUntilSome(queue, name, "c2", Duration.ofSeconds(5)).get(0);
        assertThat(current.attempt()).isEqualTo(2);

        // when: c1 wakes up and reports a failure
        queue.fail(late, "too late");

        // then: nothing was added; c2's acknowledgement completes the command
        assertThat(target().inspector().xlen(queue.keys().stream(name))).isEqualTo(1);
        queue.acknowledge(current);
        queue.acknowledge(late);
        assertThat(queue.poll(name, "c3", 10, Duration.ofSeconds(1))).isEmpty();
        assertThat(queue.deadLetters(name, 10)).isEmpty();
        assertThat(target().inspector().xlen(queue.keys().stream(name))).isZero();
    }

    @Test
    void a_queues_keys_share_one_slot_and_its_stream_holds_only_waiting_and_in_flight_commands() {
        // given
        RedisCommandQueue queue = open(b -> b.idRetention(Duration.ofHours(2)));
        String name = queueName();
        QueuedCommand a = command("a");
        QueuedCommand b = command("b");
        QueuedCommand c = command("c");
        String stream = queue.keys().stream(name);

        // when / then
        queue.send(name, a);
        queue.send(name, b);
        queue.send(name, c);
        assertThat(target().inspector().xlen(stream)).isEqualTo(3);
        List<Delivery> got = queue.poll(name, "c", 10, Duration.ofSeconds(2));
        queue.acknowledge(got.get(0));
        queue.acknowledge(got.get(1));
        assertThat(target().inspector().xlen(stream)).isEqualTo(1);
        queue.fail(got.get(2), "once");
        assertThat(target().inspector().xlen(stream)).as("the retry replaced the entry").isEqualTo(1);
        Delivery retry = queue.poll(name, "c", 10, Duration.ofSeconds(2)).get(0);
        assertThat(retry.attempt()).isEqualTo(2);
        queue.acknowledge(retry);
        assertThat(target().inspector().xlen(stream)).isZero();

        String idKey = queue.keys().id(name, a.commandId());
        long ttl = target().inspector().pttl(idKey);
        assertThat(ttl).as("the id key outlives the command, for the id retention")
                .isBetween(Duration.ofHours(2).minusMinutes(1).toMillis(), Duration.ofHours(2).toMillis());
        assertThat(stream).isEqualTo(prefix() + ":{" + name + "}");
        assertThat(JedisClusterCRC16.getSlot(queue.keys().dead(name))).isEqualTo(JedisClusterCRC16.getSlot(stream));
        assertThat(JedisClusterCRC16.getSlot(idKey)).isEqualTo(JedisClusterCRC16.getSlot(stream));
        assertThat(JedisClusterCRC16.getSlot(queue.keys().id(name, "{other}"))).isEqualTo(JedisClusterCRC16.getSlot(stream));
    }

    @Test
    void a_send_that_cannot_add_its_entry_remembers_no_id_so_the_command_can_be_sent_again() {
        // given: the queue's key holds something else
        RedisCommandQueue queue = open(UnaryOperator.identity());
        String name = queueName();
        String stream = queue.keys().stream(name);
        target().inspector().set(stream, "not a stream");
        QueuedCommand sent = command("blocked");

        // when / then: a typed, permanent failure naming the key, and no id key left behind
        assertThatThrownBy(() -> queue.send(name, sent)).isInstanceOf(CommandQueueException.class)
                .hasMessageContaining(stream).hasMessageContaining("not a stream")
                .matches(e -> !((CommandQueueException) e).isTransient(), "not transient")
                .matches(e -> ((CommandQueueException) e).queue().equals(Optional.of(name)), "names its queue");
        assertThat(target().inspector().exists(queue.keys().id(name, sent.commandId()))).isFalse();
        target().inspector().del(stream);
        assertThat(queue.send(name, sent)).isTrue();
        assertThat(queue.poll(name, "c", 1, Duration.ofSeconds(2))).extracting(Delivery::command).containsExactly(sent);
    }

    @Test
    void a_dead_letter_key_of_another_type_leaves_the_command_in_the_queue() {
        // given: the last attempt fails while the dead-letter key holds a string
        RedisCommandQueue queue = open(b -> b.leaseTime(Duration.ofMillis(300)).maxAttempts(1));
        String name = queueName();
        QueuedCommand poison = command("poison");
        queue.send(name, poison);
        target().inspector().set(queue.keys().dead(name), "in the way");
        Delivery d = queue.poll(name, "c", 1, Duration.ofSeconds(2)).get(0);

        // when
        assertThatThrownBy(() -> queue.fail(d, "bad")).isInstanceOf(CommandQueueException.class)
                .hasMessageContaining(queue.keys().dead(name));

        // then: the command is still there; once the key is fixed, it is moved aside as it should be
        assertThat(target().inspector().xlen(queue.keys().stream(name))).isEqualTo(1);
        target().inspector().del(queue.keys().dead(name));
        assertThat(pollUntilSome(queue, name, "c", Duration.ofSeconds(3))).as("over its attempts: dead").isEmpty();
        assertThat(queue.deadLetters(name, 10)).extracting(x -> x.command()).containsExactly(poison);
    }

    @Test
    void a_stream_deleted_under_a_running_client_gets_its_group_back() {
        RedisCommandQueue queue = open(UnaryOperator.identity());
        String name = queueName();
        assertThat(queue.poll(name, "c", 1, Duration.ZERO)).isEmpty();      // the group exists now
        target().inspector().del(queue.keys().stream(name));
        QueuedCommand sent = command("after the delete");
        queue.send(name, sent);

        assertThat(queue.poll(name, "c", 1, Duration.ofSeconds(2))).extracting(Delivery::command).containsExactly(sent);
    }

    @Test
    void polls_blocked_on_every_poll_connection_do_not_hold_up_sends_and_acknowledgements() throws Exception {
        // given: one connection for commands, three threads waiting in blocking polls
        RedisCommandQueue queue = open(b -> b.maxConnections(1).pollConnections(3).readTimeout(Duration.ofSeconds(1)));
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            for (int i = 0; i < 3; i++) {
                String consumer = "waiter-" + i;
                pool.submit(() -> queue.poll(queueName(), consumer, 1, Duration.ofSeconds(20)));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (QueueClients.blocked(target().inspector(), queue) < 3 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertThat(QueueClients.blocked(target().inspector(), queue)).isEqualTo(3);

            // when
            String name = queueName();
            long started = System.nanoTime();
            queue.send(name, command("x"));
            Delivery d = queue.poll(name, "worker", 1, Duration.ZERO).get(0);
            queue.acknowledge(d);

            // then: done without waiting for a pooled connection (that wait would last connect + read timeout,
            // 1.5 s, and then fail), though every poll connection is blocked
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(1_400));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void bad_arguments_are_typed_errors_and_a_closed_queue_says_so() {
        RedisCommandQueue queue = open(UnaryOperator.identity());
        String name = queueName();
        queue.send(name, command("x"));
        Delivery real = queue.poll(name, "c", 1, Duration.ofSeconds(2)).get(0);
        Delivery forged = new Delivery(name, "not-an-id", real.command(), 1, "c");

        assertThatThrownBy(() -> queue.acknowledge(null)).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> queue.acknowledge(forged)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("not-an-id");
        assertThatThrownBy(() -> queue.fail(forged, "x")).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> queue.fail(real, null)).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> queue.deadLetters(name, 0)).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> queue.deadLetters("bad name", 1)).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> queue.poll(name, "x".repeat(65), 1, Duration.ZERO))
                .isInstanceOf(InvalidInputException.class);
        queue.acknowledge(real);

        queue.close();
        queue.close();
        assertThatThrownBy(() -> queue.send(name, command("y"))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
    }
}
