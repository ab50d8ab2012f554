package io.modularddd.cqrs;

import io.modularddd.core.AggregateId;
import io.modularddd.core.EventStore;
import io.modularddd.core.InMemoryEventStore;
import io.modularddd.core.aggregate.AggregateRepository;
import io.modularddd.core.aggregate.AggregateRoot;
import io.modularddd.core.aggregate.EventHandlers;
import io.modularddd.core.aggregate.EventSourcedRepository;
import io.modularddd.core.command.Command;
import io.modularddd.core.query.Query;
import io.modularddd.core.serialization.EventTypeRegistry;
import io.modularddd.core.serialization.JacksonEventSerializer;

/** The tests' domain: accounts, their events, commands and a query. */
final class Bank {

    private Bank() {
    }

    record Opened(String owner) {
    }

    record Deposited(long cents) {
    }

    record Withdrawn(long cents) {
    }

    /** Opens an account. */
    record Open(String accountId, String owner) implements Command<Void> {
    }

    /** Deposits, answering the new balance. */
    record Deposit(String accountId, long cents) implements Command<Long> {
    }

    /** Moves money between two accounts. */
    record Transfer(String from, String to, long cents) implements Command<Void> {
    }

    /** An account's balance. */
    record Balance(String accountId) implements Query<Long> {
    }

    static final class InsufficientFunds extends RuntimeException {
        private static final long serialVersionUID = 1L;

        InsufficientFunds(String message) {
            super(message);
        }
    }

    static final EventTypeRegistry TYPES = EventTypeRegistry.builder()
            .register("bank.opened.v1", Opened.class)
            .register("bank.deposited.v1", Deposited.class)
            .register("bank.withdrawn.v1", Withdrawn.class)
            .build();

    static InMemoryEventStore newStore() {
        return InMemoryEventStore.create(JacksonEventSerializer.json(TYPES));
    }

    static AggregateRepository<Account> accounts(EventStore store) {
        return EventSourcedRepository.create(store, "Account", Account::new);
    }

    static final class Account extends AggregateRoot<Account> {
        private static final EventHandlers<Account> HANDLERS = EventHandlers.<Account>builder()
                .on(Opened.class, (a, e) -> a.owner = e.owner())
                .on(Deposited.class, (a, e) -> a.balance += e.cents())
                .on(Withdrawn.class, (a, e) -> a.balance -= e.cents())
                .build();
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

        void deposit(long cents) {
            raise(new Deposited(cents));
        }

        void withdraw(long cents) {
            if (cents > balance) {
                throw new InsufficientFunds(id().value() + " holds " + balance + " but " + cents + " were asked for");
            }
            raise(new Withdrawn(cents));
        }
    }
}
