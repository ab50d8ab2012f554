/**
 * Projections' storage SPI: {@link io.modularddd.core.projection.CheckpointStore} keeps each projection
 * segment's position, its lease (owner, fencing token, expiry) and its dead letters, and runs a read
 * model's writes in the same transaction as the checkpoint where the storage allows it
 * ({@link io.modularddd.core.projection.CheckpointTransaction}). {@link io.modularddd.core.projection.AppendSignal}
 * wakes processors when events are appended (in-process, or through Redis pub/sub across nodes). The
 * projection engine is in {@code modular-ddd-cqrs}; the JDBC checkpoint store in
 * {@code modular-ddd-eventstore-jdbc}; the Redis signal in {@code modular-ddd-eventstore-redis}.
 */
package io.modularddd.core.projection;
