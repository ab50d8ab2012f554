package io.modularddd.examples.docs.projections;

import static org.assertj.core.api.Assertions.assertThat;

import io.modularddd.examples.quickstart.AccountEvents;
import io.modularddd.examples.quickstart.AccountEvents.AccountOpened;
import io.modularddd.examples.quickstart.AccountEvents.MoneyDeposited;
import io.modularddd.examples.quickstart.AccountEvents.MoneyWithdrawn;
import io.modularddd.testkit.ProjectionTestFixture;
import org.junit.jupiter.api.Test;

/** docs/projections.md's test-fixture sample, run: the code between the tag markers is what the page shows. */
class BalancesProjectionTest {

    @Test
    void the_balance_is_deposits_minus_withdrawals() {
        // tag::fixture[]
        Balances balances = new Balances();
        ProjectionTestFixture.of(AccountEvents.registry(), balances.projection())
                .given("acc-1", new AccountOpened("Ada"), new MoneyDeposited(100))
                .given("acc-1", new MoneyWithdrawn(30))
                .whenProjected()
                .then(() -> assertThat(balances.of("acc-1")).isEqualTo(70));
        // end::fixture[]
    }
}
