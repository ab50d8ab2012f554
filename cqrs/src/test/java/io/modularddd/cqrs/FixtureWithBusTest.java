package io.modularddd.cqrs;

import io.modularddd.core.AggregateId;
import io.modularddd.core.aggregate.AggregateRepository;
import io.modularddd.cqrs.Bank.Account;
import io.modularddd.cqrs.Bank.Deposit;
import io.modularddd.cqrs.Bank.Deposited;
import io.modularddd.cqrs.Bank.InsufficientFunds;
import io.modularddd.cqrs.Bank.Opened;
import io.modularddd.cqrs.Bank.Transfer;
import io.modularddd.cqrs.Bank.Withdrawn;
import io.modularddd.testkit.AggregateFixture;
import org.junit.jupiter.api.Test;

/** The testkit's aggregate fixture driving a real SimpleCommandBus with a unit of work, as an application would. */
class FixtureWithBusTest {

    final AggregateFixture fixture = AggregateFixture.withBus(Bank.TYPES, "Account", store -> {
        UnitOfWork unitOfWork = UnitOfWork.on(store);
        AggregateRepository<Account> accounts = unitOfWork.repository("Account", Bank.accounts(store));
        SimpleCommandBus bus = SimpleCommandBus.builder().middleware(unitOfWork).build();
        bus.register(Deposit.class, c -> {
            Account a = accounts.load(AggregateId.of(c.accountId()));
            a.deposit(c.cents());
            accounts.save(a);
            return a.balance;
        });
        bus.register(Transfer.class, c -> {
            Account from = accounts.load(AggregateId.of(c.from()));
            Account to = accounts.load(AggregateId.of(c.to()));
            to.deposit(c.cents());     // saved first: the unit of work must drop it when the withdrawal fails
            accounts.save(to);
            from.withdraw(c.cents());
            accounts.save(from);
            return null;
        });
        return bus;
    }).aggregateId("a");

    @Test
    void a_deposit_stores_its_event_and_answers_the_balance() {
        fixture.given(new Opened("Ada"), new Deposited(10))
                .when(new Deposit("a", 5))
                .expectEvents(new Deposited(5))
                .expectResult(15L);
    }

    @Test
    void a_transfer_stores_both_sides_in_the_order_the_unit_first_met_them() {
        fixture.given(new Opened("Ada"), new Deposited(100)).and(AggregateId.of("b"), new Opened("Bob"))
                .when(new Transfer("a", "b", 30))
                .expectEvents(new Withdrawn(30), new Deposited(30)); // "a" was loaded first
    }

    @Test
    void a_failed_transfer_stores_nothing_of_either_side() {
        fixture.given(new Opened("Ada")).and(AggregateId.of("b"), new Opened("Bob"))
                .when(new Transfer("a", "b", 30))
                .expectException(InsufficientFunds.class);
    }
}
