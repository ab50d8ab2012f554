package io.modularddd.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modularddd.core.InvalidInputException;
import io.modularddd.core.queue.CommandQueue;
import io.modularddd.core.queue.DeadLetter;
import io.modularddd.core.queue.Delivery;
import io.modularddd.core.queue.QueuedCommand;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link CommandQueue} must show. Extend it with a fixture that opens a queue with the
 * lease time and attempt limit asked for:
 *
 * <pre>{@code
 * class RedisCommandQueueContractTest extends CommandQueueContract {
 *     protected CommandQueue createQueue(Duration leaseTime, int maxAttempts) {
 *         return RedisCommandQueue.builder(redis).leaseTime(leaseTime).maxAttempts(maxAttempts).build();
 *     }
 * }
 * }</pre>
 *
 * <p>Every call opens a new client of the same storage — what another node or another process would hold
 * — so closing one without acknowledging is a consumer that died. Each test uses queue names of its own.
 * It covers: delivery and acknowledgement, idempotent sends, first-delivery order, named queues, the lease
 * (no second holder within it, another consumer after it), retries and dead letters, two consumers with one
 * killed mid-command (every command completed once in effect, none lost), concurrent consumers, waiting
 * polls, and bad input with typed errors.
 */
public abstract class CommandQueueContract {

    private final List<CommandQueue> opened = new ArrayList<>();

    /**
     * Opens a client of the queue storage under test. Called several times per test; every client sees the
     * same queues.
     *
     * @param leaseTime   how long a consumer holds a delivery
     * @param maxAttempts attempts before a command becomes a dead letter
     * @return the client
     */
    protected abstract CommandQueue createQueue(Duration leaseTime, int maxAttempts);

    /**
     * Simulates the death of the process holding a client: its connections are dropped without another
     * word to the server. The default closes the client, which acknowledges nothing.
     *
     * @param queue a client opened by {@link #createQueue}
     */
    protected void kill(CommandQueue queue) {
        queue.close();
    }

    @AfterEach
    void closeQueues() {
        for (CommandQueue queue : opened) {
            queue.close();
        }
    }

    private CommandQueue open(Duration leaseTime, int maxAttempts) {
        CommandQueue queue = createQueue(leaseTime, maxAttempts);
        opened.add(queue);
        return queue;
    }

    private CommandQueue open() {
        return open(Duration.ofSeconds(30), 3);
    }

    private static String queueName() {
        return "contract-" + UUID.randomUUID().toString().substring(0, 13);
    }

    private static QueuedCommand command(String text) {
        return new QueuedCommand(UUID.randomUUID().toString(), "Contract.Command",
                text.getBytes(StandardCharsets.UTF_8));
    }

    private static String text(Delivery delivery) {
        return new String(delivery.command().payload(), StandardCharsets.UTF_8);
    }

    @Test
    void a_sent_command_is_delivered_once_and_not_again_after_it_is_acknowledged() {
        CommandQueue queue = open();
        String name = queueName();
        QueuedCommand sent = command("{\"amount\":100,\"note\":\"Zoë 🚀 日本\"}");

        assertThat(queue.send(name, sent)).isTrue();
        List<Delivery> got = queue.poll(name, "consumer-1", 10, Duration.ofSeconds(2));

        assertThat(got).hasSize(1);
        Delivery delivery = got.get(0);
        assertThat(delivery.command()).isEqualTo(sent);
        assertThat(delivery.attempt()).isEqualTo(1);
        assertThat(delivery.queue()).isEqualTo(name);
        assertThat(delivery.consumer()).isEqualTo("consumer-1");
        queue.acknowledge(delivery);
        queue.acknowledge(delivery);
        assertThat(queue.poll(name, "consumer-1", 10, Duration.ZERO)).isEmpty();
        assertThat(open().poll(name, "consumer-2", 10, Duration.ZERO)).isEmpty();
    }

