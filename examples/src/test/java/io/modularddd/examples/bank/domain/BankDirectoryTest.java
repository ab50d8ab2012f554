package io.modularddd.examples.bank.domain;

import static org.assertj.core.api.Assertions.assertThat;

import io.modularddd.examples.bank.domain.BankEvents.EmailClaimed;
import io.modularddd.examples.bank.domain.BankEvents.UserRegistered;
import io.modularddd.examples.bank.domain.BankQueries.AccountSummary;
import io.modularddd.examples.bank.domain.BankQueries.UserView;
import io.modularddd.examples.quickstart.AccountEvents.AccountOpened;
import io.modularddd.examples.quickstart.AccountEvents.MoneyDeposited;
import io.modularddd.examples.quickstart.AccountEvents.MoneyWithdrawn;
import io.modularddd.core.projection.CheckpointTransaction;
import io.modularddd.core.projection.Projection;
import io.modularddd.testkit.ProjectionTestFixture;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The directory read model, fed by its projection as the engine would feed it. */
class BankDirectoryTest {

    private final BankDirectory directory = new BankDirectory();

    private ProjectionTestFixture history() {
        return ProjectionTestFixture.of(BankEvents.registry(), directory.projection())
                .given("email:ada@example.com", new EmailClaimed("u-1"))
                .given("u-1", new UserRegistered("ada@example.com", "Ada"))
                .given("acc-2", new AccountOpened("u-1"), new MoneyDeposited(300))
                .given("acc-1", new AccountOpened("u-1"), new MoneyDeposited(1_000))
                .given("acc-9", new AccountOpened("u-9"))
                .given("acc-1", new MoneyWithdrawn(250));
    }

    @Test
    void a_user_s_accounts_carry_their_balances_ordered_by_id() {
        history().whenProjected().then(() -> {
            assertThat(directory.accountsOf("u-1")).containsExactly(
                    new AccountSummary("acc-1", "u-1", 750), new AccountSummary("acc-2", "u-1", 300));
            assertThat(directory.accountsOf("u-9")).containsExactly(new AccountSummary("acc-9", "u-9", 0));
            assertThat(directory.accountsOf("u-404")).isEmpty();
            assertThat(directory.accountCount()).isEqualTo(3);
        });
    }

    @Test
    void users_are_found_by_their_email() {
        history().whenProjected().then(() -> {
            assertThat(directory.userByEmail("ada@example.com")).contains(new UserView("u-1", "ada@example.com", "Ada"));
            assertThat(directory.userByEmail("bob@example.com")).isEmpty();
        });
    }

    @Test
    void the_projection_skips_the_email_claims_and_goes_on_from_its_checkpoint() {
        ProjectionTestFixture fixture = history().whenProjected();
        assertThat(fixture.handledEvents()).noneMatch(e -> e.payload() instanceof EmailClaimed);
        fixture.given("acc-2", new MoneyDeposited(5)).whenProjected()
                .then(() -> assertThat(directory.account("acc-2")).map(AccountSummary::balanceCents).contains(305L));
    }

    @Test
    void events_handed_over_again_change_nothing() throws Exception {
        // given: the model has applied the whole log once
        ProjectionTestFixture fixture = history().whenProjected();
        List<AccountSummary> once = directory.accountsOf("u-1");
        // when: the same events arrive again, as after a crash before the checkpoint committed
        Projection projection = directory.projection();
        projection.handle(fixture.handledEvents(), CheckpointTransaction.NONE);
        // then
        assertThat(directory.accountsOf("u-1")).isEqualTo(once);
        assertThat(directory.userByEmail("ada@example.com")).isPresent();
    }

    @Test
    void a_rebuild_clears_the_model_and_projects_it_again() {
        history().whenProjected().rebuild().then(() -> {
            assertThat(directory.accountsOf("u-1")).extracting(AccountSummary::balanceCents).containsExactly(750L, 300L);
            assertThat(directory.userByEmail("ada@example.com")).map(UserView::userId).isEqualTo(Optional.of("u-1"));
        });
    }
}
