/**
 * The public API of modular-ddd's event store: ids, events, version conditions, the
 * {@link io.modularddd.core.EventStore} interface, the lazy {@link io.modularddd.core.EventStream}, the
 * exceptions, and {@link io.modularddd.core.InMemoryEventStore}, the embedded default.
 *
 * <p>Values are immutable records that validate in their constructors; every exception extends
 * {@link io.modularddd.core.ModularDddException}. Adapters ({@code modular-ddd-eventstore-jdbc},
 * {@code modular-ddd-eventstore-redis}) implement {@code EventStore} and pass the same contract suite
 * ({@code modular-ddd-testkit}).
 */
package io.modularddd.core;
