package io.modularddd.examples.docs.eventstore;

import io.modularddd.core.AggregateId;
import io.modularddd.core.aggregate.AggregateRoot;
import io.modularddd.core.aggregate.EventHandlers;
import io.modularddd.examples.docs.eventstore.Order.MoneyDeposited;

/** The smallest event-sourced aggregate: docs/event-store.md's sample. */
// tag::aggregate[]
public final class Account extends AggregateRoot<Account> {
    private static final EventHandlers<Account> HANDLERS = EventHandlers.<Account>builder()
            .on(MoneyDeposited.class, (a, e) -> a.balance += e.amount())
            .build();
    private long balance;

    /** An empty account: its events give it its state.
     *  @param id the account's id */
    public Account(AggregateId id) { super(id, HANDLERS); }

    /** Pays money in.
     *  @param amount a positive amount, in cents */
    public void deposit(long amount) {
        if (amount <= 0) throw new IllegalArgumentException("amount must be positive");
        raise(new MoneyDeposited(amount));          // applies the event and records it
    }
}
// end::aggregate[]
