package io.modularddd.examples.docs.gettingstarted;

import io.modularddd.core.AggregateId;
import io.modularddd.core.aggregate.AggregateRoot;
import io.modularddd.core.aggregate.EventHandlers;
import io.modularddd.examples.docs.gettingstarted.BankEvents.AccountOpened;
import io.modularddd.examples.docs.gettingstarted.BankEvents.MoneyDeposited;

// tag::aggregate[]
final class Account extends AggregateRoot<Account> {
    private static final EventHandlers<Account> HANDLERS = EventHandlers.<Account>builder()
            .on(AccountOpened.class, (account, e) -> account.owner = e.owner())
            .on(MoneyDeposited.class, (account, e) -> account.balanceCents += e.cents())
            .build();

    private String owner;
    private long balanceCents;

    Account(AggregateId id) { super(id, HANDLERS); }             // an empty account; events fill it

    static Account open(AggregateId id, String owner) {
        Account account = new Account(id);
        account.raise(new AccountOpened(owner));                 // applies the event and records it
        return account;
    }

    void deposit(long cents) {
        if (cents <= 0) throw new IllegalArgumentException("a deposit must be positive, was " + cents);
        raise(new MoneyDeposited(cents));
    }

    String owner() { return owner; }

    long balanceCents() { return balanceCents; }
}
// end::aggregate[]
