package io.modularddd.eventstore.jdbc;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.modularddd.core.AggregateId;
import io.modularddd.core.AppendRequest;
import io.modularddd.core.ConcurrencyConflictException;
import io.modularddd.core.EventIdConflictException;
import io.modularddd.core.NewEvent;
import io.modularddd.core.internal.AppendPlanner;
import io.modularddd.core.internal.Idempotency;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.jooq.DSLContext;
import org.jooq.Record4;
import org.jooq.Result;
import org.jooq.conf.Settings;
import org.jooq.impl.DSL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One append transaction for a group, on a connection of the append pool: lock the head row, read the
 * log's last position and the streams' versions ({@link #readState}), check and place every member
 * with core's {@link AppendPlanner} ({@link #plan}), insert the rows as JDBC batches ({@link #insert}),
 * commit. Members are only planned to succeed until {@code COMMIT} returns; whatever fails is thrown
 * as a {@link Failure} that says whether the outcome is unknown, and {@link AppendFlusher} decides how
 * the members are answered.
 */
final class AppendTransaction {

    private static final Logger LOG = LoggerFactory.getLogger(AppendTransaction.class);
    /** Event ids per look-up query ({@code event_id IN (...)}). */
    private static final int MAX_IDS_PER_QUERY = 500;
    private static final int MAX_ROWS_PER_INSERT = 1_000;

    private final StorePools pools;
    private final JdbcDialect dialect;
    private final EventTable table;
    private final Settings settings;
    private final AppendStatements appendSql;
    private final PacketLimit packetLimit;
    private final String target;
    private final AtomicLong transactions = new AtomicLong();
    private final AtomicLong attempts = new AtomicLong();
    private final Counter committedMeter;
    private final Counter failedMeter;
    private final DistributionSummary groupSizeMeter;
    private volatile TransactionHook hook = TransactionHook.NONE;

    AppendTransaction(StorePools pools, JdbcDialect dialect, EventTable table, AppendStatements appendSql,
                      Settings settings, PacketLimit packetLimit, MeterRegistry meterRegistry) {
        this.pools = pools;
        this.dialect = dialect;
        this.table = table;
        this.settings = settings;
        this.appendSql = appendSql;
        this.packetLimit = packetLimit;
        this.target = pools.target;
        if (meterRegistry != null) {
            String tableName = table.names.events();
            committedMeter = Counter.builder("modularddd.eventstore.jdbc.transactions")
                    .description("append transactions of the JDBC event store")
                    .tag("table", tableName).tag("outcome", "committed").register(meterRegistry);
            failedMeter = Counter.builder("modularddd.eventstore.jdbc.transactions")
                    .description("append transactions of the JDBC event store")
                    .tag("table", tableName).tag("outcome", "failed").register(meterRegistry);
            groupSizeMeter = DistributionSummary.builder("modularddd.eventstore.jdbc.group.requests")
                    .description("append requests committed per transaction (group commit)")
                    .tag("table", tableName).register(meterRegistry);
        } else {
            committedMeter = null;
            failedMeter = null;
            groupSizeMeter = null;
        }
    }

    /** A transaction that did not commit, or whose commit has an unknown outcome. */
    static final class Failure extends Exception {
        private static final long serialVersionUID = 1L;
        final boolean outcomeUnknown;
        /** The {@link Error} that ended the transaction, to be rethrown once every member has its failure. */
        final transient Error fatal;

        Failure(Throwable cause, boolean outcomeUnknown) {
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
    void run(List<PendingAppend> group, boolean checkEventIds, Runnable handOff)
            throws Failure {
        attempts.incrementAndGet();
        Connection c;
        try {
            c = pools.appends.getConnection();
        } catch (Throwable e) {
            throw new Failure(e, false);
        }
        boolean committing = false;
        boolean restoreAutoCommit = false;
        int restoreIsolation = -1;
        try {
            StorePools.Restore restore = pools.beginTransaction(c);
            restoreAutoCommit = restore.autoCommit();
            restoreIsolation = restore.isolation();
            appendSql.lockHead(c, target);
            hook.afterLock(c);
            Set<AggregateId> streams = new LinkedHashSet<>();
            for (PendingAppend p : group) {
                streams.addAll(p.streams());
            }
            Map<AggregateId, Long> versions = new HashMap<>();
            Map<AggregateId, Long> deleted = new HashMap<>();
            long last = readState(c, new ArrayList<>(streams), versions, deleted);
            List<Row> rows = plan(c, last, versions, deleted, group, checkEventIds);
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
            throw new Failure(e, unknown);
        }
        for (PendingAppend p : group) {
            p.commitPlanned();
        }
        pools.release(c, false, restoreAutoCommit, restoreIsolation);
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
            pools.release(c, broken, restoreAutoCommit, restoreIsolation);
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
    private long readState(Connection c, List<AggregateId> streams, Map<AggregateId, Long> versions,
                           Map<AggregateId, Long> deleted) throws SQLException {
        long last = 0;
        for (int from = 0; from < streams.size(); from += AppendStatements.MAX_STREAMS_PER_STATE) {
            List<AggregateId> chunk = streams.subList(from,
                    Math.min(streams.size(), from + AppendStatements.MAX_STREAMS_PER_STATE));
            try (PreparedStatement ps = c.prepareStatement(appendSql.state(chunk.size()))) {
                for (int i = 0; i < chunk.size(); i++) {
                    ps.setString(i + 1, chunk.get(i).value());
                    ps.setString(chunk.size() + i + 1, chunk.get(i).value());
                }
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    last = rs.getLong(1);
                    for (int i = 0; i < chunk.size(); i++) {
                        long v = rs.getLong(i + 2);
                        if (!rs.wasNull()) {
                            versions.put(chunk.get(i), v);
                        }
                        long d = rs.getLong(chunk.size() + i + 2);
                        if (!rs.wasNull() && d > 0) {
                            deleted.put(chunk.get(i), d);
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
    private List<Row> plan(Connection c, long last, Map<AggregateId, Long> versions, Map<AggregateId, Long> deleted,
                           List<PendingAppend> group,
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
                long stored = versions.getOrDefault(stream, 0L);
                return stored <= deleted.getOrDefault(stream, 0L) ? 0 : stored; // a deleted stream reads as absent
            }

            @Override
            public long storedVersionOf(AggregateId stream) {
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

    /** Counts a group whose transaction failed (meter {@code outcome=failed}). */
    void countFailed() {
        if (failedMeter != null) {
            failedMeter.increment();
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

    /** Test seam: see {@link TransactionHook}. */
    void hook(TransactionHook value) {
        this.hook = value == null ? TransactionHook.NONE : value;
    }
}
