package io.modularddd.core.aggregate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modularddd.core.AggregateId;
import io.modularddd.core.AggregateNotFoundException;
import io.modularddd.core.AppendOutcomeUnknownException;
import io.modularddd.core.AppendRequest;
import io.modularddd.core.AppendResult;
import io.modularddd.core.ConcurrencyConflictException;
import io.modularddd.core.EventMetadata;
import io.modularddd.core.EventStore;
import io.modularddd.core.EventStream;
import io.modularddd.core.ForwardingEventStore;
import io.modularddd.core.InMemoryEventStore;
import io.modularddd.core.NewEvent;
import io.modularddd.core.StoredEvent;
import io.modularddd.core.serialization.EventTypeRegistry;
import io.modularddd.core.serialization.JacksonEventSerializer;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class EventSourcedRepositoryTest {

    record Opened(String owner) {
    }

    record Deposited(long amount) {
    }

    record Unhandled(String x) {
    }

    record State(String owner, long balance) {
    }

    static final class Wallet extends AggregateRoot<Wallet> implements Snapshotable<State> {
        private static final EventHandlers<Wallet> HANDLERS = EventHandlers.<Wallet>builder()
                .on(Opened.class, (w, e) -> w.owner = e.owner())
                .on(Deposited.class, (w, e) -> w.balance += e.amount())
                .build();
        String owner;
        long balance;

        Wallet(AggregateId id) {
            super(id, HANDLERS);
        }

        void open(String who) {
            raise(new Opened(who));
        }

        void deposit(long amount) {
            raise(new Deposited(amount));
        }

        void raiseUnhandled() {
            raise(new Unhandled("x"));
        }

        void raiseForTest(Object event) {
            raise(event);
        }

        @Override
        public State snapshot() {
            return new State(owner, balance);
        }

        @Override
        public void restore(State s) {
            owner = s.owner();
            balance = s.balance();
        }
    }

    static final EventTypeRegistry TYPES = EventTypeRegistry.builder()
            .register("wallet.opened.v1", Opened.class)
            .register("wallet.deposited.v1", Deposited.class)
            .register("wallet.unhandled.v1", Unhandled.class)
            .build();

    EventStore store;
    AggregateRepository<Wallet> wallets;
    AggregateId id = AggregateId.of("wallet-1");

    @BeforeEach
    void setUp() {
        store = InMemoryEventStore.create(JacksonEventSerializer.json(TYPES));
        wallets = EventSourcedRepository.create(store, "Wallet", Wallet::new);
    }

    @Nested
    class Raising {

        @Test
        void raise_applies_the_event_and_records_it() {
            // given
            Wallet w = new Wallet(id);
            // when
            w.open("ada");
            w.deposit(5);
            // then
            assertThat(w.owner).isEqualTo("ada");
            assertThat(w.balance).isEqualTo(5);
            assertThat(w.version()).isEqualTo(2);
            assertThat(w.persistedVersion()).isZero();
            assertThat(w.uncommittedEvents()).extracting(NewEvent::payload)
                    .containsExactly(new Opened("ada"), new Deposited(5));
        }

        @Test
        void an_event_without_a_handler_is_refused_before_it_is_recorded() {
            Wallet w = new Wallet(id);
            assertThatThrownBy(w::raiseUnhandled).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("no handler for").hasMessageContaining("Unhandled");
            assertThat(w.uncommittedEvents()).isEmpty();
            assertThat(w.version()).isZero();
        }

        @Test
        void the_clock_stamps_raised_events() {
            Wallet w = new Wallet(id);
            Instant t = Instant.parse("2030-01-02T03:04:05.678901Z");
            w.useClock(Clock.fixed(t, ZoneOffset.UTC));
            w.open("ada");
            assertThat(w.uncommittedEvents().get(0).occurredAt()).isEqualTo(t);
        }

        @Test
        void handler_tables_refuse_a_second_handler_for_one_class() {
            assertThatThrownBy(() -> EventHandlers.<Wallet>builder().on(Opened.class, (w, e) -> { })
                    .on(Opened.class, (w, e) -> { })).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Nested
    class SavingAndLoading {

        @Test
        void a_saved_aggregate_loads_back_with_the_same_state() {
            // given
            Wallet w = new Wallet(id);
            w.open("ada");
            w.deposit(7);
            // when
            Optional<AppendResult> result = wallets.save(w);
            Wallet loaded = wallets.load(id);
            // then
            assertThat(result).hasValueSatisfying(r -> assertThat(r.lastVersion()).isEqualTo(2));
            assertThat(w.uncommittedEvents()).isEmpty();
            assertThat(w.persistedVersion()).isEqualTo(2);
            assertThat(loaded.owner).isEqualTo("ada");
            assertThat(loaded.balance).isEqualTo(7);
            assertThat(loaded.version()).isEqualTo(2);
            assertThat(loaded.persistedVersion()).isEqualTo(2);
        }

        @Test
        void saving_nothing_appends_nothing() {
            Wallet w = new Wallet(id);
            assertThat(wallets.save(w)).isEmpty();
            assertThat(store.currentVersion(id)).isZero();
        }

        @Test
        void a_missing_aggregate_is_absent_or_an_error() {
            assertThat(wallets.find(id)).isEmpty();
            assertThatThrownBy(() -> wallets.load(id)).isInstanceOfSatisfying(AggregateNotFoundException.class, e -> {
                assertThat(e.aggregateId()).isEqualTo(id);
                assertThat(e.aggregateType()).isEqualTo("Wallet");
            }).hasMessageContaining("wallet-1");
        }

        @Test
        void two_commands_racing_on_one_aggregate_cannot_both_win() {
            Wallet created = new Wallet(id);
            created.open("ada");
            wallets.save(created);
            Wallet a = wallets.load(id);
            Wallet b = wallets.load(id);
            a.deposit(1);
            b.deposit(2);
            wallets.save(a);
            assertThatThrownBy(() -> wallets.save(b)).isInstanceOf(ConcurrencyConflictException.class);
            assertThat(wallets.load(id).balance).isEqualTo(1);
            assertThat(b.uncommittedEvents()).hasSize(1);
        }

        @Test
        void metadata_is_merged_into_every_saved_event() {
            Wallet w = new Wallet(id);
            w.open("ada");
            w.deposit(1);
            wallets.save(w, EventMetadata.empty().withCorrelationId("req-9"));
            try (EventStream events = store.load(id)) {
                assertThat(events.toList()).extracting(StoredEvent::metadata)
                        .allSatisfy(m -> assertThat(m.correlationId()).contains("req-9"));
            }
        }

        @Test
        void retrying_a_save_after_an_unknown_outcome_stores_the_events_once() {
            // given: a store whose first append commits but reports an unknown outcome
            EventStore flaky = new FlakyStore(store);
            AggregateRepository<Wallet> repo = EventSourcedRepository.create(flaky, "Wallet", Wallet::new);
            Wallet w = new Wallet(id);
            w.open("ada");
            // when
            assertThatThrownBy(() -> repo.save(w)).isInstanceOf(AppendOutcomeUnknownException.class);
            Optional<AppendResult> retried = repo.save(w);
            // then
            assertThat(retried).hasValueSatisfying(r -> assertThat(r.lastVersion()).isEqualTo(1));
            assertThat(store.currentVersion(id)).isEqualTo(1);
        }

        @Test
        void replaying_an_event_out_of_order_is_refused() {
            Wallet created = new Wallet(id);
            created.open("ada");
            created.deposit(1);
            wallets.save(created);
            List<StoredEvent> events;
            try (EventStream s = store.load(id)) {
                events = s.toList();
            }
            Wallet fresh = new Wallet(id);
            assertThatThrownBy(() -> AggregateAccess.replay(fresh, events.get(1))).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("does not follow");
        }

        @Test
        void a_snapshot_restores_state_and_version() {
            Wallet w = new Wallet(id);
            AggregateAccess.restoreSnapshot(w, new State("ada", 40), 12);
            assertThat(w.balance).isEqualTo(40);
            assertThat(w.version()).isEqualTo(12);
            assertThat(w.persistedVersion()).isEqualTo(12);
            w.deposit(2);
            assertThat(w.version()).isEqualTo(13);
            assertThatThrownBy(() -> AggregateAccess.restoreSnapshot(w, new State("x", 1), 3)).isInstanceOf(IllegalStateException.class);
        }
    }

    @Nested
    class Surface {

        @Test
        void an_aggregate_offers_domain_code_no_repository_steps() {
            // the repository's steps are reached through AggregateAccess, not on the aggregate itself
            assertThat(java.util.Arrays.stream(AggregateRoot.class.getMethods())
                    .filter(m -> m.getDeclaringClass() == AggregateRoot.class)
                    .map(java.lang.reflect.Method::getName))
                    .containsExactlyInAnyOrder("id", "version", "persistedVersion", "uncommittedEvents", "useClock");
        }

        @Test
        void null_arguments_are_invalid_input_naming_the_argument_never_a_bare_npe() {
            Wallet w = new Wallet(id);
            assertThatThrownBy(() -> w.raiseForTest(null)).isInstanceOf(io.modularddd.core.InvalidInputException.class)
                    .hasMessageContaining("event");
            assertThatThrownBy(() -> w.useClock(null)).isInstanceOf(io.modularddd.core.InvalidInputException.class)
                    .hasMessageContaining("clock");
            assertThatThrownBy(() -> EventSourcedRepository.create(null, "Wallet", Wallet::new))
                    .isInstanceOf(io.modularddd.core.InvalidInputException.class).hasMessageContaining("store");
            assertThatThrownBy(() -> EventSourcedRepository.<Wallet>create(store, "Wallet", null))
                    .isInstanceOf(io.modularddd.core.InvalidInputException.class).hasMessageContaining("factory");
            assertThatThrownBy(() -> JacksonEventSerializer.json(TYPES).serialize(null))
                    .isInstanceOf(io.modularddd.core.InvalidInputException.class).hasMessageContaining("payload");
        }

        @Test
        void the_access_object_checks_its_arguments() {
            Wallet w = new Wallet(id);
            assertThatThrownBy(() -> AggregateAccess.replay(w, null))
                    .isInstanceOf(io.modularddd.core.InvalidInputException.class).hasMessageContaining("event");
            assertThatThrownBy(() -> AggregateAccess.markPersisted(null, null))
                    .isInstanceOf(io.modularddd.core.InvalidInputException.class).hasMessageContaining("aggregate");
        }
    }

    @Nested
    class Lifecycle {

        @Test
        void a_stream_deleted_and_started_again_loads_as_its_new_life() {
            // given: a wallet saved, its stream deleted, then a new wallet under the same id
            Wallet old = new Wallet(id);
            old.open("ada");
            old.deposit(5);
            wallets.save(old);
            store.delete(id, io.modularddd.core.ExpectedVersion.exactly(2));
            assertThat(wallets.find(id)).isEmpty();
            Wallet fresh = new Wallet(id);
            fresh.open("bob");
            wallets.save(fresh);
            assertThat(fresh.version()).isEqualTo(3);

            // when
            Wallet loaded = wallets.load(id);

            // then: only the new life, at the versions the store gave it
            assertThat(loaded.owner).isEqualTo("bob");
            assertThat(loaded.balance).isZero();
            assertThat(loaded.version()).isEqualTo(3);
            loaded.deposit(7);
            wallets.save(loaded);
            assertThat(store.currentVersion(id)).isEqualTo(4);
        }

        @Test
        void a_truncated_stream_cannot_be_rebuilt_by_replay_alone() {
            Wallet w = new Wallet(id);
            w.open("ada");
            w.deposit(1);
            w.deposit(2);
            wallets.save(w);
            store.truncateBefore(id, 2);
            assertThatThrownBy(() -> wallets.load(id)).isInstanceOfSatisfying(
                    io.modularddd.core.StreamTruncatedException.class, e -> assertThat(e.truncatedBefore()).isEqualTo(2));
        }

        @Test
        void an_erased_stream_cannot_be_rebuilt() {
            Wallet w = new Wallet(id);
            w.open("ada");
            wallets.save(w);
            store.erase(id);
            assertThatThrownBy(() -> wallets.load(id)).isInstanceOf(io.modularddd.core.StreamErasedException.class)
                    .hasMessageContaining(id.value());
        }
    }

    /** Appends for real, then claims the connection died on the first call. */
    static final class FlakyStore extends ForwardingEventStore {
        private boolean failed;

        FlakyStore(EventStore delegate) {
            super(delegate);
        }

        @Override
        public AppendResult append(AppendRequest request) {
            AppendResult result = super.append(request);
            if (!failed) {
                failed = true;
                throw new AppendOutcomeUnknownException(request.aggregateId(),
                        request.events().stream().map(NewEvent::eventId).toList(), new RuntimeException("lost"));
            }
            return result;
        }
    }
}
