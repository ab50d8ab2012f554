/**
 * Event-sourced aggregates: the {@link io.modularddd.core.aggregate.AggregateRoot} base class with
 * explicitly registered {@link io.modularddd.core.aggregate.EventHandlers}, the
 * {@link io.modularddd.core.aggregate.AggregateRepository} interface and its plain
 * {@link io.modularddd.core.aggregate.EventSourcedRepository} implementation.
 */
package io.modularddd.core.aggregate;
