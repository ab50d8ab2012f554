package io.modularddd.eventstore.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modularddd.core.projection.CheckpointStore;
import io.modularddd.core.projection.CheckpointWorkException;
import io.modularddd.core.projection.LeaseLostException;
import io.modularddd.core.projection.SegmentLease;
import io.modularddd.testkit.ServiceFixtures;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What the JDBC checkpoint store adds to the contract: the read model's writes commit or roll back with the
 * checkpoint, fencing of a holder that paused past its lease, a takeover that waits for a commit in progress,
 * and lease expiry by the database's clock.
 */
class JdbcCheckpointStoreTest {

    private static final Duration LONG = Duration.ofMinutes(5);

    private CheckpointFixture fixture;
    private final ExecutorService pool = Executors.newCachedThreadPool();

    @AfterEach
    void cleanUp() throws Exception {
        pool.shutdownNow();
        if (fixture != null) {
            if (fixture.service != null && fixture.db != TestDatabases.H2) {
                try (Connection c = TestDatabases.connect(fixture.service); Statement s = c.createStatement()) {
                    s.execute("DROP TABLE IF EXISTS " + fixture.quoted("_rm"));
                }
            }
            fixture.close();
        }
    }

    private CheckpointStore open(TestDatabases db) throws SQLException {
        fixture = new CheckpointFixture(db);
        CheckpointStore store = fixture.create();
        try (Connection c = fixture.events.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE " + fixture.quoted("_rm") + " (pos BIGINT NOT NULL PRIMARY KEY, "
                    + "writer VARCHAR(50) NOT NULL)");
        }
        return store;
    }

