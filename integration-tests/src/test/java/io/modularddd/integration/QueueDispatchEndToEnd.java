package io.modularddd.integration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modularddd.core.AggregateId;
import io.modularddd.core.InMemoryEventStore;
import io.modularddd.core.InvalidInputException;
import io.modularddd.core.SerializationException;
import io.modularddd.core.command.CommandMiddleware;
import io.modularddd.core.queue.CommandQueue;
import io.modularddd.core.queue.DeadLetter;
import io.modularddd.core.queue.Delivery;
import io.modularddd.core.queue.QueuedCommand;
import io.modularddd.cqrs.CommandQueueWorker;
import io.modularddd.cqrs.DispatchStrategy;
import io.modularddd.cqrs.SimpleCommandBus;
import io.modularddd.integration.QueueLedger.Deposit;
import io.modularddd.integration.QueueLedger.Memo;
import io.modularddd.integration.QueueLedger.OpenAccount;
import io.modularddd.integration.QueueLedger.Unregistered;
import io.modularddd.integration.QueueLedger.Unwritable;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 14 end to end, on a real transport: the command bus's {@code queue} strategy sends commands to the
 * queue, {@link CommandQueueWorker}s on two nodes take them and run them through their own bus (conflict
 * retry, unit of work, an event-sourced repository) against one event store. Each node is a process of its
 * own: its own queue client, its own bus. A subclass supplies the transport and kills a client's connections
 * server-side, as the death of its process would drop them.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
abstract class QueueDispatchEndToEnd {

    static final Duration LEASE = Duration.ofSeconds(2);

    private final List<AutoCloseable> opened = new ArrayList<>();
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final InMemoryEventStore store = QueueLedger.newStore();
    private final String queueName = "e2e-" + UUID.randomUUID().toString().substring(0, 8);

    /**
     * Opens a queue client of the transport under test: one per process.
     *
     * @param maxAttempts the attempts a command gets before it becomes a dead letter
     * @return a client with a lease of {@link #LEASE}, on storage the test's other clients share
     */
    abstract CommandQueue openClient(int maxAttempts);

    /**
     * Kills every connection of a client server-side ({@code CLIENT KILL}, {@code KILL},
     * {@code pg_terminate_backend}); acknowledges and fails nothing.
     *
     * @param client a client from {@link #openClient}
     * @return how many connections were killed
     */
    abstract int killConnections(CommandQueue client) throws Exception;

    /**
     * Releases what the clients share (pools) and drops what they stored (tables, keys); runs after every
     * client was closed.
     */
    abstract void dropStorage();

    private CommandQueue client(int maxAttempts) {
        CommandQueue client = openClient(maxAttempts);
        opened.add(client);
        return client;
    }

    @AfterEach
    void closeEverything() throws Exception {
        threads.shutdownNow();
        threads.awaitTermination(10, TimeUnit.SECONDS);
        for (AutoCloseable c : opened) {
            c.close();
        }
        dropStorage();
    }

