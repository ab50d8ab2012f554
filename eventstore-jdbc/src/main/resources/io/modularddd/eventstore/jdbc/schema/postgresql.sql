-- modular-ddd JdbcEventStore schema: PostgreSQL 12+ (database encoding UTF8).
--
-- Run it as it is with your migration tool, or let JdbcEventStore.createSchema() run it. createSchema()
-- runs exactly this file, replacing every quoted identifier that starts with "event_store" by the same
-- name built on the configured table name. Idempotent: every statement may run again.
--
-- Why these types (docs/jdbc-event-store.md has the long version):
--  * sequence_number is assigned by the store under a lock on the head row, never a sequence/identity,
--    so global positions are dense and follow commit order.
--  * aggregate_id uses COLLATE "C": byte-wise comparison, so ids that differ in case or accents are
--    different streams and index comparisons are cheap.
--  * event_data/metadata are json, not jsonb: json keeps the serializer's text exactly, and jsonb
--    rejects the escape \u0000 that a payload string containing NUL produces.
--  * occurred_at is timestamp(6) without time zone holding UTC (microseconds, no session time zone
--    involved); `occurred_at AT TIME ZONE 'UTC'` gives a timestamptz.
CREATE TABLE IF NOT EXISTS "event_store" (
  "sequence_number" BIGINT NOT NULL,
  "event_id" UUID NOT NULL,
  "aggregate_id" VARCHAR(128) COLLATE "C" NOT NULL,
  "aggregate_type" VARCHAR(100) COLLATE "C" NOT NULL,
  "event_type" VARCHAR(100) COLLATE "C" NOT NULL,
  "event_data" JSON NOT NULL,
  "metadata" JSON NULL,
  "version" BIGINT NOT NULL,
  "occurred_at" TIMESTAMP(6) WITHOUT TIME ZONE NOT NULL,
  CONSTRAINT "event_store_pk" PRIMARY KEY ("sequence_number"),
  CONSTRAINT "event_store_ux_version" UNIQUE ("aggregate_id", "version"),
  CONSTRAINT "event_store_ux_event_id" UNIQUE ("event_id")
);

CREATE INDEX IF NOT EXISTS "event_store_ix_time_type" ON "event_store" ("occurred_at", "event_type");

CREATE INDEX IF NOT EXISTS "event_store_ix_agg_type" ON "event_store" ("aggregate_type", "aggregate_id");

CREATE INDEX IF NOT EXISTS "event_store_ix_type_seq" ON "event_store" ("event_type", "sequence_number");

-- One row, the lock that orders all appends: every append transaction locks it (SELECT ... FOR UPDATE),
-- then reads the last position as MAX(sequence_number). The insert is a no-op when the row exists, also
-- when another session inserts it at the same moment (ON CONFLICT waits for it and does nothing).
CREATE TABLE IF NOT EXISTS "event_store_head" (
  "id" INT NOT NULL,
  CONSTRAINT "event_store_head_pk" PRIMARY KEY ("id")
);

INSERT INTO "event_store_head" ("id") VALUES (1)
  ON CONFLICT ("id") DO NOTHING;

-- One row per stream that was deleted, truncated or erased (streams with none of these have no row).
-- Reads and appends look a stream up here by its primary key: deleted_through hides the versions of a
-- deleted stream's past lives, truncated_before the versions load no longer returns, erased_at marks a
-- stream whose events hold the erased marker instead of their data.
CREATE TABLE IF NOT EXISTS "event_store_streams" (
  "aggregate_id" VARCHAR(128) COLLATE "C" NOT NULL,
  "deleted_through" BIGINT NOT NULL DEFAULT 0,
  "truncated_before" BIGINT NOT NULL DEFAULT 1,
  "erased_at" TIMESTAMP(6) WITHOUT TIME ZONE NULL,
  CONSTRAINT "event_store_streams_pk" PRIMARY KEY ("aggregate_id")
);

-- Snapshots (JdbcEventStore.snapshotStore()): one row per kept snapshot of an aggregate, the newest found
-- by one seek on the primary key (aggregate_id, version DESC). A save is an upsert of its
-- (aggregate_id, version) row (ON CONFLICT) and then prunes the aggregate's rows beyond the newest K it
-- keeps. data is the serialized state as bytes (bytea: byte for byte); data_length and data_crc32c
-- (CRC-32C of data) let a read refuse a damaged value instead of returning wrong bytes. created_at holds
-- UTC with microseconds.
CREATE TABLE IF NOT EXISTS "event_store_snapshots" (
  "aggregate_id" VARCHAR(128) COLLATE "C" NOT NULL,
  "aggregate_type" VARCHAR(100) COLLATE "C" NOT NULL,
  "version" BIGINT NOT NULL,
  "schema_version" INT NOT NULL,
  "data" BYTEA NOT NULL,
  "data_length" INT NOT NULL,
  "data_crc32c" BIGINT NOT NULL,
  "created_at" TIMESTAMP(6) WITHOUT TIME ZONE NOT NULL,
  CONSTRAINT "event_store_snapshots_pk" PRIMARY KEY ("aggregate_id", "version")
);

-- Projection checkpoints and leases (JdbcEventStore.checkpointStore()): one row per projection segment, plus the
-- projection's header row (segment -1) holding its segment count, which claims and resets lock. position is the
-- global position of the last event handled; owner, lease_token and lease_until are the segment's lease:
-- lease_token grows by one with every grant and fences a process that lost its lease (its commits match no row),
-- lease_until is microseconds since the epoch by the database's clock (clock_timestamp()), NULL when released.
CREATE TABLE IF NOT EXISTS "event_store_checkpoints" (
  "name" VARCHAR(100) COLLATE "C" NOT NULL,
  "segment" INT NOT NULL,
  "segment_count" INT NOT NULL,
  "position" BIGINT NOT NULL DEFAULT 0,
  "owner" VARCHAR(200) COLLATE "C" NULL,
  "lease_token" BIGINT NOT NULL DEFAULT 0,
  "lease_until" BIGINT NULL,
  CONSTRAINT "event_store_checkpoints_pk" PRIMARY KEY ("name", "segment")
);

-- Projections' dead letters: events a projection gave up on, listed oldest position first (a range of the
-- primary key) and removed when replayed or dismissed. error is the last failure's type and message, cut to 2,000
-- characters; recorded_at holds UTC with microseconds.
CREATE TABLE IF NOT EXISTS "event_store_dead_letters" (
  "projection" VARCHAR(100) COLLATE "C" NOT NULL,
  "position" BIGINT NOT NULL,
  "stream_id" VARCHAR(128) COLLATE "C" NOT NULL,
  "event_type" VARCHAR(100) COLLATE "C" NOT NULL,
  "error" VARCHAR(2000) NOT NULL,
  "attempts" INT NOT NULL,
  "recorded_at" TIMESTAMP(6) WITHOUT TIME ZONE NOT NULL,
  CONSTRAINT "event_store_dl_pk" PRIMARY KEY ("projection", "position")
);
