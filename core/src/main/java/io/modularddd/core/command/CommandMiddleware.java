package io.modularddd.core.command;

/**
 * Wraps the handling of a command type with behaviour of its own: metrics, logging, validation, retries,
 * a unit of work.
 *
 * <p>A bus composes its middleware <em>once per command type</em>, when the type's handler is
 * registered: it calls {@link #wrap} with the type and the {@link Invoker} that runs the rest of the
 * chain, and keeps what it returns. Dispatching then only runs the composed invokers — nothing is looked
 * up or allocated per command by the bus. A middleware therefore does its per-type work in {@code wrap}
 * (resolve a timer, find the type's validator), and may return {@code next} itself for a type it has
 * nothing to do for, which costs nothing at dispatch.
 *
 * <pre>{@code
 * CommandMiddleware audit = (commandType, next) -> command -> {
 *     log.info("handling {}", commandType.getSimpleName());
 *     return next.invoke(command);
 * };
 * }</pre>
 *
 * <p>Middleware registered first runs outermost. Implementations are thread-safe: one invoker serves
 * every dispatch of its type, concurrently.
 */
@FunctionalInterface
public interface CommandMiddleware {

    /**
     * Wraps the rest of the chain for one command type.
     *
     * @param commandType the exact command class the chain is for
     * @param next        runs the middleware after this one, then the handler
     * @return the invoker to run instead of {@code next}: a wrapper, or {@code next} itself; never {@code null}
     */
    Invoker wrap(Class<?> commandType, Invoker next);

    /**
     * One step of a composed chain: runs the rest of it for a command.
     *
     * <p>Only unchecked exceptions leave an invoker: the bus wraps a handler's checked exceptions in a
     * {@link CommandHandlerException} before any middleware sees them.
     */
    @FunctionalInterface
    interface Invoker {
        /**
         * Runs the chain for a command.
         *
         * @param command the command, of the type the chain was composed for
         * @return the handler's result
         */
        Object invoke(Object command);
    }
}
