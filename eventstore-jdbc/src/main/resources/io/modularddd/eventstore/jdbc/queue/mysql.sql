-- modular-ddd JdbcCommandQueue schema: MySQL 8.0.16+ and MariaDB 10.6+ (FOR UPDATE SKIP LOCKED).
--
-- Run it as it is with your migration tool, or let JdbcCommandQueue.createSchema() run it. createSchema()
-- runs exactly this file, replacing every quoted identifier that starts with `command_queue` by the same
-- name built on the configured table name. Idempotent: every statement may run again.
--
-- One row per command sent (docs/cqrs.md, "Database table", has the long version):
--  * id: the delivery id and the order of sending (AUTO_INCREMENT).
--  * (queue_name, command_id) is unique: a second send of the same id is refused while the row exists.
--  * state: 0 = ready (waiting, or held by lease_owner until due_at), 1 = done, 2 = dead letter.
--  * due_at (microseconds since 1970, UTC, from the database's clock) is when the row is next due: for a
--    ready row the time it may be claimed (the send time, the lease expiry of a held row, the retry time
--    after a failure); for a done row the time it may be purged (sent + idRetention); for a dead letter
--    the time it died. A claim is one range of the index (queue_name, state = 0, due_at <= now), read in
--    (due_at, id) order.
--  * attempt counts the claims; payload_length and payload_crc32c (CRC-32C) let a claim refuse a damaged
--    payload instead of delivering wrong bytes. A done row keeps no payload.
CREATE TABLE IF NOT EXISTS `command_queue` (
  `id` BIGINT NOT NULL AUTO_INCREMENT,
  `queue_name` VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  `command_id` VARCHAR(128) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  `type_name` VARCHAR(100) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  `payload` LONGBLOB NOT NULL,
  `payload_length` INT NOT NULL,
  `payload_crc32c` BIGINT NOT NULL,
  `state` SMALLINT NOT NULL,
  `attempt` INT NOT NULL,
  `due_at` BIGINT NOT NULL,
  `lease_owner` VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL,
  `enqueued_at` BIGINT NOT NULL,
  `last_error` VARCHAR(1000) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL,
  PRIMARY KEY (`id`),
  UNIQUE KEY `command_queue_ux_command` (`queue_name`, `command_id`),
  KEY `command_queue_ix_due` (`queue_name`, `state`, `due_at`, `id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
