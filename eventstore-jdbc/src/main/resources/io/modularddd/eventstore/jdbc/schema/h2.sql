-- modular-ddd JdbcEventStore schema: H2 2.x (file or in-memory), the embedded default.
--
-- Run it as it is, or let JdbcEventStore.createSchema() run it. createSchema() runs exactly this file,
-- replacing every quoted identifier that starts with "event_store" by the same name built on the
-- configured table name. Idempotent. Identifiers are quoted lower case: write them quoted in your own
-- SQL too.
--
-- Notes (docs/jdbc-event-store.md has the long version): sequence_number is assigned by the store,
-- never an identity column; event_data/metadata are CHARACTER LARGE OBJECT holding the serializer's
-- JSON text unchanged (H2's JSON type re-encodes it, and VARCHAR stops at 1,000,000 characters);
-- occurred_at holds UTC with microseconds.
CREATE TABLE IF NOT EXISTS "event_store" (
  "sequence_number" BIGINT NOT NULL,
  "event_id" UUID NOT NULL,
  "aggregate_id" VARCHAR(256) NOT NULL,
  "aggregate_type" VARCHAR(200) NOT NULL,
  "event_type" VARCHAR(100) NOT NULL,
  "event_data" CHARACTER LARGE OBJECT NOT NULL,
  "metadata" CHARACTER LARGE OBJECT NULL,
  "version" BIGINT NOT NULL,
  "occurred_at" TIMESTAMP(6) NOT NULL,
  CONSTRAINT "event_store_pk" PRIMARY KEY ("sequence_number"),
  CONSTRAINT "event_store_ux_version" UNIQUE ("aggregate_id", "version"),
  CONSTRAINT "event_store_ux_event_id" UNIQUE ("event_id")
);

CREATE INDEX IF NOT EXISTS "event_store_ix_time_type" ON "event_store" ("occurred_at", "event_type");

CREATE INDEX IF NOT EXISTS "event_store_ix_agg_type" ON "event_store" ("aggregate_type", "aggregate_id");

CREATE INDEX IF NOT EXISTS "event_store_ix_type_seq" ON "event_store" ("event_type", "sequence_number");

-- One row, the lock that orders all appends: every append transaction locks it (SELECT ... FOR UPDATE),
-- then reads the last position as MAX(sequence_number). The MERGE inserts the row only when it is missing
-- and never updates (or locks) an existing one.
CREATE TABLE IF NOT EXISTS "event_store_head" (
  "id" INT NOT NULL,
  CONSTRAINT "event_store_head_pk" PRIMARY KEY ("id")
);

MERGE INTO "event_store_head" USING (VALUES (1)) AS "new_head" ("id") ON "event_store_head"."id" = "new_head"."id"
  WHEN NOT MATCHED THEN INSERT ("id") VALUES ("new_head"."id");

-- One row per stream that was deleted, truncated or erased (streams with none of these have no row).
CREATE TABLE IF NOT EXISTS "event_store_streams" (
  "aggregate_id" VARCHAR(256) NOT NULL,
  "deleted_through" BIGINT NOT NULL DEFAULT 0,
  "truncated_before" BIGINT NOT NULL DEFAULT 1,
  "erased_at" TIMESTAMP(6) NULL,
  CONSTRAINT "event_store_streams_pk" PRIMARY KEY ("aggregate_id")
);

-- Snapshots (JdbcEventStore.snapshotStore()): one row per kept snapshot of an aggregate, the newest found
-- by one seek on the primary key (aggregate_id, version DESC). A save is an upsert of its
-- (aggregate_id, version) row and then prunes the aggregate's rows beyond the newest K it keeps. data is
-- the serialized state as bytes (BINARY LARGE OBJECT: byte for byte; VARBINARY stops at 1,000,000 bytes);
-- data_length and data_crc32c (CRC-32C of data) let a read refuse a damaged value instead of returning
-- wrong bytes. created_at holds UTC with microseconds.
CREATE TABLE IF NOT EXISTS "event_store_snapshots" (
  "aggregate_id" VARCHAR(256) NOT NULL,
  "aggregate_type" VARCHAR(200) NOT NULL,
  "version" BIGINT NOT NULL,
  "schema_version" INT NOT NULL,
  "data" BINARY LARGE OBJECT NOT NULL,
  "data_length" INT NOT NULL,
  "data_crc32c" BIGINT NOT NULL,
  "created_at" TIMESTAMP(6) NOT NULL,
  CONSTRAINT "event_store_snapshots_pk" PRIMARY KEY ("aggregate_id", "version")
);

-- Projection checkpoints and leases (JdbcEventStore.checkpointStore()): one row per projection segment, plus the
-- projection's header row (segment -1) holding its segment count. lease_until is microseconds since the epoch by
-- the database's clock, NULL when released; lease_token grows with every grant and fences a lost lease.
CREATE TABLE IF NOT EXISTS "event_store_checkpoints" (
  "name" VARCHAR(100) NOT NULL,
  "segment" INT NOT NULL,
  "segment_count" INT NOT NULL,
  "position" BIGINT NOT NULL DEFAULT 0,
  "owner" VARCHAR(400) NULL,
  "lease_token" BIGINT NOT NULL DEFAULT 0,
  "lease_until" BIGINT NULL,
  CONSTRAINT "event_store_checkpoints_pk" PRIMARY KEY ("name", "segment")
);

-- Projections' dead letters, listed oldest position first; error cut to 2,000 characters; recorded_at in UTC.
CREATE TABLE IF NOT EXISTS "event_store_dead_letters" (
  "projection" VARCHAR(100) NOT NULL,
  "position" BIGINT NOT NULL,
  "stream_id" VARCHAR(256) NOT NULL,
  "event_type" VARCHAR(200) NOT NULL,
  "error" VARCHAR(2000) NOT NULL,
  "attempts" INT NOT NULL,
  "recorded_at" TIMESTAMP(6) NOT NULL,
  CONSTRAINT "event_store_dl_pk" PRIMARY KEY ("projection", "position")
);
