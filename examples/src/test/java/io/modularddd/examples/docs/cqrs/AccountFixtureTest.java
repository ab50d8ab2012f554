package io.modularddd.examples.docs.cqrs;

import io.modularddd.core.AggregateId;
import io.modularddd.core.aggregate.AggregateRepository;
import io.modularddd.core.aggregate.EventSourcedRepository;
import io.modularddd.cqrs.SimpleCommandBus;
import io.modularddd.cqrs.UnitOfWork;
import io.modularddd.examples.docs.cqrs.Commands.Deposit;
import io.modularddd.examples.docs.cqrs.Commands.Withdraw;
import io.modularddd.examples.quickstart.Account;
import io.modularddd.examples.quickstart.AccountEvents;
import io.modularddd.examples.quickstart.AccountEvents.AccountOpened;
import io.modularddd.examples.quickstart.AccountEvents.MoneyDeposited;
import io.modularddd.examples.quickstart.InsufficientFundsException;
import io.modularddd.testkit.AggregateFixture;
import org.junit.jupiter.api.Test;

/** docs/cqrs.md's aggregate-fixture sample, run: the code between the tag markers is what the page shows. */
class AccountFixtureTest {

    @Test
    void a_deposit_stores_its_event_and_an_overdraft_stores_nothing() {
        // tag::fixture[]
        AggregateFixture fixture = AggregateFixture.withBus(AccountEvents.registry(), "Account", store -> {
            UnitOfWork unitOfWork = UnitOfWork.on(store);
            AggregateRepository<Account> accounts = unitOfWork.repository("Account",
                    EventSourcedRepository.create(store, "Account", Account::new));
            SimpleCommandBus bus = SimpleCommandBus.builder().middleware(unitOfWork).build();
            bus.register(Deposit.class, new DepositHandler(accounts));
            bus.register(Withdraw.class, command -> {
                Account account = accounts.load(AggregateId.of(command.accountId()));
                account.withdraw(command.cents());              // more than the balance: InsufficientFundsException
                accounts.save(account);
                return account.balanceCents();
            });
            return bus;
        }).aggregateId("acc-1");

        fixture.given(new AccountOpened("Ada"))
               .when(new Deposit("acc-1", 100))
               .expectEvents(new MoneyDeposited(100))
               .expectResult(100L);
        fixture.given(new AccountOpened("Ada"))
               .when(new Withdraw("acc-1", 100))
               .expectException(InsufficientFundsException.class);   // and nothing was stored
        // end::fixture[]
    }
}
