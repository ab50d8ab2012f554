package io.modularddd.core.command;

import io.modularddd.core.InvalidInputException;
import java.util.concurrent.CompletableFuture;

/**
 * Sends each command to the one handler registered for its exact class, through the bus's middleware.
 *
 * <pre>{@code
 * bus.register(Deposit.class, command -> { ...; return balance; });
 * long balance = bus.dispatch(new Deposit("acc-42", 100));
 * CompletableFuture<Long> later = bus.dispatchAsync(new Deposit("acc-42", 100));
 * }</pre>
 *
 * <h2>Guarantees every implementation gives</h2>
 * <ul>
 *   <li><b>One handler per type.</b> Registering a second handler for a type throws
 *       {@link DuplicateHandlerException}; dispatching a type without one throws
 *       {@link NoHandlerException}, which names the type and lists the registered ones.</li>
 *   <li><b>Typed failures.</b> A {@code null} command is an {@link InvalidInputException}; a handler's
 *       checked exception arrives as a {@link CommandHandlerException}, a result of another type than the
 *       command declares as a {@link CommandResultTypeException}, a rejected command as a
 *       {@link CommandValidationException} — each naming the command type.</li>
 *   <li><b>No per-dispatch composition.</b> Handler lookup and the middleware chain are prepared when a
 *       handler is registered, never while a command is dispatched.</li>
 * </ul>
 * Implementations are thread-safe: registering and dispatching may happen concurrently.
 */
public interface CommandBus {

    /**
     * Registers the handler of a command type. Commands are matched by exact class.
     *
     * @param commandType the command class
     * @param handler     its handler
     * @param <C>         the command type
     * @param <R>         the result type the command declares
     * @throws DuplicateHandlerException when the type already has a handler
     * @throws InvalidInputException     when an argument is null
     */
    <C extends Command<R>, R> void register(Class<C> commandType, CommandHandler<? super C, ? extends R> handler);

    /**
     * Handles a command on the caller's thread and returns its handler's result. Whatever the bus's
     * dispatch strategy, this call runs the middleware and the handler before it returns, so a
     * command's effects are visible to the caller when it returns.
     *
     * @param command the command
     * @param <R>     the result type
     * @return the handler's result
     * @throws InvalidInputException      when the command is null
     * @throws NoHandlerException         when no handler is registered for its class
     * @throws CommandHandlerException    when the handler throws a checked exception
     * @throws CommandResultTypeException when the handler returns another type than the command declares
     * @throws CommandValidationException when a validation middleware rejects the command
     */
    <R> R dispatch(Command<R> command);

    /**
     * Hands a command to the bus's dispatch strategy (inline, an executor, a durable queue) and returns
     * at once. The future completes with the handler's result, or exceptionally with what
     * {@link #dispatch} would have thrown; what exactly "complete" means is the strategy's to say (a
     * durable queue completes it when the command is stored, with {@code null}).
     *
     * @param command the command
     * @param <R>     the result type
     * @return the result, later
     * @throws InvalidInputException when the command is null
     * @throws NoHandlerException    when no handler is registered for its class (checked before the
     *                               command is handed on)
     */
    <R> CompletableFuture<R> dispatchAsync(Command<R> command);
}
