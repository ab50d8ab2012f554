package io.modularddd.eventstore.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modularddd.core.AggregateId;
import io.modularddd.core.AppendRequest;
import io.modularddd.core.AppendResult;
import io.modularddd.core.ConcurrencyConflictException;
import io.modularddd.core.EventStoreException;
import io.modularddd.core.EventStream;
import io.modularddd.core.ExpectedVersion;
import io.modularddd.core.InvalidInputException;
import io.modularddd.core.NewEvent;
import io.modularddd.core.StoredEvent;
import io.modularddd.core.serialization.EventSerializer;
import io.modularddd.core.serialization.JacksonEventSerializer;
import io.modularddd.testkit.ContractEvents;
import io.modularddd.testkit.ContractEvents.Blob;
import io.modularddd.testkit.ContractEvents.Happened;
import io.modularddd.testkit.ServiceFixtures.JdbcService;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * How a group commit answers when its transaction fails: never a success for rows that were not
 * committed, never a failure for an append that did nothing wrong, never one wait per member, and
 * every caller's exception made on its own thread.
 */
class AppendFailureTest {

    private static final int MIB = 1024 * 1024;

    private JdbcService service;
    private String table;
    private JdbcEventStore store;
    private ExecutorService pool;

    @AfterEach
    void cleanUp() {
        if (pool != null) {
            pool.shutdownNow();
        }
        if (store != null) {
            store.close();
            TestDatabases.drop(service, table);
        }
    }

    private JdbcEventStore open(TestDatabases db, JdbcEventStoreBuilder builder) {
        store = builder.build();
        store.createSchema();
        return store;
    }

    private JdbcEventStoreBuilder builder(TestDatabases db, EventSerializer serializer) {
        service = db.service();
        table = TestDatabases.uniqueTable();
        return db.builderWithoutSerializer(service, table).serializer(serializer);
    }

    private static AppendRequest request(String stream, NewEvent... events) {
        return AppendRequest.of(AggregateId.of(stream + "-" + UUID.randomUUID()), "Thing", ExpectedVersion.noStream(),
                events);
    }

    private static NewEvent small(long n) {
        return NewEvent.of(new Happened("small", n));
    }

    /** Starts the appends one after another, {@code gap} apart, so they queue in this order. */
    private List<Future<AppendResult>> startInOrder(List<Callable<AppendResult>> appends, Duration gap)
            throws InterruptedException {
        pool = Executors.newFixedThreadPool(appends.size());
        List<Future<AppendResult>> futures = new ArrayList<>();
        for (Callable<AppendResult> append : appends) {
            futures.add(pool.submit(append));
            Thread.sleep(gap.toMillis());
        }
        return futures;
    }

    private static Throwable failureOf(Future<?> f) throws InterruptedException {
        try {
            f.get(2, TimeUnit.MINUTES);
            return null;
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("the append did not finish", e);
        }
    }

