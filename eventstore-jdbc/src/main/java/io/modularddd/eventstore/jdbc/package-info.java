/**
 * The JDBC warm tier: {@link io.modularddd.eventstore.jdbc.JdbcEventStore} on MySQL/MariaDB,
 * PostgreSQL and H2, with dense commit-ordered positions and group commit; and
 * {@link io.modularddd.eventstore.jdbc.JdbcCommandQueue}, the durable command queue on a table, claimed with
 * {@code SELECT ... FOR UPDATE SKIP LOCKED}, for deployments without Redis.
 */
package io.modularddd.eventstore.jdbc;
