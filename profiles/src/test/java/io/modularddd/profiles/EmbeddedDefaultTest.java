package io.modularddd.profiles;

import static org.assertj.core.api.Assertions.assertThat;

import io.modularddd.core.AggregateId;
import io.modularddd.core.aggregate.AggregateRepository;
import io.modularddd.profiles.Bank.Account;
import io.modularddd.profiles.Bank.AccountState;
import io.modularddd.profiles.Bank.Balance;
import io.modularddd.profiles.Bank.Deposit;
import io.modularddd.profiles.Bank.Deposited;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedDefaultTest {

    @Test
    void startup_runs_end_to_end_on_the_embedded_h2_default() {
        Bank.Balances balances = new Bank.Balances();
        try (ModularDdd ddd = ModularDdd.builder()
                .eventTypes(Bank.events())
                .projection(balances.projection("balances"))
                .invalidateOn(Deposited.class, (e, id) -> Bank.tags(id.value()))
                .build()) {
            assertThat(ddd.profile()).isSameAs(Profile.STARTUP);
            AggregateRepository<Account> accounts = ddd.repository("Account", Account::new, AccountState.class);
            ddd.commandBus().register(Deposit.class, c -> {
                Account a = accounts.find(AggregateId.of(c.accountId())).orElseGet(
                        () -> new Account(AggregateId.of(c.accountId())));
                a.deposit(c.cents());
                accounts.save(a);
                return a.cents;
            });
            ddd.registerCachedQuery(Balance.class, q -> balances.of(q.accountId()), q -> Bank.tags(q.accountId()));

            assertThat(ddd.commandBus().dispatch(new Deposit("a-1", 100))).isEqualTo(100L);
            assertThat(ddd.queryBus().ask(new Balance("a-1"))).isEqualTo(100L);      // realtime projection
            assertThat(ddd.commandBus().dispatch(new Deposit("a-1", 50))).isEqualTo(150L);
            assertThat(ddd.queryBus().ask(new Balance("a-1"))).isEqualTo(150L);      // invalidated by the event
            assertThat(ddd.describe()).contains("profile: startup", "H2", "jdbc:h2:mem:");
            assertThat(ddd.health().components()).containsOnlyKeys("database", "projections");
            assertThat(ddd.health().isUp()).isTrue();
            assertThat(ddd.metrics().commandSummaries()).containsKey(Deposit.class.getName());
        }
    }

    @Test
    void an_embedded_file_keeps_the_events_across_restarts(@TempDir Path dir) {
        Path file = dir.resolve("events");
        try (ModularDdd ddd = ModularDdd.builder().embeddedFile(file).eventTypes(Bank.events()).build()) {
            AggregateRepository<Account> accounts = ddd.repository("Account", Account::new);
            Account a = new Account(AggregateId.of("f-1"));
            a.deposit(42);
            accounts.save(a);
            assertThat(ddd.describe()).contains("embedded jdbc:h2:file:" + file.toAbsolutePath());
        }
        try (ModularDdd ddd = ModularDdd.builder().embeddedFile(file).eventTypes(Bank.events()).build()) {
            assertThat(ddd.repository("Account", Account::new).load(AggregateId.of("f-1")).cents).isEqualTo(42);
        }
    }
}