    /** The first transaction waits after taking the head lock, so that the next appends queue as one group. */
    private static TransactionHook holdFirst(Duration hold, TransactionHook then) {
        AtomicInteger transactions = new AtomicInteger();
        return new TransactionHook() {
            @Override
            public void afterLock(Connection connection) throws java.sql.SQLException {
                if (transactions.incrementAndGet() == 1) {
                    try {
                        Thread.sleep(hold.toMillis());
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                } else {
                    then.afterLock(connection);
                }
            }

            @Override
            public void beforeCommit(Connection connection) throws java.sql.SQLException {
                if (transactions.get() > 1) {
                    then.beforeCommit(connection);
                }
            }
        };
    }

    private long storedEvents() {
        try (EventStream all = store.readAll(1, 10_000)) {
            return all.count();
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.class)
    void an_error_thrown_after_planning_fails_every_member_and_releases_the_head_lock(TestDatabases db)
            throws Exception {
        // given: the second transaction (a group of followers) dies of an Error after its rows were inserted
        open(db, builder(db, ContractEvents.serializer()));
        AtomicInteger thrown = new AtomicInteger();
        store.hook(holdFirst(Duration.ofMillis(500), new TransactionHook() {
            @Override
            public void beforeCommit(Connection connection) {
                if (thrown.getAndIncrement() == 0) {
                    throw new OutOfMemoryError("simulated: out of memory while committing the group");
                }
            }
        }));

        // when: one append takes the lock, five more queue behind it and form the next group
        List<Callable<AppendResult>> appends = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            AppendRequest r = request("err" + i, small(i));
            appends.add(() -> store.append(r));
        }
        List<Future<AppendResult>> futures = startInOrder(appends, Duration.ofMillis(40));

        // then: the first committed; every member of the failed group failed (the leader with the Error itself)
        assertThat(futures.get(0).get(1, TimeUnit.MINUTES).lastVersion()).isEqualTo(1);
        for (int i = 1; i < futures.size(); i++) {
            Throwable failure = failureOf(futures.get(i));
            assertThat(failure).as("append %d of the failed group", i).isNotNull();
            if (!(failure instanceof OutOfMemoryError)) {
                assertThat(failure).isInstanceOf(EventStoreException.class)
                        .hasMessageContaining("simulated: out of memory");
            }
        }
        assertThat(thrown.get()).isEqualTo(1);
        // and nothing of the failed group is stored, while the head lock is free for the next append at once
        assertThat(storedEvents()).isEqualTo(1);
        pool.submit(() -> store.append(request("after", small(99)))).get(20, TimeUnit.SECONDS);
        assertThat(storedEvents()).isEqualTo(2);
        try (EventStream all = store.readAll(1, 10)) {
            assertThat(all.toList()).extracting(StoredEvent::position).containsExactly(1L, 2L);
        }
    }

    @Test
    void an_event_larger_than_the_servers_packet_limit_is_refused_before_it_joins_a_group() throws Exception {
        // given: a serializer that lets a 17 MiB payload through; the server's max_allowed_packet is lower
        TestDatabases db = TestDatabases.MARIADB;
        open(db, builder(db, JacksonEventSerializer.builder(ContractEvents.REGISTRY).maxPayloadBytes(64 * MIB)
                .build()));
        long limit = store.packetLimit().maxRowBytes() + PacketLimit.PACKET_OVERHEAD_BYTES;
        assertThat(limit).as("this test needs max_allowed_packet below 17 MiB").isLessThan(17L * MIB);
        store.hook(holdFirst(Duration.ofMillis(500), TransactionHook.NONE));
        AppendRequest big = request("big", NewEvent.of(new Blob("x".repeat(17 * MIB))));

        // when: eight small appends queue with the big one
        List<Callable<AppendResult>> appends = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            AppendRequest r = i == 4 ? big : request("small" + i, small(i));
            appends.add(() -> store.append(r));
        }
        List<Future<AppendResult>> futures = startInOrder(appends, Duration.ofMillis(40));

        // then: the big one is refused with the facts and the fix; every small one is stored
        assertThat(failureOf(futures.get(4))).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining(big.aggregateId().value())
                .hasMessageContaining("max_allowed_packet is " + limit + " bytes")
                .hasMessageContaining("Nothing of this append was stored");
        for (int i = 0; i < futures.size(); i++) {
            if (i != 4) {
                assertThat(futures.get(i).get(1, TimeUnit.MINUTES).lastVersion()).as("small append %d", i)
                        .isEqualTo(1);
            }
        }
        assertThat(storedEvents()).isEqualTo(8);
        assertThat(store.currentVersion(big.aggregateId())).isZero();
    }

