package io.modularddd.eventstore.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.modularddd.core.AggregateId;
import io.modularddd.core.AppendRequest;
import io.modularddd.core.AppendResult;
import io.modularddd.core.ConcurrencyConflictException;
import io.modularddd.core.EventIdConflictException;
import io.modularddd.core.EventMetadata;
import io.modularddd.core.EventStoreException;
import io.modularddd.core.EventStream;
import io.modularddd.core.ExpectedVersion;
import io.modularddd.core.NewEvent;
import io.modularddd.core.StoredEvent;
import io.modularddd.core.serialization.EventSerializer;
import io.modularddd.core.serialization.EventTypeRegistry;
import io.modularddd.testkit.ContractEvents;
import io.modularddd.testkit.ContractEvents.Happened;
import io.modularddd.testkit.ServiceFixtures.JdbcService;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Group commit for real: many threads append at once while the first transaction is held open, and
 * the rest must ride together in few transactions, each caller with its own answer.
 */
class GroupCommitTest {

    private static final int THREADS = 24;

    private JdbcService service;
    private String table;
    private JdbcEventStore store;

    private JdbcEventStore open(TestDatabases db, EventSerializer serializer, SimpleMeterRegistry registry) {
        service = db.service();
        table = TestDatabases.uniqueTable();
        store = db.builderWithoutSerializer(service, table).serializer(serializer).meterRegistry(registry).build();
        store.createSchema();
        return store;
    }

    @AfterEach
    void cleanUp() {
        if (store != null) {
            store.close();
            TestDatabases.drop(service, table);
        }
    }

    private static AppendRequest request(AggregateId id, ExpectedVersion expected, NewEvent... events) {
        return AppendRequest.of(id, "Thing", expected, events);
    }

    private static NewEvent event(long n) {
        return NewEvent.of(new Happened("group", n));
    }

