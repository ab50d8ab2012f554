package io.modularddd.examples.bank;

import io.modularddd.core.EventStore;
import io.modularddd.core.aggregate.AggregateRepository;
import io.modularddd.core.command.CommandBus;
import io.modularddd.core.query.QueryBus;
import io.modularddd.cqrs.InvalidationRules;
import io.modularddd.cqrs.projection.ProjectionEngine;
import io.modularddd.examples.bank.domain.BankCommands.Deposit;
import io.modularddd.examples.bank.domain.BankCommands.OpenAccount;
import io.modularddd.examples.bank.domain.BankCommands.RegisterUser;
import io.modularddd.examples.bank.domain.BankCommands.Transfer;
import io.modularddd.examples.bank.domain.BankCommands.Withdraw;
import io.modularddd.examples.bank.domain.BankDirectory;
import io.modularddd.examples.bank.domain.BankEvents;
import io.modularddd.examples.bank.domain.BankHandlers;
import io.modularddd.examples.bank.domain.BankQueryHandlers;
import io.modularddd.examples.bank.domain.EmailClaim;
import io.modularddd.examples.bank.domain.User;
import io.modularddd.examples.bank.domain.BankQueries.AccountSummary;
import io.modularddd.examples.bank.domain.BankQueries.AccountsOf;
import io.modularddd.examples.bank.domain.BankQueries.BalanceOf;
import io.modularddd.examples.bank.domain.BankQueries.UserByEmail;
import io.modularddd.examples.bank.domain.BankQueries.UserView;
import io.modularddd.examples.quickstart.Account;
import io.modularddd.examples.quickstart.AccountEvents.MoneyDeposited;
import io.modularddd.examples.quickstart.AccountEvents.MoneyWithdrawn;
import io.modularddd.profiles.ModularDdd;
import io.modularddd.profiles.ModularDddBuilder;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The sample bank, running: typed operations over a command bus and a query bus on which the bank's
 * handlers, queries and projection are registered. Every operation is one {@code dispatch} or {@code ask};
 * ids come from the arguments, never from inside, so a run is repeatable.
 *
 * <pre>{@code
 * try (Bank bank = Bank.start(ModularDdd.builder().profile(Profile.STARTUP))) {   // or Bank.inMemory(), by hand
 *     bank.registerUser("u-1", "ada@example.com", "Ada");
 *     bank.openAccount("acc-1", "u-1");
 *     bank.deposit("acc-1", 10_000);
 *     long balance = bank.balanceOf("acc-1");           // cached until acc-1's next event
 * }
 * }</pre>
 *
 * <p>Thread-safe: operations may run from many threads at once. Closing the bank closes what was opened for
 * it.
 */
public final class Bank implements AutoCloseable {

    /** How long a balance is cached when no profile says otherwise: the startup profile's query cache TTL. */
    public static final Duration DEFAULT_BALANCE_TTL = Duration.ofMinutes(5);

    private final CommandBus commands;
    private final QueryBus queries;
    private final BankDirectory directory;
    private final EventStore store;
    private final ProjectionEngine engine;
    private final ModularDdd toolkit;
    private final AutoCloseable resources;

    Bank(CommandBus commands, QueryBus queries, BankDirectory directory, EventStore store, ProjectionEngine engine,
         ModularDdd toolkit, AutoCloseable resources) {
        this.commands = Objects.requireNonNull(commands, "commands");
        this.queries = Objects.requireNonNull(queries, "queries");
        this.directory = Objects.requireNonNull(directory, "directory");
        this.store = Objects.requireNonNull(store, "store");
        this.engine = Objects.requireNonNull(engine, "engine");
        this.toolkit = toolkit;
        this.resources = Objects.requireNonNull(resources, "resources");
    }

    /**
     * Starts the bank on a toolkit: configures the builder for the bank ({@link #configure}), builds it, and
     * registers the bank on it ({@link #register}). The bank then owns the toolkit and closes it.
     *
     * <pre>{@code
     * try (Bank bank = Bank.start(ModularDdd.builder().profile(Profile.STARTUP))) {   // embedded H2, no server
     *     ...
     * }
     * }</pre>
     *
     * @param builder a toolkit builder with the profile and infrastructure set, and no event types yet
     * @return the running bank
     * @throws IllegalStateException when the builder has event types already, or {@code build()} fails
     */
    public static Bank start(ModularDddBuilder builder) {
        BankDirectory directory = new BankDirectory();
        ModularDdd ddd = configure(builder, directory).build();
        try {
            Bank bank = register(ddd, directory);
            return new Bank(bank.commands, bank.queries, directory, bank.store, bank.engine, ddd, ddd);
        } catch (RuntimeException e) {
            ddd.close();
            throw e;
        }
    }

