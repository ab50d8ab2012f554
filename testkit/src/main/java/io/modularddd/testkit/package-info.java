/**
 * Test support for modular-ddd stores: {@link io.modularddd.testkit.EventStoreContract}, the suite
 * every {@code EventStore} passes, and {@link io.modularddd.testkit.ServiceFixtures}, which finds the
 * real MariaDB, PostgreSQL and Redis servers adapter tests run against; and, for applications,
 * {@link io.modularddd.testkit.AggregateFixture}, which tests a command handler as
 * {@code given(events).when(command).expectEvents(...)}.
 */
package io.modularddd.testkit;
