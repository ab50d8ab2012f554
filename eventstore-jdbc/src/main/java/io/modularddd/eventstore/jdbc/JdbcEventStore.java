package io.modularddd.eventstore.jdbc;

import io.modularddd.core.AggregateId;
import io.modularddd.core.AppendOutcomeUnknownException;
import io.modularddd.core.AppendRequest;
import io.modularddd.core.AppendResult;
import io.modularddd.core.ConcurrencyConflictException;
import io.modularddd.core.EventIdConflictException;
import io.modularddd.core.EventPage;
import io.modularddd.core.EventStore;
import io.modularddd.core.EventStoreException;
import io.modularddd.core.EventStream;
import io.modularddd.core.ExpectedVersion;
import io.modularddd.core.MissingEventsException;
import io.modularddd.core.StreamArchivedException;
import io.modularddd.core.StreamState;
import io.modularddd.core.internal.Checks;
import io.modularddd.core.internal.StoreChecks;
import io.modularddd.core.projection.CheckpointStore;
import io.modularddd.core.serialization.EventSerializer;
import io.modularddd.core.snapshot.SnapshotStore;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.jooq.conf.RenderQuotedNames;
import org.jooq.conf.Settings;

/**
 * The {@link EventStore} on a relational database: MySQL 8 / MariaDB 10.11, PostgreSQL 15 or H2.
 *
 * <pre>{@code
 * JdbcEventStore store = JdbcEventStore.builder()
 *         .jdbcUrl("jdbc:mariadb://db:3306/app").username("app").password(secret)
 *         .serializer(JacksonEventSerializer.json(registry))
 *         .build();
 * store.createSchema();          // or apply schema/mysql.sql with your migration tool
 * }</pre>
 *
 * <h2>Global positions without holes</h2>
 * Positions are not auto-increment values. Every append transaction locks the one row of the head
 * table ({@code SELECT ... FOR UPDATE}), reads the last position ({@code MAX(sequence_number)}) and the
 * streams' versions, checks the expected versions, assigns positions {@code last+1 .. last+n}, inserts
 * the events and commits. Positions are therefore dense and become visible in order, so a reader of
 * {@link #readAll(long, int)} never skips an event that commits later. The transaction runs at
 * {@code READ COMMITTED}, so its checks see everything committed before it took the lock, on every
 * database.
 *
 * <h2>Group commit</h2>
 * Because that lock serialises writers, concurrent {@link #append(AppendRequest)} calls are coalesced:
 * the first caller that finds no group being opened commits its own request together with every
 * request queued meanwhile (up to {@link JdbcEventStoreBuilder#maxGroupRequests(int)} requests and
 * {@link JdbcEventStoreBuilder#maxGroupEvents(int)} events) in one transaction — one lock, one state query, one
 * batched insert, one commit — on its own thread; the others wait and get their own result or their
 * own {@link ConcurrencyConflictException} / {@link EventIdConflictException}. A request that fails its
 * checks never fails the others in its group. A caller alone commits at once. While a group commits,
 * the next one already queues for the lock ({@link JdbcEventStoreBuilder#maxCommitsInFlight(int)}).
 *
 * <h2>Connections</h2>
 * Built from a JDBC URL, the store opens two pools and closes them in {@link #close()}: a read pool of
 * {@link JdbcEventStoreBuilder#readPoolSize(int)} connections, and an append pool of
 * {@code maxCommitsInFlight + 1} — one per transaction that may be committing, plus the one opening the
 * next group. {@link #describe()} shows the numbers.
 *
 * <h2>Reading</h2>
 * {@link #load} and {@link #readAll} read in keyset pages of {@link JdbcEventStoreBuilder#pageSize(int)} events, each
 * page one query on a connection borrowed for that query only: a short stream is one round trip, a
 * stream of millions never sits in memory, and an abandoned stream holds no connection. Reads never
 * return a silently shortened stream: a hole throws {@link MissingEventsException}, a stream whose
 * requested versions were archived {@link StreamArchivedException}; {@code readAll} from inside an
 * archived prefix of the log ({@link #dropPartitionsBefore(long)}) continues at the first stored event.
 *
 * <h2>Failures</h2>
 * Driver exceptions become {@link EventStoreException} (with the cause attached), except when the
 * connection fails while {@code COMMIT} is under way: then the outcome is unknown and the append throws
 * {@link AppendOutcomeUnknownException}; repeat the same request to reconcile (appends are idempotent
 * by event id). No message or log line contains a password.
 *
 * <p>Payloads are stored as text: the serializer must produce UTF-8 JSON (as
 * {@code JacksonEventSerializer.json(...)} does). Instances are thread-safe; {@link #close()} closes the
 * connection pool when the store created it, never a {@link DataSource} it was given.
 */