    /**
     * Configures a toolkit builder for the bank: its event types, the directory's projection (run with the
     * profile's projection strategy), the invalidation rules of the cached balance, and stable names of the
     * commands for the durable queue ({@code dispatchAsync} under the queue strategy).
     *
     * @param builder   the builder
     * @param directory the read model the projection keeps
     * @return the builder
     * @throws IllegalStateException when the builder has event types already
     */
    public static ModularDddBuilder configure(ModularDddBuilder builder, BankDirectory directory) {
        // tag::configure[]
        return builder.eventTypes(BankEvents.registry())                  // stable names <-> event classes
                .projection(directory.projection())                       // with the profile's strategy
                .invalidateOn(MoneyDeposited.class, (event, id) -> Set.of(BalanceOf.tag(id.value())))
                .invalidateOn(MoneyWithdrawn.class, (event, id) -> Set.of(BalanceOf.tag(id.value())))
                .commandType("bank.register-user.v1", RegisterUser.class) // names for the durable queue
                .commandType("bank.open-account.v1", OpenAccount.class)
                .commandType("bank.deposit.v1", Deposit.class)
                .commandType("bank.withdraw.v1", Withdraw.class)
                .commandType("bank.transfer.v1", Transfer.class);
        // end::configure[]
    }

    /**
     * Registers the bank's handlers and queries on a toolkit built from a {@link #configure configured} builder,
     * and rebuilds the directory (it lives in memory, while its checkpoints may be kept in the database). The
     * returned bank does not close the toolkit. The rebuild resets the directory's checkpoints, so run one bank
     * process per database: a second would void the first one's projection leases.
     *
     * @param ddd       the toolkit
     * @param directory the read model given to {@link #configure}
     * @return the bank
     * @throws IllegalStateException when the toolkit has repositories of the bank's aggregate types already
     */
    public static Bank register(ModularDdd ddd, BankDirectory directory) {
        // tag::register[]
        AggregateRepository<Account> accounts = ddd.repository("Account", Account::new); // saves join the unit of work
        new BankHandlers(accounts, ddd.repository(User.TYPE, User::new),
                ddd.repository(EmailClaim.TYPE, EmailClaim::new))
                .registerOn(ddd.commandBus());
        BankQueryHandlers queries = new BankQueryHandlers(accounts, directory);
        ddd.registerCachedQuery(BalanceOf.class, queries::balanceOf,                    // the profile's cache TTL
                query -> Set.of(BalanceOf.tag(query.accountId())));                     // dropped by invalidateOn
        ddd.queryBus().register(AccountsOf.class, query -> directory.accountsOf(query.userId()));
        ddd.queryBus().register(UserByEmail.class, query -> directory.userByEmail(query.email()));
        // end::register[]
        ddd.projections().rebuild(BankDirectory.PROJECTION);
        return new Bank(ddd.commandBus(), ddd.queryBus(), directory, ddd.eventStore(), ddd.projections(), ddd, () -> {
        });
    }

    /**
     * A bank in memory, wired by hand from the library's parts (no bootstrap, no server): an in-memory event
     * store, a unit of work, the buses, an L1 query cache, and the directory projection in realtime.
     *
     * @return the running bank
     */
    public static Bank inMemory() {
        return HandWiredBank.inMemory(DEFAULT_BALANCE_TTL);
    }

    /**
     * A bank wired by hand on a given store (in memory, JDBC, tiered), which it then owns and closes.
     *
     * @param store      the store, serializing with {@code BankEvents.registry()}
     * @param balanceTtl how long a balance is cached
     * @return the running bank
     */
    public static Bank on(EventStore store, Duration balanceTtl) {
        return HandWiredBank.on(store, balanceTtl);
    }

    /**
     * The rules that keep cached balances true: a deposit or a withdrawal invalidates its account's balance.
     *
     * @return the rules
     */
    public static InvalidationRules invalidationRules() {
        return InvalidationRules.builder()
                .on(MoneyDeposited.class, (event, id) -> Set.of(BalanceOf.tag(id.value())))
                .on(MoneyWithdrawn.class, (event, id) -> Set.of(BalanceOf.tag(id.value())))
                .build();
    }

