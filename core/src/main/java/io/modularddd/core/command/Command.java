package io.modularddd.core.command;

/**
 * A command: a request to change the state of the system, handled by exactly one
 * {@link CommandHandler}. {@code R} is what its handler returns; use {@link Void} when it returns
 * nothing.
 *
 * <pre>{@code
 * public record Deposit(String accountId, long cents) implements Command<Long> { }   // returns the balance
 * public record CloseAccount(String accountId) implements Command<Void> { }
 * }</pre>
 *
 * <p>The interface only carries the result type, so {@link CommandBus#dispatch} is typed at compile time
 * and the bus can check at run time that a handler returns what the command declares. Commands should
 * be immutable values (records): they may be handed to another thread or, on a durable queue, to
 * another process.
 *
 * @param <R> the result type of the command's handler
 */
public interface Command<R> {
}
