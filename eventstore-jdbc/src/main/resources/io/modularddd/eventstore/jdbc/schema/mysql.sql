-- modular-ddd JdbcEventStore schema: MySQL 8.0.16+ and MariaDB 10.6+ (default layout).
--
-- Run it as it is with your migration tool, or let JdbcEventStore.createSchema() run it. createSchema()
-- runs exactly this file, replacing every quoted identifier that starts with `event_store` by the same
-- name built on the configured table name. Idempotent: every statement may run again.
--
-- Why these types (docs/jdbc-event-store.md has the long version):
--  * sequence_number is assigned by the store under a lock on the head row, never AUTO_INCREMENT, so
--    global positions are dense and follow commit order.
--  * utf8mb4 with the binary collation utf8mb4_bin: 'Stream' and 'stream', 'cafe' and 'café' are
--    different streams.
--  * event_data/metadata are LONGTEXT with a JSON_VALID check (what MariaDB's JSON alias is), not
--    MySQL 8's binary JSON type, which rewrites documents: the text the serializer produced is read
--    back byte for byte.
--  * occurred_at is DATETIME(6) holding UTC: TIMESTAMP ends in 2038 and shifts with the session time
--    zone.
--  * event_id is the UUID's 16 bytes, most significant first.
CREATE TABLE IF NOT EXISTS `event_store` (
  `sequence_number` BIGINT NOT NULL,
  `event_id` BINARY(16) NOT NULL,
  `aggregate_id` VARCHAR(128) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  `aggregate_type` VARCHAR(100) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  `event_type` VARCHAR(100) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  `event_data` LONGTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  `metadata` LONGTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL,
  `version` BIGINT NOT NULL,
  `occurred_at` DATETIME(6) NOT NULL,
  PRIMARY KEY (`sequence_number`),
  UNIQUE KEY `event_store_ux_version` (`aggregate_id`, `version`),
  UNIQUE KEY `event_store_ux_event_id` (`event_id`),
  KEY `event_store_ix_time_type` (`occurred_at`, `event_type`),
  KEY `event_store_ix_agg_type` (`aggregate_type`, `aggregate_id`),
  KEY `event_store_ix_type_seq` (`event_type`, `sequence_number`),
  CONSTRAINT `event_store_ck_data` CHECK (JSON_VALID(`event_data`)),
  CONSTRAINT `event_store_ck_meta` CHECK (`metadata` IS NULL OR JSON_VALID(`metadata`))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- One row, the lock that orders all appends: every append transaction locks it (SELECT ... FOR UPDATE),
-- then reads the last position as MAX(sequence_number). The insert is a no-op when the row exists, also
-- when another session inserts it at the same moment (the duplicate key is absorbed, not raised).
CREATE TABLE IF NOT EXISTS `event_store_head` (
  `id` INT NOT NULL,
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

INSERT INTO `event_store_head` (`id`) VALUES (1)
  ON DUPLICATE KEY UPDATE `id` = `id`;

-- One row per stream that was deleted, truncated or erased (streams with none of these have no row).
-- Reads and appends look a stream up here by its primary key: deleted_through hides the versions of a
-- deleted stream's past lives, truncated_before the versions load no longer returns, erased_at marks a
-- stream whose events hold the erased marker instead of their data.
CREATE TABLE IF NOT EXISTS `event_store_streams` (
  `aggregate_id` VARCHAR(128) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  `deleted_through` BIGINT NOT NULL DEFAULT 0,
  `truncated_before` BIGINT NOT NULL DEFAULT 1,
  `erased_at` DATETIME(6) NULL,
  PRIMARY KEY (`aggregate_id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Snapshots (JdbcEventStore.snapshotStore()): one row per kept snapshot of an aggregate, the newest found
-- by one seek on the primary key (aggregate_id, version DESC). A save is an upsert of its
-- (aggregate_id, version) row and then prunes the aggregate's rows beyond the newest K it keeps. data is
-- the serialized state as bytes (LONGBLOB: byte for byte, no character set); data_length and data_crc32c
-- (CRC-32C of data) let a read refuse a damaged value instead of returning wrong bytes. created_at holds
-- UTC with microseconds.
CREATE TABLE IF NOT EXISTS `event_store_snapshots` (
  `aggregate_id` VARCHAR(128) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  `aggregate_type` VARCHAR(100) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  `version` BIGINT NOT NULL,
  `schema_version` INT NOT NULL,
  `data` LONGBLOB NOT NULL,
  `data_length` INT NOT NULL,
  `data_crc32c` BIGINT NOT NULL,
  `created_at` DATETIME(6) NOT NULL,
  PRIMARY KEY (`aggregate_id`, `version`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Projection checkpoints and leases (JdbcEventStore.checkpointStore()): one row per projection segment, plus the
-- projection's header row (segment -1) holding its segment count, which claims and resets lock. position is the
-- global position of the last event handled; owner, lease_token and lease_until are the segment's lease:
-- lease_token grows by one with every grant and fences a process that lost its lease (its commits match no row),
-- lease_until is microseconds since the epoch by the database's clock (UTC_TIMESTAMP), NULL when released.
CREATE TABLE IF NOT EXISTS `event_store_checkpoints` (
  `name` VARCHAR(100) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  `segment` INT NOT NULL,
  `segment_count` INT NOT NULL,
  `position` BIGINT NOT NULL DEFAULT 0,
  `owner` VARCHAR(200) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL,
  `lease_token` BIGINT NOT NULL DEFAULT 0,
  `lease_until` BIGINT NULL,
  PRIMARY KEY (`name`, `segment`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Projections' dead letters: events a projection gave up on, listed oldest position first (a range of the
-- primary key) and removed when replayed or dismissed. error is the last failure's type and message, cut to 2,000
-- characters; recorded_at holds UTC with microseconds.
CREATE TABLE IF NOT EXISTS `event_store_dead_letters` (
  `projection` VARCHAR(100) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  `position` BIGINT NOT NULL,
  `stream_id` VARCHAR(128) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  `event_type` VARCHAR(100) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  `error` VARCHAR(2000) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  `attempts` INT NOT NULL,
  `recorded_at` DATETIME(6) NOT NULL,
  PRIMARY KEY (`projection`, `position`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- The L3 query cache (JdbcEventStore.cacheTier(), docs/cache.md): four tables named from the events table.
-- <table>_query_cache holds the entries, found by one seek on the primary key cache_key (the short storage key
-- query:{Type}:<hash>); canonical_key is the full canonical key the hash was taken of, compared on every hit
-- so a hash collision is a miss. expires_at is epoch milliseconds (UTC, no time zone involved); expired rows are
-- never served and are purged in bounded batches through their index. data is the value's bytes; tags are the
-- entry's tags joined by a line feed (a tag holds no control character), read back on a hit.
CREATE TABLE IF NOT EXISTS `event_store_query_cache` (
  `cache_key` VARCHAR(250) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  `canonical_key` MEDIUMTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  `expires_at` BIGINT NOT NULL,
  `data` LONGBLOB NOT NULL,
  `tags` TEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  PRIMARY KEY (`cache_key`),
  KEY `event_store_qc_ix_expires` (`expires_at`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- One row per (tag, entry): invalidating a tag reads its entries by a range of the primary key, never a scan of
-- the entries. The index on cache_key finds an entry's rows when the entry is replaced, invalidated or purged.
CREATE TABLE IF NOT EXISTS `event_store_qc_tags` (
  `tag` VARCHAR(200) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  `cache_key` VARCHAR(250) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  PRIMARY KEY (`tag`, `cache_key`),
  KEY `event_store_qc_ix_tag_key` (`cache_key`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- One row: the cache's invalidation clock. Every invalidation increments it under its row lock; a lookup reads
-- it in the same statement as the entry (the miss's ticket); a put reads it under a shared lock and refuses a
-- value whose key or tags were invalidated after its ticket. purged_through is the highest clock of the markers
-- purged so far: a ticket below it is refused too, so purging markers never lets a stale value in.
CREATE TABLE IF NOT EXISTS `event_store_qc_clock` (
  `id` INT NOT NULL,
  `clock` BIGINT NOT NULL,
  `purged_through` BIGINT NOT NULL,
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

INSERT INTO `event_store_qc_clock` (`id`, `clock`, `purged_through`) VALUES (1, 0, 0)
  ON DUPLICATE KEY UPDATE `id` = `id`;

-- Invalidation markers: the clock at which a key ('k:' + storage key) or a tag ('t:' + tag) was last
-- invalidated, kept for the tier's maxLoadTime (expires_at, epoch milliseconds), then purged in clock order.
CREATE TABLE IF NOT EXISTS `event_store_qc_marks` (
  `mark` VARCHAR(252) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  `clock` BIGINT NOT NULL,
  `expires_at` BIGINT NOT NULL,
  PRIMARY KEY (`mark`),
  KEY `event_store_qc_ix_mark_clk` (`clock`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
