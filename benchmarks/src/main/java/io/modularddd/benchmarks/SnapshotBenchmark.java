package io.modularddd.benchmarks;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.modularddd.core.AggregateId;
import io.modularddd.core.AppendRequest;
import io.modularddd.core.ExpectedVersion;
import io.modularddd.core.NewEvent;
import io.modularddd.core.aggregate.AggregateRepository;
import io.modularddd.core.aggregate.AggregateRoot;
import io.modularddd.core.aggregate.EventHandlers;
import io.modularddd.core.aggregate.EventSourcedRepository;
import io.modularddd.core.aggregate.Snapshotable;
import io.modularddd.core.serialization.EventTypeRegistry;
import io.modularddd.core.serialization.JacksonEventSerializer;
import io.modularddd.core.snapshot.SnapshotStore;
import io.modularddd.eventstore.jdbc.JdbcEventStore;
import io.modularddd.snapshots.SimpleSnapshotStrategy;
import io.modularddd.snapshots.SnapshottingRepository;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Loading an aggregate with 100, 1,000 and 10,000 events on H2 and on the local MariaDB, in one run:
 * by full replay ({@code EventSourcedRepository}), by snapshot + tail ({@code SnapshottingRepository},
 * no cache), from the aggregate cache with its tail check and without it ({@code singleWriter()}), and
 * the baselines: a bare {@code currentVersion} read (the store's own statement) and a bare round trip, a
 * {@code SELECT ?} prepared once on the server, that reads no table. The aggregate's snapshot is at its
 * head, so the tail is empty — the steady state of a snapshotted aggregate. Axon's snapshotted load of
 * the same 10,000 events is {@link AxonSnapshotBenchmark}.
 *
 * <p>Targets (issue 12): snapshot + tail flat (10,000 events ≤ 1.5× the time of 100); a cache hit with
 * the tail check ≤ 1.2× a bare {@code currentVersion} read, and ≤ 2 µs without it.
 *
 * <p>Run (after {@code mvn -pl benchmarks -am package -DskipTests}):
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar "SnapshotBenchmark|AxonSnapshotBenchmark" -rf json -rff /tmp/snapshots.json
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Dorg.jooq.no-logo=true", "-Dorg.jooq.no-tips=true"})
public class SnapshotBenchmark {

    /** The account's snapshot state. */
    public record AccountState(long balanceCents, long deposits) {
    }

    /** A snapshotable account fed by {@link BenchEvent}s. */
    public static final class Account extends AggregateRoot<Account> implements Snapshotable<AccountState> {
        private static final EventHandlers<Account> HANDLERS = EventHandlers.<Account>builder()
                .on(BenchEvent.class, (a, e) -> {
                    a.balance += e.amountCents();
                    a.deposits++;
                })
                .build();
        private long balance;
        private long deposits;

        /**
         * An empty account.
         *
         * @param id the id
         */
        public Account(AggregateId id) {
            super(id, HANDLERS);
        }

        @Override
        public AccountState snapshot() {
            return new AccountState(balance, deposits);
        }

        @Override
        public void restore(AccountState state) {
            balance = state.balanceCents();
            deposits = state.deposits();
        }

        long balance() {
            return balance;
        }

        void deposit() {
            raise(BenchEvent.sample(deposits));
        }
    }

    /** Which database: h2 (in memory) or mariadb (the local server). */
    @Param({"h2", "mariadb"})
    public String db;

    /** Events in the aggregate's stream. */
    @Param({"100", "1000", "10000"})
    public int events;

    private JdbcEventStore store;
    private AggregateRepository<Account> replay;
    private AggregateRepository<Account> snapshotted;
    private SnapshottingRepository<Account> cachedChecked;
    private SnapshottingRepository<Account> cachedSingleWriter;
    private AggregateId id;
    private String table;
    private HikariDataSource roundTrips;

    /** Writes the stream, takes its snapshot and warms the caches. */
    @Setup(Level.Trial)
    public void setUp() {
        String url = db.equals("h2") ? "jdbc:h2:mem:snap-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1"
                : BenchmarkDatabase.url();
        JacksonEventSerializer serializer = JacksonEventSerializer.json(EventTypeRegistry.builder()
                .register(BenchEvent.TYPE, BenchEvent.class).build());
        table = "bench_snap_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        store = (db.equals("h2")
                ? JdbcEventStore.builder().jdbcUrl(url).username("sa").password("")
                : JdbcEventStore.builder().jdbcUrl(url).username(BenchmarkDatabase.username())
                        .password(BenchmarkDatabase.password()))
                .serializer(serializer).tableName(table).build();
        store.createSchema();
        id = AggregateId.of("acc-" + UUID.randomUUID());
        long expected = 0;
        for (int from = 0; from < events; from += 1_000) {
            List<NewEvent> batch = new ArrayList<>();
            for (int i = from; i < Math.min(events, from + 1_000); i++) {
                batch.add(NewEvent.of(BenchEvent.sample(i)));
            }
            store.append(new AppendRequest(id, "Account", ExpectedVersion.of(expected), batch));
            expected += batch.size();
        }
        SnapshotStore snapshots = store.snapshotStore();
        replay = EventSourcedRepository.create(store, "Account", Account::new);
        snapshotted = SnapshottingRepository.builder(store, "Account", Account::new, AccountState.class)
                .snapshotStore(snapshots).strategy(SimpleSnapshotStrategy.everyEvents(10)).executor(Runnable::run)
                .cacheMaximumBytes(0).build();
        cachedChecked = SnapshottingRepository.builder(store, "Account", Account::new, AccountState.class)
                .snapshotStore(snapshots).strategy(SimpleSnapshotStrategy.everyEvents(10)).executor(Runnable::run)
                .cacheAdmission(0, 0).build();
        cachedSingleWriter = SnapshottingRepository.builder(store, "Account", Account::new, AccountState.class)
                .snapshotStore(snapshots).strategy(SimpleSnapshotStrategy.everyEvents(10)).executor(Runnable::run)
                .cacheAdmission(0, 0).singleWriter().build();
        // take the snapshot at the head: a save through the snapshotting repository asks the strategy
        Account a = snapshotted.load(id);
        a.deposit();
        snapshotted.save(a);
        check(snapshots.newest(id).isPresent(), "no snapshot was taken");
        long balance = replay.load(id).balance();
        check(snapshotted.load(id).balance() == balance, "snapshot + tail disagrees with replay");
        check(cachedChecked.load(id).balance() == balance && cachedChecked.load(id).balance() == balance,
                "the cached load disagrees with replay");
        check(cachedSingleWriter.load(id).balance() == balance && cachedSingleWriter.load(id).balance() == balance,
                "the single-writer cached load disagrees with replay");
        // the bare round trip, with the driver setting of the store's read pool (server-side prepared statements)
        HikariConfig config = new HikariConfig();
        config.setPoolName("bench-round-trip");
        config.setJdbcUrl(url);
        config.setUsername(db.equals("h2") ? "sa" : BenchmarkDatabase.username());
        config.setPassword(db.equals("h2") ? "" : BenchmarkDatabase.password());
        config.setMaximumPoolSize(2);
        if (db.equals("mariadb")) {
            config.addDataSourceProperty("useServerPrepStmts", "true");
        }
        roundTrips = new HikariDataSource(config);
    }

    private static void check(boolean condition, String what) {
        if (!condition) {
            throw new IllegalStateException(what);
        }
    }

    /** Drops the tables. */
    @TearDown(Level.Trial)
    public void tearDown() {
        roundTrips.close();
        store.close();
        if (db.equals("mariadb")) {
            BenchmarkServices.dropTables(table);
        }
    }

    /**
     * Full replay of every event.
     *
     * @return the balance
     */
    @Benchmark
    public long full_replay() {
        return replay.load(id).balance();
    }

    /**
     * The newest snapshot plus the (empty) tail after it.
     *
     * @return the balance
     */
    @Benchmark
    public long snapshot_plus_tail() {
        return snapshotted.load(id).balance();
    }

    /**
     * A cache hit that asks the store for events after the cached version.
     *
     * @return the balance
     */
    @Benchmark
    public long cached_with_tail_check() {
        return cachedChecked.load(id).balance();
    }

    /**
     * A cache hit that trusts the cache (single writer).
     *
     * @return the balance
     */
    @Benchmark
    public long cached_single_writer() {
        return cachedSingleWriter.load(id).balance();
    }

    /**
     * The baseline of a checked cache hit: one bare {@code currentVersion} read.
     *
     * @return the version
     */
    @Benchmark
    public long baseline_current_version() {
        return store.currentVersion(id);
    }

    /**
     * The floor of any load that reads the database: one round trip of a {@code SELECT ?} prepared once,
     * reading no table.
     *
     * @return the value read back
     * @throws SQLException never, on a healthy database
     */
    @Benchmark
    public long baseline_round_trip() throws SQLException {
        try (Connection c = roundTrips.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT CAST(? AS INTEGER)")) {
            ps.setLong(1, events);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
