package io.modularddd.examples.bank.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modularddd.core.AggregateId;
import io.modularddd.core.aggregate.EventSourcedRepository;
import io.modularddd.cqrs.SimpleCommandBus;
import io.modularddd.cqrs.UnitOfWork;
import io.modularddd.examples.bank.domain.BankCommands.Deposit;
import io.modularddd.examples.bank.domain.BankCommands.OpenAccount;
import io.modularddd.examples.bank.domain.BankCommands.RegisterUser;
import io.modularddd.examples.bank.domain.BankCommands.Transfer;
import io.modularddd.examples.bank.domain.BankCommands.Withdraw;
import io.modularddd.examples.bank.domain.BankEvents.EmailClaimed;
import io.modularddd.examples.bank.domain.BankEvents.UserRegistered;
import io.modularddd.examples.quickstart.Account;
import io.modularddd.examples.quickstart.AccountEvents.AccountOpened;
import io.modularddd.examples.quickstart.AccountEvents.MoneyDeposited;
import io.modularddd.examples.quickstart.AccountEvents.MoneyWithdrawn;
import io.modularddd.examples.quickstart.InsufficientFundsException;
import io.modularddd.testkit.AggregateFixture;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The bank's command handlers, through a bus with a unit of work: given events, when a command, then events. */
class BankHandlersTest {

    private static final AggregateId ACC_1 = AggregateId.of("acc-1");
    private static final AggregateId ACC_2 = AggregateId.of("acc-2");
    private static final AggregateId U_1 = AggregateId.of("u-1");

    private final AggregateFixture bank = AggregateFixture.withBus(BankEvents.registry(), "Account", store -> {
        UnitOfWork unitOfWork = UnitOfWork.on(store);
        SimpleCommandBus bus = SimpleCommandBus.builder().middleware(unitOfWork).build();
        new BankHandlers(
                unitOfWork.repository("Account", EventSourcedRepository.create(store, "Account", Account::new)),
                unitOfWork.repository(User.TYPE, EventSourcedRepository.create(store, User.TYPE, User::new)),
                unitOfWork.repository(EmailClaim.TYPE,
                        EventSourcedRepository.create(store, EmailClaim.TYPE, EmailClaim::new)))
                .registerOn(bus);
        return bus;
    }).aggregateId("acc-1");

    @Nested
    class Users {

        @Test
        void registering_claims_the_normalized_email_and_records_the_user() {
            bank.given()
                    .when(new RegisterUser("u-1", "  Ada@Example.COM ", "Ada"))
                    .expectEvents(new EmailClaimed("u-1"), new UserRegistered("ada@example.com", "Ada"))
                    .expectResult(null);
        }

        @Test
        void an_email_another_user_holds_is_refused_and_nothing_is_stored() {
            EmailAlreadyRegisteredException e = bank.given(EmailClaim.idOf("ada@example.com"), new EmailClaimed("u-1"))
                    .and(U_1, new UserRegistered("ada@example.com", "Ada"))
                    .when(new RegisterUser("u-2", "ADA@example.com", "Another Ada"))
                    .expectException(EmailAlreadyRegisteredException.class);
            assertThat(e.email()).isEqualTo("ada@example.com");
            assertThat(e.getMessage()).contains("ada@example.com").contains("another address");
        }

        @Test
        void an_account_is_opened_for_a_registered_user() {
            bank.given(U_1, new UserRegistered("ada@example.com", "Ada"))
                    .when(new OpenAccount("acc-1", "u-1"))
                    .expectEvents(new AccountOpened("u-1"));
        }

        @Test
        void an_account_for_an_unknown_user_is_refused() {
            UnknownUserException e = bank.given()
                    .when(new OpenAccount("acc-1", "u-404"))
                    .expectException(UnknownUserException.class);
            assertThat(e.userId()).isEqualTo("u-404");
        }
    }

    @Nested
    class Money {

        @Test
        void a_deposit_returns_the_new_balance() {
            bank.given(new AccountOpened("u-1"), new MoneyDeposited(1_000))
                    .when(new Deposit("acc-1", 250))
                    .expectEvents(new MoneyDeposited(250))
                    .expectResult(1_250L);
        }

        @Test
        void a_withdrawal_within_the_balance_is_stored() {
            bank.given(new AccountOpened("u-1"), new MoneyDeposited(1_000))
                    .when(new Withdraw("acc-1", 1_000))
                    .expectEvents(new MoneyWithdrawn(1_000))
                    .expectResult(0L);
        }

        @Test
        void a_withdrawal_beyond_the_balance_is_insufficient_funds_and_stores_nothing() {
            InsufficientFundsException e = bank.given(new AccountOpened("u-1"), new MoneyDeposited(1_000),
                            new MoneyWithdrawn(300))
                    .when(new Withdraw("acc-1", 701))
                    .expectException(InsufficientFundsException.class);
            assertThat(e.accountId()).isEqualTo(ACC_1);
            assertThat(e.balanceCents()).isEqualTo(700);
            assertThat(e.requestedCents()).isEqualTo(701);
            assertThat(e.getMessage()).isEqualTo(
                    "account acc-1 holds 700 cents, cannot withdraw 701; withdraw at most the balance or deposit first");
        }

        @Test
        void money_for_an_account_never_opened_is_refused() {
            UnknownAccountException e = bank.given()
                    .when(new Deposit("acc-404", 5))
                    .expectException(UnknownAccountException.class);
            assertThat(e.accountId()).isEqualTo("acc-404");
        }

        @Test
        void a_transfer_withdraws_and_deposits_in_one_append() {
            bank.given(new AccountOpened("u-1"), new MoneyDeposited(500))
                    .and(ACC_2, new AccountOpened("u-2"))
                    .when(new Transfer("acc-1", "acc-2", 200))
                    .expectEvents(new MoneyWithdrawn(200), new MoneyDeposited(200))
                    .expectResult(300L);
        }

        @Test
        void a_transfer_beyond_the_balance_moves_nothing() {
            bank.given(new AccountOpened("u-1"), new MoneyDeposited(500))
                    .and(ACC_2, new AccountOpened("u-2"))
                    .when(new Transfer("acc-1", "acc-2", 501))
                    .expectException(InsufficientFundsException.class);
        }

        @Test
        void a_transfer_to_an_account_never_opened_moves_nothing() {
            bank.given(new AccountOpened("u-1"), new MoneyDeposited(500))
                    .when(new Transfer("acc-1", "acc-404", 100))
                    .expectException(UnknownAccountException.class);
        }
    }

    @Nested
    class Commands {

        @Test
        void bad_fields_are_refused_naming_the_field() {
            assertThatThrownBy(() -> new Deposit("acc-1", 0)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("amountCents must be positive but was 0");
            assertThatThrownBy(() -> new Withdraw(" ", 5)).hasMessage("accountId is required but was blank");
            assertThatThrownBy(() -> new Transfer("acc-1", "acc-1", 5)).hasMessageContaining("two accounts");
            assertThatThrownBy(() -> new RegisterUser("u-1", "not-an-email", "Ada"))
                    .hasMessageContaining("email must look like name@domain").hasMessageContaining("not-an-email");
            assertThatThrownBy(() -> new RegisterUser("u-1", "a@b@c", "Ada")).hasMessageContaining("email");
            assertThatThrownBy(() -> new RegisterUser("u-1", "a@" + "b".repeat(100), "Ada"))
                    .hasMessageContaining("at most 100");
            assertThatThrownBy(() -> new OpenAccount("acc-1", null)).hasMessage("userId is required but was null");
        }
    }
}