    /** Holds the first transaction open (after it locked the head) so that everybody else queues behind it. */
    private static TransactionHook holdFirstTransaction(Duration hold) {
        AtomicBoolean first = new AtomicBoolean(true);
        return new TransactionHook() {
            @Override
            public void afterLock(Connection connection) {
                if (first.getAndSet(false)) {
                    try {
                        Thread.sleep(hold.toMillis());
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
        };
    }

    private static <T> List<Future<T>> runTogether(List<Callable<T>> tasks) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(tasks.size());
        CyclicBarrier start = new CyclicBarrier(tasks.size());
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (Callable<T> task : tasks) {
                futures.add(pool.submit(() -> {
                    start.await(30, TimeUnit.SECONDS);
                    return task.call();
                }));
            }
            for (Future<T> f : futures) {
                try {
                    f.get(2, TimeUnit.MINUTES);
                } catch (java.util.concurrent.ExecutionException expected) {
                    // inspected by the test
                }
            }
            return futures;
        } finally {
            pool.shutdownNow();
        }
    }

    private static Throwable failureOf(Future<?> f) throws InterruptedException {
        try {
            f.get();
            return null;
        } catch (java.util.concurrent.ExecutionException e) {
            return e.getCause();
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.class)
    void concurrent_appends_share_few_transactions_and_each_caller_gets_its_own_answer(TestDatabases db)
            throws Exception {
        // given: a stream that exists, a stored request, and a stored event id
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        open(db, ContractEvents.serializer(), registry);
        AggregateId existing = AggregateId.of("existing-" + UUID.randomUUID());
        store.append(request(existing, ExpectedVersion.noStream(), event(0)));
        AppendRequest stored = request(AggregateId.of("stored-" + UUID.randomUUID()), ExpectedVersion.noStream(),
                event(1), event(2));
        AppendResult storedResult = store.append(stored);
        NewEvent storedEvent = event(3);
        store.append(request(AggregateId.of("holder-" + UUID.randomUUID()), ExpectedVersion.noStream(), storedEvent));
        long transactionsBefore = store.committedTransactions();
        store.hook(holdFirstTransaction(Duration.ofMillis(400)));

        // when: 24 callers append at once; among them four that must fail alone and one repeat
        AggregateId contested = AggregateId.of("contested-" + UUID.randomUUID());
        List<AppendRequest> requests = new ArrayList<>();
        for (int i = 0; i < THREADS; i++) {
            requests.add(switch (i) {
                case 5 -> request(existing, ExpectedVersion.noStream(), event(i));               // version conflict
                case 7 -> request(AggregateId.of("thief-" + i), ExpectedVersion.noStream(), storedEvent); // id in use
                case 9 -> stored;                                                               // idempotent repeat
                case 11, 12 -> request(contested, ExpectedVersion.noStream(), event(i));         // one of two wins
                case 13 -> request(existing, ExpectedVersion.exactly(1), event(i), event(i));    // succeeds
                default -> request(AggregateId.of("s" + i + "-" + UUID.randomUUID()), ExpectedVersion.noStream(),
                        event(i), event(i + 100));
            });
        }
        List<Callable<AppendResult>> tasks = requests.stream().<Callable<AppendResult>>map(r -> () -> store.append(r))
                .collect(Collectors.toList());
        List<Future<AppendResult>> futures = runTogether(tasks);

        // then: far fewer transactions than callers
        long transactions = store.committedTransactions() - transactionsBefore;
        assertThat(transactions).as("transactions for %d concurrent appends", THREADS).isBetween(1L, 4L);
        assertThat(registry.get("modularddd.eventstore.jdbc.group.requests").summary().max())
                .isGreaterThanOrEqualTo(THREADS / 2.0);

        // and every caller got its own answer
        // request 13 moves the stream from version 1 to 3; request 5 saw it before or after that commit
        assertThat(failureOf(futures.get(5))).isInstanceOfSatisfying(ConcurrencyConflictException.class,
                e -> assertThat(e.actualVersion()).isIn(1L, 3L));
        assertThat(failureOf(futures.get(7))).isInstanceOfSatisfying(EventIdConflictException.class,
                e -> assertThat(e.eventId()).isEqualTo(storedEvent.eventId()));
        assertThat(futures.get(9).get()).isEqualTo(storedResult);
        Throwable f11 = failureOf(futures.get(11));
        Throwable f12 = failureOf(futures.get(12));
        assertThat(f11 == null ^ f12 == null).as("exactly one of two noStream() appends to one stream wins").isTrue();
        assertThat(f11 == null ? f12 : f11).isInstanceOf(ConcurrencyConflictException.class);
        assertThat(futures.get(13).get().firstVersion()).isEqualTo(2);
        for (int i = 0; i < THREADS; i++) {
            if (List.of(5, 7, 9, 11, 12, 13).contains(i)) {
                continue;
            }
            AppendResult r = futures.get(i).get();
            assertThat(r.aggregateId()).isEqualTo(requests.get(i).aggregateId());
            assertThat(r.firstVersion()).isEqualTo(1);
            assertThat(r.lastVersion()).isEqualTo(2);
        }

        // and the log is dense, each successful caller's events at the positions it was told
        List<StoredEvent> all;
        try (EventStream s = store.readAll(1, 10_000)) {
            all = s.toList();
        }
        assertThat(all).extracting(StoredEvent::position)
                .isEqualTo(java.util.stream.LongStream.rangeClosed(1, all.size()).boxed().collect(Collectors.toList()));
        Map<UUID, StoredEvent> byId = all.stream().collect(Collectors.toMap(StoredEvent::eventId, e -> e));
        for (int i = 0; i < THREADS; i++) {
            if (failureOf(futures.get(i)) != null) {
                for (NewEvent e : requests.get(i).events()) {
                    if (!e.eventId().equals(storedEvent.eventId())) {
                        assertThat(byId).as("events of failed request %d", i).doesNotContainKey(e.eventId());
                    }
                }
                continue;
            }
            AppendResult r = futures.get(i).get();
            for (int j = 0; j < requests.get(i).size(); j++) {
                StoredEvent e = byId.get(requests.get(i).events().get(j).eventId());
                assertThat(e.position()).isEqualTo(r.firstPosition() + j);
                assertThat(e.version()).isEqualTo(r.firstVersion() + j);
            }
        }
        // 1 + 2 + 1 setup events; 18 default requests of 2 events; one winner of 11/12; request 13 with 2
        assertThat(all).hasSize(4 + 18 * 2 + 1 + 2);
    }

    @ParameterizedTest
    @EnumSource(value = TestDatabases.class, names = {"MARIADB", "POSTGRESQL"})
    void a_request_the_database_refuses_fails_alone(TestDatabases db) throws Exception {
        // given: a serializer that writes text which is not JSON for one marked payload; MariaDB's CHECK
        // (JSON_VALID) and PostgreSQL's json type refuse that row, failing the group's batched insert
        EventSerializer json = ContractEvents.serializer();
        EventSerializer sometimesBroken = new EventSerializer() {
            @Override
            public EventTypeRegistry registry() {
                return json.registry();
            }

            @Override
            public byte[] serialize(Object payload) {
                if (payload instanceof Happened h && h.text().equals("broken")) {
                    return "this is not json".getBytes(StandardCharsets.UTF_8);
                }
                return json.serialize(payload);
            }

            @Override
            public Object deserialize(String typeName, byte[] data) {
                return json.deserialize(typeName, data);
            }

            @Override
            public byte[] serializeMetadata(EventMetadata metadata) {
                return json.serializeMetadata(metadata);
            }

            @Override
            public EventMetadata deserializeMetadata(byte[] data) {
                return json.deserializeMetadata(data);
            }
        };
        open(db, sometimesBroken, new SimpleMeterRegistry());
        store.hook(holdFirstTransaction(Duration.ofMillis(400)));

        // when
        List<AppendRequest> requests = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            requests.add(request(AggregateId.of("r" + i + "-" + UUID.randomUUID()), ExpectedVersion.noStream(),
                    i == 6 ? NewEvent.of(new Happened("broken", i)) : event(i)));
        }
        List<Future<AppendResult>> futures = runTogether(requests.stream()
                .<Callable<AppendResult>>map(r -> () -> store.append(r)).collect(Collectors.toList()));

        // then: only the refused request failed, with the database's reason attached
        for (int i = 0; i < requests.size(); i++) {
            if (i == 6) {
                assertThat(failureOf(futures.get(i))).isInstanceOf(EventStoreException.class)
                        .hasMessageContaining("rolled back").hasMessageContaining(requests.get(i).aggregateId().value())
                        .matches(e -> !((EventStoreException) e).isTransient(), "is permanent");
                assertThat(store.currentVersion(requests.get(i).aggregateId())).isZero();
            } else {
                assertThat(futures.get(i).get().lastVersion()).as("request %d", i).isEqualTo(1);
            }
        }
        try (EventStream s = store.readAll(1, 100)) {
            assertThat(s.toList()).extracting(StoredEvent::position)
                    .containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L);
        }
    }

