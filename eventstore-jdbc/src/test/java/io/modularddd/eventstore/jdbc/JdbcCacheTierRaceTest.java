package io.modularddd.eventstore.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.modularddd.core.cache.CacheEntry;
import io.modularddd.core.cache.CacheKey;
import io.modularddd.core.cache.CacheLookup;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The interleavings the clock row's lock decides, made deterministic: one side is stopped inside its transaction
 * (the tier's own statements, run by hand on a connection of the store's pool, before their commit), the other is
 * the tier's call on another thread, seen waiting for the lock in the database's own lock view before the first
 * side commits.
 */
class JdbcCacheTierRaceTest {

    private final ExecutorService pool = Executors.newSingleThreadExecutor();

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.class)
    void a_put_that_meets_an_invalidation_in_flight_waits_for_it_and_is_refused(TestDatabases db) throws Exception {
        try (CacheTierFixture f = new CacheTierFixture(db)) {
            JdbcCacheTier tier = f.create();
            CacheStatements sql = tier.statements();
            CacheKey key = key();
            CacheLookup miss = tier.lookup(key); // a query misses and loads the old value
            try (Connection invalidation = f.events.dataSource().getConnection()) {
                // given: invalidate(key) under way: the clock row locked and moved on, the marker set, no commit yet
                invalidation.setAutoCommit(false);
                long clock = clock(invalidation, sql.clockExclusive);
                update(invalidation, sql.setClock, clock + 1, 0L);
                update(invalidation, sql.upsertMark, CacheWrites.keyMark(key.storageKey()), clock + 1, Long.MAX_VALUE);
                // when: the load's put arrives meanwhile
                Future<Boolean> put = pool.submit(() -> tier.put(key, entry(key), miss));
                awaitLockWait(f, db, put);
                invalidation.commit();
                // then
                assertThat(put.get(30, TimeUnit.SECONDS)).as("the put checked after the invalidation").isFalse();
            }
            assertThat(tier.lookup(key).isHit()).isFalse();
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.class)
    void a_tag_invalidation_that_meets_a_put_in_flight_waits_for_it_and_removes_what_it_stored(TestDatabases db)
            throws Exception {
        try (CacheTierFixture f = new CacheTierFixture(db)) {
            JdbcCacheTier tier = f.create();
            CacheStatements sql = tier.statements();
            CacheKey key = key();
            String tag = "account:" + UUID.randomUUID();
            try (Connection put = f.events.dataSource().getConnection()) {
                // given: put(key, entry tagged `tag`) under way: the clock row held in share mode, entry and tag row
                // written, no commit yet
                put.setAutoCommit(false);
                clock(put, sql.clockShared);
                try (PreparedStatement ps = put.prepareStatement(sql.upsertEntry)) {
                    ps.setString(1, key.storageKey());
                    ps.setString(2, key.canonical());
                    ps.setLong(3, Instant.now().plusSeconds(600).toEpochMilli());
                    ps.setBytes(4, new byte[] {1});
                    ps.setString(5, tag);
                    ps.executeUpdate();
                }
                update(put, sql.insertTag, tag, key.storageKey());
                // when: the tag is invalidated meanwhile
                Future<?> invalidation = pool.submit(() -> tier.invalidateTags(Set.of(tag)));
                awaitLockWait(f, db, invalidation);
                put.commit();
                invalidation.get(30, TimeUnit.SECONDS);
            }
            // then: the invalidation read the tag's entries after the put committed
            assertThat(tier.lookup(key).isHit()).isFalse();
            assertThat(f.rows("_qc_tags")).isZero();
        }
    }

    private static CacheKey key() {
        String id = UUID.randomUUID().toString();
        return CacheKey.of("query:{Race}:" + id, "Race(" + id + ")");
    }

    private static CacheEntry entry(CacheKey key) {
        return CacheEntry.of(key, "old".getBytes(StandardCharsets.UTF_8), Instant.now().plusSeconds(600), Set.of());
    }

    private static long clock(Connection c, String statement) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(statement); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void update(Connection c, String statement, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(statement)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            ps.executeUpdate();
        }
    }

    /** What the database's sessions do, for a failure message. */
    private static String sessions(Connection c, TestDatabases db) {
        String sql = switch (db) {
            case MARIADB -> "SELECT ID, COMMAND, STATE, TIME_MS, INFO FROM information_schema.PROCESSLIST "
                    + "WHERE COMMAND <> 'Sleep'";
            case POSTGRESQL -> "SELECT pid, state, wait_event_type, wait_event, query FROM pg_stat_activity";
            case H2 -> "SELECT SESSION_ID, SESSION_STATE, BLOCKER_ID, EXECUTING_STATEMENT FROM "
                    + "INFORMATION_SCHEMA.SESSIONS";
        };
        StringBuilder sb = new StringBuilder();
        try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                sb.append("\n ");
                for (int i = 1; i <= n; i++) {
                    sb.append(" | ").append(rs.getString(i));
                }
            }
        } catch (SQLException e) {
            sb.append(e);
        }
        return sb.toString();
    }

    /**
     * Waits until a session waits for a lock on a statement of this fixture's cache tables, as the database shows;
     * fails when {@code waiter} ends meanwhile (it did not wait, or it failed).
     */
    private static void awaitLockWait(CacheTierFixture f, TestDatabases db, Future<?> waiter) throws Exception {
        String sql = switch (db) {
            // INNODB_TRX is a cache that lags (seen stale for 20 s while another session's DROP TABLE waited); a
            // const-table lookup waits for its row lock while the optimizer reads it (state "Statistics"), so a
            // statement on the clock row still running after 200 ms counts as waiting too
            case MARIADB -> "SELECT (SELECT COUNT(*) FROM information_schema.INNODB_TRX WHERE trx_state = 'LOCK WAIT' "
                    + "AND trx_query LIKE ?) + (SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE INFO LIKE ? "
                    + "AND TIME_MS >= 200 AND ID <> CONNECTION_ID())";
            case POSTGRESQL -> "SELECT COUNT(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE ?";
            case H2 -> "SELECT COUNT(*) FROM INFORMATION_SCHEMA.SESSIONS WHERE BLOCKER_ID IS NOT NULL "
                    + "AND EXECUTING_STATEMENT LIKE ?";
        };
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        try (Connection c = db == TestDatabases.H2 ? f.events.dataSource().getConnection()
                : TestDatabases.connect(f.service); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, "%" + f.table + "_qc_clock%");
            if (db == TestDatabases.MARIADB) {
                ps.setString(2, "%" + f.table + "_qc_clock%");
            }
            while (true) {
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    if (rs.getLong(1) > 0) {
                        return;
                    }
                }
                if (waiter.isDone()) {
                    throw new AssertionError("the call that should wait for the clock row ended: " + waiter.get());
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("no session waited for the clock row of " + f.table + " within 20 s; "
                            + "sessions: " + sessions(c, db));
                }
                Thread.sleep(5); // polling the database's lock view, not waiting for a guess
            }
        }
    }
}
