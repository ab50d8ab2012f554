package io.modularddd.cqrs;

import io.modularddd.core.InvalidInputException;
import io.modularddd.core.command.Command;
import io.modularddd.core.command.CommandBus;
import io.modularddd.core.command.CommandHandler;
import io.modularddd.core.command.CommandHandlerException;
import io.modularddd.core.command.CommandMiddleware;
import io.modularddd.core.command.CommandMiddleware.Invoker;
import io.modularddd.core.command.CommandResultTypeException;
import io.modularddd.core.command.DuplicateHandlerException;
import io.modularddd.core.command.NoHandlerException;
import io.modularddd.core.internal.Checks;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The in-process {@link CommandBus}: one handler per command class, its middleware composed once.
 *
 * <pre>{@code
 * UnitOfWork unitOfWork = UnitOfWork.on(store);
 * SimpleCommandBus bus = SimpleCommandBus.builder()
 *         .middleware(CommandMetrics.of(registry))          // outermost
 *         .middleware(SlowCommandLog.threshold(Duration.ofMillis(200)))
 *         .middleware(validation)
 *         .middleware(ConflictRetry.attempts(3))
 *         .middleware(unitOfWork)                            // innermost, around the handler
 *         .strategy(DispatchStrategy.executor(pool))         // for dispatchAsync
 *         .build();
 * bus.register(Deposit.class, new DepositHandler(unitOfWork.repository("Account", accounts)));
 * }</pre>
 *
 * <h2>How a dispatch runs</h2>
 * Registering a handler composes its chain at once: the handler is wrapped by the last middleware, that by
 * the one before, and so on, and the result is stored in an immutable map from command class to chain,
 * which replaces the previous map. A dispatch is then a null check, one map lookup by exact class, and
 * the chain's calls — no middleware list is walked, no lambda or context object is created by the bus.
 * The map is published through a volatile field: a dispatch sees every registration that completed
 * before it began.
 *
 * <p>The innermost step calls the handler, wraps a checked exception in a {@link CommandHandlerException},
 * and checks the result against the result type the command declares ({@code Command<Long>}, resolved
 * once at registration): a mismatch is a {@link CommandResultTypeException}, so middleware and callers
 * never receive a value of the wrong type.
 *
 * <p>Thread-safe.
 */
public final class SimpleCommandBus implements CommandBus {

    private final List<CommandMiddleware> middleware;
    private final DispatchStrategy strategy;
    private final Object registrationLock = new Object();
    /** Command class to composed chain; replaced, never changed, on registration. */
    private volatile Map<Class<?>, Invoker> chains = Map.of();

    private SimpleCommandBus(List<CommandMiddleware> middleware, DispatchStrategy strategy) {
        this.middleware = List.copyOf(middleware);
        this.strategy = strategy;
    }

    /**
     * A bus with no middleware, dispatching asynchronous commands inline.
     *
     * @return the bus
     */
    public static SimpleCommandBus create() {
        return builder().build();
    }

    /**
     * Starts a bus.
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public <C extends Command<R>, R> void register(Class<C> commandType,
                                                   CommandHandler<? super C, ? extends R> handler) {
        Checks.notNull("commandType", commandType);
        Checks.notNull("handler", handler);
        Type declared = ResultTypes.declared(commandType, Command.class);
        @SuppressWarnings("unchecked")
        CommandHandler<Object, ?> untyped = (CommandHandler<Object, ?>) handler;
        synchronized (registrationLock) {
            if (chains.containsKey(commandType)) {
                throw new DuplicateHandlerException(commandType);
            }
            Invoker chain = new HandlerStep(commandType, untyped, declared);
            for (int i = middleware.size() - 1; i >= 0; i--) {
                CommandMiddleware m = middleware.get(i);
                chain = m.wrap(commandType, chain);
                if (chain == null) {
                    throw new IllegalStateException("middleware " + m + " returned no invoker for "
                            + commandType.getName() + "; return the next invoker to do nothing for a type");
                }
            }
            Map<Class<?>, Invoker> next = new HashMap<>(chains);
            next.put(commandType, chain);
            chains = next;
        }
    }

    @Override
    public <R> R dispatch(Command<R> command) {
        Invoker chain = chainOf(command);
        @SuppressWarnings("unchecked")
        R result = (R) chain.invoke(command);
        return result;
    }

    @Override
    public <R> CompletableFuture<R> dispatchAsync(Command<R> command) {
        Invoker chain = chainOf(command);
        @SuppressWarnings("unchecked")
        CompletableFuture<R> result = (CompletableFuture<R>) (CompletableFuture<?>) strategy.submit(command, chain);
        return result;
    }

    /**
     * Tells whether a command class has a handler.
     *
     * @param commandType the class
     * @return {@code true} when registered
     */
    public boolean handles(Class<?> commandType) {
        return chains.containsKey(commandType);
    }

