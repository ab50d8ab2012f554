package io.modularddd.eventstore.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.modularddd.core.AggregateId;
import io.modularddd.core.AppendRequest;
import io.modularddd.core.AppendResult;
import io.modularddd.core.ConcurrencyConflictException;
import io.modularddd.core.EventStoreException;
import io.modularddd.core.EventStream;
import io.modularddd.core.ExpectedVersion;
import io.modularddd.core.NewEvent;
import io.modularddd.core.StoredEvent;
import io.modularddd.testkit.ContractEvents.Happened;
import io.modularddd.testkit.ServiceFixtures.JdbcService;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Global positions are dense and commit-ordered: while writers hold their transactions open for random
 * times, some fail on purpose and some conflict, a reader tailing {@code readAll} sees every committed
 * event exactly once, in order, never a position twice, never a hole — and nothing that was rolled back.
 */
class DensePositionsTest {

    private static final int WRITERS = 6;
    private static final int APPENDS_PER_WRITER = 40;

    private JdbcService service;
    private String table;
    private JdbcEventStore store;

    @AfterEach
    void cleanUp() {
        if (store != null) {
            store.close();
            TestDatabases.drop(service, table);
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.class)
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void a_tailing_reader_sees_every_committed_event_once_in_order_and_nothing_rolled_back(TestDatabases db)
            throws Exception {
        // given: transactions that sleep 0-8 ms while holding the head lock, and fail before commit 1 in 8 times
        service = db.service();
        table = TestDatabases.uniqueTable();
        store = db.builder(service, table, WRITERS + 2).build();
        store.createSchema();
        AtomicInteger injected = new AtomicInteger();
        store.hook(new TransactionHook() {
            @Override
            public void afterLock(Connection connection) {
                sleep(ThreadLocalRandom.current().nextInt(9));
            }

            @Override
            public void beforeCommit(Connection connection) throws SQLException {
                sleep(ThreadLocalRandom.current().nextInt(3));
                if (ThreadLocalRandom.current().nextInt(8) == 0) {
                    injected.incrementAndGet();
                    throw new SQLException("injected failure before commit", "HY000");
                }
            }
        });
        Set<UUID> committed = ConcurrentHashMap.newKeySet();
        Set<UUID> rolledBack = ConcurrentHashMap.newKeySet();
        AtomicInteger conflicts = new AtomicInteger();
        AtomicBoolean writing = new AtomicBoolean(true);
        ExecutorService pool = Executors.newFixedThreadPool(WRITERS + 1);
        try {
            // when: a reader tails the log while the writers write
            Future<List<StoredEvent>> reader = pool.submit(() -> tail(writing, committed));
            List<Future<?>> writers = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                AggregateId stream = AggregateId.of("tail" + w + "-" + UUID.randomUUID());
                writers.add(pool.submit(() -> {
                    write(stream, committed, rolledBack, conflicts);
                    return null;
                }));
            }
            for (Future<?> f : writers) {
                f.get(2, TimeUnit.MINUTES);
            }
            writing.set(false);
            List<StoredEvent> seen = reader.get(1, TimeUnit.MINUTES);

            // then
            assertThat(injected.get()).as("injected failures").isPositive();
            assertThat(conflicts.get()).as("conflicts").isPositive();
            assertThat(rolledBack).as("rolled-back events").isNotEmpty();
            Set<UUID> seenIds = new HashSet<>();
            for (StoredEvent e : seen) {
                assertThat(seenIds.add(e.eventId())).as("event %s seen once", e.eventId()).isTrue();
            }
            assertThat(seenIds).isEqualTo(committed);
            assertThat(seenIds).doesNotContainAnyElementsOf(rolledBack);
            try (EventStream all = store.readAll(1, Integer.MAX_VALUE)) {
                assertThat(all.count()).isEqualTo(committed.size());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** Appends with exact expected versions; a stale version now and then; records what committed. */
    private void write(AggregateId stream, Set<UUID> committed, Set<UUID> rolledBack, AtomicInteger conflicts) {
        long version = 0;
        for (int i = 0; i < APPENDS_PER_WRITER; i++) {
            int n = 1 + ThreadLocalRandom.current().nextInt(3);
            NewEvent[] events = new NewEvent[n];
            for (int j = 0; j < n; j++) {
                events[j] = NewEvent.of(new Happened("tail", i));
            }
            boolean stale = i % 9 == 4;
            AppendRequest request = AppendRequest.of(stream, "Thing",
                    stale ? ExpectedVersion.of(version + 3) : ExpectedVersion.of(version), events);
            try {
                AppendResult r = store.append(request);
                assertThat(stale).as("a stale expected version must not succeed").isFalse();
                version = r.lastVersion();
                for (NewEvent e : events) {
                    committed.add(e.eventId());
                }
            } catch (ConcurrencyConflictException e) {
                assertThat(stale).isTrue();
                conflicts.incrementAndGet();
            } catch (EventStoreException e) {
                // the transaction (maybe someone else's in the same group) failed before commit: rolled back
                assertThat(e.getMessage()).contains("rolled back");
                for (NewEvent ev : events) {
                    rolledBack.add(ev.eventId());
                }
            }
        }
    }

    private List<StoredEvent> tail(AtomicBoolean writing, Set<UUID> committed) {
        List<StoredEvent> seen = new ArrayList<>();
        long next = 1;
        while (true) {
            boolean last = !writing.get();
            try (EventStream page = store.readAll(next, 37)) {
                for (StoredEvent e : page) {
                    assertThat(e.position()).as("dense, ordered positions").isEqualTo(next);
                    seen.add(e);
                    next++;
                }
            }
            if (last && seen.size() >= committed.size()) {
                return seen;
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
