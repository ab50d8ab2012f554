package io.modularddd.examples.bank.domain;

import io.modularddd.core.AggregateId;
import io.modularddd.core.aggregate.AggregateRepository;
import io.modularddd.core.query.QueryBus;
import io.modularddd.core.query.QueryCaching;
import io.modularddd.examples.bank.domain.BankQueries.AccountsOf;
import io.modularddd.examples.bank.domain.BankQueries.BalanceOf;
import io.modularddd.examples.bank.domain.BankQueries.UserByEmail;
import io.modularddd.examples.quickstart.Account;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * The query handlers of the sample bank: {@link BalanceOf} from the account itself, cached for a TTL under
 * the account's tag; {@link AccountsOf} and {@link UserByEmail} from the {@link BankDirectory}, uncached (the
 * directory is in memory already).
 *
 * <p>A cached balance is correct only while the account's events invalidate its tag: pair the bus with an
 * invalidation rule mapping {@code MoneyDeposited} and {@code MoneyWithdrawn} to
 * {@link BalanceOf#tag(String) BalanceOf.tag(accountId)} ({@code InvalidationRules} in
 * {@code modular-ddd-cqrs}).
 */
public final class BankQueryHandlers {

    private final AggregateRepository<Account> accounts;
    private final BankDirectory directory;

    /**
     * Creates the handlers.
     *
     * @param accounts  the accounts, read only
     * @param directory the read model
     */
    public BankQueryHandlers(AggregateRepository<Account> accounts, BankDirectory directory) {
        this.accounts = Objects.requireNonNull(accounts, "accounts");
        this.directory = Objects.requireNonNull(directory, "directory");
    }

    /**
     * Registers every handler on a bus.
     *
     * @param bus        the query bus; it needs a cache
     * @param balanceTtl how long a balance is served from the cache (the profile's query cache TTL)
     * @throws io.modularddd.core.query.DuplicateQueryHandlerException when a bank query has a handler already
     * @throws io.modularddd.core.InvalidInputException                when the bus has no cache or the TTL is
     *                                                                 not positive
     */
    public void registerOn(QueryBus bus, Duration balanceTtl) {
        bus.register(BalanceOf.class, this::balanceOf,
                QueryCaching.of(BalanceOf.class, balanceTtl).tags(query -> Set.of(BalanceOf.tag(query.accountId()))));
        bus.register(AccountsOf.class, query -> directory.accountsOf(query.userId()));
        bus.register(UserByEmail.class, query -> directory.userByEmail(query.email()));
    }

    /**
     * Answers a balance from the account's events.
     *
     * @param query the query
     * @return the balance in cents
     * @throws UnknownAccountException when the account was never opened
     */
    public Long balanceOf(BalanceOf query) {
        return accounts.find(AggregateId.of(query.accountId()))
                .orElseThrow(() -> new UnknownAccountException(query.accountId()))
                .balanceCents();
    }
}
