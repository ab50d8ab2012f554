package io.modularddd.examples.bank.domain;

import io.modularddd.core.AggregateId;
import io.modularddd.core.aggregate.AggregateRepository;
import io.modularddd.core.command.CommandBus;
import io.modularddd.examples.bank.domain.BankCommands.Deposit;
import io.modularddd.examples.bank.domain.BankCommands.OpenAccount;
import io.modularddd.examples.bank.domain.BankCommands.RegisterUser;
import io.modularddd.examples.bank.domain.BankCommands.Transfer;
import io.modularddd.examples.bank.domain.BankCommands.Withdraw;
import io.modularddd.examples.quickstart.Account;
import io.modularddd.examples.quickstart.InsufficientFundsException;
import java.util.Objects;

/**
 * The command handlers of the sample bank: each loads the aggregates it needs from a repository, calls the
 * domain, and saves. They know nothing of where events are stored.
 *
 * <p>Registering a user and transferring money save two aggregates. Give the handlers repositories of a
 * unit of work ({@code UnitOfWork.repository} in {@code modular-ddd-cqrs}) and both saves are appended in one
 * atomic batch; with plain repositories they are two appends, the claim (or the withdrawal) first.
 */
public final class BankHandlers {

    private final AggregateRepository<Account> accounts;
    private final AggregateRepository<User> users;
    private final AggregateRepository<EmailClaim> emailClaims;

    /**
     * Creates the handlers.
     *
     * @param accounts    the accounts (aggregate type {@code "Account"})
     * @param users       the users ({@value User#TYPE})
     * @param emailClaims the email claims ({@value EmailClaim#TYPE})
     */
    public BankHandlers(AggregateRepository<Account> accounts, AggregateRepository<User> users,
                        AggregateRepository<EmailClaim> emailClaims) {
        this.accounts = Objects.requireNonNull(accounts, "accounts");
        this.users = Objects.requireNonNull(users, "users");
        this.emailClaims = Objects.requireNonNull(emailClaims, "emailClaims");
    }

    /**
     * Registers every handler on a bus.
     *
     * @param bus the command bus
     * @throws io.modularddd.core.command.DuplicateHandlerException when a bank command has a handler already
     */
    public void registerOn(CommandBus bus) {
        bus.register(RegisterUser.class, this::registerUser);
        bus.register(OpenAccount.class, this::openAccount);
        bus.register(Deposit.class, this::deposit);
        bus.register(Withdraw.class, this::withdraw);
        bus.register(Transfer.class, this::transfer);
    }

    /**
     * Registers a user, claiming the email address.
     *
     * @param command the command
     * @return nothing
     * @throws EmailAlreadyRegisteredException when another user holds the address
     */
    public Void registerUser(RegisterUser command) {
        emailClaims.find(EmailClaim.idOf(command.email())).ifPresent(claim -> {
            throw new EmailAlreadyRegisteredException(command.email());
        });
        emailClaims.save(EmailClaim.claim(command.email(), command.userId()));
        users.save(User.register(AggregateId.of(command.userId()), command.email(), command.name()));
        return null;
    }

    /**
     * Opens an account for a registered user.
     *
     * @param command the command
     * @return nothing
     * @throws UnknownUserException when the user never registered
     */
    public Void openAccount(OpenAccount command) {
        if (users.find(AggregateId.of(command.userId())).isEmpty()) {
            throw new UnknownUserException(command.userId());
        }
        accounts.save(Account.open(AggregateId.of(command.accountId()), command.userId()));
        return null;
    }

    /**
     * Pays money in.
     *
     * @param command the command
     * @return the new balance
     * @throws UnknownAccountException when the account was never opened
     */
    public Long deposit(Deposit command) {
        Account account = account(command.accountId());
        account.deposit(command.amountCents());
        accounts.save(account);
        return account.balanceCents();
    }

    /**
     * Pays money out.
     *
     * @param command the command
     * @return the new balance
     * @throws UnknownAccountException    when the account was never opened
     * @throws InsufficientFundsException when the amount is more than the balance
     */
    public Long withdraw(Withdraw command) {
        Account account = account(command.accountId());
        account.withdraw(command.amountCents());
        accounts.save(account);
        return account.balanceCents();
    }

    /**
     * Moves money between two accounts.
     *
     * @param command the command
     * @return the paying account's new balance
     * @throws UnknownAccountException    when either account was never opened
     * @throws InsufficientFundsException when the amount is more than the paying account's balance
     */
    public Long transfer(Transfer command) {
        // tag::transfer[]
        Account from = account(command.fromAccountId());
        Account to = account(command.toAccountId());
        from.withdraw(command.amountCents());       // InsufficientFundsException: nothing is stored
        to.deposit(command.amountCents());
        accounts.save(from);                        // in a unit of work: recorded ...
        accounts.save(to);
        return from.balanceCents();                 // ... and both appended atomically after the handler
        // end::transfer[]
    }

    private Account account(String accountId) {
        return accounts.find(AggregateId.of(accountId)).orElseThrow(() -> new UnknownAccountException(accountId));
    }
}
