package io.modularddd.profiles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modularddd.profiles.Profile.MetricsCollectorKind;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Misconfiguration fails at build (or at the setter) with a message naming what is wrong and how to fix it. */
class ConfigurationErrorsTest {

    @Test
    void a_profile_needing_redis_without_redis_names_the_setting_and_both_fixes() {
        assertThatThrownBy(() -> ModularDdd.builder().profile(Profile.SCALE).eventTypes(Bank.events()).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("profile 'scale' needs Redis for [storage-tiers.hot.enabled]")
                .hasMessageContaining(".redis(\"redis://host:6379\")")
                .hasMessageContaining("profile.withHotTier(false)")
                .hasMessageContaining(".allowDegraded()");
        assertThatThrownBy(() -> ModularDdd.builder().profile(Profile.ENTERPRISE).eventTypes(Bank.events()).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("[monitoring.metrics-collector, storage-tiers.hot.enabled]")
                .hasMessageContaining("profile.withHotTier(false) and profile.withMetricsCollector(");
    }

    @Test
    void overriding_the_settings_that_need_redis_runs_without_it() {
        Profile scale = Profile.SCALE.withHotTier(false);
        try (ModularDdd ddd = ModularDdd.builder().profile(scale).eventTypes(Bank.events()).build()) {
            assertThat(ddd.profile().hotTierEnabled()).isFalse();
            assertThat(ddd.describe()).contains("storage-tiers.hot.enabled = false (override)",
                    "hot-storage-ttl = 86400s (preset)");
        }
    }

    @Test
    void the_degraded_opt_in_runs_without_the_redis_parts_and_says_so() {
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        ModularDdd built;
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            built = ModularDdd.builder().profile(Profile.ENTERPRISE).allowDegraded().eventTypes(Bank.events()).build();
        } finally {
            System.setErr(err);
        }
        List<String> warnings = captured.toString(StandardCharsets.UTF_8).lines()
                .filter(l -> l.contains("WARN")).toList();
        assertThat(warnings).as("one WARN naming what is off").hasSize(1);
        assertThat(warnings.get(0)).contains("'enterprise' degraded",
                "monitoring.metrics-collector and storage-tiers.hot.enabled off", ".redis(");
        try (ModularDdd ddd = built) {
            assertThat(ddd.profile().hotTierEnabled()).isFalse();
            assertThat(ddd.profile().metricsCollector()).isEqualTo(MetricsCollectorKind.IN_MEMORY);
            assertThat(ddd.parts().hot).isNull();
            assertThat(ddd.describe())
                    .contains("storage-tiers.hot.enabled = false (degraded-off)")
                    .contains("monitoring.metrics-collector = in-memory (degraded-off)")
                    .contains("async.queue = high-priority (preset)")
                    .contains("event store: the database");
        }
    }

    @Test
    void unreachable_redis_is_a_clear_error_without_the_password() {
        assertThatThrownBy(() -> ModularDdd.builder().profile(Profile.SCALE).redis("redis://app:s3cr3t@127.0.0.1:1")
                .eventTypes(Bank.events()).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cannot reach Redis at redis://app:***@127.0.0.1:1")
                .hasMessageNotContaining("s3cr3t");
    }

    @Test
    void unreachable_database_is_a_clear_error_without_the_password() {
        Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> ModularDdd.builder()
                .jdbcUrl("jdbc:mariadb://127.0.0.1:1/app?password=s3cr3t&connectTimeout=500", "app", "pw-s3cr3t")
                .eventTypes(Bank.events()).build());
        assertThat(t).isNotNull();
        for (Throwable c = t; c != null; c = c.getCause()) {
            assertThat(String.valueOf(c.getMessage())).doesNotContain("s3cr3t");
        }
        assertThat(t.getMessage()).contains("127.0.0.1:1");
    }

    @Test
    void bad_settings_are_refused_at_once() {
        assertThatThrownBy(() -> ModularDdd.builder().build()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("eventTypes is not set");
        assertThatThrownBy(() -> ModularDdd.builder().redis("http://u:s3cr3t@host"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("redis[s]://").hasMessageNotContaining("s3cr3t");
        assertThatThrownBy(() -> ModularDdd.builder().jdbcUrl("mariadb://u:s3cr3t@host/db", "u", null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must start with jdbc:").hasMessageNotContaining("s3cr3t");
        assertThatThrownBy(() -> ModularDdd.builder().jdbcUrl("jdbc:h2:mem:x", null, null)
                .embeddedFile(Path.of("x"))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("give one database");
        assertThatThrownBy(() -> ModularDdd.builder().profile(Profile.GROWTH).profile(Profile.SCALE))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("profile was already set");
        assertThatThrownBy(() -> ModularDdd.builder().redisKeyPrefix("a b"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("redisKeyPrefix");
        assertThatThrownBy(() -> ModularDdd.builder().slowCommandThreshold(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("slowCommandThreshold");
        assertThatThrownBy(() -> ModularDdd.builder().queueWorkers(-1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("queueWorkers");
    }

    @Test
    void a_repository_type_is_created_once() {
        try (ModularDdd ddd = ModularDdd.builder().eventTypes(Bank.events()).build()) {
            ddd.repository("Account", Bank.Account::new);
            assertThatThrownBy(() -> ddd.repository("Account", Bank.Account::new))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("'Account' was created already");
        }
    }

    @Test
    void a_queued_command_type_must_be_registered_by_name() {
        try (ModularDdd ddd = ModularDdd.builder().profile(Profile.GROWTH).eventTypes(Bank.events()).build()) {
            ddd.commandBus().register(Bank.Deposit.class, c -> 0L);
            assertThatThrownBy(() -> ddd.commandBus().dispatchAsync(new Bank.Deposit("x", 1)))
                    .hasMessageContaining(Bank.Deposit.class.getName());
        }
    }
}
