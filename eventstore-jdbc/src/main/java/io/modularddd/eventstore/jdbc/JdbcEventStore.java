package io.modularddd.eventstore.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.modularddd.core.AggregateId;
import io.modularddd.core.AppendOutcomeUnknownException;
import io.modularddd.core.AppendRequest;
import io.modularddd.core.AppendResult;
import io.modularddd.core.ConcurrencyConflictException;
import io.modularddd.core.EventIdConflictException;
import io.modularddd.core.EventMetadata;
import io.modularddd.core.EventStore;
import io.modularddd.core.EventStoreException;
import io.modularddd.core.EventStream;
import io.modularddd.core.MissingEventsException;
import io.modularddd.core.NewEvent;
import io.modularddd.core.SerializationException;
import io.modularddd.core.StoredEvent;
import io.modularddd.core.StreamArchivedException;
import io.modularddd.core.internal.AppendPlanner;
import io.modularddd.core.internal.Checks;
import io.modularddd.core.internal.Idempotency;
import io.modularddd.core.internal.IteratorEventStream;
import io.modularddd.core.internal.PagingIterator;
import io.modularddd.core.internal.PositionPagingIterator;
import io.modularddd.core.internal.StoreChecks;
import io.modularddd.core.serialization.EventSerializer;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.Record2;
import org.jooq.Record4;
import org.jooq.Result;
import org.jooq.conf.RenderQuotedNames;
import org.jooq.conf.Settings;
import org.jooq.exception.DataAccessException;
import org.jooq.impl.DSL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 * request queued meanwhile (up to {@link Builder#maxGroupRequests(int)} requests and
 * {@link Builder#maxGroupEvents(int)} events) in one transaction — one lock, one state query, one
 * batched insert, one commit — on its own thread; the others wait and get their own result or their
 * own {@link ConcurrencyConflictException} / {@link EventIdConflictException}. A request that fails its
 * checks never fails the others in its group. A caller alone commits at once. While a group commits,
 * the next one already queues for the lock ({@link Builder#maxCommitsInFlight(int)}).
 *
 * <h2>Reading</h2>
 * {@link #load} and {@link #readAll} read in keyset pages of {@link Builder#pageSize(int)} events, each
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

    private static final Logger LOG = LoggerFactory.getLogger(JdbcEventStore.class);

    static {
        JooqDefaults.quiet(); // before any jOOQ renderer loads: no banner, no tips (unless the application asks)
    }
    private static final int MAX_IDS_PER_QUERY = 500;
    private static final int MAX_ROWS_PER_INSERT = 1_000;

    private final DataSource dataSource;
    private final HikariDataSource ownedPool;
    /** Connections for append transactions: the store's own write pool (auto-commit off), else {@code dataSource}. */
    private final DataSource writeDataSource;
    private final HikariDataSource ownedWritePool;
    private final JdbcDialect dialect;
    private final EventTable table;
    private final boolean partitioned;
    private final EventSerializer serializer;
    private final int pageSize;
    private final String target;
    private final Settings settings = jooqSettings();
    private final DSLContext reads;
    private final AppendStatements appendSql;
    private final GroupCommitter committer;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicLong transactions = new AtomicLong();
    private final AtomicLong attempts = new AtomicLong();
    private final PacketLimit packetLimit;
    private final Counter committedMeter;
    private final Counter failedMeter;
    private final DistributionSummary groupSizeMeter;
    private volatile TransactionHook hook = TransactionHook.NONE;

    private JdbcEventStore(Builder b, DataSource dataSource, HikariDataSource ownedPool,
                           HikariDataSource ownedWritePool, JdbcDialect dialect, PacketLimit packetLimit,
                           String target) {
        this.packetLimit = packetLimit;
        this.dataSource = dataSource;
        this.ownedPool = ownedPool;
        this.ownedWritePool = ownedWritePool;
        this.writeDataSource = ownedWritePool != null ? ownedWritePool : dataSource;
        this.dialect = dialect;
        this.table = new EventTable(dialect, new TableNames(b.tableName));
        this.partitioned = b.partitioned;
        this.serializer = b.serializer;
        this.pageSize = b.pageSize;
        this.target = target;
        this.reads = DSL.using(dataSource, dialect.sqlDialect(), settings);
        this.appendSql = new AppendStatements(dialect, table, settings);
        this.committer = new GroupCommitter(b.maxGroupRequests, b.maxGroupEvents, b.maxCommitsInFlight,
                b.maxGroupWait.toNanos(), this::flush);
        if (b.meterRegistry != null) {
            String tableName = table.names.events();
            committedMeter = Counter.builder("modularddd.eventstore.jdbc.transactions")
                    .description("append transactions of the JDBC event store")
                    .tag("table", tableName).tag("outcome", "committed").register(b.meterRegistry);
            failedMeter = Counter.builder("modularddd.eventstore.jdbc.transactions")
                    .description("append transactions of the JDBC event store")
                    .tag("table", tableName).tag("outcome", "failed").register(b.meterRegistry);
            groupSizeMeter = DistributionSummary.builder("modularddd.eventstore.jdbc.group.requests")
                    .description("append requests committed per transaction (group commit)")
                    .tag("table", tableName).register(b.meterRegistry);
        } else {
            committedMeter = null;
            failedMeter = null;
            groupSizeMeter = null;
        }
    }

    /**
     * Starts a builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
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
        List<String> statements = SchemaScript.statements(dialect, partitioned, table.names);
        try (Connection c = dataSource.getConnection()) {
            switch (dialect) {
                case MARIADB, MYSQL -> createSchemaUnderNamedLock(c, statements);
                case POSTGRESQL -> createSchemaInLockedTransaction(c, statements);
                case H2 -> {
                    // H2 has no advisory lock; concurrent CREATE INDEX IF NOT EXISTS fails with "object already
                    // exists". Its databases are embedded, so serialising the JVM's callers covers them.
                    synchronized (H2_SCHEMA_LOCKS.computeIfAbsent(table.names.events(), k -> new Object())) {
                        runAutoCommitted(c, statements);
                    }
                }
                default -> throw new IllegalStateException("no schema creation for dialect " + dialect);
            }
        } catch (SQLException e) {
            throw SqlErrors.failure("creating the schema", target, e);
        }
        LOG.info("JdbcEventStore schema ready: {} on {}{}", table.names.events(), target,
                partitioned ? " (partitioned layout)" : "");
    }

    /** How long {@link #createSchema()} waits for another process creating the same schema. */
    static final int SCHEMA_LOCK_TIMEOUT_SECONDS = 60;
    /** {@link #SCHEMA_LOCK_TIMEOUT_SECONDS}, lowered by tests. */
    private volatile int schemaLockTimeoutSeconds = SCHEMA_LOCK_TIMEOUT_SECONDS;
    /** First key of PostgreSQL's two-key advisory lock for schema creation: "mddd" in ASCII. */
    private static final int PG_SCHEMA_LOCK_CLASS = 0x6D646464;
    private static final Map<String, Object> H2_SCHEMA_LOCKS = new java.util.concurrent.ConcurrentHashMap<>();

    /** The name of the MySQL/MariaDB lock that serialises schema creation (at most 59 of the allowed 64 chars). */
    String schemaLockName() {
        return "modularddd:" + table.names.events();
    }

    /**
     * MySQL/MariaDB: DDL commits implicitly, so a transaction cannot serialise it; a named lock of the
     * session can. It is released before the connection goes back to the pool (and by the server if the
     * session dies).
     */
    private void createSchemaUnderNamedLock(Connection c, List<String> statements) throws SQLException {
        String lock = schemaLockName();
        Object granted;
        try (PreparedStatement ps = c.prepareStatement("SELECT GET_LOCK(?, ?)")) {
            ps.setString(1, lock);
            ps.setInt(2, schemaLockTimeoutSeconds);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                granted = rs.getObject(1);
            }
        }
        if (granted == null || ((Number) granted).intValue() != 1) {
            throw new EventStoreException("JdbcEventStore could not create the schema of table '"
                    + table.names.events() + "' on " + target + ": the lock '" + lock + "' that serialises schema "
                    + "creation was not obtained within " + schemaLockTimeoutSeconds + " s (GET_LOCK returned "
                    + granted + "). Another session holds it — another instance creating the schema, or a stuck "
                    + "session: find it with SELECT IS_USED_LOCK('" + lock + "'), then retry.");
        }
        try {
            runAutoCommitted(c, statements);
        } finally {
            try (PreparedStatement ps = c.prepareStatement("SELECT RELEASE_LOCK(?)")) {
                ps.setString(1, lock);
                ps.executeQuery().close();
            } catch (SQLException e) {
                LOG.warn("JdbcEventStore could not release the schema lock '{}' on {}: {}", lock, target, e.toString());
            }
        }
    }

    /**
     * PostgreSQL: concurrent {@code CREATE ... IF NOT EXISTS} race in the catalog (duplicate key in
     * {@code pg_type}/{@code pg_class}). The script runs in one transaction that first takes a transaction-level
     * advisory lock keyed on the table name, so a second caller waits and then finds everything committed.
     */
    private void createSchemaInLockedTransaction(Connection c, List<String> statements) throws SQLException {
        boolean autoCommit = c.getAutoCommit();
        if (autoCommit) {
            c.setAutoCommit(false);
        }
        boolean committed = false;
        try (Statement s = c.createStatement()) {
            s.execute("SET LOCAL lock_timeout = '" + schemaLockTimeoutSeconds + "s'");
            try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_xact_lock(?, ?)")) {
                ps.setInt(1, PG_SCHEMA_LOCK_CLASS);
                ps.setInt(2, table.names.events().hashCode());
                ps.executeQuery().close();
            } catch (SQLException e) {
                if ("55P03".equals(e.getSQLState())) {
                    throw new EventStoreException("JdbcEventStore could not create the schema of table '"
                            + table.names.events() + "' on " + target + ": the advisory lock ("
                            + PG_SCHEMA_LOCK_CLASS + ", " + table.names.events().hashCode() + ") that serialises "
                            + "schema creation was not obtained within " + schemaLockTimeoutSeconds + " s. Another "
                            + "session holds it (see pg_locks where locktype = 'advisory'); retry when it is done.", e);
                }
                throw e;
            }
            for (String sql : statements) {
                s.execute(sql);
            }
            c.commit();
            committed = true;
        } finally {
            if (!committed) {
                try {
                    c.rollback();
                } catch (SQLException e) {
                    LOG.debug("rollback of the schema transaction failed: {}", e.toString());
                }
            }
            if (autoCommit) {
                c.setAutoCommit(true);
            }
        }
    }

    private static void runAutoCommitted(Connection c, List<String> statements) throws SQLException {
        boolean autoCommit = c.getAutoCommit();
        if (!autoCommit) {
            c.setAutoCommit(true);
        }
        try (Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        } finally {
            if (!autoCommit) {
                c.setAutoCommit(false);
            }
        }
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
        if (!partitioned) {
            throw new IllegalStateException("addPartition needs the partitioned layout: build the store with "
                    + "partitioned(true) (MySQL/MariaDB only)");
        }
        if (upperBound < 1) {
            throw new IllegalArgumentException("upperBound must be at least 1 but was " + upperBound);
        }
        try (Connection c = dataSource.getConnection()) {
            DSL.using(c, dialect.sqlDialect(), settings).query(
                    "alter table {0} reorganize partition {1} into (partition {2} values less than ({3}), "
                            + "partition {1} values less than maxvalue)",
                    table.events, DSL.name("pmax"), DSL.name("p" + upperBound), DSL.inline(upperBound)).execute();
        } catch (SQLException | DataAccessException e) {
            throw SqlErrors.failure("adding partition p" + upperBound, target, e);
        }
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
        if (!partitioned) {
            throw new IllegalStateException("dropPartitionsBefore needs the partitioned layout: build the store with "
                    + "partitioned(true) (MySQL/MariaDB only); in the default layout delete nothing by hand, readers "
                    + "report such holes as MissingEventsException");
        }
        if (position < 1) {
            throw new IllegalArgumentException("position must be at least 1 but was " + position);
        }
        try (Connection c = dataSource.getConnection()) {
            DSLContext ctx = DSL.using(c, dialect.sqlDialect(), settings);
            Long lastPosition = ctx.select(DSL.max(table.position)).from(table.events).fetchOne(0, Long.class);
            long last = lastPosition == null ? 0 : lastPosition;
            List<String> drop = new ArrayList<>();
            for (Record r : ctx.resultQuery("select partition_name, partition_description from "
                    + "information_schema.partitions where table_schema = database() and table_name = {0} "
                    + "order by partition_ordinal_position", DSL.val(table.names.events())).fetch()) {
                String bound = r.get(1, String.class);
                if (bound == null || !bound.chars().allMatch(Character::isDigit)) {
                    break; // MAXVALUE (or not a range partition): always kept
                }
                long upper = Long.parseLong(bound);
                if (upper > position || upper > last) {
                    break;
                }
                drop.add(r.get(0, String.class));
            }
            if (drop.isEmpty()) {
                LOG.info("JdbcEventStore dropPartitionsBefore({}) on {}: no partition lies entirely below it and below "
                        + "the last position {}", position, table.names.events(), last);
                return List.of();
            }
            List<org.jooq.Name> names = new ArrayList<>();
            for (String n : drop) {
                names.add(DSL.name(n));
            }
            ctx.query("alter table {0} drop partition {1}", table.events, DSL.list(names)).execute();
            LOG.info("JdbcEventStore archived partitions {} of {} (positions below {})", drop, table.names.events(),
                    position);
            return List.copyOf(drop);
        } catch (SQLException | DataAccessException e) {
            throw SqlErrors.failure("dropping partitions before position " + position, target, e);
        }
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
        return committer.submit(() -> new PendingAppend(List.of(encode(request)), false)).get(0);
    }

    @Override
    public List<AppendResult> appendBatch(List<AppendRequest> requests) {
        List<AppendRequest> checked = StoreChecks.batch(requests);
        ensureOpen();
        return committer.submit(() -> {
            List<PendingAppend.Encoded> encoded = new ArrayList<>(checked.size());
            for (AppendRequest r : checked) {
                encoded.add(encode(r));
            }
            return new PendingAppend(encoded, true);
        });
    }

    private PendingAppend.Encoded encode(AppendRequest r) {
        int n = r.size();
        String[] types = new String[n];
        String[] data = new String[n];
        String[] meta = new String[n];
        long[] rowBytes = new long[n];
        long fixedBytes = Utf8.length(r.aggregateId().value()) + Utf8.length(r.aggregateType())
                + PacketLimit.ROW_OVERHEAD_BYTES;
        long largest = 0;
        long total = 0;
        for (int i = 0; i < n; i++) {
            NewEvent e = r.events().get(i);
            types[i] = serializer.typeName(e.payload());
            byte[] payload = serializer.serialize(e.payload());
            data[i] = text(types[i], payload);
            byte[] metadata = e.metadata().isEmpty() ? null : serializer.serializeMetadata(e.metadata());
            meta[i] = metadata == null ? null : text("metadata", metadata);
            rowBytes[i] = fixedBytes + Utf8.length(types[i]) + payload.length + (metadata == null ? 0 : metadata.length);
            // refused here, on the caller's thread, before it joins a group whose other appends it would fail
            packetLimit.check(r.aggregateId(), "events[" + i + "]", rowBytes[i]);
            largest = Math.max(largest, rowBytes[i]);
            total += rowBytes[i];
        }
        return new PendingAppend.Encoded(r, types, data, meta, rowBytes, largest, total);
    }

    private static String text(String typeName, byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new SerializationException(typeName, "The serializer produced bytes for '" + typeName
                    + "' that are not UTF-8 text. JdbcEventStore stores payloads and metadata as JSON text: use a "
                    + "JSON serializer such as JacksonEventSerializer.json(registry).", e);
        }
    }

    /**
     * Commits one group and completes every member. Runs on the leader's thread. Never throws, except an
     * {@link Error}, which it rethrows after every member got a failure.
     *
     * <p>How a failed transaction is answered depends on why it failed:
     * <ul>
     *   <li>the commit's outcome is unknown: every member gets {@link AppendOutcomeUnknownException};</li>
     *   <li>an {@link Error}: every member fails (nothing was committed), then the error propagates;</li>
     *   <li>the server refused a packet as too large: the members with a row that does not fit fail with
     *       a typed error, the others are committed without them;</li>
     *   <li>a unique key fired (a reused event id): the group runs again with the ids looked up;</li>
     *   <li>a data error (the database refused a value): the members run one by one, so that only the
     *       culprit fails;</li>
     *   <li>anything else — a lost connection, a lock-wait or statement timeout, a deadlock, a missing
     *       table — fails the whole group at once: running members one by one would only repeat the wait
     *       once per member.</li>
     * </ul>
     */
    private void flush(List<PendingAppend> group, Runnable handOff) {
        TransactionFailure failure;
        try {
            runTransaction(group, partitioned, handOff);
            return;
        } catch (TransactionFailure f) {
            failure = f;
        }
        if (failure.fatal != null || failure.outcomeUnknown) {
            failAll(group, failure);
            if (failure.fatal != null) {
                throw failure.fatal;
            }
            return;
        }
        if (SqlErrors.isPacketTooLarge(failure.getCause())) {
            retryWithoutOversized(group, handOff, failure);
            return;
        }
        if (!partitioned && SqlErrors.isIntegrityViolation(failure.getCause())) {
            // a unique key fired: usually a reused event id (the ids are looked up only when needed). Run the
            // group again with the lookup, which answers that request alone (repeat or EventIdConflict).
            resetAll(group);
            try {
                runTransaction(group, true, handOff);
                return;
            } catch (TransactionFailure again) {
                again.addSuppressed(failure);
                failure = again;
            }
            if (failure.fatal != null || failure.outcomeUnknown) {
                failAll(group, failure);
                if (failure.fatal != null) {
                    throw failure.fatal;
                }
                return;
            }
        }
        if (group.size() == 1 || !SqlErrors.isDataError(failure.getCause())) {
            failAll(group, failure);
            return;
        }
        // the database refused a value of one row (e.g. invalid JSON): isolate the culprit so a bad request
        // never fails the others in its group
        LOG.debug("group of {} appends failed on a data error ({}); committing them one by one", group.size(),
                failure.getCause().toString());
        isolate(group, handOff);
    }

    /** Runs each member in a transaction of its own, so that only members that fail by themselves fail. */
    private void isolate(List<PendingAppend> group, Runnable handOff) {
        resetAll(group);
        for (PendingAppend p : group) {
            try {
                runTransaction(List.of(p), true, handOff);
            } catch (TransactionFailure f) {
                if (f.fatal == null && !f.outcomeUnknown && SqlErrors.isPacketTooLarge(f.getCause())) {
                    packetLimit.relearn(dataSource);
                    failTooLarge(p);
                    continue;
                }
                failAll(List.of(p), f);
                if (f.fatal != null) {
                    // the members not run yet get their failure from the group committer
                    throw f.fatal;
                }
            }
        }
    }

    /**
     * The server refused a packet as larger than {@code max_allowed_packet} (and closed the connection):
     * learn its limit again, fail the members with a row that does not fit, and commit the others.
     */
    private void retryWithoutOversized(List<PendingAppend> group, Runnable handOff, TransactionFailure failure) {
        packetLimit.relearn(dataSource);
        List<PendingAppend> rest = new ArrayList<>(group.size());
        for (PendingAppend p : group) {
            if (!p.failed() && !packetLimit.fits(p.largestRowBytes())) {
                failTooLarge(p);
            } else {
                rest.add(p);
            }
        }
        LOG.warn("the database refused a packet as too large ({}); {} of {} appends failed for it, the others are "
                + "retried", packetLimit, group.size() - rest.size(), group.size());
        if (rest.size() == group.size()) {
            // no single row is over the limit learned now: find the culprit by running the members alone
            isolate(rest, handOff);
        } else if (!rest.isEmpty()) {
            resetAll(rest);
            flush(rest, handOff);
        }
    }

    private void failTooLarge(PendingAppend p) {
        for (PendingAppend.Encoded e : p.requests) {
            for (int i = 0; i < e.rowBytes().length; i++) {
                if (!packetLimit.fits(e.rowBytes()[i]) || e.rowBytes()[i] == p.largestRowBytes()) {
                    long bytes = e.rowBytes()[i];
                    AggregateId stream = e.request().aggregateId();
                    String argument = "events[" + i + "]";
                    p.fail(() -> packetLimit.tooLarge(stream, argument, bytes, true));
                    return;
                }
            }
        }
    }

    private static void resetAll(List<PendingAppend> group) {
        for (PendingAppend p : group) {
            p.reset();
        }
    }

    private void failAll(List<PendingAppend> group, TransactionFailure f) {
        if (failedMeter != null) {
            failedMeter.increment();
        }
        for (PendingAppend p : group) {
            if (p.failed()) {
                continue; // failed its own checks: that answer stands, nothing of it was ever written
            }
            List<UUID> ids = p.eventIds();
            AggregateId stream = p.requests.get(0).request().aggregateId();
            Throwable cause = f.getCause();
            if (f.outcomeUnknown) {
                LOG.warn("append to stream '{}' has an unknown outcome: the connection failed during commit ({})",
                        stream.value(), cause.toString());
                p.fail(() -> new AppendOutcomeUnknownException(stream, ids, SqlErrors.driverCause(cause)));
            } else {
                p.fail(() -> SqlErrors.failure("appending to stream '" + stream.value() + "' (" + ids.size()
                        + " event(s); the transaction was rolled back, nothing was stored)", target, cause));
            }
        }
    }

    /** A transaction that did not commit, or whose commit has an unknown outcome. */
    private static final class TransactionFailure extends Exception {
        private static final long serialVersionUID = 1L;
        final boolean outcomeUnknown;
        /** The {@link Error} that ended the transaction, to be rethrown once every member has its failure. */
        final transient Error fatal;

        TransactionFailure(Throwable cause, boolean outcomeUnknown) {
            super(cause);
            this.outcomeUnknown = outcomeUnknown;
            this.fatal = cause instanceof Error e ? e : null;
        }
    }

    /** A row to insert; {@code bytes} is its UTF-8 size. */
    private record Row(long position, UUID eventId, String aggregateId, String aggregateType, String eventType,
                       String data, String metadata, long version, NewEvent event, long bytes) {
    }

    /**
     * Runs one append transaction for a group: lock the head row, read the log's last position and the
     * streams' versions, check and place every unit, insert the rows as one batch, commit — four round
     * trips whatever the group's size.
     *
     * <p>Units are only <em>planned</em> to succeed until {@code COMMIT} returns; then their results are
     * published. Whatever is thrown before that — an {@code SQLException}, a {@code RuntimeException}
     * or an {@link Error} — rolls the transaction back, and closes the connection or evicts it from the
     * store's pool (it may hold the head-row lock or be in any state), so no later append waits on it.
     *
     * @param group          the units, in queue order
     * @param checkEventIds  whether to look the event ids up before inserting. Without it the unique key on
     *                       {@code event_id} catches a reused id and the unit is retried with the lookup,
     *                       which resolves idempotent repeats; the partitioned layout has no such key and
     *                       always looks up.
     * @param handOff        run right before {@code COMMIT}, so the next group can queue for the lock while
     *                       this one's commit is made durable
     */
    private void runTransaction(List<PendingAppend> group, boolean checkEventIds, Runnable handOff)
            throws TransactionFailure {
        attempts.incrementAndGet();
        Connection c;
        try {
            c = writeDataSource.getConnection();
        } catch (Throwable e) {
            throw new TransactionFailure(e, false);
        }
        boolean committing = false;
        boolean restoreAutoCommit = false;
        int restoreIsolation = -1;
        try {
            if (ownedWritePool == null && c.getTransactionIsolation() != Connection.TRANSACTION_READ_COMMITTED) {
                restoreIsolation = c.getTransactionIsolation();
                c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
            }
            if (c.getAutoCommit()) {
                c.setAutoCommit(false);
                restoreAutoCommit = true;
            }
            try (PreparedStatement lock = c.prepareStatement(appendSql.lock()); ResultSet rs = lock.executeQuery()) {
                if (!rs.next()) {
                    throw new EventStoreException("The head row of table " + table.names.head() + " is missing on "
                            + target + ": call JdbcEventStore.createSchema() (idempotent), or apply the shipped DDL.");
                }
            }
            hook.afterLock(c);
            Set<AggregateId> streams = new LinkedHashSet<>();
            for (PendingAppend p : group) {
                streams.addAll(p.streams());
            }
            Map<AggregateId, Long> versions = new HashMap<>();
            long last = readState(c, new ArrayList<>(streams), versions);
            List<Row> rows = plan(c, last, versions, group, checkEventIds);
            if (!rows.isEmpty()) {
                insert(c, rows);
            }
            hook.beforeCommit(c);
            handOff.run();
            committing = true;
            c.commit();
        } catch (Throwable e) {
            boolean unknown = committing && !SqlErrors.isKnownRollback(e);
            discard(c, !committing, e instanceof Error || SqlErrors.isConnectionFailure(e), restoreAutoCommit,
                    restoreIsolation);
            throw new TransactionFailure(e, unknown);
        }
        for (PendingAppend p : group) {
            p.commitPlanned();
        }
        closeQuietly(c, restoreAutoCommit, restoreIsolation);
        transactions.incrementAndGet();
        if (committedMeter != null) {
            committedMeter.increment();
            groupSizeMeter.record(group.size());
        }
    }

    /**
     * Gets rid of the connection of a transaction that failed: rolls it back (unless the failure came from
     * {@code COMMIT}), then evicts it from the store's own pool when it may be broken, else returns it.
     * Nothing thrown here escapes: the transaction's own failure is what the caller must see.
     */
    private void discard(Connection c, boolean rollback, boolean broken, boolean restoreAutoCommit,
                         int restoreIsolation) {
        try {
            if (rollback) {
                rollbackQuietly(c);
            }
        } finally {
            if (broken && ownedWritePool != null) {
                try {
                    ownedWritePool.evictConnection(c); // never hand a dead or dubious connection to the next caller
                } catch (Throwable t) {
                    LOG.debug("evicting a connection failed: {}", t.toString());
                }
            } else {
                closeQuietly(c, restoreAutoCommit, restoreIsolation);
            }
        }
    }

    /**
     * Reads the log's last position and the current version of each stream (absent = no stream), in
     * one statement per {@value AppendStatements#MAX_STREAMS_PER_STATE} streams. Each version is one
     * entry at the end of the {@code (aggregate_id, version)} index, never the stream's history
     * (docs/jdbc-event-store.md shows the plans).
     *
     * @return the last position, 0 for an empty log
     */
    private long readState(Connection c, List<AggregateId> streams, Map<AggregateId, Long> versions)
            throws SQLException {
        long last = 0;
        for (int from = 0; from < streams.size(); from += AppendStatements.MAX_STREAMS_PER_STATE) {
            List<AggregateId> chunk = streams.subList(from,
                    Math.min(streams.size(), from + AppendStatements.MAX_STREAMS_PER_STATE));
            try (PreparedStatement ps = c.prepareStatement(appendSql.state(chunk.size()))) {
                for (int i = 0; i < chunk.size(); i++) {
                    ps.setString(i + 1, chunk.get(i).value());
                }
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    last = rs.getLong(1);
                    for (int i = 0; i < chunk.size(); i++) {
                        long v = rs.getLong(i + 2);
                        if (!rs.wasNull()) {
                            versions.put(chunk.get(i), v);
                        }
                    }
                }
            }
        }
        return last;
    }

    /**
     * Checks every unit of the group against the database state (read under the head lock) and the
     * units before it, completes the units that fail their checks or are idempotent repeats, and
     * returns the rows to insert for the others, at positions {@code last+1 ...}.
     */
    private List<Row> plan(Connection c, long last, Map<AggregateId, Long> versions, List<PendingAppend> group,
                           boolean checkEventIds) {
        DSLContext ctx = DSL.using(c, dialect.sqlDialect(), settings);
        Map<UUID, Idempotency.StoredRef> stored = new HashMap<>();
        if (checkEventIds) {
            List<UUID> ids = new ArrayList<>();
            for (PendingAppend p : group) {
                ids.addAll(p.eventIds());
            }
            stored.putAll(storedRefs(ctx, ids));
        }
        AppendPlanner.Known known = new AppendPlanner.Known() {
            @Override
            public long versionOf(AggregateId stream) {
                return versions.getOrDefault(stream, 0L);
            }

            @Override
            public Idempotency.StoredRef storedRef(UUID eventId) {
                return stored.get(eventId);
            }
        };
        List<Row> rows = new ArrayList<>();
        long next = last + 1;
        for (PendingAppend p : group) {
            AppendPlanner.Plan unit;
            try {
                try {
                    unit = AppendPlanner.plan(p.requestList(), known, next);
                } catch (ConcurrencyConflictException conflict) {
                    if (checkEventIds) {
                        throw conflict;
                    }
                    // a retried request usually fails its version check: it is a repeat if its ids are stored
                    stored.putAll(storedRefs(ctx, p.eventIds()));
                    unit = AppendPlanner.plan(p.requestList(), known, next);
                }
            } catch (ConcurrencyConflictException conflict) {
                p.fail(() -> onCallersThread(new ConcurrencyConflictException(conflict.aggregateId(),
                        conflict.expected(), conflict.actualVersion()), conflict));
                continue;
            } catch (EventIdConflictException conflict) {
                p.fail(() -> onCallersThread(new EventIdConflictException(conflict.eventId(), conflict.storedIn(),
                        conflict.storedVersion(), conflict.detail()), conflict));
                continue;
            }
            // the unit's effects are what the next unit of the group plans against
            versions.putAll(unit.versions());
            stored.putAll(unit.refs());
            for (AppendPlanner.Placement placement : unit.placements()) {
                addRows(rows, p.encodedOf(placement.request()), placement);
            }
            next += unit.newEvents();
            p.plan(unit.results());
        }
        return rows;
    }

    /** The rows of one placed request: event {@code i} at the placement's first version and position plus i. */
    private static void addRows(List<Row> rows, PendingAppend.Encoded e, AppendPlanner.Placement placement) {
        AppendRequest r = e.request();
        for (int i = 0; i < r.size(); i++) {
            NewEvent ev = r.events().get(i);
            rows.add(new Row(placement.firstPosition() + i, ev.eventId(), r.aggregateId().value(), r.aggregateType(),
                    e.eventTypes()[i], e.data()[i], e.metadata()[i], placement.firstVersion() + i, ev,
                    e.rowBytes()[i]));
        }
    }

    /**
     * A conflict found by the leader, made again on the thread of the caller it belongs to, so its stack
     * trace shows that caller; the leader's instance, which shows where the check ran, is its cause.
     */
    private static <E extends RuntimeException> E onCallersThread(E copy, RuntimeException leaders) {
        copy.initCause(leaders);
        return copy;
    }

    private Map<UUID, Idempotency.StoredRef> storedRefs(DSLContext ctx, List<UUID> ids) {
        Map<UUID, Idempotency.StoredRef> refs = new HashMap<>();
        for (int from = 0; from < ids.size(); from += MAX_IDS_PER_QUERY) {
            List<UUID> chunk = ids.subList(from, Math.min(ids.size(), from + MAX_IDS_PER_QUERY));
            Result<Record4<UUID, String, Long, Long>> found = ctx
                    .select(table.eventId, table.aggregateId, table.version, table.position)
                    .from(table.events).where(table.eventId.in(chunk)).fetch();
            for (Record4<UUID, String, Long, Long> r : found) {
                refs.put(r.value1(), new Idempotency.StoredRef(r.value1(), AggregateId.of(r.value2()), r.value3(),
                        r.value4()));
            }
        }
        return refs;
    }

    /**
     * Inserts the rows with the one-row statement executed as JDBC batches, each kept under
     * {@value #MAX_ROWS_PER_INSERT} rows and {@link PacketLimit#batchBudgetBytes()} bytes, so a batch
     * fits the server's {@code max_allowed_packet}.
     */
    private void insert(Connection c, List<Row> rows) throws SQLException {
        long budget = packetLimit.batchBudgetBytes();
        try (PreparedStatement ps = c.prepareStatement(appendSql.insert())) {
            int i = 0;
            while (i < rows.size()) {
                long bytes = 0;
                int n = 0;
                while (i < rows.size() && n < MAX_ROWS_PER_INSERT && (n == 0 || bytes + rows.get(i).bytes() <= budget)) {
                    Row r = rows.get(i);
                    ps.setLong(1, r.position());
                    table.bindEventId(ps, 2, r.eventId());
                    ps.setString(3, r.aggregateId());
                    ps.setString(4, r.aggregateType());
                    ps.setString(5, r.eventType());
                    EventTable.bindJson(ps, 6, r.data());
                    EventTable.bindJson(ps, 7, r.metadata());
                    ps.setLong(8, r.version());
                    EventTable.bindOccurredAt(ps, 9, r.event().occurredAt());
                    ps.addBatch();
                    bytes += r.bytes();
                    n++;
                    i++;
                }
                ps.executeBatch();
            }
        }
    }

    private static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException | RuntimeException e) {
            LOG.debug("rollback failed (the connection is probably gone): {}", e.toString());
        }
    }

    private static void closeQuietly(Connection c, boolean restoreAutoCommit, int restoreIsolation) {
        try {
            if (restoreAutoCommit) {
                c.setAutoCommit(true);
            }
            if (restoreIsolation >= 0) {
                c.setTransactionIsolation(restoreIsolation);
            }
        } catch (SQLException | RuntimeException e) {
            LOG.debug("restoring connection settings failed: {}", e.toString());
        }
        try {
            c.close();
        } catch (SQLException | RuntimeException e) {
            LOG.debug("closing a connection failed: {}", e.toString());
        }
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
        return new IteratorEventStream(new PagingIterator(pageSize) {
            @Override
            protected List<StoredEvent> fetch(StoredEvent after, int limit) {
                long from = after == null ? fromVersion : after.version() + 1;
                if (from > toVersion) {
                    return List.of();
                }
                // versions are dense, so the page is exactly from..from+limit-1: a bounded range lets every
                // optimizer seek to it (MariaDB otherwise walks the stream from its first version)
                long to = Math.min(toVersion, from > Long.MAX_VALUE - limit ? Long.MAX_VALUE : from + limit - 1);
                // the stream's last version, read in the same statement (one index entry, evaluated once): it tells
                // a short page that ends the stream from one that ends at a hole, in the same snapshot
                Field<Long> streamLast = DSL.field(appendSql.lastVersion(DSL.val(aggregateId.value(),
                        table.aggregateId))).as("modularddd_stream_last");
                Result<Record> rows = query("loading stream '" + aggregateId.value() + "'", () -> reads
                        .select(withColumn(table.readColumns(), streamLast))
                        .from(table.events)
                        .where(table.aggregateId.eq(aggregateId.value()))
                        .and(table.version.between(from, to))
                        .orderBy(table.aggregateId, table.version)
                        .limit(limit)
                        .fetch());
                List<StoredEvent> page = query("loading stream '" + aggregateId.value() + "'", () -> decode(rows));
                checkStreamPage(aggregateId, from, toVersion, page, page.size() == limit,
                        rows.isEmpty() ? null : rows.get(0).get(streamLast));
                return page;
            }
        }, () -> { });
    }

    /**
     * Checks one stream's events read from {@code from} on for missing versions. {@code full}: the read
     * stopped at its page limit (the next page goes on). {@code streamLast}: the stream's last version seen
     * by the same statement, or {@code null} when the read was not bounded by a page (loadBatch). Only a
     * read that is empty, starts late or stops short of {@code streamLast} costs an extra query.
     */
    private void checkStreamPage(AggregateId id, long from, long toVersion, List<StoredEvent> events, boolean full,
                                 Long streamLast) {
        for (int i = 1; i < events.size(); i++) {
            long previous = events.get(i - 1).version();
            if (events.get(i).version() != previous + 1) {
                throw new MissingEventsException(id, previous + 1, events.get(i).version() - 1);
            }
        }
        if (!events.isEmpty() && events.get(0).version() == from) {
            long last = events.get(events.size() - 1).version();
            if (full || streamLast == null || last >= Math.min(streamLast, toVersion)) {
                return;
            }
            // a short page although the stream goes on (in the same snapshot): a hole after it
            Long next = streamProbe(id, last + 1).value1();
            throw new MissingEventsException(id, last + 1, Math.min(next == null ? streamLast : next - 1, toVersion));
        }
        Record2<Long, Long> probe = streamProbe(id, from);
        Long next = probe.value1();
        // nothing at or after from: the stream ends before it. next == from: appended after the page was read
        // (a newer version becomes visible only after the older ones), so not a hole either
        if (next != null && next > from) {
            if (next.equals(probe.value2())) {
                throw new StreamArchivedException(id, from, next);
            }
            throw new MissingEventsException(id, from, Math.min(next - 1, toVersion));
        }
    }

    /** The stream's first version at or after {@code from}, and its first version of all (indexed look-ups). */
    private Record2<Long, Long> streamProbe(AggregateId id, long from) {
        return query("looking for the versions of stream '" + id.value() + "'", () -> reads
                .select(DSL.field(DSL.select(DSL.min(table.version)).from(table.events)
                                .where(table.aggregateId.eq(id.value())).and(table.version.ge(from))),
                        DSL.field(DSL.select(DSL.min(table.version)).from(table.events)
                                .where(table.aggregateId.eq(id.value()))))
                .fetchOne());
    }

    private static Field<?>[] withColumn(Field<?>[] columns, Field<?> extra) {
        Field<?>[] all = java.util.Arrays.copyOf(columns, columns.length + 1);
        all[columns.length] = extra;
        return all;
    }

    @Override
    public Map<AggregateId, EventStream> loadBatch(Collection<AggregateId> aggregateIds, long fromVersion,
                                                   long toVersion) {
        List<AggregateId> ids = StoreChecks.ids(aggregateIds);
        StoreChecks.versions(fromVersion, toVersion);
        ensureOpen();
        Map<String, List<StoredEvent>> byStream = new HashMap<>();
        for (int from = 0; from < ids.size(); from += MAX_IDS_PER_QUERY) {
            List<String> chunk = new ArrayList<>();
            for (AggregateId id : ids.subList(from, Math.min(ids.size(), from + MAX_IDS_PER_QUERY))) {
                chunk.add(id.value());
            }
            List<StoredEvent> events = query("loading " + ids.size() + " streams", () -> decode(reads
                    .select(table.readColumns())
                    .from(table.events)
                    .where(table.aggregateId.in(chunk))
                    .and(table.version.between(fromVersion, toVersion))
                    .orderBy(table.aggregateId, table.version)
                    .fetch()));
            for (StoredEvent e : events) {
                byStream.computeIfAbsent(e.aggregateId().value(), k -> new ArrayList<>()).add(e);
            }
        }
        Map<AggregateId, EventStream> result = new LinkedHashMap<>();
        for (AggregateId id : ids) {
            List<StoredEvent> events = byStream.getOrDefault(id.value(), List.of());
            // the same checks as load: only a stream read empty or starting late costs a query
            // a read not bounded by a page holds every stored version in the range: only an empty result or one
            // that starts late needs a look
            checkStreamPage(id, fromVersion, toVersion, events, false, null);
            result.put(id, EventStream.of(events));
        }
        return result;
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
        return new IteratorEventStream(new PositionPagingIterator(fromPosition, limit, pageSize) {
            private boolean started;

            @Override
            protected List<StoredEvent> fetchFrom(long from, int want) {
                boolean firstPage = !started;
                started = true;
                return readAllPage(from, want, firstPage);
            }
        }, () -> { });
    }

    private List<StoredEvent> readAllPage(long from, int want, boolean firstPage) {
        // the log's last position, read in the same statement (the primary key's last entry, evaluated once):
        // it tells a short page at the end of the log from one that stops at a hole, in the same snapshot
        Field<Long> logLast = DSL.field(DSL.select(DSL.max(table.position)).from(table.events))
                .as("modularddd_log_last");
        Result<Record> rows = query("reading all events from position " + from, () -> reads
                .select(withColumn(table.readColumns(), logLast))
                .from(table.events)
                .where(table.position.between(from, from > Long.MAX_VALUE - want ? Long.MAX_VALUE
                        : from + want - 1))
                .orderBy(table.position)
                .limit(want)
                .fetch());
        List<StoredEvent> page = query("reading all events from position " + from, () -> decode(rows));
        for (int i = 1; i < page.size(); i++) {
            long previous = page.get(i - 1).position();
            if (page.get(i).position() != previous + 1) {
                throw new MissingEventsException(previous + 1, page.get(i).position() - 1, "");
            }
        }
        boolean startsAtFrom = !page.isEmpty() && page.get(0).position() == from;
        if (startsAtFrom && (page.size() == want
                || page.get(page.size() - 1).position() >= rows.get(0).get(logLast))) {
            return page;
        }
        // empty, starting late, or short although the log goes on: the end of the log, an archived prefix or
        // a hole. One indexed query tells: the first stored position after the page, and the first of all
        long last = startsAtFrom ? page.get(page.size() - 1).position() : from - 1;
        Record2<Long, Long> probe = query("looking for the positions after " + last, () -> reads
                .select(DSL.field(DSL.select(DSL.min(table.position)).from(table.events).where(table.position.gt(last))),
                        DSL.field(DSL.select(DSL.min(table.position)).from(table.events)))
                .fetchOne());
        Long next = probe == null ? null : probe.value1();
        // nothing after the page: the end of the log. last + 1: appended after the page was read (positions
        // become visible in order, so a position seen now that was not seen before is new, not a gap)
        if (next == null || next == last + 1) {
            return page;
        }
        if (next.equals(probe.value2())) {
            if (firstPage) {
                // from lies in the archived prefix: continue at the first stored position
                return readAllPage(next, want, false);
            }
            throw new MissingEventsException(last + 1, next - 1, " (they were removed while this read was in "
                    + "progress, e.g. archived with dropPartitionsBefore; the log now starts at position " + next + ")");
        }
        throw new MissingEventsException(last + 1, next - 1, "");
    }

    @Override
    public long currentVersion(AggregateId aggregateId) {
        Checks.notNull("aggregateId", aggregateId);
        ensureOpen();
        Long v = query("reading the version of stream '" + aggregateId.value() + "'", () -> reads
                .fetchValue(appendSql.lastVersion(DSL.val(aggregateId.value(), table.aggregateId))));
        return v == null ? 0 : v;
    }

    @Override
    public Optional<EventSerializer> serializer() {
        return Optional.of(serializer);
    }

    /** {@code SELECT MAX(sequence_number)}: one look at the end of the primary key. */
    @Override
    public long headPosition() {
        ensureOpen();
        Long last = query("reading the head position", () -> reads.select(DSL.max(table.position))
                .from(table.events).fetchOne(0, Long.class));
        return last == null ? 0 : last;
    }

    private interface Query<T> {
        T run();
    }

    private <T> T query(String operation, Query<T> q) {
        try {
            return q.run();
        } catch (DataAccessException e) {
            throw SqlErrors.failure(operation, target, e);
        }
    }

    private List<StoredEvent> decode(Result<Record> rows) {
        List<StoredEvent> events = new ArrayList<>(rows.size());
        for (Record r : rows) {
            String type = r.get(table.eventType);
            String meta = r.get(table.metadata);
            AggregateId id = AggregateId.of(r.get(table.aggregateId));
            long position = r.get(table.position);
            long version = r.get(table.version);
            Object payload;
            EventMetadata metadata;
            try {
                payload = serializer.deserialize(type, r.get(table.eventData).getBytes(StandardCharsets.UTF_8));
                metadata = meta == null ? EventMetadata.empty()
                        : serializer.deserializeMetadata(meta.getBytes(StandardCharsets.UTF_8));
            } catch (SerializationException | io.modularddd.core.UnknownEventTypeException e) {
                // name the event, so that a reader can report it and read on past it (issue 9)
                throw io.modularddd.core.UnreadableEventException.of(id, version, position, type, e);
            }
            events.add(new StoredEvent(position, r.get(table.eventId), id, r.get(table.aggregateType), type, payload,
                    metadata, version, r.get(table.occurredAtRead)));
        }
        return events;
    }

    // ------------------------------------------------------------------ lifecycle and test seams

    /**
     * Closes the connection pool if the store created it (built with a JDBC URL); a {@link DataSource}
     * passed to the builder is left open. Idempotent. Appends and reads after close throw
     * {@link IllegalStateException}.
     */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true) && ownedPool != null) {
            ownedWritePool.close();
            ownedPool.close();
        }
    }

    /** Describes the store: dialect, table and where it connects (credentials masked). */
    @Override
    public String toString() {
        return "JdbcEventStore[" + dialect + ", table " + table.names.events() + ", " + target + "]";
    }

    private void ensureOpen() {
        if (closed.get()) {
            throw new IllegalStateException("this JdbcEventStore (table " + table.names.events() + ") is closed");
        }
    }

    /** Number of append transactions committed so far. */
    long committedTransactions() {
        return transactions.get();
    }

    /** Number of append transactions begun so far, committed or not. */
    long attemptedTransactions() {
        return attempts.get();
    }

    PacketLimit packetLimit() {
        return packetLimit;
    }

    void schemaLockTimeoutSeconds(int seconds) {
        this.schemaLockTimeoutSeconds = seconds;
    }

    void hook(TransactionHook value) {
        this.hook = value == null ? TransactionHook.NONE : value;
    }

    DataSource dataSource() {
        return dataSource;
    }

    // ------------------------------------------------------------------ builder

    /**
     * Builds a {@link JdbcEventStore}. Each setter validates its argument at once
     * ({@link IllegalArgumentException} naming the setting and the value); {@link #build()} checks that
     * the settings fit together ({@link IllegalStateException}). Give either a {@link DataSource} or a
     * JDBC URL (with username and password), and a serializer.
     */
    public static final class Builder {

        /** Default {@link #maximumPoolSize(int)}. */
        public static final int DEFAULT_POOL_SIZE = 10;
        /** Default {@link #pageSize(int)}. */
        public static final int DEFAULT_PAGE_SIZE = 500;
        /** Default {@link #maxGroupRequests(int)}. */
        public static final int DEFAULT_MAX_GROUP_REQUESTS = 256;
        /** Default {@link #maxGroupEvents(int)}. */
        public static final int DEFAULT_MAX_GROUP_EVENTS = 4_096;
        /** Default {@link #maxCommitsInFlight(int)}. */
        public static final int DEFAULT_MAX_COMMITS_IN_FLIGHT = 3;

        private DataSource dataSource;
        private String jdbcUrl;
        private String username;
        private String password;
        private int maximumPoolSize = DEFAULT_POOL_SIZE;
        private boolean poolSizeSet;
        private EventSerializer serializer;
        private String tableName = TableNames.DEFAULT;
        private JdbcDialect dialect;
        private boolean partitioned;
        private int pageSize = DEFAULT_PAGE_SIZE;
        private int maxGroupRequests = DEFAULT_MAX_GROUP_REQUESTS;
        private int maxGroupEvents = DEFAULT_MAX_GROUP_EVENTS;
        private Duration maxGroupWait = Duration.ZERO;
        private int maxCommitsInFlight = DEFAULT_MAX_COMMITS_IN_FLIGHT;
        private MeterRegistry meterRegistry;

        private Builder() {
        }

        /**
         * Uses connections from a {@link DataSource} the application manages (and closes). Append
         * transactions switch a connection to {@code READ COMMITTED} when it is not already, and
         * restore it; configure the pool with that isolation to save the round trips.
         *
         * @param value the data source
         * @return this builder
         * @throws IllegalArgumentException when null
         */
        public Builder dataSource(DataSource value) {
            if (value == null) {
                throw new IllegalArgumentException("dataSource must not be null");
            }
            this.dataSource = value;
            return this;
        }

        /**
         * Connects through a HikariCP pool the store creates (and closes in {@link JdbcEventStore#close()}).
         * The driver must be on the classpath ({@code org.mariadb.jdbc:mariadb-java-client},
         * {@code org.postgresql:postgresql}, {@code com.h2database:h2}, {@code com.mysql:mysql-connector-j}).
         *
         * @param value the URL, e.g. {@code jdbc:mariadb://127.0.0.1:3306/app}
         * @return this builder
         * @throws IllegalArgumentException when null or not a {@code jdbc:} URL
         */
        public Builder jdbcUrl(String value) {
            if (value == null || !value.startsWith("jdbc:")) {
                throw new IllegalArgumentException("jdbcUrl must start with \"jdbc:\" but was "
                        + (value == null ? "null" : "\"" + Redaction.url(value) + "\""));
            }
            this.jdbcUrl = value;
            return this;
        }

        /**
         * Sets the database user for {@link #jdbcUrl(String)}.
         *
         * @param value the user name
         * @return this builder
         * @throws IllegalArgumentException when null
         */
        public Builder username(String value) {
            if (value == null) {
                throw new IllegalArgumentException("username must not be null");
            }
            this.username = value;
            return this;
        }

        /**
         * Sets the password for {@link #jdbcUrl(String)}. It is handed to the pool and never printed.
         *
         * @param value the password
         * @return this builder
         * @throws IllegalArgumentException when null
         */
        public Builder password(String value) {
            if (value == null) {
                throw new IllegalArgumentException("password must not be null (use \"\" for none)");
            }
            this.password = value;
            return this;
        }

        /**
         * Sets the size of the read pool created for {@link #jdbcUrl(String)}. Appends have a pool of
         * their own: two connections with auto-commit off (only one group commits at a time).
         *
         * @param value connections, 1 to 1000
         * @return this builder
         * @throws IllegalArgumentException when out of range
         */
        public Builder maximumPoolSize(int value) {
            if (value < 1 || value > 1000) {
                throw new IllegalArgumentException("maximumPoolSize must be between 1 and 1000 but was " + value);
            }
            this.maximumPoolSize = value;
            this.poolSizeSet = true;
            return this;
        }

        /**
         * Sets the serializer (required). It must produce UTF-8 JSON text.
         *
         * @param value the serializer
         * @return this builder
         * @throws IllegalArgumentException when null
         */
        public Builder serializer(EventSerializer value) {
            if (value == null) {
                throw new IllegalArgumentException("serializer must not be null");
            }
            this.serializer = value;
            return this;
        }

        /**
         * Sets the events table's name (default {@code event_store}); the head table is this name plus
         * {@code _head}, and constraint and index names start with it.
         *
         * @param value a name matching {@code [a-z_][a-z0-9_]{0,47}}
         * @return this builder
         * @throws IllegalArgumentException when the name does not match
         */
        public Builder tableName(String value) {
            this.tableName = TableNames.validate("tableName", value);
            return this;
        }

        /**
         * Sets the dialect instead of detecting it from the connection.
         *
         * @param value the dialect
         * @return this builder
         * @throws IllegalArgumentException when null
         */
        public Builder dialect(JdbcDialect value) {
            if (value == null) {
                throw new IllegalArgumentException("dialect must not be null; leave it unset to detect it");
            }
            this.dialect = value;
            return this;
        }

        /**
         * Chooses the partitioned MySQL/MariaDB layout ({@code PARTITION BY RANGE (sequence_number)})
         * for {@link JdbcEventStore#createSchema()}. In it the database cannot enforce unique versions
         * and event ids; the append transaction does (under the head lock). See docs/jdbc-event-store.md.
         *
         * @param value {@code true} for the partitioned layout
         * @return this builder
         */
        public Builder partitioned(boolean value) {
            this.partitioned = value;
            return this;
        }

        /**
         * Sets how many events one read query fetches ({@code load}, {@code readAll}). Lower it for very
         * large payloads: a page is held in memory while it is consumed.
         *
         * @param value events per page, 1 to 100,000
         * @return this builder
         * @throws IllegalArgumentException when out of range
         */
        public Builder pageSize(int value) {
            if (value < 1 || value > 100_000) {
                throw new IllegalArgumentException("pageSize must be between 1 and 100000 but was " + value);
            }
            this.pageSize = value;
            return this;
        }

        /**
         * Sets the most requests one group commit carries.
         *
         * @param value requests per transaction, 1 to 10,000 (1 turns group commit off)
         * @return this builder
         * @throws IllegalArgumentException when out of range
         */
        public Builder maxGroupRequests(int value) {
            if (value < 1 || value > 10_000) {
                throw new IllegalArgumentException("maxGroupRequests must be between 1 and 10000 but was " + value);
            }
            this.maxGroupRequests = value;
            return this;
        }

        /**
         * Sets the most events one group commit carries; a single larger request still commits, alone.
         *
         * @param value events per transaction, 1 to 1,000,000
         * @return this builder
         * @throws IllegalArgumentException when out of range
         */
        public Builder maxGroupEvents(int value) {
            if (value < 1 || value > 1_000_000) {
                throw new IllegalArgumentException("maxGroupEvents must be between 1 and 1000000 but was " + value);
            }
            this.maxGroupEvents = value;
            return this;
        }

        /**
         * Sets how long the caller leading a group commit may wait for more requests (default zero).
         * It waits only while other callers are about to queue (serializing), never when alone; zero
         * means the group is whatever queued during the previous commit.
         *
         * @param value the bound, zero to one second
         * @return this builder
         * @throws IllegalArgumentException when null, negative or above one second
         */
        public Builder maxGroupWait(Duration value) {
            if (value == null || value.isNegative() || value.compareTo(Duration.ofSeconds(1)) > 0) {
                throw new IllegalArgumentException("maxGroupWait must be between 0 and 1s but was " + value);
            }
            this.maxGroupWait = value;
            return this;
        }

        /**
         * Sets how many append transactions may be committing at once while the next group already
         * queues for the head-row lock. The database releases that lock when a commit is applied, before
         * its log write is durable, so overlapping commits lets groups follow each other without waiting
         * for the disk. {@code 1} commits strictly one group after another. A store built from a JDBC URL
         * keeps this many plus one connections for appends.
         *
         * @param value 1 to 16; default {@value #DEFAULT_MAX_COMMITS_IN_FLIGHT}
         * @return this builder
         * @throws IllegalArgumentException when out of range
         */
        public Builder maxCommitsInFlight(int value) {
            if (value < 1 || value > 16) {
                throw new IllegalArgumentException("maxCommitsInFlight must be between 1 and 16 but was " + value);
            }
            this.maxCommitsInFlight = value;
            return this;
        }

        /**
         * Registers meters: {@code modularddd.eventstore.jdbc.transactions} (tag {@code outcome}) and
         * {@code modularddd.eventstore.jdbc.group.requests}, both tagged with the table name.
         *
         * @param value the registry
         * @return this builder
         * @throws IllegalArgumentException when null
         */
        public Builder meterRegistry(MeterRegistry value) {
            if (value == null) {
                throw new IllegalArgumentException("meterRegistry must not be null");
            }
            this.meterRegistry = value;
            return this;
        }

        /**
         * Builds the store: creates the pool (for a JDBC URL) and detects the dialect. Does not create
         * the schema; call {@link JdbcEventStore#createSchema()} or apply the shipped DDL.
         *
         * @return the store
         * @throws IllegalStateException when the settings conflict or are incomplete
         * @throws EventStoreException   when the database cannot be reached
         */
        public JdbcEventStore build() {
            if (serializer == null) {
                throw new IllegalStateException("serializer is required: call serializer(JacksonEventSerializer"
                        + ".json(registry))");
            }
            if (dataSource != null && jdbcUrl != null) {
                throw new IllegalStateException("dataSource and jdbcUrl cannot be combined: give one of them");
            }
            if (dataSource == null && jdbcUrl == null) {
                throw new IllegalStateException("a connection is required: call dataSource(...) or jdbcUrl(...)");
            }
            if (dataSource != null && (username != null || password != null || poolSizeSet)) {
                throw new IllegalStateException("username, password and maximumPoolSize configure the pool created "
                        + "for jdbcUrl; with dataSource(...) configure your own pool instead");
            }
            if (partitioned && dialect != null && !dialect.supportsPartitionedLayout()) {
                throw new IllegalStateException("partitioned(true) needs MySQL or MariaDB but dialect is " + dialect);
            }
            HikariDataSource pool = null;
            HikariDataSource writePool = null;
            DataSource ds = dataSource;
            String target;
            if (jdbcUrl != null) {
                target = Redaction.url(jdbcUrl);
                pool = createPool(target, "modularddd-" + tableName, maximumPoolSize, true);
                try {
                    writePool = createPool(target, "modularddd-" + tableName + "-append", maxCommitsInFlight + 1, false);
                } catch (RuntimeException e) {
                    pool.close();
                    throw e;
                }
                ds = pool;
            } else {
                target = "the given DataSource";
            }
            try {
                JdbcDialect d = dialect;
                PacketLimit packetLimit;
                try (Connection c = ds.getConnection()) {
                    if (d == null) {
                        d = JdbcDialect.detect(c);
                    }
                    packetLimit = PacketLimit.learn(d, c, target);
                } catch (SQLException e) {
                    throw SqlErrors.failure(dialect == null ? "detecting the database dialect"
                            : "reading the server's max_allowed_packet", target, e);
                }
                if (partitioned && !d.supportsPartitionedLayout()) {
                    throw new IllegalStateException("partitioned(true) needs MySQL or MariaDB but the database is "
                            + d);
                }
                JdbcEventStore store = new JdbcEventStore(this, ds, pool, writePool, d, packetLimit, target);
                LOG.info("JdbcEventStore ready: dialect {}, table {}, {}, {}", d, tableName, target, packetLimit);
                return store;
            } catch (RuntimeException e) {
                if (pool != null) {
                    writePool.close();
                    pool.close();
                }
                throw e;
            }
        }

        /**
         * Driver settings for the append pool: on MariaDB Connector/J, server-side prepared statements, so
         * the state query and the insert are parsed once per connection instead of once per transaction —
         * that time is spent holding the head-row lock. Settings in the URL win.
         */
        private Properties driverProperties(boolean readPool) {
            Properties props = new Properties();
            if (!readPool && jdbcUrl.startsWith("jdbc:mariadb:") && !jdbcUrl.contains("useServerPrepStmts")) {
                props.setProperty("useServerPrepStmts", "true");
            }
            return props;
        }

        /**
         * Creates one of the store's two pools: reads (auto-commit on) and appends (auto-commit off, so an
         * append transaction needs no round trips to switch it; one connection per transaction in flight:
         * {@code maxCommitsInFlight} committing plus the one that opens the next group).
         */
        private HikariDataSource createPool(String target, String name, int size, boolean autoCommit) {
            HikariConfig config = new HikariConfig();
            // the pool gets a data source, never the URL: HikariCP's debug output would print the URL, and it
            // masks only some of the ways a URL can carry a password
            config.setDataSource(new UrlDataSource(jdbcUrl, username, password, driverProperties(autoCommit)));
            config.setMaximumPoolSize(size);
            config.setMinimumIdle(Math.min(2, size));
            config.setPoolName(name);
            config.setAutoCommit(autoCommit);
            config.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
            try {
                return new HikariDataSource(config);
            } catch (RuntimeException e) {
                throw SqlErrors.failure("connecting" + (username == null ? "" : " as user '" + username + "'"),
                        target, e);
            }
        }
    }
}
