package io.modularddd.eventstore.jdbc;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.modularddd.core.AggregateId;
import io.modularddd.core.EventStore;
import io.modularddd.core.EventStoreException;
import io.modularddd.core.InvalidInputException;
import io.modularddd.core.ModularDddException;
import io.modularddd.core.StreamState;
import io.modularddd.core.internal.BuilderChecks;
import io.modularddd.core.internal.Checks;
import io.modularddd.core.snapshot.Snapshot;
import io.modularddd.core.snapshot.SnapshotStore;
import io.modularddd.core.snapshot.StateAndSnapshot;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.zip.CRC32C;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Query;
import org.jooq.Record;
import org.jooq.Table;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link SnapshotStore} of a {@link JdbcEventStore}: the {@code <table>_snapshots} table, on the
 * event store's read pool and dialect. Get one with {@link JdbcEventStore#snapshotStore()} or
 * {@link JdbcEventStore#snapshotStore(int)}.
 *
 * <h2>Statements</h2>
 * <ul>
 *   <li>{@link #save}: an upsert of the snapshot's {@code (aggregate_id, version)} row — {@code INSERT
 *       ... ON DUPLICATE KEY UPDATE} on MySQL/MariaDB, {@code INSERT ... ON CONFLICT DO UPDATE} on
 *       PostgreSQL, {@code MERGE} on H2 — so concurrent writers of one aggregate never conflict on
 *       different versions and replace each other whole on the same one. Then the prune: one seek for the
 *       {@code (keep + 1)}-th newest version of the aggregate (reads {@code keep + 1} index entries) and,
 *       only when there is one, a {@code DELETE ... WHERE aggregate_id = ? AND version <= ?}: a range of
 *       the primary key holding just the rows beyond the newest {@code keep} (usually one). Never a
 *       scan. A prune that fails is logged and retried by the next save: the snapshot itself is
 *       saved.</li>
 *   <li>{@link #newest}: {@code ... WHERE aggregate_id = ? ORDER BY aggregate_id DESC, version DESC
 *       LIMIT 1}: one backward seek on the primary key. The newest version wins whatever the write
 *       order: saving 10 after 20 leaves 20 newest.</li>
 *   <li>{@link #newestWithState}: the newest snapshot, the stream's last version and its lifecycle row in one
 *       statement — on MySQL/MariaDB and PostgreSQL each a primary-key look-up ({@code sn.version = (SELECT
 *       MAX(version) ...)}, the streams row by the id), on H2 the snapshot by {@code ORDER BY ... LIMIT 1}.</li>
 *   <li>{@link #delete}: {@code DELETE ... WHERE aggregate_id = ?}, a primary-key range.</li>
 * </ul>
 * Each is auto-committed. A save that meets a duplicate key (two H2 {@code MERGE}s inserting the same row
 * at once) or a deadlock is repeated, up to {@value #SAVE_ATTEMPTS} times: the upsert is idempotent.
 *
 * <h2>Damage</h2>
 * Each row carries {@code data_length} and {@code data_crc32c} (CRC-32C of {@code data}). A read whose
 * bytes do not match them (truncated, overwritten), or whose other columns do not make a valid
 * {@link Snapshot} (e.g. {@code schema_version} 0), throws a non-transient {@link EventStoreException}
 * naming the aggregate, the version and the table — never a snapshot with wrong bytes, and never a
 * silent fallback: a damaged snapshot is reported. Saving a newer snapshot, or {@link #delete}, heals it.
 *
 * <p>Thread-safe. {@link #close()} releases nothing (the pools are the event store's) and makes later
 * calls fail; closing the event store does the same.
 */
final class JdbcSnapshotStore implements SnapshotStore {

    /** Default {@link JdbcEventStore#snapshotStore(int)}: the newest snapshots kept per aggregate. */
    static final int DEFAULT_KEEP = 3;
    /** The most snapshots per aggregate a store may keep: older ones are of no use to a repository. */
    static final int MAX_KEEP = 100;
    /** How often a save is tried when it meets a duplicate key or a deadlock. */
    static final int SAVE_ATTEMPTS = 3;

    private static final Logger LOG = LoggerFactory.getLogger(JdbcSnapshotStore.class);

    private final JdbcEventStore owner;
    private final StorePools pools;
    private final JdbcDialect dialect;
    private final String tableName;
    private final int keep;
    private final String upsert;
    private final String newest;
    private final String pruneBound;
    private final String prune;
    private final String deleteAll;
    private final Counter savedMeter;
    private final Counter failedMeter;
    private final Counter prunedMeter;
    private final Counter damagedMeter;
    private final AtomicBoolean closed = new AtomicBoolean();
    /** {@link #newestWithState}'s statement, and how many parameters it has (each is the aggregate's id). */
    private final String newestWithState;
    private final int newestWithStateParameters;

    JdbcSnapshotStore(JdbcEventStore owner, StorePools pools, JdbcDialect dialect, EventTable events, int keep,
                      MeterRegistry meters) {
        TableNames names = events.names;
        this.owner = owner;
        this.pools = pools;
        this.dialect = dialect;
        this.tableName = names.snapshots();
        this.keep = BuilderChecks.inRange("keepNewest", keep, 1, MAX_KEEP);
        DSLContext render = DSL.using(dialect.sqlDialect(), JdbcEventStore.jooqSettings());
        Table<Record> t = DSL.table(DSL.name(tableName));
        Field<String> id = DSL.field(DSL.name("aggregate_id"), SQLDataType.VARCHAR(256).notNull());
        Field<String> type = DSL.field(DSL.name("aggregate_type"), SQLDataType.VARCHAR(200).notNull());
        Field<Long> version = DSL.field(DSL.name("version"), SQLDataType.BIGINT.notNull());
        Field<Integer> schemaVersion = DSL.field(DSL.name("schema_version"), SQLDataType.INTEGER.notNull());
        Field<byte[]> data = DSL.field(DSL.name("data"), SQLDataType.BLOB.notNull());
        Field<Integer> length = DSL.field(DSL.name("data_length"), SQLDataType.INTEGER.notNull());
        Field<Long> crc = DSL.field(DSL.name("data_crc32c"), SQLDataType.BIGINT.notNull());
        Field<LocalDateTime> createdAt = DSL.field(DSL.name("created_at"), SQLDataType.LOCALDATETIME(6).notNull());
        // upsert parameters: 1 aggregate_id, 2 aggregate_type, 3 version, 4 schema_version, 5 data, 6 data_length,
        // 7 data_crc32c, 8 created_at
        Field<?>[] columns = {id, type, version, schemaVersion, data, length, crc, createdAt};
        Field<?>[] parameters = new Field<?>[columns.length];
        for (int i = 0; i < columns.length; i++) {
            parameters[i] = DSL.val(null, columns[i]);
        }
        if (dialect == JdbcDialect.H2) {
            // H2's own upsert by key; jOOQ's MERGE ... USING emulation leaves the target's columns unqualified,
            // which H2 refuses as ambiguous
            this.upsert = render.render(DSL.query("merge into {0} ({1}) key ({2}) values ({3})", t,
                    DSL.list(columns), DSL.list(id, version), DSL.list(parameters)));
        } else {
            var insert = render.insertInto(t, columns).values(parameters);
            Map<Field<?>, Field<?>> update = new LinkedHashMap<>();
            for (Field<?> column : new Field<?>[] {type, schemaVersion, data, length, crc, createdAt}) {
                update.put(column, DSL.excluded(column));
            }
            this.upsert = render.render(dialect.mysqlFamily() ? insert.onDuplicateKeyUpdate().set(update)
                    : insert.onConflict(id, version).doUpdate().set(update));
        }
        // MariaDB's Connector/J decodes DATETIME through the JVM's zone: read it as text (see EventTable)
        Field<?> createdAtRead = dialect.mysqlFamily() ? DSL.cast(createdAt, SQLDataType.VARCHAR(26)) : createdAt;
        this.newest = render.render(DSL.select(type, version, schemaVersion, length, crc, createdAtRead, data)
                .from(t).where(id.eq(DSL.val(null, id))).orderBy(id.desc(), version.desc())
                .limit(DSL.inline(1)));
        // the newest snapshot and, in the same statement, the stream's state (its last version, one index entry, and
        // its row in the streams table, joined by primary key): the snapshotting repository's two reads in one round
        // trip. Where MAX(version) reads one index entry, the snapshot is found by its full key (version = the
        // aggregate's MAX) instead of ORDER BY ... LIMIT 1, and the streams row by the parameter instead of the
        // snapshot's column: every table is then a constant look-up, which MariaDB's optimizer settles at once
        // (docs/benchmarks.md, issue 12). Parameters: the id, newestWithStateParameters times
        AppendStatements statements = new AppendStatements(dialect, events, JdbcEventStore.jooqSettings());
        Table<Record> sn = t.as("sn");
        Table<Record> st = events.streams.as("st");
        Field<String> snId = DSL.field(DSL.name("sn", "aggregate_id"), String.class);
        Field<Long> snVersion = DSL.field(DSL.name("sn", "version"), Long.class);
        Field<?> snCreated = DSL.field(DSL.name("sn", "created_at"), SQLDataType.LOCALDATETIME(6));
        var joined = DSL.select(
                        DSL.field(DSL.name("sn", "aggregate_type")), snVersion,
                        DSL.field(DSL.name("sn", "schema_version")), DSL.field(DSL.name("sn", "data_length")),
                        DSL.field(DSL.name("sn", "data_crc32c")),
                        dialect.mysqlFamily() ? DSL.cast(snCreated, SQLDataType.VARCHAR(26)) : snCreated,
                        DSL.field(DSL.name("sn", "data")),
                        DSL.field(statements.lastVersion(DSL.val((String) null, events.aggregateId))),
                        DSL.field(DSL.name("st", "deleted_through")), DSL.field(DSL.name("st", "truncated_before")),
                        DSL.field(DSL.name("st", "erased_at")))
                .from(sn).leftJoin(st).on(DSL.field(DSL.name("st", "aggregate_id"), String.class)
                        .eq(DSL.val((String) null, snId)))
                .where(snId.eq(DSL.val((String) null, snId)));
        Query newestWithStateQuery = dialect.lastVersionByMax()
                ? joined.and(snVersion.eq(DSL.field(DSL.select(DSL.max(version)).from(t)
                        .where(id.eq(DSL.val((String) null, id))))))
                : joined.orderBy(snId.desc(), snVersion.desc()).limit(DSL.inline(1));
        this.newestWithState = render.render(newestWithStateQuery);
        this.newestWithStateParameters = render.extractBindValues(newestWithStateQuery).size();
        this.pruneBound = render.render(DSL.select(version).from(t).where(id.eq(DSL.val(null, id)))
                .orderBy(id.desc(), version.desc()).limit(DSL.inline(1)).offset(DSL.inline(this.keep)));
        this.prune = render.render(DSL.deleteFrom(t).where(id.eq(DSL.val(null, id)))
                .and(version.le(DSL.val(null, version))));
        this.deleteAll = render.render(DSL.deleteFrom(t).where(id.eq(DSL.val(null, id))));
        if (meters != null) {
            savedMeter = Counter.builder("modularddd.eventstore.jdbc.snapshots").description("snapshot saves")
                    .tag("table", tableName).tag("outcome", "saved").register(meters);
            failedMeter = Counter.builder("modularddd.eventstore.jdbc.snapshots").description("snapshot saves")
                    .tag("table", tableName).tag("outcome", "failed").register(meters);
            prunedMeter = Counter.builder("modularddd.eventstore.jdbc.snapshots.pruned")
                    .description("older snapshots deleted by saves (beyond the newest kept)")
                    .tag("table", tableName).register(meters);
            damagedMeter = Counter.builder("modularddd.eventstore.jdbc.snapshots.damaged")
                    .description("snapshot reads refused because the stored value is damaged")
                    .tag("table", tableName).register(meters);
        } else {
            savedMeter = null;
            failedMeter = null;
            prunedMeter = null;
            damagedMeter = null;
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>{@code createdAt} is stored with microseconds (finer digits are cut). Then the aggregate's rows
     * beyond the newest {@code keepNewest} are deleted.
     *
     * @throws InvalidInputException when the snapshot is null, or (MySQL/MariaDB) larger than the server's
     *                               {@code max_allowed_packet}
     * @throws IllegalStateException when this store or its event store is closed
     */
    @Override
    public void save(Snapshot snapshot) {
        Checks.notNull("snapshot", snapshot);
        ensureOpen();
        byte[] state = snapshot.state();
        PacketLimit limit = owner.packetLimit();
        if (!limit.fits(state.length + (long) PacketLimit.ROW_OVERHEAD_BYTES)) {
            throw new InvalidInputException("snapshot", "The snapshot of aggregate '" + snapshot.aggregateId().value()
                    + "' holds " + state.length + " bytes, more than the database accepts in one statement ("
                    + limit + " on " + pools.target + "). Nothing was stored. Keep the state smaller, or raise the "
                    + "server's max_allowed_packet to at least " + (state.length + PacketLimit.PACKET_OVERHEAD_BYTES
                    + PacketLimit.ROW_OVERHEAD_BYTES) + " bytes.");
        }
        String aggregate = snapshot.aggregateId().value();
        try (Connection c = pools.reads.getConnection()) {
            upsert(c, snapshot, state);
            if (savedMeter != null) {
                savedMeter.increment();
            }
            prune(c, aggregate);
        } catch (SQLException | RuntimeException e) {
            if (failedMeter != null) {
                failedMeter.increment();
            }
            if (e instanceof ModularDddException m) {
                throw m;
            }
            throw SqlErrors.failure("saving the snapshot of aggregate '" + aggregate + "' at version "
                    + snapshot.version() + " in " + tableName, pools.target, e);
        }
    }

    private void upsert(Connection c, Snapshot s, byte[] state) throws SQLException {
        CRC32C crc = new CRC32C();
        crc.update(state);
        for (int attempt = 1; ; attempt++) {
            try (PreparedStatement ps = c.prepareStatement(upsert)) {
                ps.setString(1, s.aggregateId().value());
                ps.setString(2, s.aggregateType());
                ps.setLong(3, s.version());
                ps.setInt(4, s.schemaVersion());
                ps.setBytes(5, state);
                ps.setInt(6, state.length);
                ps.setLong(7, crc.getValue());
                ps.setObject(8, LocalDateTime.ofInstant(s.createdAt().truncatedTo(ChronoUnit.MICROS), ZoneOffset.UTC));
                ps.executeUpdate();
                return;
            } catch (SQLException e) {
                if (attempt >= SAVE_ATTEMPTS || !repeatable(e)) {
                    throw e;
                }
                LOG.debug("saving the snapshot of '{}' at version {} met {}; repeating it", s.aggregateId().value(),
                        s.version(), e.getSQLState());
            }
        }
    }

    /** A duplicate key (a concurrent insert of the same row won) or a deadlock: the upsert may simply run again. */
    private static boolean repeatable(SQLException e) {
        String state = e.getSQLState();
        return "23505".equals(state) || e.getErrorCode() == 1062 || e.getErrorCode() == 1213
                || (state != null && state.startsWith("40"));
    }

    /** Deletes the aggregate's rows beyond the newest {@code keep}; a failure is logged, never thrown. */
    private void prune(Connection c, String aggregate) {
        try {
            long bound;
            try (PreparedStatement ps = c.prepareStatement(pruneBound)) {
                ps.setString(1, aggregate);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return; // at most keep snapshots: nothing to prune
                    }
                    bound = rs.getLong(1);
                }
            }
            int deleted;
            try (PreparedStatement ps = c.prepareStatement(prune)) {
                ps.setString(1, aggregate);
                ps.setLong(2, bound);
                deleted = ps.executeUpdate();
            }
            if (prunedMeter != null && deleted > 0) {
                prunedMeter.increment(deleted);
            }
        } catch (SQLException | RuntimeException e) {
            LOG.warn("JdbcEventStore could not prune the older snapshots of aggregate '{}' in {} on {}; the snapshot "
                    + "is saved and the next save prunes again: {}", aggregate, tableName, pools.target,
                    SqlErrors.describe("pruning snapshots", pools.target, e));
        }
    }

    /**
     * {@inheritDoc}
     *
     * @throws EventStoreException   when the storage fails, or the stored value is damaged (not transient;
     *                               the message names the aggregate, the version and the table)
     * @throws IllegalStateException when this store or its event store is closed
     */
    @Override
    public Optional<Snapshot> newest(AggregateId aggregateId) {
        Checks.notNull("aggregateId", aggregateId);
        ensureOpen();
        try (Connection c = pools.reads.getConnection(); PreparedStatement ps = c.prepareStatement(newest)) {
            ps.setString(1, aggregateId.value());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(decode(aggregateId, rs));
            }
        } catch (SQLException e) {
            throw SqlErrors.failure("reading the newest snapshot of aggregate '" + aggregateId.value() + "' from "
                    + tableName, pools.target, e);
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>Given the event store this store belongs to ({@code jdbcEventStore.snapshotStore()}), one
     * statement reads both; another event store is asked on its own. Without a snapshot the state is read
     * by a second statement (a full replay follows anyway).
     */
    @Override
    public StateAndSnapshot newestWithState(EventStore events, AggregateId aggregateId) {
        Checks.notNull("events", events);
        Checks.notNull("aggregateId", aggregateId);
        if (events != owner) {
            return SnapshotStore.super.newestWithState(events, aggregateId);
        }
        ensureOpen();
        try (Connection c = pools.reads.getConnection(); PreparedStatement ps = c.prepareStatement(newestWithState)) {
            for (int i = 1; i <= newestWithStateParameters; i++) {
                ps.setString(i, aggregateId.value());
            }
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return new StateAndSnapshot(owner.streamState(aggregateId), Optional.empty());
                }
                long deleted = rs.getLong(9);
                long truncated = rs.getLong(10);
                boolean noRow = rs.wasNull();
                StreamState state = StreamLifecycle.state(aggregateId, rs.getLong(8), deleted, noRow ? 1 : truncated,
                        rs.getObject(11) != null);
                return new StateAndSnapshot(state, Optional.of(decode(aggregateId, rs)));
            }
        } catch (SQLException e) {
            throw SqlErrors.failure("reading the newest snapshot of aggregate '" + aggregateId.value() + "' from "
                    + tableName, pools.target, e);
        }
    }

    private Snapshot decode(AggregateId aggregateId, ResultSet rs) throws SQLException {
        String type = rs.getString(1);
        long version = rs.getLong(2);
        int schemaVersion = rs.getInt(3);
        long length = rs.getLong(4);
        boolean lengthNull = rs.wasNull();
        long crc = rs.getLong(5);
        boolean crcNull = rs.wasNull();
        Instant createdAt = dialect.mysqlFamily() ? EventTable.parseUtc(rs.getString(6))
                : Optional.ofNullable(rs.getObject(6, LocalDateTime.class)).map(t -> t.toInstant(ZoneOffset.UTC))
                        .orElse(null);
        byte[] data = rs.getBytes(7);
        if (data == null || lengthNull || crcNull) {
            throw damaged(aggregateId, version, "its data, data_length or data_crc32c is NULL");
        }
        if (data.length != length) {
            throw damaged(aggregateId, version, "its data holds " + data.length + " bytes but data_length says "
                    + length + (data.length < length ? " (truncated)" : ""));
        }
        CRC32C check = new CRC32C();
        check.update(data);
        if (check.getValue() != crc) {
            throw damaged(aggregateId, version, "the CRC-32C of its data is " + check.getValue()
                    + " but data_crc32c says " + crc + " (the data was overwritten)");
        }
        try {
            return new Snapshot(aggregateId, type, version, schemaVersion, data, createdAt);
        } catch (InvalidInputException e) {
            throw damaged(aggregateId, version, "its columns do not make a snapshot: " + e.getMessage());
        }
    }

    private EventStoreException damaged(AggregateId aggregateId, long version, String why) {
        if (damagedMeter != null) {
            damagedMeter.increment();
        }
        // the state may hold personal data: only sizes and checksums are shown
        return new EventStoreException("The newest snapshot of aggregate '" + aggregateId.value() + "' (version "
                + version + ") in table " + tableName + " on " + pools.target + " is damaged: " + why + ". It was "
                + "not used. A snapshot is derived data: rebuild the aggregate from its events, and save a newer "
                + "snapshot or delete this aggregate's snapshots (SnapshotStore.delete) to clear it.");
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalStateException when this store or its event store is closed
     */
    @Override
    public void delete(AggregateId aggregateId) {
        Checks.notNull("aggregateId", aggregateId);
        ensureOpen();
        try (Connection c = pools.reads.getConnection(); PreparedStatement ps = c.prepareStatement(deleteAll)) {
            ps.setString(1, aggregateId.value());
            ps.executeUpdate();
        } catch (SQLException e) {
            throw SqlErrors.failure("deleting the snapshots of aggregate '" + aggregateId.value() + "' from "
                    + tableName, pools.target, e);
        }
    }

    /** Makes later calls fail; the connection pools belong to the event store and stay open. Idempotent. */
    @Override
    public void close() {
        closed.set(true);
    }

    /** The number of newest snapshots kept per aggregate. */
    int keep() {
        return keep;
    }

    /** The snapshots table's name. */
    String tableName() {
        return tableName;
    }

    private void ensureOpen() {
        if (closed.get()) {
            throw new IllegalStateException("this snapshot store (table " + tableName + ") is closed");
        }
        owner.ensureOpen();
    }

    @Override
    public String toString() {
        return "JdbcSnapshotStore[" + dialect + ", table " + tableName + ", keeps the newest " + keep + ", "
                + pools.target + "]";
    }
}
