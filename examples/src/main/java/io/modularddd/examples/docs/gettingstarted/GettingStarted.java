package io.modularddd.examples.docs.gettingstarted;

import io.modularddd.core.AggregateId;
import io.modularddd.core.aggregate.AggregateRepository;
import io.modularddd.examples.docs.gettingstarted.BankEvents.AccountOpened;
import io.modularddd.examples.docs.gettingstarted.BankEvents.MoneyDeposited;
import io.modularddd.examples.docs.gettingstarted.BankMessages.Balance;
import io.modularddd.examples.docs.gettingstarted.BankMessages.Deposit;
import io.modularddd.examples.docs.gettingstarted.BankMessages.OpenAccount;
import io.modularddd.profiles.ModularDdd;
import io.modularddd.profiles.Profile;
import java.util.Set;

/**
 * docs/getting-started.md's code: the bank account wired by the one-call bootstrap, on the embedded
 * default and on MariaDB + Redis. The code between the tag markers is what the page shows; a test runs
 * both.
 */
public final class GettingStarted {

    private GettingStarted() {
    }

    /**
     * Runs the tutorial on the embedded default: H2 in memory, everything in this process.
     *
     * @param accountId the account to open
     * @return the balance read back through the query bus
     */
    public static long embedded(String accountId) {
        // tag::embedded[]
        Balances balances = new Balances();
        try (ModularDdd ddd = ModularDdd.builder()
                .profile(Profile.STARTUP)                        // the default; shown for clarity
                .eventTypes(BankEvents.registry())
                .projection(balances.projection())               // STARTUP runs it realtime: read your writes
                .invalidateOn(MoneyDeposited.class, (event, id) -> Set.of("account:" + id.value()))
                .build()) {                                      // no database given: H2 in memory
            return use(ddd, balances, accountId);
        }
        // end::embedded[]
    }

    /**
     * Runs the tutorial on a database and Redis under the growth profile.
     *
     * @param jdbcUrl   the database, e.g. {@code jdbc:mariadb://127.0.0.1:3306/app}
     * @param user      the user
     * @param password  the password
     * @param redisUri  the Redis server, e.g. {@code redis://127.0.0.1:6379}
     * @param accountId the account to open
     * @return the balance read back through the query bus
     */
    public static long onServers(String jdbcUrl, String user, String password, String redisUri, String accountId) {
        // tag::servers[]
        Balances balances = new Balances();
        try (ModularDdd ddd = ModularDdd.builder()
                .profile(Profile.GROWTH)
                .jdbcUrl(jdbcUrl, user, password)                // jdbc:mariadb://db:3306/app
                .redis(redisUri)                                 // redis://redis:6379
                .createSchema(true)                              // idempotent; or apply schema/mysql.sql yourself
                .eventTypes(BankEvents.registry())
                .projection(balances.projection())               // GROWTH's first strategy: realtime
                .invalidateOn(MoneyDeposited.class, (event, id) -> Set.of("account:" + id.value()))
                .build()) {
            ddd.projections().rebuild("balances");               // the model is in memory: replay the log into it
            System.out.println(ddd.describe());                  // every setting, where it came from, no password
            return use(ddd, balances, accountId);
        }
        // end::servers[]
    }

    private static long use(ModularDdd ddd, Balances balances, String accountId) {
        // tag::use[]
        AggregateRepository<Account> accounts = ddd.repository("Account", Account::new);

        ddd.commandBus().register(OpenAccount.class, command -> {
            accounts.save(Account.open(AggregateId.of(command.accountId()), command.owner()));
            return null;
        });
        ddd.commandBus().register(Deposit.class, command -> {
            Account account = accounts.load(AggregateId.of(command.accountId()));
            account.deposit(command.cents());
            accounts.save(account);                              // appended when the handler returns
            return account.balanceCents();
        });
        ddd.registerCachedQuery(Balance.class,
                query -> balances.of(query.accountId()),         // the read model, not the aggregate
                query -> Set.of("account:" + query.accountId())); // dropped when a MoneyDeposited is stored

        ddd.commandBus().dispatch(new OpenAccount(accountId, "Ada"));
        ddd.commandBus().dispatch(new Deposit(accountId, 10_000));
        long cached = ddd.queryBus().ask(new Balance(accountId));       // 10000, now cached
        ddd.commandBus().dispatch(new Deposit(accountId, 2_500));
        return ddd.queryBus().ask(new Balance(accountId));              // 12500: the deposit invalidated it
        // end::use[]
    }
}