public final class JdbcEventStore implements EventStore {

    static {
        JooqDefaults.quiet(); // before any jOOQ renderer loads: no banner, no tips (unless the application asks)
    }

    private final StorePools pools;
    private final JdbcDialect dialect;
    private final EventTable table;
    private final boolean partitioned;
    private final EventSerializer serializer;
    private final PacketLimit packetLimit;
    private final StoreDescription description;
    private final JdbcSchema schema;
    private final AppendTransaction transaction;
    private final AppendFlusher appends;
    private final GroupCommitter committer;
    private final EventReads reads;
    private final StreamLifecycle lifecycle;
    private final io.micrometer.core.instrument.MeterRegistry meters;
    private final AtomicBoolean closed = new AtomicBoolean();

    JdbcEventStore(JdbcEventStoreBuilder b, StorePools pools, JdbcDialect dialect, PacketLimit packetLimit) {
        this.pools = pools;
        this.dialect = dialect;
        this.table = new EventTable(dialect, new TableNames(b.tableName));
        this.partitioned = b.partitioned;
        this.serializer = b.serializer;
        this.packetLimit = packetLimit;
        this.description = new StoreDescription(b, dialect, pools, packetLimit);
        Settings settings = jooqSettings();
        AppendStatements statements = new AppendStatements(dialect, table, settings);
        this.schema = new JdbcSchema(pools.reads, dialect, table, partitioned, settings, pools.target);
        this.transaction = new AppendTransaction(pools, dialect, table, statements, settings, packetLimit,
                b.meterRegistry);
        this.appends = new AppendFlusher(transaction, pools, serializer, packetLimit, partitioned);
        this.committer = new GroupCommitter(b.maxGroupRequests, b.maxGroupEvents, b.maxCommitsInFlight,
                b.maxGroupWait.toNanos(), appends);
        this.reads = new EventReads(pools.reads, dialect, settings, table, statements, serializer, b.pageSize,
                pools.target);
        this.lifecycle = new StreamLifecycle(pools, dialect, settings, table, statements, b.meterRegistry);
        this.meters = b.meterRegistry;
    }

    /**
     * Starts a builder.
     *
     * @return a new builder
     */
    public static JdbcEventStoreBuilder builder() {
        return new JdbcEventStoreBuilder();
    }

    /** The jOOQ settings of every statement: quoted names, no statement logging (bind values stay out of logs). */
    static Settings jooqSettings() {
        return new Settings()
                .withRenderQuotedNames(RenderQuotedNames.ALWAYS)
                .withRenderFormatted(false)
                .withExecuteLogging(false)
                .withExecuteLoggingSQLExceptions(false)
                .withDiagnosticsLogging(false)
                .withFetchWarnings(false);
    }

    // ------------------------------------------------------------------ schema
    /**
     * Creates the tables and indexes if they do not exist, and the head row. Idempotent; runs the
     * shipped script of the dialect ({@code io/modularddd/eventstore/jdbc/schema/*.sql}) with the
     * configured names.
     *
     * <p>Safe when several processes call it at once (application instances starting together): the
     * script runs under a lock named after the table — {@code GET_LOCK('modularddd:<table>', 60)} on
     * MySQL/MariaDB, {@code pg_advisory_xact_lock} in one transaction on PostgreSQL (DDL is
     * transactional there), a lock of this JVM on H2 (which has no advisory locks) — so the second caller
     * finds everything created. The head-row insert is idempotent by itself as well.
     *
     * @throws EventStoreException when a statement fails, or the lock is not obtained within
     *                             60 seconds
     */
    public void createSchema() {
        ensureOpen();
        schema.createSchema();
    }

