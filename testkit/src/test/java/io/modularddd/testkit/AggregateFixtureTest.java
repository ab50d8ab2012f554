package io.modularddd.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modularddd.core.AggregateId;
import io.modularddd.core.UnknownEventTypeException;
import io.modularddd.core.aggregate.AggregateRepository;
import io.modularddd.core.aggregate.AggregateRoot;
import io.modularddd.core.aggregate.EventHandlers;
import io.modularddd.core.aggregate.EventSourcedRepository;
import io.modularddd.core.command.Command;
import io.modularddd.core.command.CommandHandler;
import io.modularddd.core.serialization.EventTypeRegistry;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The aggregate fixture, with a plain handler (no bus): it passes what is right and fails what is wrong. */
class AggregateFixtureTest {

    record Opened(String owner) {
    }

    record Deposited(long cents) {
    }

    record NotRegistered(long cents) {
    }

    record Deposit(String accountId, long cents) implements Command<Long> {
    }

    static final class Insufficient extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Insufficient(String message) {
            super(message);
        }
    }

    static final EventTypeRegistry TYPES = EventTypeRegistry.builder()
            .register("fixture.opened.v1", Opened.class)
            .register("fixture.deposited.v1", Deposited.class)
            .build();

    static final class Account extends AggregateRoot<Account> {
        private static final EventHandlers<Account> HANDLERS = EventHandlers.<Account>builder()
                .on(Opened.class, (a, e) -> a.open = true)
                .on(Deposited.class, (a, e) -> a.balance += e.cents())
                .on(NotRegistered.class, (a, e) -> a.balance += e.cents())
                .build();
        boolean open;
        long balance;

        Account(AggregateId id) {
            super(id, HANDLERS);
        }

        void deposit(long cents) {
            if (!open) {
                throw new Insufficient("account " + id().value() + " is not open");
            }
            raise(cents == 13 ? new NotRegistered(cents) : new Deposited(cents));
        }
    }

    /** The handler under test: deposits, saves, answers the balance; 7 saves and then throws, 99 throws a checked one. */
    static CommandHandler<Deposit, Long> handler(AggregateRepository<Account> accounts) {
        return command -> {
            Account account = accounts.find(AggregateId.of(command.accountId()))
                    .orElseGet(() -> new Account(AggregateId.of(command.accountId())));
            if (command.cents() == 99) {
                throw new IOException("the checked kind");
            }
            account.deposit(command.cents());
            accounts.save(account);
            if (command.cents() == 7) {
                throw new IllegalStateException("saved, then failed");
            }
            return account.balance;
        };
    }

    final AtomicInteger wirings = new AtomicInteger();
    final AggregateFixture fixture = AggregateFixture.withHandler(TYPES, "Account", Deposit.class, store -> {
        wirings.incrementAndGet();
        return handler(EventSourcedRepository.create(store, "Account", Account::new));
    }).aggregateId("acc-1");

    @Test
    void a_scenario_runs_the_real_handler_against_the_given_history() {
        // given // when // then
        fixture.given(new Opened("Ada"), new Deposited(10))
                .when(new Deposit("acc-1", 5))
                .expectEvents(new Deposited(5))
                .expectResult(15L);
    }

    @Test
    void each_scenario_starts_from_an_empty_store_with_a_fresh_wiring() {
        fixture.given(new Opened("Ada")).when(new Deposit("acc-1", 5)).expectResult(5L);
        fixture.given(new Opened("Ada")).when(new Deposit("acc-1", 5)).expectResult(5L);

        assertThat(wirings).hasValue(2);
    }

    @Test
    void other_streams_can_be_given_too() {
        AggregateId other = AggregateId.of("acc-2");
        AggregateFixture.Given given = fixture.given(new Opened("Ada")).and(other, new Opened("Bob"));

        given.when(new Deposit("acc-2", 3)).expectEvents(new Deposited(3));
        assertThat(given.store().currentVersion(other)).isEqualTo(2);
    }

    @Test
    void the_expected_exception_is_returned_for_more_checks() {
        Insufficient e = fixture.given().when(new Deposit("acc-1", 5)).expectException(Insufficient.class);

        assertThat(e).hasMessageContaining("not open");
    }

    @Test
    void a_checked_exception_from_the_handler_matches_its_own_type() {
        fixture.given(new Opened("Ada")).when(new Deposit("acc-1", 99)).expectException(IOException.class);
    }

    @Test
    void given_events_of_an_unregistered_type_are_refused_like_a_real_store_would() {
        assertThatThrownBy(() -> fixture.given(new NotRegistered(1))).isInstanceOf(UnknownEventTypeException.class);
    }

    @Test
    void a_handler_raising_an_unregistered_event_fails_the_scenario() {
        fixture.given(new Opened("Ada")).when(new Deposit("acc-1", 13)).expectException(UnknownEventTypeException.class);
    }

    @Nested
    class It_fails_a_test_when {

        @Test
        void other_events_were_stored() {
            assertThatThrownBy(() -> fixture.given(new Opened("Ada")).when(new Deposit("acc-1", 5))
                    .expectEvents(new Deposited(6)))
                    .isInstanceOf(AssertionError.class).hasMessageContaining("Deposited[cents=6]")
                    .hasMessageContaining("Deposited[cents=5]");
        }

        @Test
        void more_events_were_stored_than_expected() {
            assertThatThrownBy(() -> fixture.given(new Opened("Ada")).when(new Deposit("acc-1", 5)).expectNoEvents())
                    .isInstanceOf(AssertionError.class);
        }

        @Test
        void the_command_failed_but_events_were_expected() {
            assertThatThrownBy(() -> fixture.given().when(new Deposit("acc-1", 5)).expectEvents(new Deposited(5)))
                    .isInstanceOf(AssertionError.class).hasMessageContaining("to succeed but it failed")
                    .hasCauseInstanceOf(Insufficient.class);
        }

        @Test
        void the_command_succeeded_but_an_exception_was_expected() {
            assertThatThrownBy(() -> fixture.given(new Opened("Ada")).when(new Deposit("acc-1", 5))
                    .expectException(Insufficient.class))
                    .isInstanceOf(AssertionError.class).hasMessageContaining("but it succeeded");
        }

        @Test
        void the_command_failed_with_another_exception() {
            assertThatThrownBy(() -> fixture.given(new Opened("Ada")).when(new Deposit("acc-1", 99))
                    .expectException(Insufficient.class))
                    .isInstanceOf(AssertionError.class).hasMessageContaining("IOException");
        }

        @Test
        void the_command_failed_after_storing_events() {
            // a handler without a unit of work saved, then threw: the fixture shows the half-applied command
            assertThatThrownBy(() -> fixture.given(new Opened("Ada")).when(new Deposit("acc-1", 7))
                    .expectException(IllegalStateException.class))
                    .isInstanceOf(AssertionError.class).hasMessageContaining("Deposited[cents=7]");
        }

        @Test
        void the_result_differs() {
            assertThatThrownBy(() -> fixture.given(new Opened("Ada")).when(new Deposit("acc-1", 5)).expectResult(6L))
                    .isInstanceOf(AssertionError.class);
        }

        @Test
        void the_command_is_not_the_handlers_type() {
            assertThatThrownBy(() -> fixture.given().when("not a deposit"))
                    .isInstanceOf(AssertionError.class).hasMessageContaining("takes " + Deposit.class.getName());
        }
    }
}
