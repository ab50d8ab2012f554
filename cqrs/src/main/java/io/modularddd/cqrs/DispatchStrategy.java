package io.modularddd.cqrs;

import io.modularddd.core.command.CommandMiddleware;
import io.modularddd.core.internal.Checks;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * How {@link SimpleCommandBus#dispatchAsync} runs a command (the seed's {@code async.strategy}).
 * {@link SimpleCommandBus#dispatch} always runs inline, whatever the strategy.
 *
 * <ul>
 *   <li>{@link #sync()}: inline, on the caller's thread; the returned future is already complete. The
 *       command has been handled when {@code dispatchAsync} returns.</li>
 *   <li>{@link #executor(Executor)}: on an executor the application owns (the bus starts no thread). The
 *       future completes when the handler has run. In process only: a crash loses commands not yet run.</li>
 *   <li>A durable queue strategy (Redis Streams, a database table) hands the command to a
 *       {@code CommandQueue}, and its future completes when the queue has stored it; a consumer then runs
 *       it with {@code dispatch}. It is a strategy like these: the bus passes it the command and the
 *       type's composed chain, which a queue ignores.</li>
 * </ul>
 *
 * <p>Implementations are thread-safe.
 */
@FunctionalInterface
public interface DispatchStrategy {

    /**
     * Runs, or arranges to run, a command.
     *
     * @param command the command, not null, with a registered handler
     * @param chain   the command type's composed middleware and handler, to run the command in process
     * @return the handler's result, later; failed with what the chain threw
     */
    CompletableFuture<Object> submit(Object command, CommandMiddleware.Invoker chain);

    /**
     * Runs commands inline, on the caller's thread.
     *
     * @return the strategy
     */
    static DispatchStrategy sync() {
        return (command, chain) -> {
            try {
                return CompletableFuture.completedFuture(chain.invoke(command));
            } catch (RuntimeException | Error e) {
                return CompletableFuture.failedFuture(e);
            }
        };
    }

    /**
     * Runs commands on an executor.
     *
     * @param executor the executor, owned by the application (the bus never shuts it down)
     * @return the strategy; a command the executor refuses throws {@link RejectedExecutionException}
     *         naming the command type from {@code dispatchAsync}
     * @throws io.modularddd.core.InvalidInputException when the executor is null
     */
    static DispatchStrategy executor(Executor executor) {
        Checks.notNull("executor", executor);
        return (command, chain) -> {
            try {
                return CompletableFuture.supplyAsync(() -> chain.invoke(command), executor);
            } catch (RejectedExecutionException e) {
                throw new RejectedExecutionException("the executor refused command " + command.getClass().getName()
                        + " (" + e.getMessage() + "); give it more capacity or dispatch inline", e);
            }
        };
    }
}
