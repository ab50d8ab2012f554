package io.modularddd.examples.bank;

import static org.assertj.core.api.Assertions.assertThat;

import io.modularddd.profiles.ModularDdd;
import io.modularddd.profiles.Profile;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The sample on the embedded default (H2 in memory, in-process tiers): no server at all. */
class BankOnEmbeddedDefaultTest {

    @Test
    void the_startup_profile_runs_the_sample_end_to_end_without_a_server() throws Exception {
        try (Bank bank = Bank.start(ModularDdd.builder())) {
            assertThat(bank.toolkit().orElseThrow().profile()).isSameAs(Profile.STARTUP);
            assertThat(bank.toolkit().orElseThrow().describe()).contains("jdbc:h2:mem:");
            BankScenario.run(bank);
        }
    }

    @Test
    void the_demo_runs_on_the_embedded_default_when_no_setting_is_given() {
        // given
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8);
        Map<String, String> none = new HashMap<>();
        // when
        long balance = BankDemo.run(BankDemo.builder(none::get), "t1", out);
        // then
        assertThat(balance).isEqualTo(7_500);
        assertThat(buffer.toString(StandardCharsets.UTF_8)).contains(
                "running on ModularDdd[startup, H2]",
                "Ada's balance: 10000",
                "Ada's balance again: 10000",
                "after the transfer: 7500",
                "refused: account acc-ada-t1 holds 7500 cents, cannot withdraw 9000",
                "refused: the email ada-t1@example.com is registered already",
                "Bob's directory entry: AccountSummary[accountId=acc-bob-t1, userId=user-bob-t1, balanceCents=2500]");
    }

    @Test
    void a_malformed_setting_is_named() {
        Map<String, String> settings = Map.of("MODDDD_REDIS_URL", "127.0.0.1:6379");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> BankDemo.builder(settings::get))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("redis");
        Map<String, String> profile = Map.of("MODDDD_PROFILE", "huge");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> BankDemo.builder(profile::get))
                .hasMessageContaining("huge").hasMessageContaining("startup");
    }
}