    private Invoker chainOf(Object command) {
        if (command == null) {
            throw new InvalidInputException("command", "command must not be null; pass the command object to "
                    + "dispatch");
        }
        Invoker chain = chains.get(command.getClass());
        if (chain == null) {
            throw new NoHandlerException(command.getClass(), registeredNames(chains));
        }
        return chain;
    }

    static List<String> registeredNames(Map<Class<?>, ?> map) {
        List<String> names = new ArrayList<>(map.size());
        for (Class<?> type : map.keySet()) {
            names.add(type.getName());
        }
        names.sort(null);
        return names;
    }

    /** The innermost step: calls the handler, wraps checked exceptions, checks the result's type. */
    private static final class HandlerStep implements Invoker {
        private final Class<?> commandType;
        private final CommandHandler<Object, ?> handler;
        private final Type declared;
        private final Class<?> checked;

        HandlerStep(Class<?> commandType, CommandHandler<Object, ?> handler, Type declared) {
            this.commandType = commandType;
            this.handler = handler;
            this.declared = declared;
            this.checked = ResultTypes.checkable(declared);
        }

        @Override
        public Object invoke(Object command) {
            Object result;
            try {
                result = handler.handle(command);
            } catch (RuntimeException e) {
                throw e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CommandHandlerException(commandType, e);
            } catch (Exception e) {
                throw new CommandHandlerException(commandType, e);
            }
            if (result != null && checked != null && !checked.isInstance(result)) {
                throw new CommandResultTypeException(commandType, declared, result.getClass());
            }
            return result;
        }

        @Override
        public String toString() {
            return "handler of " + commandType.getName();
        }
    }

    /**
     * Collects the middleware and the dispatch strategy of a {@link SimpleCommandBus}.
     */
    public static final class Builder {
        private final List<CommandMiddleware> middleware = new ArrayList<>();
        private DispatchStrategy strategy;

        private Builder() {
        }

        /**
         * Adds a middleware. The first added runs outermost; the recommended order is metrics, slow-command
         * log, validation, retry on conflict, unit of work (see {@code docs/cqrs.md}).
         *
         * @param m the middleware
         * @return this builder
         * @throws InvalidInputException when it is null
         * @throws IllegalStateException when the same middleware instance is added twice
         */
        public Builder middleware(CommandMiddleware m) {
            Checks.notNull("middleware", m);
            for (CommandMiddleware added : middleware) {
                if (added == m) {
                    throw new IllegalStateException("middleware " + m + " is already added; add each once");
                }
            }
            middleware.add(m);
            return this;
        }

        /**
         * Sets how {@code dispatchAsync} runs commands; {@link DispatchStrategy#sync()} by default.
         *
         * @param s the strategy
         * @return this builder
         * @throws InvalidInputException when it is null
         * @throws IllegalStateException when a strategy is already set
         */
        public Builder strategy(DispatchStrategy s) {
            Checks.notNull("strategy", s);
            if (strategy != null) {
                throw new IllegalStateException("the dispatch strategy is already set to " + strategy
                        + "; set it once");
            }
            strategy = s;
            return this;
        }

        /**
         * Builds the bus.
         *
         * @return the bus, with no handlers yet
         */
        public SimpleCommandBus build() {
            return new SimpleCommandBus(middleware, strategy == null ? DispatchStrategy.sync() : strategy);
        }
    }
}