    @Test
    void commands_sent_through_the_bus_survive_a_worker_killed_mid_command_and_apply_exactly_once()
            throws Exception {
        // given: a sender node, and two worker nodes whose acknowledgements are noted
        int deposits = 40;
        SimpleCommandBus sender = QueueLedger.node(store, DispatchStrategy.queue(client(5), QueueLedger.CODEC,
                queueName, QueueLedger::idOf), null, QueueLedger.runs());
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        CountDownLatch allAcknowledged = new CountDownLatch(deposits);
        Map<String, AtomicInteger> runs = QueueLedger.runs();
        CountDownLatch dyingStarted = new CountDownLatch(1);
        CountDownLatch midCommand = new CountDownLatch(1);
        CountDownLatch killed = new CountDownLatch(1);
        List<String> killedIn = new CopyOnWriteArrayList<>();
        CommandMiddleware death = dying(dyingStarted, midCommand, killed, killedIn);
        CommandQueue dyingClient = client(5);
        CommandQueue survivorClient = client(5);
        CommandQueueWorker dying = worker(new NotingQueue(dyingClient, acknowledged, allAcknowledged),
                QueueLedger.node(store, DispatchStrategy.sync(), death, runs), "dying");
        CommandQueueWorker survivor = worker(new NotingQueue(survivorClient, acknowledged, allAcknowledged),
                QueueLedger.node(store, DispatchStrategy.sync(), null, runs), "survivor");

        // when: accounts are opened inline, then deposits are dispatched to the queue
        sender.dispatch(new OpenAccount("open-a", "acc-a", "Ada"));
        sender.dispatch(new OpenAccount("open-b", "acc-b", "Bob"));
        Map<String, Long> expected = new HashMap<>();
        List<String> ids = new ArrayList<>();
        for (int i = 1; i <= deposits; i++) {
            String account = i % 2 == 0 ? "acc-a" : "acc-b";
            String id = "deposit-" + i + "-" + UUID.randomUUID();
            assertThat(sender.dispatchAsync(new Deposit(id, account, i))).isCompletedWithValue(null);
            ids.add(id);
            expected.merge(account, (long) i, Long::sum);
        }
        assertThat(store.currentVersion(AggregateId.of("acc-a"))).as("nothing ran yet")
                .isEqualTo(1);
        // and two workers take them; the dying one dies on its second command, after the unit of work committed
        // its effect and before the worker acknowledged it
        Future<?> dyingRun = threads.submit(dying);
        assertThat(dyingStarted.await(30, TimeUnit.SECONDS)).as("the dying worker took a command").isTrue();
        Future<?> survivorRun = threads.submit(survivor);
        assertThat(midCommand.await(30, TimeUnit.SECONDS)).as("the dying worker is mid-command").isTrue();
        assertThat(killConnections(dyingClient)).as("connections of the dying process killed").isPositive();
        dyingClient.close(); // the process is gone: it acknowledges, fails and polls nothing more
        dying.stop();
        killed.countDown();
        dyingRun.get(30, TimeUnit.SECONDS);

        // then: every command is acknowledged — the dying worker's held ones by the survivor, after the lease
        assertThat(allAcknowledged.await(60, TimeUnit.SECONDS)).as("all %s commands acknowledged; missing: %s",
                deposits, missing(ids, acknowledged)).isTrue();
        survivor.stop();
        survivorRun.get(30, TimeUnit.SECONDS);
        assertThat(acknowledged).containsExactlyInAnyOrderElementsOf(ids);
        // each command's effect is in the store exactly once, and the balances add up
        assertThat(QueueLedger.depositsByCommand(store)).containsOnlyKeys(ids).allSatisfy((id, n) ->
                assertThat(n).as("deposits stored for %s", id).isEqualTo(1));
        assertThat(QueueLedger.balance(store, "acc-a")).isEqualTo(expected.get("acc-a"));
        assertThat(QueueLedger.balance(store, "acc-b")).isEqualTo(expected.get("acc-b"));
        // the command the dead worker had applied ran again on the survivor, and changed nothing (at least once
        // more: delivery is at-least-once, so a survivor paused past the lease may legitimately run it a third time)
        assertThat(killedIn).hasSize(1);
        assertThat(runs.get(killedIn.get(0)).get()).as("runs of the command killed mid-way").isGreaterThanOrEqualTo(2);
        // nothing is dead, nothing is left
        assertThat(survivorClient.deadLetters(queueName, 10)).isEmpty();
        assertThat(survivorClient.poll(queueName, "inspector", 10, Duration.ZERO)).isEmpty();
    }

    @Test
    void an_entry_that_no_longer_decodes_becomes_a_dead_letter_named_by_its_type_and_the_next_command_runs() {
        // given: two entries this codec cannot read (a payload that no longer fits, a type since renamed)
        // ahead of a good command
        CommandQueue client = client(2);
        SimpleCommandBus sender = QueueLedger.node(store, DispatchStrategy.queue(client, QueueLedger.CODEC,
                queueName, QueueLedger::idOf), null, QueueLedger.runs());
        sender.dispatch(new OpenAccount("open-a", "acc-a", "Ada"));
        String stale = "{\"commandId\":\"stale-1\",\"accountId\":\"acc-a\",\"cents\":\"five\"}"; // cents: a number now
        client.send(queueName, new QueuedCommand("stale-1", QueueLedger.DEPOSIT_TYPE,
                stale.getBytes(StandardCharsets.UTF_8)));
        client.send(queueName, new QueuedCommand("renamed-1", "ledger.deposit.v0",
                "{}".getBytes(StandardCharsets.UTF_8)));
        sender.dispatchAsync(new Deposit("good-1", "acc-a", 5));
        CommandQueueWorker worker = CommandQueueWorker.builder(client, QueueLedger.CODEC,
                        QueueLedger.node(store, DispatchStrategy.sync(), null, QueueLedger.runs()))
                .queueName(queueName).consumer("worker").pollWait(Duration.ofMillis(200)).build();

        // when: the worker runs until both are dead letters
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        List<DeadLetter> dead = List.of();
        while (dead.size() < 2 && System.nanoTime() < deadline) {
            worker.pollOnce();
            dead = client.deadLetters(queueName, 10);
        }

        // then: each dead letter names its type and id, after its two attempts; the good command ran once
        assertThat(dead).extracting(d -> d.command().commandId()).containsExactlyInAnyOrder("stale-1", "renamed-1");
        assertThat(dead).allSatisfy(d -> assertThat(d.attempts()).isEqualTo(2));
        assertThat(dead).filteredOn(d -> d.command().commandId().equals("stale-1")).singleElement()
                .satisfies(d -> assertThat(d.lastError()).contains("undecodable").contains("stale-1")
                        .contains("'" + QueueLedger.DEPOSIT_TYPE + "'").contains(Deposit.class.getName()));
        assertThat(dead).filteredOn(d -> d.command().commandId().equals("renamed-1")).singleElement()
                .satisfies(d -> assertThat(d.lastError()).contains("undecodable").contains("renamed-1")
                        .contains("'ledger.deposit.v0'"));
        assertThat(QueueLedger.depositsByCommand(store)).containsExactly(Map.entry("good-1", 1));
        assertThat(QueueLedger.balance(store, "acc-a")).isEqualTo(5);
    }

