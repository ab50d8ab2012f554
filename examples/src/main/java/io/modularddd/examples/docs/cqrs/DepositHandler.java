package io.modularddd.examples.docs.cqrs;

import io.modularddd.core.AggregateId;
import io.modularddd.core.aggregate.AggregateRepository;
import io.modularddd.core.command.CommandHandler;
import io.modularddd.examples.docs.cqrs.Commands.Deposit;
import io.modularddd.examples.quickstart.Account;

/** Handles {@link Deposit}: loads the account, deposits, saves; answers the new balance. */
public final class DepositHandler implements CommandHandler<Deposit, Long> {

    private final AggregateRepository<Account> accounts;

    /**
     * Creates the handler.
     *
     * @param accounts the accounts, e.g. through a unit of work
     */
    public DepositHandler(AggregateRepository<Account> accounts) {
        this.accounts = accounts;
    }

    @Override
    public Long handle(Deposit command) {
        Account account = accounts.load(AggregateId.of(command.accountId()));
        account.deposit(command.cents());
        accounts.save(account);
        return account.balanceCents();
    }
}
