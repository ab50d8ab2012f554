package io.modularddd.cqrs;

import io.modularddd.core.command.Command;
import io.modularddd.core.command.CommandMiddleware;
import io.modularddd.core.command.CommandValidationException;
import io.modularddd.core.command.CommandValidator;
import io.modularddd.core.command.Violation;
import io.modularddd.core.internal.Checks;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Middleware that runs each command's validators before its handler, and rejects a command that breaks
 * any rule with a {@link CommandValidationException} listing every violation found. A rejected command
 * never reaches the middleware inside this one nor its handler.
 *
 * <pre>{@code
 * CommandValidation validation = CommandValidation.builder()
 *         .validate(Deposit.class, command -> command.cents() > 0 ? List.of()
 *                 : List.of(Violation.of("cents", "must be positive but was " + command.cents())))
 *         .build();
 * }</pre>
 *
 * <p>Validators are found per exact command class when the type's chain is composed; a type with none
 * runs no validation step at all. Several validators of one type run in the order given, and their
 * violations are reported together. Usable alone; place it outside retry, so a command is checked once.
 * Immutable and thread-safe.
 */
public final class CommandValidation implements CommandMiddleware {

    private final Map<Class<?>, List<CommandValidator<Object>>> validators;

    private CommandValidation(Map<Class<?>, List<CommandValidator<Object>>> validators) {
        this.validators = validators;
    }

    /**
     * Starts a set of validators.
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public Invoker wrap(Class<?> commandType, Invoker next) {
        List<CommandValidator<Object>> own = validators.get(commandType);
        if (own == null) {
            return next;
        }
        if (own.size() == 1) {
            CommandValidator<Object> only = own.get(0);
            return command -> {
                List<Violation> violations = only.validate(command);
                if (violations == null) {
                    throw nullResult(commandType);
                }
                if (!violations.isEmpty()) {
                    throw new CommandValidationException(commandType, violations);
                }
                return next.invoke(command);
            };
        }
        return command -> {
            List<Violation> all = null;
            for (CommandValidator<Object> validator : own) {
                List<Violation> violations = validator.validate(command);
                if (violations == null) {
                    throw nullResult(commandType);
                }
                if (!violations.isEmpty()) {
                    if (all == null) {
                        all = new ArrayList<>();
                    }
                    all.addAll(violations);
                }
            }
            if (all != null) {
                throw new CommandValidationException(commandType, all);
            }
            return next.invoke(command);
        };
    }

    private static IllegalStateException nullResult(Class<?> commandType) {
        return new IllegalStateException("a validator of " + commandType.getName() + " returned null; return "
                + "List.of() for a valid command");
    }

    @Override
    public String toString() {
        return "CommandValidation" + SimpleCommandBus.registeredNames(validators);
    }

    /** Collects validators per command type. */
    public static final class Builder {
        private final Map<Class<?>, List<CommandValidator<Object>>> validators = new HashMap<>();

        private Builder() {
        }

        /**
         * Adds a validator of a command type.
         *
         * @param commandType the exact command class
         * @param validator   its validator
         * @param <C>         the command type
         * @return this builder
         * @throws io.modularddd.core.InvalidInputException when an argument is null
         */
        public <C extends Command<?>> Builder validate(Class<C> commandType, CommandValidator<? super C> validator) {
            Checks.notNull("commandType", commandType);
            Checks.notNull("validator", validator);
            @SuppressWarnings("unchecked")
            CommandValidator<Object> untyped = (CommandValidator<Object>) validator;
            validators.computeIfAbsent(commandType, t -> new ArrayList<>()).add(untyped);
            return this;
        }

        /**
         * Builds the middleware.
         *
         * @return the middleware
         */
        public CommandValidation build() {
            Map<Class<?>, List<CommandValidator<Object>>> copy = new HashMap<>();
            validators.forEach((type, list) -> copy.put(type, List.copyOf(list)));
            return new CommandValidation(Map.copyOf(copy));
        }
    }
}