    @Test
    void a_command_that_cannot_be_queued_is_refused_at_dispatch_naming_its_type_and_nothing_is_sent() {
        // given
        CommandQueue client = client(5);
        SimpleCommandBus sender = QueueLedger.node(store, DispatchStrategy.queue(client, QueueLedger.CODEC,
                queueName, QueueLedger::idOf), null, QueueLedger.runs());

        // when / then: Jackson cannot write it
        assertThatThrownBy(() -> sender.dispatchAsync(new Unwritable("w-1", "acc-a")))
                .isInstanceOf(SerializationException.class).hasMessageContaining("'ledger.unwritable'")
                .hasMessageContaining(Unwritable.class.getName());
        // its type is not registered with the codec
        assertThatThrownBy(() -> sender.dispatchAsync(new Unregistered("u-1")))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining(Unregistered.class.getName())
                .hasMessageContaining("ledger.deposit");
        // it encodes to more than the queue takes
        String big = "x".repeat(client.maxPayloadBytes() + 1);
        assertThatThrownBy(() -> sender.dispatchAsync(new Memo("m-1", big)))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("'ledger.memo'")
                .hasMessageContaining("m-1").hasMessageContaining("maxPayloadBytes");
        // nothing reached the queue, and a command that fits still goes through
        assertThat(client.poll(queueName, "inspector", 10, Duration.ZERO)).isEmpty();
        sender.dispatchAsync(new Memo("m-2", "short"));
        assertThat(client.poll(queueName, "inspector", 10, Duration.ofSeconds(5))).extracting(Delivery::command)
                .extracting(QueuedCommand::commandId).containsExactly("m-2");
    }

    private CommandQueueWorker worker(CommandQueue client, SimpleCommandBus bus, String consumer) {
        return CommandQueueWorker.builder(client, QueueLedger.CODEC, bus).queueName(queueName).consumer(consumer)
                .batchSize(4).pollWait(Duration.ofMillis(100)).build();
    }

    /**
     * The dying node's outermost middleware: on the node's second deposit, after the unit of work committed,
     * it says so and waits until the process is killed; from then on the node runs nothing.
     */
    private static CommandMiddleware dying(CountDownLatch started, CountDownLatch midCommand, CountDownLatch killed,
                                           List<String> killedIn) {
        AtomicInteger deposits = new AtomicInteger();
        return (type, next) -> command -> {
            if (killed.getCount() == 0) {
                throw new ProcessDied();
            }
            started.countDown();
            Object result = next.invoke(command);
            if (command instanceof Deposit d && deposits.incrementAndGet() == 2) {
                killedIn.add(d.commandId());
                midCommand.countDown();
                awaitUninterruptibly(killed);
                throw new ProcessDied();
            }
            return result;
        };
    }

    private static void awaitUninterruptibly(CountDownLatch latch) {
        boolean interrupted = false;
        while (true) {
            try {
                latch.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private static List<String> missing(List<String> ids, Set<String> acknowledged) {
        return ids.stream().filter(id -> !acknowledged.contains(id)).toList();
    }

    /** What a killed process's threads do: nothing more. */
    static final class ProcessDied extends Error {
        private static final long serialVersionUID = 1L;

        ProcessDied() {
            super("the process died");
        }
    }
}