    /**
     * Registers a user.
     *
     * @param userId the new user's id
     * @param email  an address no other user has
     * @param name   the name
     * @throws io.modularddd.examples.bank.domain.EmailAlreadyRegisteredException when another user has the address
     * @throws IllegalArgumentException when an argument is missing or the address malformed
     */
    public void registerUser(String userId, String email, String name) {
        commands.dispatch(new RegisterUser(userId, email, name));
    }

    /**
     * Opens an account.
     *
     * @param accountId the new account's id
     * @param userId    its holder, registered
     * @throws io.modularddd.examples.bank.domain.UnknownUserException when the user never registered
     * @throws io.modularddd.core.ConcurrencyConflictException          when the account exists already
     */
    public void openAccount(String accountId, String userId) {
        commands.dispatch(new OpenAccount(accountId, userId));
    }

    /**
     * Pays money in.
     *
     * @param accountId   the account
     * @param amountCents a positive amount
     * @return the new balance
     * @throws io.modularddd.examples.bank.domain.UnknownAccountException when the account was never opened
     */
    public long deposit(String accountId, long amountCents) {
        return commands.dispatch(new Deposit(accountId, amountCents));
    }

    /**
     * Pays money out.
     *
     * @param accountId   the account
     * @param amountCents a positive amount, at most the balance
     * @return the new balance
     * @throws io.modularddd.examples.quickstart.InsufficientFundsException when the balance is too small
     * @throws io.modularddd.examples.bank.domain.UnknownAccountException   when the account was never opened
     */
    public long withdraw(String accountId, long amountCents) {
        return commands.dispatch(new Withdraw(accountId, amountCents));
    }

    /**
     * Moves money between two accounts, both or neither.
     *
     * @param fromAccountId the paying account
     * @param toAccountId   the receiving account
     * @param amountCents   a positive amount, at most the paying account's balance
     * @return the paying account's new balance
     * @throws io.modularddd.examples.quickstart.InsufficientFundsException when the balance is too small
     * @throws io.modularddd.examples.bank.domain.UnknownAccountException   when an account was never opened
     */
    public long transfer(String fromAccountId, String toAccountId, long amountCents) {
        return commands.dispatch(new Transfer(fromAccountId, toAccountId, amountCents));
    }

    /**
     * Returns an account's balance: the cached query, true after every command that returned.
     *
     * @param accountId the account
     * @return the balance in cents
     * @throws io.modularddd.examples.bank.domain.UnknownAccountException when the account was never opened
     */
    public long balanceOf(String accountId) {
        return queries.ask(new BalanceOf(accountId));
    }

    /**
     * Returns a user's accounts from the directory (as far as its projection has read).
     *
     * @param userId the user
     * @return the accounts, ordered by id
     */
    public List<AccountSummary> accountsOf(String userId) {
        return queries.ask(new AccountsOf(userId));
    }

    /**
     * Returns the user registered under an address, from the directory.
     *
     * @param email the address
     * @return the user, or empty
     */
    public Optional<UserView> userByEmail(String email) {
        return queries.ask(new UserByEmail(email));
    }

    /**
     * Returns the command bus the bank's handlers are registered on.
     *
     * @return the bus
     */
    public CommandBus commandBus() {
        return commands;
    }

    /**
     * Returns the query bus the bank's queries are registered on.
     *
     * @return the bus
     */
    public QueryBus queryBus() {
        return queries;
    }

    /**
     * Waits until the directory has read every event stored so far: needed only when its projection runs
     * async or batched (the growth, scale and enterprise profiles); realtime, it is there when a command returns.
     *
     * @param timeout how long to wait at most
     * @return {@code true} when caught up, {@code false} on timeout or when the projection stopped
     */
    public boolean awaitDirectory(Duration timeout) {
        return engine.awaitCaughtUp(BankDirectory.PROJECTION, store.headPosition(), timeout);
    }

    /**
     * Returns the toolkit the bank runs on, when it was started on one.
     *
     * @return the toolkit, or empty for a bank wired by hand
     */
    public Optional<ModularDdd> toolkit() {
        return Optional.ofNullable(toolkit);
    }

    /**
     * Returns the read model.
     *
     * @return the directory
     */
    public BankDirectory directory() {
        return directory;
    }

    /** Closes what was opened for this bank: the toolkit, or the hand-wired engine, cache and store. */
    @Override
    public void close() {
        try {
            resources.close();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("closing the bank failed: " + e, e);
        }
    }
}