    @Test
    void a_command_id_is_accepted_once_whether_waiting_or_done() {
        CommandQueue queue = open();
        String name = queueName();
        QueuedCommand sent = command("first");
        QueuedCommand sameId = new QueuedCommand(sent.commandId(), sent.typeName(),
                "second".getBytes(StandardCharsets.UTF_8));

        assertThat(queue.send(name, sent)).isTrue();
        assertThat(queue.send(name, sameId)).isFalse();
        assertThat(open().send(name, sameId)).as("from another client").isFalse();
        List<Delivery> got = queue.poll(name, "c", 10, Duration.ofSeconds(2));
        assertThat(got).extracting(CommandQueueContract::text).containsExactly("first");
        queue.acknowledge(got.get(0));
        assertThat(queue.send(name, sameId)).as("after it was done").isFalse();
        assertThat(queue.poll(name, "c", 10, Duration.ZERO)).isEmpty();
    }

    @Test
    void first_deliveries_come_in_the_order_sent() {
        CommandQueue queue = open();
        String name = queueName();
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 120; i++) {
            sent.add("command-" + i);
            queue.send(name, command("command-" + i));
        }
        List<String> received = new ArrayList<>();
        while (received.size() < sent.size()) {
            List<Delivery> batch = queue.poll(name, "c", 50, Duration.ofSeconds(2));
            assertThat(batch).as("received %s so far", received.size()).isNotEmpty();
            for (Delivery d : batch) {
                received.add(text(d));
                queue.acknowledge(d);
            }
        }
        assertThat(received).containsExactlyElementsOf(sent);
    }

    @Test
    void named_queues_are_separate() {
        CommandQueue queue = open();
        String high = queueName();
        String normal = queueName();
        queue.send(high, command("urgent"));
        queue.send(normal, command("routine"));

        assertThat(queue.poll(high, "c", 10, Duration.ofSeconds(2))).extracting(CommandQueueContract::text)
                .containsExactly("urgent");
        assertThat(queue.poll(normal, "c", 10, Duration.ofSeconds(2))).extracting(CommandQueueContract::text)
                .containsExactly("routine");
    }

    @Test
    void a_held_delivery_goes_to_nobody_else_within_its_lease_and_to_another_consumer_after_it() throws Exception {
        Duration lease = Duration.ofSeconds(2);
        CommandQueue dying = open(lease, 5);
        CommandQueue survivor = open(lease, 5);
        String name = queueName();
        dying.send(name, command("held"));

        List<Delivery> first = dying.poll(name, "dying", 1, Duration.ofSeconds(2));
        assertThat(first).hasSize(1);
        long heldAt = System.nanoTime();
        kill(dying);
        List<Delivery> early = survivor.poll(name, "survivor", 1, Duration.ZERO);
        if (System.nanoTime() - heldAt < lease.toNanos() / 2) {
            assertThat(early).as("within the lease").isEmpty();
        }

        List<Delivery> later = List.of();
        long deadline = System.nanoTime() + lease.toNanos() * 5;
        while (later.isEmpty() && System.nanoTime() < deadline) {
            later = survivor.poll(name, "survivor", 1, Duration.ofMillis(500));
        }
        assertThat(later).as("after the lease ran out").hasSize(1);
        assertThat(later.get(0).command()).isEqualTo(first.get(0).command());
        assertThat(later.get(0).attempt()).isEqualTo(2);
        assertThat(later.get(0).consumer()).isEqualTo("survivor");
        survivor.acknowledge(later.get(0));
        assertThat(survivor.poll(name, "survivor", 1, lease.multipliedBy(2))).isEmpty();
    }

    @Test
    void depth_counts_waiting_and_held_commands_but_not_done_or_dead_ones() {
        CommandQueue queue = open(Duration.ofSeconds(30), 1);
        String name = queueName();
        String other = queueName();
        assertThat(queue.depth(name)).as("a queue never sent to").isZero();
        for (int i = 0; i < 4; i++) {
            queue.send(name, command("c" + i));
        }
        queue.send(other, command("elsewhere"));
        assertThat(queue.depth(name)).isEqualTo(4);
        assertThat(open().depth(name)).as("from another client").isEqualTo(4);

        List<Delivery> held = queue.poll(name, "c", 3, Duration.ofSeconds(2));
        assertThat(held).hasSize(3);
        assertThat(queue.depth(name)).as("held deliveries are still pending").isEqualTo(4);
        queue.acknowledge(held.get(0));
        assertThat(queue.depth(name)).as("after one acknowledgement").isEqualTo(3);
        queue.fail(held.get(1), "IllegalStateException: poison");
        assertThat(queue.deadLetters(name, 10)).hasSize(1);
        assertThat(queue.depth(name)).as("a dead letter is not pending").isEqualTo(2);
        assertThat(queue.depth(other)).isEqualTo(1);
        assertThatThrownBy(() -> queue.depth("no spaces allowed")).isInstanceOf(InvalidInputException.class);
    }

    @Test
    void a_failing_command_is_retried_then_moved_to_the_dead_letters() {
        CommandQueue queue = open(Duration.ofSeconds(2), 3);
        String name = queueName();
        QueuedCommand poison = command("poison");
        QueuedCommand healthy = command("healthy");
        queue.send(name, poison);
        queue.send(name, healthy);

        List<Integer> attempts = new ArrayList<>();
        boolean healthyDone = false;
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline && (attempts.size() < 3 || !healthyDone)) {
            for (Delivery d : queue.poll(name, "c", 10, Duration.ofMillis(500))) {
                if (d.command().equals(poison)) {
                    attempts.add(d.attempt());
                    queue.fail(d, "IllegalStateException: account 42 is closed");
                } else {
                    queue.acknowledge(d);
                    healthyDone = true;
                }
            }
        }

        assertThat(healthyDone).as("the command behind the poison one").isTrue();
        assertThat(attempts).containsExactly(1, 2, 3);
        assertThat(queue.poll(name, "c", 10, Duration.ofSeconds(3))).as("no fourth attempt").isEmpty();
        List<DeadLetter> dead = queue.deadLetters(name, 10);
        assertThat(dead).hasSize(1);
        assertThat(dead.get(0).command()).isEqualTo(poison);
        assertThat(dead.get(0).attempts()).isEqualTo(3);
        assertThat(dead.get(0).lastError()).contains("account 42 is closed");
        assertThat(queue.deadLetters(queueName(), 10)).isEmpty();
    }

    @Test
    void with_two_consumers_and_one_killed_mid_command_every_command_completes_once_in_effect() throws Exception {
        Duration lease = Duration.ofSeconds(2);
        CommandQueue producer = open(lease, 5);
        CommandQueue dying = open(lease, 5);
        CommandQueue survivor = open(lease, 5);
        String name = queueName();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            QueuedCommand c = command("c-" + i);
            ids.add(c.commandId());
            producer.send(name, c);
        }
        Map<String, AtomicInteger> effects = new ConcurrentHashMap<>();   // idempotent effect: keyed by command id
        Set<String> completed = ConcurrentHashMap.newKeySet();

        List<Delivery> taken = dying.poll(name, "dying", 4, Duration.ofSeconds(2));
        assertThat(taken).hasSize(4);
        dying.acknowledge(taken.get(0));                       // done
        completed.add(taken.get(0).command().commandId());
        effects.computeIfAbsent(taken.get(0).command().commandId(), k -> new AtomicInteger()).incrementAndGet();
        // taken[1]: the effect happened but the process died before the acknowledgement
        effects.computeIfAbsent(taken.get(1).command().commandId(), k -> new AtomicInteger()).incrementAndGet();
        // taken[2], taken[3]: died before any effect
        kill(dying);

        long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
        while (completed.size() < ids.size() && System.nanoTime() < deadline) {
            for (Delivery d : survivor.poll(name, "survivor", 10, Duration.ofMillis(500))) {
                String id = d.command().commandId();
                effects.computeIfAbsent(id, k -> new AtomicInteger());   // the handler sees the id: no second effect
                effects.get(id).compareAndSet(0, 1);
                survivor.acknowledge(d);
                assertThat(completed.add(id)).as("command %s completed twice", id).isTrue();
            }
        }

        assertThat(completed).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(effects.keySet()).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(effects.values()).allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
        assertThat(survivor.deadLetters(name, 10)).isEmpty();
    }

    @Test
    void concurrent_consumers_never_hold_the_same_command_at_once() throws Exception {
        CommandQueue producer = open(Duration.ofSeconds(60), 3);
        String name = queueName();
        int commands = 200;
        for (int i = 0; i < commands; i++) {
            producer.send(name, command("c-" + i));
        }
        int consumers = 4;
        Map<String, AtomicInteger> deliveries = new ConcurrentHashMap<>();
        AtomicInteger acknowledged = new AtomicInteger();
        CyclicBarrier start = new CyclicBarrier(consumers);
        ExecutorService pool = Executors.newFixedThreadPool(consumers);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int c = 0; c < consumers; c++) {
                CommandQueue client = open(Duration.ofSeconds(60), 3);
                String consumer = "consumer-" + c;
                done.add(pool.submit(() -> {
                    start.await();
                    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                    while (acknowledged.get() < commands && System.nanoTime() < deadline) {
                        for (Delivery d : client.poll(name, consumer, 7, Duration.ofMillis(200))) {
                            deliveries.computeIfAbsent(d.command().commandId(), k -> new AtomicInteger())
                                    .incrementAndGet();
                            client.acknowledge(d);
                            acknowledged.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(90, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(deliveries).hasSize(commands);
        assertThat(deliveries.values()).allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
    }

    @Test
    void a_poll_waits_for_a_command_and_returns_when_one_arrives() throws Exception {
        CommandQueue consumer = open();
        CommandQueue producer = open();
        String name = queueName();
        assertThat(consumer.poll(name, "c", 1, Duration.ZERO)).isEmpty();

        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<?> sent = pool.submit(() -> {
                Thread.sleep(300);
                return producer.send(name, command("late"));
            });
            long started = System.nanoTime();
            List<Delivery> got = consumer.poll(name, "c", 1, Duration.ofSeconds(10));
            long tookMillis = (System.nanoTime() - started) / 1_000_000;
            sent.get(10, TimeUnit.SECONDS);
            if (got.isEmpty()) {
                got = consumer.poll(name, "c", 1, Duration.ofSeconds(2));
            }
            assertThat(got).extracting(CommandQueueContract::text).containsExactly("late");
            assertThat(tookMillis).as("returned when the command arrived, not at the end of the wait")
                    .isLessThan(8_000);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void bad_input_is_a_typed_error_and_stores_nothing() {
        CommandQueue queue = open();
        String name = queueName();
        QueuedCommand ok = command("ok");

        assertThatThrownBy(() -> queue.send(null, ok)).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> queue.send(" ", ok)).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> queue.send("no spaces allowed", ok)).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> queue.send("x".repeat(CommandQueue.MAX_QUEUE_NAME_CHARS + 1), ok))
                .isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> queue.send(name, null)).isInstanceOf(InvalidInputException.class);
        QueuedCommand huge = new QueuedCommand(UUID.randomUUID().toString(), "Contract.Command",
                new byte[queue.maxPayloadBytes() + 1]);
        assertThatThrownBy(() -> queue.send(name, huge)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining(String.valueOf(queue.maxPayloadBytes()));
        assertThatThrownBy(() -> queue.poll(name, "c", 0, Duration.ZERO)).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> queue.poll(name, "c", 1001, Duration.ZERO)).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> queue.poll(name, "c", 1, Duration.ofSeconds(-1)))
                .isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> queue.poll(name, null, 1, Duration.ZERO)).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> new QueuedCommand(" ", "T", new byte[0])).isInstanceOf(InvalidInputException.class);

        assertThat(queue.poll(name, "c", 10, Duration.ZERO)).isEmpty();
        assertThat(queue.send(name, ok)).isTrue();
        QueuedCommand refusedIdAgain = new QueuedCommand(huge.commandId(), "Contract.Command", new byte[1]);
        assertThat(queue.send(name, refusedIdAgain)).as("the refused command's id was not remembered").isTrue();
    }

    @Test
    void the_queue_describes_itself() {
        CommandQueue queue = open(Duration.ofSeconds(7), 4);
        assertThat(queue.leaseTime()).isEqualTo(Duration.ofSeconds(7));
        assertThat(queue.maxAttempts()).isEqualTo(4);
        assertThat(queue.idRetention()).isPositive();
        assertThat(queue.maxPayloadBytes()).isGreaterThanOrEqualTo(64 * 1024);
    }
}
