/**
 * The health check: a {@link io.modularddd.core.health.HealthIndicator} looks at one dependency and answers a
 * {@link io.modularddd.core.health.Health} (up or down, with a detail map that never holds a secret); a
 * {@link io.modularddd.core.health.HealthReport} runs several, each bounded by a timeout, and is down when any
 * of them is. The indicators live beside what they watch: the database in {@code modular-ddd-eventstore-jdbc},
 * Redis in {@code modular-ddd-eventstore-redis}, projection lag and queue depth in {@code modular-ddd-cqrs}.
 */
package io.modularddd.core.health;
