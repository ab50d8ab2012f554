package io.modularddd.integration;

import io.modularddd.core.AggregateId;
import io.modularddd.core.EventStore;
import io.modularddd.core.EventStream;
import io.modularddd.core.InMemoryEventStore;
import io.modularddd.core.StoredEvent;
import io.modularddd.core.aggregate.AggregateRepository;
import io.modularddd.core.aggregate.AggregateRoot;
import io.modularddd.core.aggregate.EventHandlers;
import io.modularddd.core.aggregate.EventSourcedRepository;
import io.modularddd.core.command.Command;
import io.modularddd.core.command.CommandMiddleware;
import io.modularddd.core.queue.CommandCodec;
import io.modularddd.core.serialization.EventTypeRegistry;
import io.modularddd.core.serialization.JacksonEventSerializer;
import io.modularddd.cqrs.ConflictRetry;
import io.modularddd.cqrs.DispatchStrategy;
import io.modularddd.cqrs.SimpleCommandBus;
import io.modularddd.cqrs.UnitOfWork;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The end-to-end queue tests' domain: accounts whose deposits are idempotent by command id, the commands, the
 * codec of command type names, and the bus of one node (a process) wired as an application would wire it.
 *
 * <h2>Why the handler is idempotent through the aggregate, not through event ids</h2>
 * The event store's idempotency by event id (see {@code EventStore} and {@code EventIdConflictException})
 * covers a retried append that repeats the original request exactly, where the request would have put it.
 * A redelivered command is not that: its handler reloads the account — now with the first run's event — and
 * its append would land one version later, which the store refuses as an {@code EventIdConflictException}
 * (and {@code AggregateRoot} gives raised events random ids anyway). So each {@link Deposited} carries its
 * command id, the account remembers the ids it applied, and a deposit it has seen changes nothing. Two runs
 * of one command at once (a lease ran out while the first still ran) both load the same version; the store's
 * version check lets one commit, {@link ConflictRetry} re-runs the other, which then finds the id applied.
 */
final class QueueLedger {

    private QueueLedger() {
    }

    /** A command that carries its own id: the id the queue deduplicates by and the handler remembers. */
    interface Identified {
        /**
         * The command's id.
         *
         * @return the id
         */
        String commandId();
    }

    record Opened(String owner) {
    }

    record Deposited(String commandId, long cents) {
    }

    /** Opens an account. */
    record OpenAccount(String commandId, String accountId, String owner) implements Command<Void>, Identified {
    }

    /** Deposits into an account, answering the balance. */
    record Deposit(String commandId, String accountId, long cents) implements Command<Long>, Identified {
    }

    /** A note with free text: big enough, it is over the queue's payload limit. */
    record Memo(String commandId, String text) implements Command<Void>, Identified {
    }

    /** A command Jackson cannot write: its accessor throws. */
    record Unwritable(String commandId, String accountId) implements Command<Void>, Identified {
        @Override
        public String accountId() {
            throw new IllegalStateException("cannot be read");
        }
    }

    /** A command type the codec does not know. */
    record Unregistered(String commandId) implements Command<Void>, Identified {
    }

    static final String DEPOSIT_TYPE = "ledger.deposit";

    static final CommandCodec CODEC = CommandCodec.builder()
            .register("ledger.open", OpenAccount.class)
            .register(DEPOSIT_TYPE, Deposit.class)
            .register("ledger.memo", Memo.class)
            .register("ledger.unwritable", Unwritable.class)
            .build();

    static final EventTypeRegistry EVENTS = EventTypeRegistry.builder()
            .register("ledger.opened.v1", Opened.class)
            .register("ledger.deposited.v1", Deposited.class)
            .build();

    static InMemoryEventStore newStore() {
        return InMemoryEventStore.create(JacksonEventSerializer.json(EVENTS));
    }

    static String idOf(Object command) {
        return ((Identified) command).commandId();
    }

    /** Every {@link Deposited} in the store, counted by command id. */
    static Map<String, Integer> depositsByCommand(EventStore store) {
        Map<String, Integer> counts = new HashMap<>();
        try (EventStream all = store.readAll(1, 100_000)) {
            for (StoredEvent e : all) {
                if (e.payload() instanceof Deposited d) {
                    counts.merge(d.commandId(), 1, Integer::sum);
                }
            }
        }
        return counts;
    }

    static long balance(EventStore store, String accountId) {
        return accounts(store).load(AggregateId.of(accountId)).balance;
    }

    static AggregateRepository<Account> accounts(EventStore store) {
        return EventSourcedRepository.create(store, "Account", Account::new);
    }

    /** An account; it remembers the deposits it applied, by command id. */
    static final class Account extends AggregateRoot<Account> {
        private static final EventHandlers<Account> HANDLERS = EventHandlers.<Account>builder()
                .on(Opened.class, (a, e) -> a.owner = e.owner())
                .on(Deposited.class, (a, e) -> {
                    a.balance += e.cents();
                    a.applied.add(e.commandId());
                })
                .build();
        private final Set<String> applied = new HashSet<>();
        String owner;
        long balance;

        Account(AggregateId id) {
            super(id, HANDLERS);
        }

        static Account open(String id, String owner) {
            Account account = new Account(AggregateId.of(id));
            account.raise(new Opened(owner));
            return account;
        }

        /** Deposits, unless the command was applied already: then nothing changes. */
        void deposit(String commandId, long cents) {
            if (!applied.contains(commandId)) {
                raise(new Deposited(commandId, cents));
            }
        }
    }

    /**
     * One node's command bus: the handlers, conflict retry outside a unit of work on the shared store, and the
     * given dispatch strategy for {@code dispatchAsync}.
     *
     * @param store    the event store all nodes share
     * @param strategy how {@code dispatchAsync} runs commands
     * @param first    middleware to run outermost (a node's death), or {@code null}
     * @param runs     counts the dispatches of each deposit by command id (outside the conflict retry, so a
     *                 re-run after a conflict is not a second dispatch)
     * @return the bus
     */
    static SimpleCommandBus node(EventStore store, DispatchStrategy strategy, CommandMiddleware first,
                                 Map<String, AtomicInteger> runs) {
        UnitOfWork unitOfWork = UnitOfWork.on(store);
        AggregateRepository<Account> accounts = unitOfWork.repository("Account", accounts(store));
        SimpleCommandBus.Builder builder = SimpleCommandBus.builder();
        if (first != null) {
            builder.middleware(first);
        }
        SimpleCommandBus bus = builder
                .middleware((type, next) -> command -> {
                    if (command instanceof Deposit d) {
                        runs.computeIfAbsent(d.commandId(), k -> new AtomicInteger()).incrementAndGet();
                    }
                    return next.invoke(command);
                })
                .middleware(ConflictRetry.attempts(20).backoff(Duration.ofMillis(1), Duration.ofMillis(20)))
                .middleware(unitOfWork)
                .strategy(strategy)
                .build();
        bus.register(OpenAccount.class, c -> {
            accounts.save(Account.open(c.accountId(), c.owner()));
            return null;
        });
        bus.register(Deposit.class, c -> {
            Account account = accounts.load(AggregateId.of(c.accountId()));
            account.deposit(c.commandId(), c.cents());
            accounts.save(account);
            return account.balance;
        });
        bus.register(Memo.class, c -> null);
        bus.register(Unwritable.class, c -> null);
        bus.register(Unregistered.class, c -> null); // handled, but the codec does not know its type
        return bus;
    }

    /** A fresh map for {@link #node}'s handler runs. */
    static Map<String, AtomicInteger> runs() {
        return new ConcurrentHashMap<>();
    }
}
