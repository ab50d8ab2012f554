/**
 * The JDBC warm tier: {@link io.modularddd.eventstore.jdbc.JdbcEventStore} on MySQL/MariaDB,
 * PostgreSQL and H2, with dense commit-ordered positions and group commit.
 */
package io.modularddd.eventstore.jdbc;
