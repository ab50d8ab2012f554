package io.modularddd.cqrs;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.modularddd.core.command.CommandMiddleware;
import io.modularddd.core.internal.Checks;
import java.util.concurrent.TimeUnit;

/**
 * Middleware that times every command and counts the failed ones, per command type.
 *
 * <ul>
 *   <li>{@value #TIMER} — a timer per command type (tag {@code command}, the class name): every dispatch,
 *       successful or not, including the retries and the unit of work of the middleware inside it.</li>
 *   <li>{@value #ERRORS} — a counter per command type and exception class (tags {@code command},
 *       {@code error}, the exception's simple class name), incremented when a dispatch fails.</li>
 * </ul>
 * Tags are bounded: command types are the registered classes, errors the exception classes the code
 * throws; no id or value of a command ever becomes a tag. The timer is resolved once per type, when the
 * type's chain is composed. Usable alone; place it outermost to time everything.
 */
public final class CommandMetrics implements CommandMiddleware {

    /** The name of the per-type timer. */
    public static final String TIMER = "modularddd.commands";
    /** The name of the per-type error counter. */
    public static final String ERRORS = "modularddd.commands.errors";

    private final MeterRegistry registry;

    private CommandMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /**
     * Meters commands into a registry.
     *
     * @param registry the registry
     * @return the middleware
     * @throws io.modularddd.core.InvalidInputException when the registry is null
     */
    public static CommandMetrics of(MeterRegistry registry) {
        return new CommandMetrics(Checks.notNull("registry", registry));
    }

    @Override
    public Invoker wrap(Class<?> commandType, Invoker next) {
        String name = commandType.getName();
        Timer timer = Timer.builder(TIMER).description("command dispatches, by command type")
                .tag("command", name).register(registry);
        return command -> {
            long start = System.nanoTime();
            try {
                return next.invoke(command);
            } catch (RuntimeException | Error e) {
                Counter.builder(ERRORS).description("failed command dispatches, by command type and exception")
                        .tag("command", name).tag("error", errorName(e)).register(registry)
                        .increment();
                throw e;
            } finally {
                timer.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            }
        };
    }

    private static String errorName(Throwable e) {
        String simple = e.getClass().getSimpleName();
        return simple.isEmpty() ? e.getClass().getName() : simple; // anonymous classes have no simple name
    }

    @Override
    public String toString() {
        return "CommandMetrics";
    }
}
