package io.modularddd.cqrs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.modularddd.core.InvalidInputException;
import io.modularddd.core.command.Command;
import io.modularddd.core.command.CommandValidationException;
import io.modularddd.core.command.Violation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Metrics, the slow-command log and validation, each used alone. */
class MiddlewareTest {

    record Transfer(String from, String to, long cents) implements Command<Long> {
    }

    record Close(String account) implements Command<Void> {
    }

    @Nested
    class Metrics {

        final SimpleMeterRegistry registry = new SimpleMeterRegistry();
        final SimpleCommandBus bus = SimpleCommandBus.builder().middleware(CommandMetrics.of(registry)).build();

        @Test
        void every_dispatch_is_timed_by_command_type_and_failures_are_counted_by_exception() {
            bus.register(Transfer.class, t -> {
                if (t.cents() < 0) {
                    throw new IllegalArgumentException("negative");
                }
                return t.cents();
            });
            bus.register(Close.class, c -> null);

            bus.dispatch(new Transfer("a", "b", 1));
            bus.dispatch(new Transfer("a", "b", 2));
            bus.dispatch(new Close("a"));
            assertThatThrownBy(() -> bus.dispatch(new Transfer("a", "b", -1))).isInstanceOf(IllegalArgumentException.class);

            assertThat(registry.get(CommandMetrics.TIMER).tag("command", Transfer.class.getName()).timer().count())
                    .isEqualTo(3);
            assertThat(registry.get(CommandMetrics.TIMER).tag("command", Close.class.getName()).timer().count())
                    .isEqualTo(1);
            assertThat(registry.get(CommandMetrics.ERRORS).tag("command", Transfer.class.getName())
                    .tag("error", "IllegalArgumentException").counter().count()).isEqualTo(1);
            assertThat(registry.find(CommandMetrics.ERRORS).tag("command", Close.class.getName()).counter()).isNull();
        }

        @Test
        void tags_never_carry_a_commands_values() {
            bus.register(Transfer.class, t -> t.cents());

            bus.dispatch(new Transfer("secret-account-1", "secret-account-2", 5));

            registry.getMeters().forEach(m -> assertThat(m.getId().getTags().toString()).doesNotContain("secret"));
        }

        @Test
        void the_timer_is_resolved_at_registration() {
            bus.register(Transfer.class, t -> t.cents());

            assertThat(registry.find(CommandMetrics.TIMER).tag("command", Transfer.class.getName()).timer()).isNotNull();
        }

        @Test
        void a_null_registry_is_invalid_input() {
            assertThatThrownBy(() -> CommandMetrics.of(null)).isInstanceOf(InvalidInputException.class);
        }
    }

    @Nested
    class Slow_command_log {

        final AtomicLong now = new AtomicLong();
        final List<String> warnings = new ArrayList<>();

        SimpleCommandBus bus(SlowCommandLog log) {
            return SimpleCommandBus.builder().middleware(log.with(now::get, warnings::add)).build();
        }

        @Test
        void a_command_slower_than_the_threshold_is_logged_with_its_type_duration_and_allocation() {
            SimpleCommandBus bus = bus(SlowCommandLog.threshold(Duration.ofMillis(200)));
            bus.register(Transfer.class, t -> {
                now.addAndGet(TimeUnit.MILLISECONDS.toNanos(t.cents()));
                return t.cents();
            });

            bus.dispatch(new Transfer("a", "b", 150));
            bus.dispatch(new Transfer("a", "b", 200));
            assertThat(warnings).as("at or below the threshold").isEmpty();

            bus.dispatch(new Transfer("secret", "b", 812));

            assertThat(warnings).singleElement().asString()
                    .startsWith("slow command " + Transfer.class.getName() + ": 812 ms (threshold 200 ms), ")
                    .endsWith(" allocated, completed")
                    .doesNotContain("secret");
            if (Allocations.available()) {
                assertThat(warnings.get(0)).doesNotContain("n/a");
            }
        }

        @Test
        void a_slow_failure_says_how_it_failed() {
            SimpleCommandBus bus = bus(SlowCommandLog.threshold(Duration.ofMillis(10)));
            bus.register(Transfer.class, t -> {
                now.addAndGet(TimeUnit.SECONDS.toNanos(1));
                throw new IllegalStateException("x");
            });

            assertThatThrownBy(() -> bus.dispatch(new Transfer("a", "b", 1))).isInstanceOf(IllegalStateException.class);

            assertThat(warnings).singleElement().asString().endsWith("failed with IllegalStateException");
        }

