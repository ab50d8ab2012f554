package io.modularddd.cqrs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modularddd.core.AggregateId;
import io.modularddd.core.InvalidInputException;
import io.modularddd.core.SerializationException;
import io.modularddd.core.aggregate.AggregateRepository;
import io.modularddd.core.command.Command;
import io.modularddd.core.queue.CommandCodec;
import io.modularddd.core.queue.DeadLetter;
import io.modularddd.core.queue.Delivery;
import io.modularddd.core.queue.QueuedCommand;
import io.modularddd.cqrs.Bank.Account;
import io.modularddd.cqrs.Bank.Deposit;
import io.modularddd.cqrs.Bank.Open;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The queue dispatch strategy and the worker on the other side, over the in-memory queue. */
class QueueDispatchTest {

    record Note(String text) {
    }

    /** A command whose accessor throws: Jackson cannot write it. */
    record Broken(String accountId) implements Command<Void> {
        @Override
        public String accountId() {
            throw new IllegalStateException("cannot be read");
        }
    }

    /** A command the handler always refuses. */
    record Refused(String reason) implements Command<Void> {
    }

    static final CommandCodec CODEC = CommandCodec.builder()
            .register("bank.open", Open.class)
            .register("bank.deposit", Deposit.class)
            .register("bank.note", Note.class)
            .register("bank.broken", Broken.class)
            .register("bank.refused", Refused.class)
            .build();
    static final String QUEUE = "high-priority";

    final InMemoryCommandQueue.Storage server = new InMemoryCommandQueue.Storage();
    final InMemoryCommandQueue senderQueue = new InMemoryCommandQueue(server, Duration.ofMillis(400), 3);
    final InMemoryCommandQueue workerQueue = new InMemoryCommandQueue(server, Duration.ofMillis(400), 3);
    final io.modularddd.core.InMemoryEventStore store = Bank.newStore();
    final AtomicInteger refusals = new AtomicInteger();

    /** One node's bus: the handlers, a unit of work, and the queue strategy for dispatchAsync. */
    SimpleCommandBus node(DispatchStrategy strategy) {
        UnitOfWork unitOfWork = UnitOfWork.on(store);
        AggregateRepository<Account> accounts = unitOfWork.repository("Account", Bank.accounts(store));
        SimpleCommandBus bus = SimpleCommandBus.builder().middleware(unitOfWork).strategy(strategy).build();
        bus.register(Open.class, c -> {
            accounts.save(Account.open(c.accountId(), c.owner()));
            return null;
        });
        bus.register(Deposit.class, c -> {
            Account a = accounts.load(AggregateId.of(c.accountId()));
            a.deposit(c.cents());
            accounts.save(a);
            return a.balance;
        });
        bus.register(Broken.class, c -> null);
        bus.register(Refused.class, c -> {
            refusals.incrementAndGet();
            throw new IllegalStateException("refused: " + c.reason());
        });
        return bus;
    }

    final SimpleCommandBus sender = node(DispatchStrategy.queue(senderQueue, CODEC, QUEUE));
    final CommandQueueWorker worker = CommandQueueWorker.builder(workerQueue, CODEC, node(DispatchStrategy.sync()))
            .queueName(QUEUE).consumer("worker-1").pollWait(Duration.ZERO).build();

    long balance(String id) {
        return Bank.accounts(store).load(AggregateId.of(id)).balance;
    }

    @Test
    void a_queued_command_is_stored_when_dispatch_async_returns_and_runs_when_a_worker_takes_it() {
        CompletableFuture<Void> opened = sender.dispatchAsync(new Open("acc-1", "Ada"));
        CompletableFuture<Long> deposited = sender.dispatchAsync(new Deposit("acc-1", 5));

        assertThat(opened).isCompletedWithValue(null);
        assertThat(deposited).as("the result stays with the worker").isCompletedWithValue(null);
        assertThat(store.headPosition()).as("nothing ran yet").isZero();

        assertThat(worker.pollOnce()).isEqualTo(2);

        assertThat(balance("acc-1")).isEqualTo(5);
        assertThat(worker.pollOnce()).isZero();
    }

    @Test
    void a_command_sent_twice_under_one_id_runs_once() {
        SimpleCommandBus idempotent = node(DispatchStrategy.queue(senderQueue, CODEC, QUEUE,
                command -> command instanceof Deposit d ? "deposit-" + d.accountId() + "-" + d.cents() : "open"));
        idempotent.dispatchAsync(new Open("acc-1", "Ada"));
        idempotent.dispatchAsync(new Deposit("acc-1", 5));
        idempotent.dispatchAsync(new Deposit("acc-1", 5)); // a repeated request

        worker.pollOnce();

        assertThat(balance("acc-1")).isEqualTo(5);
    }

    @Test
    void an_unregistered_command_type_is_refused_naming_it_and_nothing_is_queued() {
        SimpleCommandBus narrow = node(DispatchStrategy.queue(senderQueue,
                CommandCodec.builder().register("bank.open", Open.class).build(), QUEUE));

        assertThatThrownBy(() -> narrow.dispatchAsync(new Deposit("acc-1", 5)))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining(Deposit.class.getName())
                .hasMessageContaining("bank.open");
        assertThat(workerQueue.poll(QUEUE, "peek", 10, Duration.ZERO)).isEmpty();
    }

    @Test
    void a_command_that_cannot_be_encoded_is_refused_naming_its_type_and_nothing_is_queued() {
        assertThatThrownBy(() -> sender.dispatchAsync(new Broken("acc-1")))
                .isInstanceOf(SerializationException.class).hasMessageContaining("bank.broken")
                .hasMessageContaining(Broken.class.getName());
        assertThat(workerQueue.poll(QUEUE, "peek", 10, Duration.ZERO)).isEmpty();
    }