    @ParameterizedTest
    @EnumSource(value = TestDatabases.class, names = "H2")
    void a_caller_alone_does_not_wait_for_company(TestDatabases db) {
        // given: a generous wait bound, which applies only while other callers are about to queue
        service = db.service();
        table = TestDatabases.uniqueTable();
        store = db.builder(service, table).maxGroupWait(Duration.ofMillis(900)).build();
        store.createSchema();
        AggregateId id = AggregateId.of("alone-" + UUID.randomUUID());
        store.append(request(id, ExpectedVersion.noStream(), event(0))); // warm up

        // when
        long start = System.nanoTime();
        for (int i = 1; i <= 5; i++) {
            store.append(request(id, ExpectedVersion.exactly(i), event(i)));
        }
        long elapsedMs = (System.nanoTime() - start) / 1_000_000;

        // then: five appends in far less than one wait bound each
        assertThat(elapsedMs).isLessThan(900);
        assertThat(store.currentVersion(id)).isEqualTo(6);
    }

    @ParameterizedTest
    @EnumSource(value = TestDatabases.class, names = "H2")
    void batches_ride_in_a_group_as_one_all_or_nothing_unit(TestDatabases db) throws Exception {
        // given
        open(db, ContractEvents.serializer(), new SimpleMeterRegistry());
        AggregateId taken = AggregateId.of("taken-" + UUID.randomUUID());
        store.append(request(taken, ExpectedVersion.noStream(), event(0)));
        store.hook(holdFirstTransaction(Duration.ofMillis(400)));
        AggregateId a = AggregateId.of("a-" + UUID.randomUUID());
        AggregateId b = AggregateId.of("b-" + UUID.randomUUID());
        AggregateId c = AggregateId.of("c-" + UUID.randomUUID());

        // when: a good batch, a batch with one conflicting request, and single appends, all at once
        List<Callable<List<AppendResult>>> tasks = List.of(
                () -> store.appendBatch(List.of(request(a, ExpectedVersion.noStream(), event(1)),
                        request(b, ExpectedVersion.noStream(), event(2)))),
                () -> store.appendBatch(List.of(request(c, ExpectedVersion.noStream(), event(3)),
                        request(taken, ExpectedVersion.noStream(), event(4)))),
                () -> List.of(store.append(request(AggregateId.of("x-" + UUID.randomUUID()),
                        ExpectedVersion.noStream(), event(5)))),
                () -> List.of(store.append(request(AggregateId.of("y-" + UUID.randomUUID()),
                        ExpectedVersion.noStream(), event(6)))));
        List<Future<List<AppendResult>>> futures = runTogether(tasks);

        // then
        assertThat(futures.get(0).get()).extracting(AppendResult::aggregateId).containsExactly(a, b);
        assertThatThrownBy(() -> futures.get(1).get()).hasCauseInstanceOf(ConcurrencyConflictException.class);
        assertThat(store.currentVersion(c)).as("nothing of the failed batch is stored").isZero();
        assertThat(futures.get(2).get()).hasSize(1);
        assertThat(futures.get(3).get()).hasSize(1);
        try (EventStream s = store.readAll(1, 100)) {
            assertThat(s.toList()).extracting(StoredEvent::position).containsExactly(1L, 2L, 3L, 4L, 5L);
        }
    }
}
