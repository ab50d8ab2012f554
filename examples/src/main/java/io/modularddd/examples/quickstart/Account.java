package io.modularddd.examples.quickstart;

import io.modularddd.core.AggregateId;
import io.modularddd.core.aggregate.AggregateRoot;
import io.modularddd.core.aggregate.EventHandlers;
import io.modularddd.examples.quickstart.AccountEvents.AccountOpened;
import io.modularddd.examples.quickstart.AccountEvents.MoneyDeposited;
import io.modularddd.examples.quickstart.AccountEvents.MoneyWithdrawn;

/** A bank account: the quickstart's event-sourced aggregate. */
public final class Account extends AggregateRoot<Account> {

    private static final EventHandlers<Account> HANDLERS = EventHandlers.<Account>builder()
            .on(AccountOpened.class, (account, e) -> account.owner = e.owner())
            .on(MoneyDeposited.class, (account, e) -> account.balanceCents += e.amountCents())
            .on(MoneyWithdrawn.class, (account, e) -> account.balanceCents -= e.amountCents())
            .build();

    private String owner;
    private long balanceCents;

    /**
     * Creates an empty account; state arrives through events.
     *
     * @param id the account id
     */
    public Account(AggregateId id) {
        super(id, HANDLERS);
    }

    /**
     * Opens a new account.
     *
     * @param id    the account id
     * @param owner the holder
     * @return the account, with one uncommitted event
     */
    public static Account open(AggregateId id, String owner) {
        Account account = new Account(id);
        account.raise(new AccountOpened(owner));
        return account;
    }

    /**
     * Pays money in.
     *
     * @param amountCents a positive amount
     * @throws IllegalArgumentException when the amount is not positive
     */
    public void deposit(long amountCents) {
        if (amountCents <= 0) {
            throw new IllegalArgumentException("a deposit must be positive, was " + amountCents);
        }
        raise(new MoneyDeposited(amountCents));
    }

    /**
     * Pays money out.
     *
     * @param amountCents a positive amount, at most the balance
     * @throws IllegalArgumentException    when the amount is not positive
     * @throws InsufficientFundsException when the amount is more than the balance
     */
    public void withdraw(long amountCents) {
        if (amountCents <= 0) {
            throw new IllegalArgumentException("a withdrawal must be positive, was " + amountCents);
        }
        if (amountCents > balanceCents) {
            throw new InsufficientFundsException(id(), balanceCents, amountCents);
        }
        raise(new MoneyWithdrawn(amountCents));
    }

    /**
     * Returns the holder.
     *
     * @return the owner
     */
    public String owner() {
        return owner;
    }

    /**
     * Returns the balance.
     *
     * @return the balance in cents
     */
    public long balanceCents() {
        return balanceCents;
    }
}
