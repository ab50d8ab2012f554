package io.modularddd.profiles;

import io.modularddd.core.AggregateId;
import io.modularddd.core.aggregate.AggregateRoot;
import io.modularddd.core.aggregate.EventHandlers;
import io.modularddd.core.aggregate.Snapshotable;
import io.modularddd.core.command.Command;
import io.modularddd.core.projection.Projection;
import io.modularddd.core.query.Query;
import io.modularddd.core.serialization.EventTypeRegistry;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The small test domain: accounts, a deposit command, a balance projection and a cached balance query. */
final class Bank {

    private Bank() {
    }

    record Opened(String owner) {
    }

    record Deposited(long cents) {
    }

    record Deposit(String accountId, long cents) implements Command<Long> {
    }

    record Balance(String accountId) implements Query<Long> {
    }

    record AccountState(String owner, long cents) {
    }

    static EventTypeRegistry events() {
        return EventTypeRegistry.builder()
                .register("bank.opened.v1", Opened.class)
                .register("bank.deposited.v1", Deposited.class)
                .build();
    }

    static final class Account extends AggregateRoot<Account> implements Snapshotable<AccountState> {
        private static final EventHandlers<Account> HANDLERS = EventHandlers.<Account>builder()
                .on(Opened.class, (a, e) -> a.owner = e.owner())
                .on(Deposited.class, (a, e) -> a.cents += e.cents())
                .build();
        String owner;
        long cents;

        Account(AggregateId id) {
            super(id, HANDLERS);
        }

        void deposit(long amount) {
            if (owner == null) {
                raise(new Opened("owner of " + id().value()));
            }
            raise(new Deposited(amount));
        }

        @Override
        public AccountState snapshot() {
            return new AccountState(owner, cents);
        }

        @Override
        public void restore(AccountState state) {
            owner = state.owner();
            cents = state.cents();
        }
    }

    /** A read model of balances, kept by a projection. */
    static final class Balances {
        final Map<String, Long> byAccount = new ConcurrentHashMap<>();
        /** The threads the projection ran on. */
        final Set<String> byThread = ConcurrentHashMap.newKeySet();

        Projection projection(String name) {
            return Projection.builder(name)
                    .on(Deposited.class, (e, stored, tx) -> {
                        byThread.add(Thread.currentThread().getName());
                        byAccount.merge(stored.aggregateId().value(), e.cents(), Long::sum);
                    })
                    .build();
        }

        long of(String accountId) {
            return byAccount.getOrDefault(accountId, 0L);
        }
    }

    static Set<String> tags(String accountId) {
        return Set.of("account:" + accountId);
    }
}