    @Test
    void a_null_command_id_is_refused_before_anything_is_queued() {
        SimpleCommandBus noIds = node(DispatchStrategy.queue(senderQueue, CODEC, QUEUE, command -> null));

        assertThatThrownBy(() -> noIds.dispatchAsync(new Open("acc-1", "Ada")))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining(Open.class.getName());
    }

    @Test
    void an_entry_that_no_longer_decodes_is_failed_naming_its_type_until_it_is_a_dead_letter() {
        senderQueue.send(QUEUE, new QueuedCommand("cmd-7", "bank.deposit", "{not json".getBytes(StandardCharsets.UTF_8)));
        senderQueue.send(QUEUE, new QueuedCommand("cmd-8", "bank.renamed", "{}".getBytes(StandardCharsets.UTF_8)));

        for (int i = 0; i < 3; i++) {
            assertThat(worker.pollOnce()).isZero();
        }

        List<DeadLetter> dead = workerQueue.deadLetters(QUEUE, 10);
        assertThat(dead).extracting(d -> d.command().commandId()).containsExactlyInAnyOrder("cmd-7", "cmd-8");
        assertThat(dead).allSatisfy(d -> assertThat(d.attempts()).isEqualTo(3));
        assertThat(dead).anySatisfy(d -> assertThat(d.lastError()).contains("undecodable").contains("bank.deposit")
                .contains("cmd-7"));
        assertThat(dead).anySatisfy(d -> assertThat(d.lastError()).contains("bank.renamed").contains("cmd-8"));
    }

    @Test
    void an_entry_that_decodes_to_something_other_than_a_command_is_failed_naming_it() {
        senderQueue.send(QUEUE, CODEC.encode("note-1", new Note("hello")));

        worker.pollOnce();

        Delivery again = workerQueue.poll(QUEUE, "peek", 1, Duration.ZERO).get(0);
        assertThat(again.attempt()).isEqualTo(2);
        workerQueue.fail(again, "x");
        worker.pollOnce();
        assertThat(workerQueue.deadLetters(QUEUE, 1)).singleElement()
                .satisfies(d -> assertThat(d.lastError()).contains("bank.note").contains(Note.class.getName())
                        .contains("does not implement Command"));
    }

    @Test
    void a_failing_command_is_retried_then_kept_as_a_dead_letter_and_the_one_behind_it_runs() {
        sender.dispatchAsync(new Refused("account closed"));
        sender.dispatchAsync(new Open("acc-1", "Ada"));

        for (int i = 0; i < 3; i++) {
            worker.pollOnce();
        }

        assertThat(refusals).hasValue(3);
        assertThat(store.currentVersion(AggregateId.of("acc-1"))).isEqualTo(1);
        assertThat(workerQueue.deadLetters(QUEUE, 10)).singleElement().satisfies(d -> assertThat(d.lastError())
                .contains("bank.refused").contains("IllegalStateException: refused: account closed"));
    }

    @Test
    void commands_held_by_a_worker_that_died_are_run_by_another_and_none_is_lost() throws Exception {
        sender.dispatch(new Open("acc-1", "Ada"));
        for (int i = 1; i <= 10; i++) {
            sender.dispatchAsync(new Deposit("acc-1", i));
        }
        InMemoryCommandQueue dying = new InMemoryCommandQueue(server, Duration.ofMillis(400), 3);
        assertThat(dying.poll(QUEUE, "dying", 3, Duration.ZERO)).hasSize(3);
        dying.close(); // died before running them

        int completed = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        CommandQueueWorker survivor = CommandQueueWorker.builder(workerQueue, CODEC, node(DispatchStrategy.sync()))
                .queueName(QUEUE).consumer("survivor").pollWait(Duration.ofMillis(100)).build();
        while (completed < 10 && System.nanoTime() < deadline) {
            completed += survivor.pollOnce();
        }

        assertThat(completed).isEqualTo(10);
        assertThat(balance("acc-1")).isEqualTo(55);
        assertThat(workerQueue.deadLetters(QUEUE, 10)).isEmpty();
    }

    @Test
    void run_loops_on_the_callers_thread_until_stopped() throws Exception {
        CountDownLatch all = new CountDownLatch(1);
        SimpleCommandBus consumerBus = node(DispatchStrategy.sync());
        CommandQueueWorker looping = CommandQueueWorker.builder(workerQueue, CODEC, consumerBus).queueName(QUEUE)
                .consumer("looping").pollWait(Duration.ofMillis(50)).build();
        sender.dispatchAsync(new Open("acc-1", "Ada"));
        Thread thread = new Thread(() -> {
            looping.run();
            all.countDown();
        });
        thread.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (store.headPosition() == 0 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }

        looping.stop();

        assertThat(all.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(store.currentVersion(AggregateId.of("acc-1"))).isEqualTo(1);
    }

    @Test
    void settings_are_checked() {
        assertThatThrownBy(() -> DispatchStrategy.queue(senderQueue, CODEC, "no spaces"))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("queueName");
        assertThatThrownBy(() -> DispatchStrategy.queue(null, CODEC, QUEUE)).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> CommandQueueWorker.builder(workerQueue, CODEC, sender).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("consumer");
        assertThatThrownBy(() -> CommandQueueWorker.builder(workerQueue, CODEC, sender).batchSize(0))
                .isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> CommandQueueWorker.builder(workerQueue, CODEC, sender).queueName("a b"))
                .isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> CommandQueueWorker.builder(workerQueue, CODEC, sender).pollWait(Duration.ofMillis(-1)))
                .isInstanceOf(InvalidInputException.class);
    }
}
