package io.modularddd.benchmarks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.zaxxer.hikari.HikariDataSource;
import io.modularddd.core.serialization.EventTypeRegistry;
import io.modularddd.core.serialization.JacksonEventSerializer;
import io.modularddd.eventstore.jdbc.JdbcEventStore;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A diagnostic for the append ceiling of the benchmark MariaDB, not a benchmark of record: how many
 * events per second the server itself can store in {@link JdbcEventStore}'s table when the client does
 * as little as possible.
 *
 * <p>{@code C} connections each send, in a loop, one pre-rendered multi-statement per transaction that
 * inserts {@code K} rows (the benchmark's payload, into a table created by
 * {@link JdbcEventStore#createSchema()}, so the same columns, indexes and checks) and commits — one
 * round trip, no serialization, no coordination between client threads, and — unless
 * {@code --check-versions} is given — no version check. Two modes:
 * <ul>
 *   <li>{@code locked}: every transaction first takes a row lock and reserves {@code K} positions
 *       ({@code UPDATE ... SET position = LAST_INSERT_ID(position + K)}), as dense commit-ordered
 *       positions require. Transactions then run one at a time from the lock to the commit, so this is
 *       the most any store with dense commit-ordered positions in this table can reach on this server:
 *       the store's own append adds a version check and the client's work to it.</li>
 *   <li>{@code unlocked}: positions come from a counter in the client, no lock is taken, and the
 *       transactions run side by side, as the raw JDBC baseline's do.</li>
 * </ul>
 * With {@code --check-versions}, each transaction first reads the current version of its {@code K}
 * streams in one query of the store's form ({@code SELECT (SELECT MAX(version) ... WHERE aggregate_id = ?),
 * ...}), before the lock, as a store that checks expected versions against the database must do at
 * least once per group.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.modularddd.benchmarks.ServerCeilingProbe \
 *      [--rows-per-tx 16] [--connections 2] [--mode locked|unlocked|both] [--check-versions] [--warmup 3] [--seconds 10]
 * </pre>
 * Uses the tables {@code bench_ceiling_events*}, dropped before and after. Exits with status 1 when a
 * statement fails.
 */
public final class ServerCeilingProbe {

    private static final String TABLE = "bench_ceiling_events";
    private static final String COUNTER = TABLE + "_counter";

    private ServerCeilingProbe() {
    }

