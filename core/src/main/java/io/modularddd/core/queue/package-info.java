/**
 * The durable command queue (SPI) behind the command bus's {@code queue} dispatch strategy:
 * {@link io.modularddd.core.queue.CommandQueue}, what it carries ({@link io.modularddd.core.queue.QueuedCommand},
 * {@link io.modularddd.core.queue.Delivery}, {@link io.modularddd.core.queue.DeadLetter}), its one storage
 * error ({@link io.modularddd.core.queue.CommandQueueException}, transient or not), and
 * {@link io.modularddd.core.queue.CommandCodec}, which turns commands into bytes through a registry of
 * command type names — never class names from stored data. The transports live in the adapters: Redis
 * Streams in {@code modular-ddd-eventstore-redis}, a {@code command_queue} table in
 * {@code modular-ddd-eventstore-jdbc}; both pass {@code CommandQueueContract} in {@code modular-ddd-testkit}.
 */
package io.modularddd.core.queue;
