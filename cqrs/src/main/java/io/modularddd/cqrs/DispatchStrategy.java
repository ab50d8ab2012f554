package io.modularddd.cqrs;

import io.modularddd.core.command.CommandMiddleware;
import io.modularddd.core.internal.Checks;
import io.modularddd.core.queue.CommandCodec;
import io.modularddd.core.queue.CommandQueue;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * How {@link SimpleCommandBus#dispatchAsync} runs a command (the seed's {@code async.strategy}).
 * {@link SimpleCommandBus#dispatch} always runs inline, whatever the strategy.
 *
 * <ul>
 *   <li>{@link #sync()}: inline, on the caller's thread; the returned future is already complete. The
 *       command has been handled when {@code dispatchAsync} returns.</li>
 *   <li>{@link #executor(Executor)}: on an executor the application owns (the bus starts no thread). The
 *       future completes when the handler has run. In process only: a crash loses commands not yet run.</li>
 *   <li>{@link #queue(CommandQueue, CommandCodec, String)}: durable. The command is encoded through the
 *       codec's registry of type names and sent to a {@link CommandQueue} (Redis Streams, a database
 *       table); the future completes, with {@code null}, once the queue has stored it. A
 *       {@link CommandQueueWorker} on any node takes it from the queue and runs it with
 *       {@code dispatch}, through that node's bus and middleware — at least once, so handlers must be
 *       idempotent by the command's id.</li>
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

    /**
     * Sends commands to a durable queue, each under a random id. A random id makes every
     * {@code dispatchAsync} a new command: when the caller may repeat a dispatch (after a crash, a retried
     * request), use {@link #queue(CommandQueue, CommandCodec, String, Function)} with an id derived from
     * the request, so the queue accepts it once.
     *
     * @param queue     the queue
     * @param codec     encodes commands through its registry of command type names
     * @param queueName the queue's name, e.g. {@code "default"} or {@code "high-priority"}
     * @return the strategy
     * @throws io.modularddd.core.InvalidInputException when an argument is null or the name malformed
     */
    static DispatchStrategy queue(CommandQueue queue, CommandCodec codec, String queueName) {
        return queue(queue, codec, queueName, command -> UUID.randomUUID().toString());
    }

    /**
     * Sends commands to a durable queue under ids computed from them: a command whose id the queue
     * already has is not queued again ({@link CommandQueue#send} is idempotent by id), so a repeated
     * dispatch of one request runs once.
     *
     * <p>{@code dispatchAsync} then throws at once, with nothing queued, when the command's type is not
     * registered with the codec ({@code InvalidInputException} naming the class and the registered names),
     * when it cannot be encoded ({@code SerializationException} naming its type), or when the queue refuses
     * it ({@code InvalidInputException} for a payload over its limit, {@code CommandQueueException} when its
     * storage fails); otherwise the future is complete when it returns.
     *
     * @param queue     the queue
     * @param codec     encodes commands through its registry of command type names
     * @param queueName the queue's name: letters, digits, {@code .}, {@code _}, {@code -}
     * @param commandId the id of a command: not blank, at most
     *                  {@value io.modularddd.core.queue.QueuedCommand#MAX_ID_CHARS} characters
     * @return the strategy
     * @throws io.modularddd.core.InvalidInputException when an argument is null or the name malformed
     */
    static DispatchStrategy queue(CommandQueue queue, CommandCodec codec, String queueName,
                                  Function<Object, String> commandId) {
        Checks.notNull("queue", queue);
        Checks.notNull("codec", codec);
        Checks.notNull("commandId", commandId);
        return new QueueStrategy(queue, codec, checkQueueName(queueName), commandId);
    }

    /**
     * Checks a queue name.
     *
     * @param queueName the name
     * @return the name
     * @throws io.modularddd.core.InvalidInputException when it is null or malformed
     */
    private static String checkQueueName(String queueName) {
        Checks.notNull("queueName", queueName);
        if (!Pattern.matches("[A-Za-z0-9._-]{1," + CommandQueue.MAX_QUEUE_NAME_CHARS + "}", queueName)) {
            throw new io.modularddd.core.InvalidInputException("queueName", "queueName must be 1 to "
                    + CommandQueue.MAX_QUEUE_NAME_CHARS + " letters, digits, '.', '_' or '-' but was "
                    + Checks.show(queueName) + "; e.g. \"high-priority\"");
        }
        return queueName;
    }
}