    /**
     * Adds a range partition for positions below {@code upperBound} to the partitioned layout, by
     * splitting the {@code MAXVALUE} partition: {@code ALTER TABLE ... REORGANIZE PARTITION pmax INTO
     * (PARTITION p<upperBound> VALUES LESS THAN (upperBound), PARTITION pmax VALUES LESS THAN MAXVALUE)}.
     * Do it ahead of time, while {@code pmax} is still empty or small: MySQL/MariaDB copy the rows of
     * the reorganised partition, holding a metadata lock that blocks appends meanwhile.
     *
     * @param upperBound the new partition's exclusive upper bound, above every existing bound
     * @throws IllegalStateException    when the store was not built with {@code partitioned(true)}
     * @throws IllegalArgumentException when {@code upperBound < 1}
     * @throws EventStoreException      when the database refuses (e.g. the bound is not above the others)
     */
    public void addPartition(long upperBound) {
        ensureOpen();
        schema.addPartition(upperBound); // checks the layout and the bound
    }

    /**
     * Archives the start of the log in the partitioned layout: drops the oldest partitions whose upper
     * bound is at most {@code position}, so every event below {@code position} may be gone afterwards and
     * every event at or above it is kept. Only a leading run of partitions is ever dropped — the log that
     * remains is always a suffix, never one with a hole — and never the partition holding the newest event
     * (its bound must also be at most the last position), so positions keep growing from where they were.
     *
     * <p>Readers handle the result: {@link #readAll(long, int)} from a position inside the dropped prefix
     * continues at the first stored position; {@link #load} of a stream whose requested versions were
     * dropped throws {@link StreamArchivedException} naming its first available version (load from there, on
     * top of a snapshot). A stream all of whose events were dropped reads as empty: snapshot live aggregates
     * before archiving their beginning.
     *
     * <p>Cost: {@code ALTER TABLE ... DROP PARTITION} deletes the partitions' files without copying rows, but
     * takes an exclusive metadata lock on the table: it waits for every running transaction and query on the
     * table (appends, open reads) to end and blocks new ones until it is done — usually milliseconds, as long
     * as no long transaction holds the table. Run it off-peak.
     *
     * @param position the first position to keep; partitions entirely below it (and below the last
     *                 position) are dropped
     * @return the names of the dropped partitions, oldest first; empty when none qualified
     * @throws IllegalStateException    when the store was not built with {@code partitioned(true)}
     * @throws IllegalArgumentException when {@code position < 1}
     * @throws EventStoreException      when the database refuses
     */
    public List<String> dropPartitionsBefore(long position) {
        ensureOpen();
        return schema.dropPartitionsBefore(position); // checks the layout and the position
    }

    /**
     * Returns the dialect in use (detected or configured).
     *
     * @return the dialect
     */
    public JdbcDialect dialect() {
        return dialect;
    }

    /**
     * Returns the name of the events table; the head table is this name plus {@code _head}.
     *
     * @return the table name
     */
    public String tableName() {
        return table.names.events();
    }

    // ------------------------------------------------------------------ appends
    @Override
    public AppendResult append(AppendRequest request) {
        StoreChecks.request(request);
        ensureOpen();
        return committer.submit(() -> new PendingAppend(List.of(appends.encode(request)), false)).get(0);
    }

    @Override
    public List<AppendResult> appendBatch(List<AppendRequest> requests) {
        List<AppendRequest> checked = StoreChecks.batch(requests);
        ensureOpen();
        return committer.submit(() -> {
            List<PendingAppend.Encoded> encoded = new ArrayList<>(checked.size());
            for (AppendRequest r : checked) {
                encoded.add(appends.encode(r));
            }
            return new PendingAppend(encoded, true);
        });
    }

