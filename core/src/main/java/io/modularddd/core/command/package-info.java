/**
 * The command side's interfaces: {@link io.modularddd.core.command.Command} (a command and the type its
 * handler returns), {@link io.modularddd.core.command.CommandHandler},
 * {@link io.modularddd.core.command.CommandBus}, the {@link io.modularddd.core.command.CommandMiddleware}
 * that wraps a command type's handling once, when it is registered, the
 * {@link io.modularddd.core.command.CommandValidator} SPI, and the typed errors a bus throws.
 *
 * <p>{@code modular-ddd-cqrs} implements the bus ({@code SimpleCommandBus}) and the built-in middleware
 * (metrics, slow-command log, validation, retry on conflict, unit of work).
 */
package io.modularddd.core.command;