    @Test
    void a_packet_the_server_refuses_fails_only_the_append_it_belongs_to() throws Exception {
        // given: the store believes the server takes 64 MiB (as if max_allowed_packet was lowered since it started)
        TestDatabases db = TestDatabases.MARIADB;
        open(db, builder(db, JacksonEventSerializer.builder(ContractEvents.REGISTRY).maxPayloadBytes(64 * MIB)
                .build()));
        long realLimit = store.packetLimit().maxRowBytes() + PacketLimit.PACKET_OVERHEAD_BYTES;
        store.packetLimit().assume(64L * MIB);
        store.hook(holdFirst(Duration.ofMillis(500), TransactionHook.NONE));
        AppendRequest big = request("big", small(0), NewEvent.of(new Blob("y".repeat(17 * MIB))));

        // when: the big append rides in a group with small ones and the server refuses its packet
        List<Callable<AppendResult>> appends = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            AppendRequest r = i == 3 ? big : request("small" + i, small(i));
            appends.add(() -> store.append(r));
        }
        List<Future<AppendResult>> futures = startInOrder(appends, Duration.ofMillis(40));

        // then: only the big one fails, naming the limit the server really has; the others are stored
        assertThat(failureOf(futures.get(3))).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining(big.aggregateId().value())
                .hasMessageContaining("events[1]")
                .hasMessageContaining("the database refused it")
                .hasMessageContaining("max_allowed_packet is " + realLimit + " bytes");
        for (int i = 0; i < futures.size(); i++) {
            if (i != 3) {
                assertThat(futures.get(i).get(1, TimeUnit.MINUTES).lastVersion()).as("small append %d", i)
                        .isEqualTo(1);
            }
        }
        assertThat(storedEvents()).isEqualTo(6);
        assertThat(store.currentVersion(big.aggregateId())).isZero();
        // and the store learned the real limit: the next big append is refused up front
        assertThatThrownBy(() -> store.append(request("big-again", NewEvent.of(new Blob("z".repeat(17 * MIB))))))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("more than the database accepts");
    }

    @Test
    void a_packet_refused_with_a_bare_socket_reset_fails_only_the_append_it_belongs_to() throws Exception {
        // given: connections from the application's own pool, without server-side prepared statements: there
        // MariaDB's refusal of an oversized packet reaches the client as a socket reset, not as error 1153
        TestDatabases db = TestDatabases.MARIADB;
        service = db.service();
        table = TestDatabases.uniqueTable();
        com.zaxxer.hikari.HikariConfig config = new com.zaxxer.hikari.HikariConfig();
        config.setJdbcUrl(service.jdbcUrl());
        config.setUsername(service.username());
        config.setPassword(service.password());
        config.setMaximumPoolSize(6);
        try (com.zaxxer.hikari.HikariDataSource pool = new com.zaxxer.hikari.HikariDataSource(config)) {
            store = JdbcEventStore.builder().dataSource(pool).tableName(table)
                    .serializer(JacksonEventSerializer.builder(ContractEvents.REGISTRY).maxPayloadBytes(64 * MIB)
                            .build()).build();
            store.createSchema();
            long realLimit = store.packetLimit().maxRowBytes() + PacketLimit.PACKET_OVERHEAD_BYTES;
            store.packetLimit().assume(64L * MIB);
            store.hook(holdFirst(Duration.ofMillis(500), TransactionHook.NONE));
            AppendRequest big = request("big", NewEvent.of(new Blob("w".repeat(17 * MIB))));

            // when
            List<Callable<AppendResult>> appends = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                AppendRequest r = i == 2 ? big : request("small" + i, small(i));
                appends.add(() -> store.append(r));
            }
            List<Future<AppendResult>> futures = startInOrder(appends, Duration.ofMillis(40));

            // then
            assertThat(failureOf(futures.get(2))).isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining(big.aggregateId().value())
                    .hasMessageContaining("max_allowed_packet is " + realLimit + " bytes");
            for (int i = 0; i < futures.size(); i++) {
                if (i != 2) {
                    assertThat(futures.get(i).get(1, TimeUnit.MINUTES).lastVersion()).as("small append %d", i)
                            .isEqualTo(1);
                }
            }
            assertThat(storedEvents()).isEqualTo(5);
            store.close();
            TestDatabases.drop(service, table);
            store = null;
        }
    }

    @ParameterizedTest
    @EnumSource(value = TestDatabases.class, names = {"MARIADB", "POSTGRESQL"})
    void a_lock_wait_timeout_fails_the_group_once_instead_of_once_per_member(TestDatabases db) throws Exception {
        // given: append connections that wait at most one second for a lock, and the head row locked elsewhere
        service = db.service();
        table = TestDatabases.uniqueTable();
        String url = service.jdbcUrl() + (service.jdbcUrl().contains("?") ? "&" : "?")
                + (db == TestDatabases.MARIADB ? "sessionVariables=innodb_lock_wait_timeout=1"
                : "options=-c%20lock_timeout=1000");
        store = JdbcEventStore.builder().jdbcUrl(url).username(service.username()).password(service.password())
                .serializer(ContractEvents.serializer()).tableName(table).build();
        store.createSchema();
        try (Connection blocker = TestDatabases.connect(service)) {
            blocker.setAutoCommit(false);
            try (Statement s = blocker.createStatement()) {
                String q = db == TestDatabases.MARIADB ? "`" : "\"";
                s.executeQuery("SELECT * FROM " + q + table + "_head" + q + " FOR UPDATE").close();
            }

            // when: eight appends arrive together; the first waits alone, the other seven queue as one group
            List<Callable<AppendResult>> appends = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                AppendRequest r = request("locked" + i, small(i));
                appends.add(() -> store.append(r));
            }
            List<Future<AppendResult>> futures = startInOrder(appends, Duration.ofMillis(20));

            // then: every append fails with the database's reason, after one lock wait per group
            for (int i = 0; i < futures.size(); i++) {
                assertThat(failureOf(futures.get(i))).as("append %d", i).isInstanceOf(EventStoreException.class)
                        .hasMessageContaining("rolled back").hasMessageContaining("transient")
                        .matches(e -> ((EventStoreException) e).isTransient(), "is transient");
            }
            assertThat(store.attemptedTransactions()).as("transactions begun (each waited for the lock)")
                    .isLessThanOrEqualTo(3);
            blocker.rollback();
        }
        assertThat(store.append(request("free", small(1))).lastVersion()).isEqualTo(1);
    }

    @Test
    void a_follower_gets_an_exception_made_on_its_own_thread() throws Exception {
        // given: a stream at version 1, and a first transaction held while others queue behind it
        TestDatabases db = TestDatabases.H2;
        open(db, builder(db, ContractEvents.serializer()));
        AggregateId contested = AggregateId.of("contested-" + UUID.randomUUID());
        store.append(AppendRequest.of(contested, "Thing", ExpectedVersion.noStream(), small(0)));
        store.hook(holdFirst(Duration.ofMillis(600), TransactionHook.NONE));
        AppendRequest stale = AppendRequest.of(contested, "Thing", ExpectedVersion.noStream(), small(1));

        // when: the stale request is a follower: three appends queue before it, the first of which leads
        List<Callable<AppendResult>> appends = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            AppendRequest r = request("filler" + i, small(i));
            appends.add(() -> store.append(r));
        }
        appends.add(() -> followerCallSite(store, stale));
        List<Future<AppendResult>> futures = startInOrder(appends, Duration.ofMillis(60));

        // then: its conflict was thrown with its own call site in the stack trace, the leader's check as cause
        Throwable conflict = failureOf(futures.get(4));
        assertThat(conflict).isInstanceOf(ConcurrencyConflictException.class);
        assertThat(Arrays.stream(conflict.getStackTrace()).map(StackTraceElement::getMethodName))
                .contains("followerCallSite");
        assertThat(conflict.getCause()).isInstanceOf(ConcurrencyConflictException.class);
        assertThat(((ConcurrencyConflictException) conflict).actualVersion()).isEqualTo(1);
        for (int i = 0; i < 4; i++) {
            assertThat(futures.get(i).get(1, TimeUnit.MINUTES).lastVersion()).isEqualTo(1);
        }
    }

    private static AppendResult followerCallSite(JdbcEventStore store, AppendRequest request) {
        return store.append(request);
    }
}