    // ------------------------------------------------------------------ reads
    /**
     * {@inheritDoc}
     *
     * <p>Versions are dense, so a page that starts above the version asked for, or skips one, shows that
     * events are missing: when the stream's first stored version lies above {@code fromVersion} (its
     * beginning was archived, e.g. by {@link #dropPartitionsBefore(long)}) this throws
     * {@link StreamArchivedException}; when earlier versions exist, it is a hole and this throws
     * {@link MissingEventsException}. Each page also reads the stream's last version in the same statement,
     * so only a page that is empty, starts late or stops short of it costs an extra query.
     */
    @Override
    public EventStream load(AggregateId aggregateId, long fromVersion, long toVersion) {
        StoreChecks.load(aggregateId, fromVersion, toVersion);
        ensureOpen();
        return reads.load(aggregateId, fromVersion, toVersion);
    }

    @Override
    public Map<AggregateId, EventStream> loadBatch(Collection<AggregateId> aggregateIds, long fromVersion,
                                                   long toVersion) {
        List<AggregateId> ids = StoreChecks.ids(aggregateIds);
        StoreChecks.versions(fromVersion, toVersion);
        ensureOpen();
        return reads.loadBatch(ids, fromVersion, toVersion);
    }

    /**
     * {@inheritDoc}
     *
     * <p>Positions are dense and become visible in order, so a missing position followed by a stored one is
     * a hole and throws {@link MissingEventsException} naming the missing positions — except at the start of
     * the log: when {@code fromPosition} lies before the first stored position (older events were archived,
     * e.g. by {@link #dropPartitionsBefore(long)}), the read continues at the first stored position. A page
     * that is full, or ends at the log's last position, costs nothing extra (the last position is read in
     * the same statement); one that is empty, starts late or stops short of the last position costs one
     * indexed query.
     */
    @Override
    public EventStream readAll(long fromPosition, int limit) {
        StoreChecks.readAll(fromPosition, limit);
        ensureOpen();
        return reads.readAll(fromPosition, limit);
    }

    /** Asks the database for the wanted types only, in bounded position windows ({@link EventReads}). */
    @Override
    public EventPage readAll(long fromPosition, int limit, Set<String> eventTypes) {
        Set<String> types = StoreChecks.readAll(fromPosition, limit, eventTypes);
        ensureOpen();
        return reads.readAll(fromPosition, limit, types);
    }

    @Override
    public long currentVersion(AggregateId aggregateId) {
        Checks.notNull("aggregateId", aggregateId);
        ensureOpen();
        return reads.currentVersion(aggregateId);
    }

    /** {@code SELECT MAX(sequence_number)}: one look at the end of the primary key. */
    @Override
    public long headPosition() {
        ensureOpen();
        return reads.headPosition();
    }

    /**
     * {@inheritDoc}
     *
     * <p>Recorded in the {@code <table>_streams} table under the head-row lock; the events stay.
     */
    @Override
    public long delete(AggregateId aggregateId, ExpectedVersion expected) {
        Checks.notNull("aggregateId", aggregateId);
        Checks.notNull("expected", expected);
        ensureOpen();
        return lifecycle.delete(aggregateId, expected);
    }

    /**
     * {@inheritDoc}
     *
     * <p>Recorded in the {@code <table>_streams} table; the events stay stored. To remove old events
     * physically, use the partitioned layout's {@link #dropPartitionsBefore(long)}.
     */
    @Override
    public void truncateBefore(AggregateId aggregateId, long version) {
        Checks.notNull("aggregateId", aggregateId);
        ensureOpen();
        lifecycle.truncateBefore(aggregateId, version);
    }

    /**
     * {@inheritDoc}
     *
     * <p>One {@code UPDATE} of the stream's rows under the head-row lock: {@code event_data} becomes
     * {@code {"$erased":true}} and {@code metadata} NULL.
     */
    @Override
    public long erase(AggregateId aggregateId) {
        Checks.notNull("aggregateId", aggregateId);
        ensureOpen();
        return lifecycle.erase(aggregateId);
    }

    @Override
    public StreamState streamState(AggregateId aggregateId) {
        Checks.notNull("aggregateId", aggregateId);
        ensureOpen();
        return lifecycle.streamState(aggregateId);
    }

    @Override
    public Optional<EventSerializer> serializer() {
        return Optional.of(serializer);
    }

