package io.modularddd.core.command;

import java.util.List;

/**
 * Checks a command before its handler runs (SPI). The validation middleware
 * ({@code CommandValidation} in {@code modular-ddd-cqrs}) runs every validator registered for a command's
 * type and rejects the command with a {@link CommandValidationException} listing every violation found;
 * a rejected command never reaches its handler.
 *
 * <pre>{@code
 * CommandValidator<Deposit> positive = command -> command.cents() > 0 ? List.of()
 *         : List.of(Violation.of("cents", "must be positive but was " + command.cents()));
 * }</pre>
 *
 * <p>Validators check the command's own shape (required fields, ranges, formats). Rules that need the
 * aggregate's state belong in the aggregate. Implementations are thread-safe and do not change the
 * command.
 *
 * @param <C> the command type
 */
@FunctionalInterface
public interface CommandValidator<C> {

    /**
     * Checks a command.
     *
     * @param command the command, never {@code null}
     * @return every rule it breaks; an empty list when it is valid (never {@code null})
     */
    List<Violation> validate(C command);
}
