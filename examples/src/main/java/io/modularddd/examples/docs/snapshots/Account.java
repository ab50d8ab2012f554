package io.modularddd.examples.docs.snapshots;

import io.modularddd.core.AggregateId;
import io.modularddd.core.aggregate.AggregateRoot;
import io.modularddd.core.aggregate.EventHandlers;
import io.modularddd.core.aggregate.Snapshotable;
import io.modularddd.examples.quickstart.AccountEvents.AccountOpened;
import io.modularddd.examples.quickstart.AccountEvents.MoneyDeposited;
import io.modularddd.examples.quickstart.AccountEvents.MoneyWithdrawn;

/** The quickstart's account, snapshotable: docs/snapshots.md's aggregate. */
public final class Account extends AggregateRoot<Account> implements Snapshotable<Account.AccountState> {

    private static final EventHandlers<Account> HANDLERS = EventHandlers.<Account>builder()
            .on(AccountOpened.class, (account, e) -> account.owner = e.owner())
            .on(MoneyDeposited.class, (account, e) -> account.balanceCents += e.amountCents())
            .on(MoneyWithdrawn.class, (account, e) -> account.balanceCents -= e.amountCents())
            .build();

    private String owner;
    private long balanceCents;

    /**
     * Creates an empty account; state arrives through events or a snapshot.
     *
     * @param id the account id
     */
    public Account(AggregateId id) {
        super(id, HANDLERS);
    }

    /**
     * The account's captured state.
     *
     * @param owner        the holder
     * @param balanceCents the balance, in cents
     */
    public record AccountState(String owner, long balanceCents) {
    }

    @Override
    public AccountState snapshot() {
        return new AccountState(owner, balanceCents);
    }

    @Override
    public void restore(AccountState state) {
        owner = state.owner();
        balanceCents = state.balanceCents();
    }

    /**
     * Pays money in.
     *
     * @param amountCents a positive amount
     */
    public void deposit(long amountCents) {
        if (amountCents <= 0) {
            throw new IllegalArgumentException("a deposit must be positive, was " + amountCents);
        }
        raise(new MoneyDeposited(amountCents));
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