    // ------------------------------------------------------------------ snapshots
    /**
     * Returns a snapshot store on this store's {@code <table>_snapshots} table (made by {@link #createSchema()}),
     * its read pool and its meter registry, keeping the newest 3 snapshots per aggregate; see
     * {@link #snapshotStore(int)}.
     *
     * @return the snapshot store
     */
    public SnapshotStore snapshotStore() {
        return snapshotStore(JdbcSnapshotStore.DEFAULT_KEEP);
    }

    /**
     * Returns a snapshot store on this store's {@code <table>_snapshots} table, its read pool and its meter
     * registry. Each save upserts its {@code (aggregate_id, version)} row, then deletes the aggregate's rows
     * beyond the newest {@code keepNewest} (an indexed range, never a scan). A damaged stored value is an
     * {@link EventStoreException} naming the aggregate. Closing it leaves this store open; closing this
     * store ends it too. docs/jdbc-event-store.md, "Snapshots", has the details.
     *
     * @param keepNewest how many of an aggregate's newest snapshots to keep, 1 to 100
     * @return the snapshot store
     * @throws IllegalArgumentException when {@code keepNewest} is out of range
     */
    public SnapshotStore snapshotStore(int keepNewest) {
        ensureOpen();
        return new JdbcSnapshotStore(this, pools, dialect, table, keepNewest, meters);
    }

    // ------------------------------------------------------------------ projections
    /**
     * Returns the checkpoint store of projections on this store's {@code <table>_checkpoints} and
     * {@code <table>_dead_letters} tables (made by {@link #createSchema()}) and its read pool: a commit runs the
     * read model's writes on the checkpoint's connection, in one transaction. Closing it leaves this store open;
     * closing this store ends it too. docs/projection-storage.md has the details.
     *
     * @return the checkpoint store
     */
    public CheckpointStore checkpointStore() {
        ensureOpen();
        return new JdbcCheckpointStore(this, pools, dialect, table.names);
    }

    // ------------------------------------------------------------------ query cache
    /**
     * Returns the L3 query-cache tier on this store's {@code <table>_query_cache} tables (made by
     * {@link #createSchema()}) and read pool, with the defaults; {@link JdbcCacheTier#builder(JdbcEventStore)} sets
     * them. Closing it leaves this store open; closing this store ends it too. docs/cache.md, "L3", has the details.
     *
     * @return the tier
     */
    public JdbcCacheTier cacheTier() {
        return JdbcCacheTier.builder(this).build();
    }

    // ------------------------------------------------------------------ lifecycle and description
    /**
     * Closes the connection pools if the store created them (built with a JDBC URL); a {@link DataSource}
     * passed to the builder is left open. Idempotent. Appends and reads after close throw
     * {@link IllegalStateException}.
     */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            pools.close();
        }
    }

    /**
     * Describes the store in one line, for logs and support: dialect, table, where it connects
     * (credentials masked), layout, the connections it opens — read pool, append connections
     * ({@code maxCommitsInFlight + 1}) and their total — the group-commit limits, the read page size and
     * the server's packet limit as last learned. The store logs it at INFO when it is built. No password
     * ever appears in it.
     *
     * @return the description
     */
    public String describe() {
        return description.full();
    }

    /** Describes the store briefly: dialect, table, where it connects (credentials masked); see {@link #describe()}. */
    @Override
    public String toString() {
        return "JdbcEventStore[" + dialect + ", table " + table.names.events() + ", " + pools.target + "]";
    }

    void ensureOpen() {
        if (closed.get()) {
            throw new IllegalStateException("this JdbcEventStore (table " + table.names.events() + ") is closed");
        }
    }

    // ------------------------------------------------------------------ test seams (package-private)
    /** Number of append transactions committed so far. */
    long committedTransactions() {
        return transaction.committedTransactions();
    }

    /** Number of append transactions begun so far, committed or not. */
    long attemptedTransactions() {
        return transaction.attemptedTransactions();
    }

    PacketLimit packetLimit() {
        return packetLimit;
    }

    void schemaLockTimeoutSeconds(int seconds) {
        schema.schemaLockTimeoutSeconds(seconds);
    }

    void hook(TransactionHook value) {
        transaction.hook(value);
    }

    StorePools pools() {
        return pools;
    }

    /** The read pool, or the given data source. */
    DataSource dataSource() {
        return pools.reads;
    }
}
