package io.modularddd.examples.docs.profiles;

import static org.assertj.core.api.Assertions.assertThat;

import io.modularddd.core.projection.Projection;
import io.modularddd.examples.docs.cqrs.Commands.Deposit;
import io.modularddd.examples.quickstart.AccountEvents.MoneyDeposited;
import io.modularddd.profiles.ModularDdd;
import org.junit.jupiter.api.Test;

/** The samples of docs/profiles.md run on the embedded default. */
class ProfilesSamplesTest {

    @Test
    void the_embedded_default_runs_the_account_end_to_end() {
        assertThat(ProfilesSamples.embedded()).isEqualTo(10_000L);
    }

    @Test
    void the_degraded_enterprise_profile_says_what_is_off() {
        assertThat(ProfilesSamples.overrides())
                .contains("storage-tiers.hot.enabled = false (degraded-off)",
                        "monitoring.metrics-collector = in-memory (degraded-off)");
    }

    @Test
    void projections_get_the_profiles_strategy_or_their_own_and_inspect_reports_health() {
        Projection a = Projection.builder("a").on(MoneyDeposited.class, (e, s, tx) -> { }).build();
        Projection b = Projection.builder("b").on(MoneyDeposited.class, (e, s, tx) -> { }).build();
        try (ModularDdd ddd = ProfilesSamples.projections(a, b)) {
            assertThat(ddd.describe()).contains("a: realtime[", "b: batched(500)[");
            ddd.commandBus().register(Deposit.class, d -> d.cents());
            ddd.commandBus().dispatch(new Deposit("x", 1));
            assertThat(ProfilesSamples.inspect(ddd).isUp()).isTrue();
        }
    }
}
