package io.modularddd.core.command;

/**
 * Handles one command type: loads what it needs, calls the domain, saves, and returns a result.
 *
 * <pre>{@code
 * bus.register(Deposit.class, command -> {
 *     Account account = accounts.load(AggregateId.of(command.accountId()));
 *     account.deposit(command.cents());
 *     accounts.save(account);
 *     return account.balanceCents();
 * });
 * }</pre>
 *
 * <p>A handler may throw checked exceptions; the bus hands them to the caller wrapped in a
 * {@link CommandHandlerException} that names the command type. Unchecked exceptions and errors reach the
 * caller unchanged.
 *
 * @param <C> the command type
 * @param <R> the result type
 */
@FunctionalInterface
public interface CommandHandler<C, R> {

    /**
     * Handles a command.
     *
     * @param command the command, never {@code null}
     * @return the result, of the type the command declares ({@code null} for {@code Command<Void>})
     * @throws Exception when handling fails; checked exceptions are wrapped by the bus
     */
    R handle(C command) throws Exception;
}