    private static String projection() {
        return "rm-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** The work of a JDBC read model: one row per position, written on the checkpoint's connection. */
    private CheckpointStore.Work write(long from, long to, String writer) {
        return tx -> {
            Connection c = tx.unwrap(Connection.class).orElseThrow();
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + fixture.quoted("_rm")
                    + " (pos, writer) VALUES (?, ?)")) {
                for (long p = from; p <= to; p++) {
                    ps.setLong(1, p);
                    ps.setString(2, writer);
                    ps.executeUpdate();
                }
            }
        };
    }

    private static CheckpointStore.Work both(CheckpointStore.Work first, CheckpointStore.Work second) {
        return tx -> {
            first.run(tx);
            second.run(tx);
        };
    }

    private List<String> readModel() throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection c = fixture.events.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT pos, writer FROM " + fixture.quoted("_rm") + " ORDER BY pos")) {
            while (rs.next()) {
                rows.add(rs.getLong(1) + ":" + rs.getString(2));
            }
        }
        return rows;
    }

    private static void awaitExpiry(SegmentLease lease) throws InterruptedException {
        long waitMillis = Duration.between(Instant.now(), lease.expiresAt()).toMillis() + 150;
        if (waitMillis > 0) {
            Thread.sleep(waitMillis);
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.class)
    void the_read_model_writes_commit_with_the_checkpoint_in_one_transaction(TestDatabases db) throws Exception {
        // given
        CheckpointStore store = open(db);
        String p = projection();
        SegmentLease lease = store.tryClaim(p, 0, 1, "node-a", LONG).orElseThrow();
        // when
        List<Boolean> autoCommit = new ArrayList<>();
        lease = store.commit(lease, 3, both(write(1, 3, "a"), tx ->
                autoCommit.add(tx.unwrap(Connection.class).orElseThrow().getAutoCommit())));
        // then
        assertThat(autoCommit).containsExactly(false);
        assertThat(readModel()).containsExactly("1:a", "2:a", "3:a");
        assertThat(store.position(p, 0)).isEqualTo(3);
        assertThat(lease.position()).isEqualTo(3);
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.class)
    void work_that_fails_after_writing_leaves_neither_its_rows_nor_the_checkpoint(TestDatabases db) throws Exception {
        // given
        CheckpointStore store = open(db);
        String p = projection();
        SegmentLease lease = store.commit(store.tryClaim(p, 0, 1, "node-a", LONG).orElseThrow(), 1, write(1, 1, "a"));
        // when: a handler fails after two writes; then a statement of the read model fails (duplicate key)
        SegmentLease at1 = lease;
        assertThatThrownBy(() -> store.commit(at1, 3, both(write(2, 3, "a"), tx -> {
            throw new IllegalStateException("handler failed");
        }))).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> store.commit(at1, 3, both(write(2, 3, "a"), write(1, 1, "again"))))
                .isInstanceOf(CheckpointWorkException.class).hasCauseInstanceOf(SQLException.class);
        // then
        assertThat(readModel()).containsExactly("1:a");
        assertThat(store.position(p, 0)).isEqualTo(1);
        assertThat(store.commit(at1, 3, write(2, 3, "a")).position()).isEqualTo(3);
        assertThat(readModel()).containsExactly("1:a", "2:a", "3:a");
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.class)
    void a_holder_paused_past_its_lease_writes_nothing_after_another_took_over(TestDatabases db) throws Exception {
        // given: A holds the segment, then pauses (a GC pause, a stalled VM) past its lease
        CheckpointStore a = open(db);
        CheckpointStore b = fixture.another();
        String p = projection();
        SegmentLease leaseA = a.commit(a.tryClaim(p, 0, 1, "node-a", Duration.ofMillis(400)).orElseThrow(), 2,
                write(1, 2, "a"));
        awaitExpiry(leaseA);
        // when: B takes over and A wakes up and commits what it handled meanwhile
        SegmentLease leaseB = b.tryClaim(p, 0, 1, "node-b", LONG).orElseThrow();
        SegmentLease stale = leaseA;
        assertThatThrownBy(() -> a.commit(stale, 5, write(3, 5, "a"))).isInstanceOf(LeaseLostException.class);
        b.commit(leaseB, 5, write(3, 5, "b"));
        // then: A's writes are gone with its transaction; B's are the model
        assertThat(leaseB.position()).isEqualTo(2);
        assertThat(readModel()).containsExactly("1:a", "2:a", "3:b", "4:b", "5:b");
        assertThat(b.position(p, 0)).isEqualTo(5);
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.class)
    void a_takeover_waits_for_a_commit_in_progress_and_starts_where_it_ended(TestDatabases db) throws Exception {
        // given: A commits, and its work is still running when its lease runs out
        CheckpointStore a = open(db);
        CheckpointStore b = fixture.another();
        String p = projection();
        SegmentLease leaseA = a.tryClaim(p, 0, 1, "node-a", Duration.ofMillis(400)).orElseThrow();
        CountDownLatch working = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        Future<SegmentLease> commitA = pool.submit(() -> a.commit(leaseA, 4, both(write(1, 4, "a"), tx -> {
            working.countDown();
            if (!finish.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("never told to finish");
            }
        })));
        assertThat(working.await(10, TimeUnit.SECONDS)).isTrue();
        awaitExpiry(leaseA);
        // when: B claims; it must wait on the checkpoint row that A's commit holds
        Future<Optional<SegmentLease>> claimB = pool.submit(() -> b.tryClaim(p, 0, 1, "node-b", LONG));
        awaitLockWait(db);
        assertThat(claimB).isNotDone();
        finish.countDown();
        // then: A's commit lands, and B starts after it
        assertThat(commitA.get(30, TimeUnit.SECONDS).position()).isEqualTo(4);
        SegmentLease leaseB = claimB.get(30, TimeUnit.SECONDS).orElseThrow();
        assertThat(leaseB.position()).isEqualTo(4);
        assertThat(leaseB.token()).isGreaterThan(leaseA.token());
        assertThatThrownBy(() -> a.commit(leaseA.advancedTo(4, leaseA.expiresAt()), 5, write(5, 5, "a")))
                .isInstanceOf(LeaseLostException.class);
        assertThat(readModel()).containsExactly("1:a", "2:a", "3:a", "4:a");
    }

    /** Waits until a session waits for a row lock on this test's checkpoints table. */
    private void awaitLockWait(TestDatabases db) throws Exception {
        String table = fixture.table + "_checkpoints";
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        try (Connection c = fixture.events.dataSource().getConnection()) {
            while (System.nanoTime() < deadline) {
                if (waitsForLock(db, c, table)) {
                    return;
                }
                Thread.sleep(20);
            }
        }
        throw new AssertionError("no session ever waited for a row lock of " + table);
    }

    private static boolean waitsForLock(TestDatabases db, Connection c, String table) throws SQLException {
        if (db == TestDatabases.MARIADB) {
            // INNODB_TRX misses such waits on MariaDB 10.11 (seen here); the monitor's text shows them
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW ENGINE INNODB STATUS")) {
                rs.next();
                String status = rs.getString("Status");
                int waiting = status.indexOf("TRX HAS BEEN WAITING");
                return waiting >= 0 && status.indexOf("`" + table + "` trx id", waiting) >= 0;
            }
        }
        String sql = db == TestDatabases.POSTGRESQL
                ? "SELECT COUNT(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE ?"
                : "SELECT COUNT(*) FROM INFORMATION_SCHEMA.SESSIONS WHERE BLOCKER_ID IS NOT NULL "
                        + "AND EXECUTING_STATEMENT LIKE ?";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, "%" + table + "%");
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1) > 0;
            }
        }
    }

    @Test
    void leases_run_by_the_database_clock_not_the_jvm_s() throws Exception {
        // given: a MariaDB whose sessions' clock is an hour behind this JVM's
        ServiceFixtures.JdbcService service = ServiceFixtures.mariadb();
        String table = TestDatabases.uniqueTable();
        DataSource behind = shifted(service, -3600);
        try (JdbcEventStore events = JdbcEventStore.builder().dataSource(behind).tableName(table)
                .serializer(TestDatabases.serializer()).build()) {
            events.createSchema();
            CheckpointStore store = events.checkpointStore();
            // when
            SegmentLease lease = store.tryClaim("clock", 0, 1, "node-a", Duration.ofMinutes(1)).orElseThrow();
            // then: by the JVM's clock the lease ran out 59 minutes ago; by the database's it holds
            assertThat(lease.expiresAt()).isBefore(Instant.now().minusSeconds(58 * 60));
            assertThat(store.tryClaim("clock", 0, 1, "node-b", LONG)).isEmpty();
            assertThat(store.commit(lease, 1, tx -> { }).position()).isEqualTo(1);
            assertThat(store.renew(lease, Duration.ofMinutes(1)).expiresAt()).isBefore(Instant.now());
        } finally {
            TestDatabases.drop(service, table);
        }
    }

    /** Connections whose session clock ({@code SET timestamp}) is {@code seconds} off the real time. */
    private static DataSource shifted(ServiceFixtures.JdbcService service, int seconds) {
        DataSource plain = new UrlDataSource(service.jdbcUrl(), service.username(), service.password(),
                new Properties());
        return new DataSource() {
            @Override
            public Connection getConnection() throws SQLException {
                Connection c = plain.getConnection();
                try (Statement s = c.createStatement()) {
                    s.execute("SET timestamp = UNIX_TIMESTAMP() + (" + seconds + ")");
                }
                return c;
            }

            @Override
            public Connection getConnection(String user, String password) throws SQLException {
                return getConnection();
            }

            @Override
            public PrintWriter getLogWriter() {
                return null;
            }

            @Override
            public void setLogWriter(PrintWriter out) {
            }

            @Override
            public void setLoginTimeout(int s) {
            }

            @Override
            public int getLoginTimeout() {
                return 0;
            }

            @Override
            public Logger getParentLogger() throws SQLFeatureNotSupportedException {
                throw new SQLFeatureNotSupportedException();
            }

            @Override
            public <T> T unwrap(Class<T> type) throws SQLException {
                throw new SQLException("not a wrapper");
            }

            @Override
            public boolean isWrapperFor(Class<?> type) {
                return false;
            }
        };
    }
}