        @Test
        void allocation_is_measured_on_the_dispatching_thread() {
            org.junit.jupiter.api.Assumptions.assumeTrue(Allocations.available(), "the JVM does not report allocations");
            SimpleCommandBus bus = bus(SlowCommandLog.threshold(Duration.ZERO));
            bus.register(Transfer.class, t -> {
                byte[][] garbage = new byte[64][];
                for (int i = 0; i < garbage.length; i++) {
                    garbage[i] = new byte[64 * 1024];
                }
                return (long) garbage.length;
            });

            bus.dispatch(new Transfer("a", "b", 1));

            assertThat(warnings).singleElement().asString().containsPattern("\\), [4-9]\\.\\d MB allocated");
        }

        @Test
        void without_allocation_it_says_not_available() {
            SimpleCommandBus bus = bus(SlowCommandLog.threshold(Duration.ZERO).withoutAllocation());
            bus.register(Close.class, c -> null);

            bus.dispatch(new Close("a"));

            assertThat(warnings).singleElement().asString().contains("n/a allocated");
        }

        @Test
        void the_threshold_must_not_be_negative() {
            assertThatThrownBy(() -> SlowCommandLog.threshold(Duration.ofMillis(-1)))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("threshold");
            assertThatThrownBy(() -> SlowCommandLog.threshold(null)).isInstanceOf(InvalidInputException.class);
        }

        @Test
        void sizes_read_well() {
            assertThat(SlowCommandLog.bytes(-1)).isEqualTo("n/a");
            assertThat(SlowCommandLog.bytes(512)).isEqualTo("512 B");
            assertThat(SlowCommandLog.bytes(2048)).isEqualTo("2.0 KB");
            assertThat(SlowCommandLog.bytes(5L * 1024 * 1024)).isEqualTo("5.0 MB");
        }
    }

    @Nested
    class Validation {

        final AtomicInteger handled = new AtomicInteger();

        SimpleCommandBus bus(CommandValidation validation) {
            SimpleCommandBus bus = SimpleCommandBus.builder().middleware(validation).build();
            bus.register(Transfer.class, t -> (long) handled.incrementAndGet());
            bus.register(Close.class, c -> {
                handled.incrementAndGet();
                return null;
            });
            return bus;
        }

        @Test
        void a_command_breaking_rules_never_reaches_its_handler_and_every_violation_is_listed() {
            SimpleCommandBus bus = bus(CommandValidation.builder()
                    .validate(Transfer.class, t -> t.cents() > 0 ? List.of()
                            : List.of(Violation.of("cents", "must be positive but was " + t.cents())))
                    .validate(Transfer.class, t -> t.from().equals(t.to())
                            ? List.of(Violation.of("to", "must differ from from"), Violation.of("", "pointless"))
                            : List.of())
                    .build());

            assertThatThrownBy(() -> bus.dispatch(new Transfer("a", "a", -5)))
                    .isInstanceOfSatisfying(CommandValidationException.class, e -> {
                        assertThat(e.commandType()).isEqualTo(Transfer.class);
                        assertThat(e.violations()).containsExactly(Violation.of("cents", "must be positive but was -5"),
                                Violation.of("to", "must differ from from"), Violation.of("", "pointless"));
                    })
                    .isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining(Transfer.class.getName()).hasMessageContaining("3 violations")
                    .hasMessageContaining("cents: must be positive but was -5; to: must differ from from; pointless");
            assertThat(handled).hasValue(0);

            assertThat(bus.<Long>dispatch(new Transfer("a", "b", 5))).isEqualTo(1L);
        }

        @Test
        void a_single_validator_reports_its_violations() {
            SimpleCommandBus bus = bus(CommandValidation.builder()
                    .validate(Close.class, c -> c.account().isBlank() ? List.of(Violation.of("account", "is blank"))
                            : List.of())
                    .build());

            assertThatThrownBy(() -> bus.dispatch(new Close(" "))).isInstanceOf(CommandValidationException.class)
                    .hasMessageContaining("(1 violation)");
            assertThat(handled).hasValue(0);
        }

        @Test
        void a_type_without_validators_gets_no_validation_step() {
            CommandValidation validation = CommandValidation.builder().validate(Close.class, c -> List.of()).build();
            io.modularddd.core.command.CommandMiddleware.Invoker next = command -> null;

            assertThat(validation.wrap(Transfer.class, next)).isSameAs(next);
            assertThat(validation.wrap(Close.class, next)).isNotSameAs(next);
        }

        @Test
        void a_validator_returning_null_is_a_bug_named_as_such() {
            SimpleCommandBus bus = bus(CommandValidation.builder().validate(Close.class, c -> null).build());

            assertThatThrownBy(() -> bus.dispatch(new Close("a"))).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("returned null");
            assertThat(handled).hasValue(0);
        }

        @Test
        void violations_need_a_message() {
            assertThatThrownBy(() -> Violation.of("x", " ")).isInstanceOf(InvalidInputException.class);
            assertThatThrownBy(() -> Violation.of(null, "m")).isInstanceOf(InvalidInputException.class);
        }
    }
}