    /**
     * Runs the probe.
     *
     * @param args {@code --rows-per-tx K}, {@code --connections C}, {@code --mode M}, {@code --check-versions},
     *             {@code --warmup S}, {@code --seconds S}
     * @throws Exception when setup fails or the run is interrupted
     */
    public static void main(String[] args) throws Exception {
        int rows = 16;
        int connections = 2;
        String mode = "both";
        int warmup = 3;
        int seconds = 10;
        boolean check = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--rows-per-tx" -> rows = Integer.parseInt(args[++i]);
                case "--connections" -> connections = Integer.parseInt(args[++i]);
                case "--mode" -> mode = args[++i];
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                case "--seconds" -> seconds = Integer.parseInt(args[++i]);
                case "--check-versions" -> check = true;
                default -> usage("unknown argument '" + args[i] + "'");
            }
        }
        if (rows < 1 || connections < 1 || !(mode.equals("locked") || mode.equals("unlocked")
                || mode.equals("both"))) {
            usage("need --rows-per-tx >= 1, --connections >= 1 and --mode locked, unlocked or both");
        }
        System.setProperty("org.jooq.no-logo", "true");
        System.setProperty("org.jooq.no-tips", "true");
        String payload = sqlString(payloadJson());
        try (HikariDataSource pool = BenchmarkDatabase.pool("ceiling-setup", true)) {
            System.out.println(BenchmarkDatabase.describe(pool) + ", payload " + payload.length() + " chars");
            for (String m : mode.equals("both") ? new String[] {"locked", "unlocked"} : new String[] {mode}) {
                reset(pool);
                try {
                    run(m.equals("locked"), check, rows, connections, payload, warmup, seconds);
                } finally {
                    drop(pool);
                }
            }
        }
    }

    private static void run(boolean locked, boolean check, int rows, int connections, String payload, int warmup, int seconds)
            throws InterruptedException {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicBoolean measuring = new AtomicBoolean();
        AtomicLong stored = new AtomicLong();
        AtomicLong positions = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread[] threads = new Thread[connections];
        for (int t = 0; t < connections; t++) {
            int id = t;
            threads[t] = new Thread(() -> {
                try (Connection c = DriverManager.getConnection(multiQueryUrl(), BenchmarkDatabase.username(),
                        BenchmarkDatabase.password())) {
                    c.setAutoCommit(false);
                    c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
                    long version = 0;
                    String state = stateQuery(rows);
                    while (!stop.get()) {
                        if (check) {
                            readVersions(c, state, rows, id);
                        }
                        String sql = locked
                                ? lockedTransaction(rows, id, version, payload)
                                : unlockedTransaction(rows, id, version, payload, positions.getAndAdd(rows));
                        try (Statement s = c.createStatement()) {
                            s.execute(sql);
                            while (s.getMoreResults() || s.getUpdateCount() != -1) {
                                // drain every statement's result
                            }
                        }
                        version++;
                        if (measuring.get()) {
                            stored.addAndGet(rows);
                        }
                    }
                } catch (SQLException | RuntimeException e) {
                    failure.compareAndSet(null, e);
                    stop.set(true);
                }
            }, "ceiling-" + t);
            threads[t].start();
        }
        Thread.sleep(warmup * 1000L);
        long start = System.nanoTime();
        measuring.set(true);
        Thread.sleep(seconds * 1000L);
        measuring.set(false);
        double elapsed = (System.nanoTime() - start) / 1e9;
        stop.set(true);
        for (Thread t : threads) {
            t.join();
        }
        if (failure.get() != null) {
            System.err.println("a transaction failed: " + failure.get());
            System.exit(1);
        }
        System.out.printf(Locale.ROOT, "%-8s%s connections=%d rows/tx=%d: %.0f events/s, %.0f transactions/s%n",
                locked ? "locked" : "unlocked", check ? " +check" : "", connections, rows, stored.get() / elapsed,
                stored.get() / elapsed / rows);
    }

    /** The state query's form: the last version of each of K streams, one scalar subquery each. */
    private static String stateQuery(int rows) {
        StringBuilder sql = new StringBuilder("SELECT ");
        for (int i = 0; i < rows; i++) {
            sql.append(i == 0 ? "" : ", ").append("(SELECT MAX(version) FROM ").append(TABLE)
                    .append(" WHERE aggregate_id = ?)");
        }
        return sql.toString();
    }

    private static void readVersions(Connection c, String state, int rows, int connection) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(state)) {
            for (int i = 0; i < rows; i++) {
                ps.setString(i + 1, "c" + connection + "-" + i);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
            }
        }
    }

    /** Lock and reserve K positions, insert K rows at them, commit: one round trip. */
    private static String lockedTransaction(int rows, int connection, long version, String payload) {
        StringBuilder sql = new StringBuilder(rows * (payload.length() + 160) + 200);
        sql.append("UPDATE ").append(COUNTER).append(" SET position = LAST_INSERT_ID(position + ").append(rows)
                .append(") WHERE id = 1;");
        insert(sql, rows, connection, version, payload, "LAST_INSERT_ID() - ", -1);
        return sql.append(";COMMIT").toString();
    }

    /** Insert K rows at positions from the client's counter, commit: one round trip, no lock. */
    private static String unlockedTransaction(int rows, int connection, long version, String payload, long first) {
        StringBuilder sql = new StringBuilder(rows * (payload.length() + 160) + 100);
        insert(sql, rows, connection, version, payload, null, first);
        return sql.append(";COMMIT").toString();
    }

    /**
     * Appends a K-row insert: row {@code i} goes to stream {@code c<connection>-<i>} at version
     * {@code version + 1}; positions are {@code LAST_INSERT_ID() - (K - 1 - i)} or {@code first + 1 + i},
     * and each event id is the position's 16 bytes, so ids are unique without client work.
     */
    private static void insert(StringBuilder sql, int rows, int connection, long version, String payload,
                               String lastInsertId, long first) {
        sql.append("INSERT INTO ").append(TABLE).append(" (sequence_number, event_id, aggregate_id, aggregate_type, "
                + "event_type, event_data, metadata, version, occurred_at) VALUES ");
        for (int i = 0; i < rows; i++) {
            String position = lastInsertId != null ? "(" + lastInsertId + (rows - 1 - i) + ")"
                    : Long.toString(first + 1 + i);
            sql.append(i == 0 ? "(" : ",(").append(position)
                    .append(",UNHEX(LPAD(HEX(").append(position).append("),32,'0')),'c").append(connection)
                    .append('-').append(i).append("','Account','").append(BenchEvent.TYPE).append("',")
                    .append(payload).append(",NULL,").append(version + 1)
                    .append(",'2026-11-27 03:00:00.000000')");
        }
    }

    private static String payloadJson() throws JsonProcessingException {
        ObjectMapper mapper = new ObjectMapper().registerModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
        return mapper.writeValueAsString(BenchEvent.sample(1));
    }

    private static String sqlString(String text) {
        return "'" + text.replace("\\", "\\\\").replace("'", "''") + "'";
    }

    private static String multiQueryUrl() {
        String url = BenchmarkDatabase.url();
        return url + (url.contains("?") ? "&" : "?") + "allowMultiQueries=true";
    }

    private static void reset(HikariDataSource pool) {
        drop(pool);
        EventTypeRegistry registry = EventTypeRegistry.builder().register(BenchEvent.TYPE, BenchEvent.class).build();
        try (JdbcEventStore store = JdbcEventStore.builder().dataSource(pool).tableName(TABLE)
                .serializer(JacksonEventSerializer.json(registry)).build()) {
            store.createSchema();
        }
        BenchmarkDatabase.execute(pool,
                "CREATE TABLE " + COUNTER + " (id INT NOT NULL PRIMARY KEY, position BIGINT NOT NULL) ENGINE=InnoDB",
                "INSERT INTO " + COUNTER + " VALUES (1, 0)");
    }

    private static void drop(HikariDataSource pool) {
        BenchmarkDatabase.execute(pool, "DROP TABLE IF EXISTS " + TABLE, "DROP TABLE IF EXISTS " + TABLE + "_head", "DROP TABLE IF EXISTS " + TABLE + "_streams", "DROP TABLE IF EXISTS " + TABLE + "_snapshots",
                "DROP TABLE IF EXISTS " + COUNTER);
    }

    private static void usage(String problem) {
        System.err.println(problem + "; use --rows-per-tx K, --connections C, --mode locked|unlocked|both, "
                + "--check-versions, --warmup S, --seconds S");
        System.exit(2);
    }
}
