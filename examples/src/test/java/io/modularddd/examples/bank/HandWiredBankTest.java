package io.modularddd.examples.bank;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.modularddd.core.InMemoryEventStore;
import io.modularddd.core.serialization.JacksonEventSerializer;
import io.modularddd.cqrs.SimpleQueryBus;
import io.modularddd.examples.bank.domain.BankEvents;
import io.modularddd.examples.bank.domain.BankQueries.AccountSummary;
import io.modularddd.examples.bank.domain.BankQueries.BalanceOf;
import io.modularddd.examples.bank.domain.EmailAlreadyRegisteredException;
import io.modularddd.examples.bank.domain.UnknownAccountException;
import io.modularddd.examples.quickstart.InsufficientFundsException;
import io.modularddd.examples.bank.domain.UnknownUserException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The bank wired by hand in memory, without the bootstrap: commands, the read model, the cached balance. */
class HandWiredBankTest {

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final Bank bank = HandWiredBank.on(InMemoryEventStore.create(JacksonEventSerializer.json(
            BankEvents.registry())), Duration.ofMinutes(5), meters);

    @AfterEach
    void close() {
        bank.close();
    }

    private double balanceLookups(String result) {
        Counter c = meters.find(SimpleQueryBus.CACHE).tag("query", BalanceOf.class.getName()).tag("result", result)
                .counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void commands_reach_the_read_model_and_the_cached_balance_reads_each_write() {
        // given
        bank.registerUser("u-1", "ada@example.com", "Ada");
        bank.openAccount("acc-1", "u-1");
        bank.openAccount("acc-2", "u-1");
        // when
        assertThat(bank.deposit("acc-1", 10_000)).isEqualTo(10_000);
        // then: the realtime projection has the deposit when the command returns
        assertThat(bank.accountsOf("u-1")).containsExactly(new AccountSummary("acc-1", "u-1", 10_000),
                new AccountSummary("acc-2", "u-1", 0));
        assertThat(bank.userByEmail("ADA@example.com")).map(v -> v.userId()).contains("u-1");

        assertThat(bank.balanceOf("acc-1")).isEqualTo(10_000);
        assertThat(bank.balanceOf("acc-1")).isEqualTo(10_000);
        assertThat(balanceLookups("miss")).isEqualTo(1);
        assertThat(balanceLookups("hit")).isEqualTo(1);

        assertThat(bank.transfer("acc-1", "acc-2", 2_500)).isEqualTo(7_500);
        assertThat(bank.balanceOf("acc-1")).as("read your writes: the transfer invalidated the cached balance")
                .isEqualTo(7_500);
        assertThat(bank.balanceOf("acc-2")).isEqualTo(2_500);
        assertThat(bank.withdraw("acc-2", 500)).isEqualTo(2_000);
        assertThat(bank.balanceOf("acc-2")).isEqualTo(2_000);
        assertThat(balanceLookups("miss")).isEqualTo(4);
        assertThat(bank.accountsOf("u-1")).extracting(AccountSummary::balanceCents).containsExactly(7_500L, 2_000L);
    }

    @Test
    void domain_errors_arrive_typed_and_change_nothing() {
        bank.registerUser("u-1", "ada@example.com", "Ada");
        bank.openAccount("acc-1", "u-1");
        bank.deposit("acc-1", 100);
        bank.openAccount("acc-2", "u-1");

        assertThatThrownBy(() -> bank.withdraw("acc-1", 101)).isInstanceOf(InsufficientFundsException.class);
        assertThatThrownBy(() -> bank.transfer("acc-1", "acc-2", 101)).isInstanceOf(InsufficientFundsException.class);
        assertThatThrownBy(() -> bank.registerUser("u-2", "Ada@Example.com", "Ada II"))
                .isInstanceOf(EmailAlreadyRegisteredException.class);
        assertThatThrownBy(() -> bank.balanceOf("acc-404")).isInstanceOf(UnknownAccountException.class);

        assertThat(bank.balanceOf("acc-1")).isEqualTo(100);
        assertThat(bank.balanceOf("acc-2")).isZero();
        assertThat(bank.userByEmail("ada@example.com")).map(v -> v.userId()).contains("u-1");
    }

    @Test
    void of_registrations_racing_for_one_email_exactly_one_wins() throws Exception {
        // given
        int racers = 8;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(racers);
        List<Future<Boolean>> outcomes = new ArrayList<>();
        try {
            for (int i = 0; i < racers; i++) {
                String userId = "u-" + i;
                outcomes.add(pool.submit(() -> {
                    start.await();
                    try {
                        bank.registerUser(userId, "same@example.com", "Racer " + userId);
                        return true;
                    } catch (EmailAlreadyRegisteredException e) {
                        return false;
                    }
                }));
            }
            // when
            start.countDown();
            int winners = 0;
            for (Future<Boolean> f : outcomes) {
                winners += f.get(10, TimeUnit.SECONDS) ? 1 : 0;
            }
            // then
            assertThat(winners).isEqualTo(1);
            String winner = bank.userByEmail("same@example.com").orElseThrow().userId();
            for (int i = 0; i < racers; i++) {
                String userId = "u-" + i;
                if (!userId.equals(winner)) {
                    assertThatThrownBy(() -> bank.openAccount("acc-" + userId, userId))
                            .as("a losing registration stored no user").isInstanceOf(UnknownUserException.class);
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
