package io.modularddd.examples.bank;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.modularddd.cqrs.SimpleQueryBus;
import io.modularddd.examples.bank.domain.BankCommands.Deposit;
import io.modularddd.examples.bank.domain.BankQueries.AccountSummary;
import io.modularddd.examples.bank.domain.BankQueries.BalanceOf;
import io.modularddd.examples.bank.domain.BankQueries.UserView;
import io.modularddd.examples.bank.domain.EmailAlreadyRegisteredException;
import io.modularddd.examples.bank.domain.UnknownAccountException;
import io.modularddd.examples.quickstart.InsufficientFundsException;
import io.modularddd.profiles.ModularDdd;
import io.modularddd.profiles.Profile;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The sample end to end on a running bank: commands, events, the directory read model, the cached balance with
 * read-your-writes, typed domain errors, and — under the queue strategy — a command through the durable queue.
 */
final class BankScenario {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private BankScenario() {
    }

    static void run(Bank bank) throws Exception {
        ModularDdd ddd = bank.toolkit().orElseThrow();
        MeterRegistry meters = ddd.meterRegistry();

        // commands -> events
        bank.registerUser("u-ada", "Ada@Example.com", "Ada");
        bank.registerUser("u-bob", "bob@example.com", "Bob");
        bank.openAccount("acc-ada", "u-ada");
        bank.openAccount("acc-bob", "u-bob");
        assertThat(bank.deposit("acc-ada", 10_000)).isEqualTo(10_000);

        // the cached query: a miss, then a hit
        double misses = lookups(meters, "miss");
        double hits = lookups(meters, "hit");
        assertThat(bank.balanceOf("acc-ada")).isEqualTo(10_000);
        assertThat(bank.balanceOf("acc-ada")).isEqualTo(10_000);
        assertThat(lookups(meters, "miss")).isEqualTo(misses + 1);
        assertThat(lookups(meters, "hit")).isEqualTo(hits + 1);

        // read your writes: the transfer's events invalidated both cached balances before it returned
        assertThat(bank.balanceOf("acc-bob")).isZero();
        assertThat(bank.transfer("acc-ada", "acc-bob", 2_500)).isEqualTo(7_500);
        assertThat(bank.balanceOf("acc-ada")).isEqualTo(7_500);
        assertThat(bank.balanceOf("acc-bob")).isEqualTo(2_500);

        // typed errors, nothing stored
        assertThatThrownBy(() -> bank.withdraw("acc-ada", 7_501)).isInstanceOf(InsufficientFundsException.class)
                .hasMessageContaining("holds 7500 cents");
        assertThatThrownBy(() -> bank.transfer("acc-bob", "acc-ada", 2_501))
                .isInstanceOf(InsufficientFundsException.class);
        assertThatThrownBy(() -> bank.registerUser("u-eve", "ada@example.COM", "Eve"))
                .isInstanceOf(EmailAlreadyRegisteredException.class);
        assertThatThrownBy(() -> bank.deposit("acc-404", 1)).isInstanceOf(UnknownAccountException.class);
        assertThat(bank.withdraw("acc-ada", 500)).isEqualTo(7_000);
        assertThat(bank.balanceOf("acc-ada")).isEqualTo(7_000);

        // the projection's read model (async under growth, scale and enterprise)
        assertThat(bank.awaitDirectory(WAIT)).as("the directory caught up").isTrue();
        assertThat(bank.accountsOf("u-ada")).containsExactly(new AccountSummary("acc-ada", "u-ada", 7_000));
        assertThat(bank.accountsOf("u-bob")).containsExactly(new AccountSummary("acc-bob", "u-bob", 2_500));
        assertThat(bank.userByEmail("ADA@example.com")).contains(new UserView("u-ada", "ada@example.com", "Ada"));

        if (ddd.profile().asyncStrategy() == Profile.AsyncMode.QUEUE) {
            // a command through the durable queue: stored, then run by a worker; seen through the cached query
            assertThat(ddd.commandQueue()).isPresent();
            assertThat(bank.commandBus().dispatchAsync(new Deposit("acc-bob", 100)).get(10, TimeUnit.SECONDS))
                    .as("a queued command's future completes with null once stored").isNull();
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (bank.balanceOf("acc-bob") != 2_600 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(bank.balanceOf("acc-bob")).as("the queued deposit ran and invalidated the balance")
                    .isEqualTo(2_600);
        }
    }

    private static double lookups(MeterRegistry meters, String result) {
        Counter c = meters.find(SimpleQueryBus.CACHE).tag("query", BalanceOf.class.getName()).tag("result", result)
                .counter();
        return c == null ? 0 : c.count();
    }
}
