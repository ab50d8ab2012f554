package io.modularddd.cqrs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modularddd.core.InvalidInputException;
import io.modularddd.core.metrics.ExecutionSummary;
import io.modularddd.core.metrics.MetricsCollector;
import io.modularddd.core.snapshot.AggregateStats;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class PerformanceProfilerTest {

    record Balance(String account) implements io.modularddd.core.query.Query<Long> {
    }

    record Pay(String account, long cents) implements io.modularddd.core.command.Command<Long> {
    }

    /** A collector that notes every command execution; nothing else is used here. */
    static final class NotingCollector implements MetricsCollector {
        final List<String> executions = new ArrayList<>();

        @Override
        public void recordCommandExecution(String commandType, long durationNanos, boolean success) {
            executions.add(commandType + " " + durationNanos + " " + success);
        }

        @Override
        public void recordQueryExecution(String queryType, long durationNanos, boolean success) {
            executions.add("query " + queryType + " " + success);
        }

        @Override
        public Map<String, ExecutionSummary> commandSummaries() {
            return Map.of();
        }

        @Override
        public Map<String, ExecutionSummary> querySummaries() {
            return Map.of();
        }

        @Override
        public AggregateStats aggregateStats() {
            throw new UnsupportedOperationException("not used by command profiling");
        }

        @Override
        public int maxTypes() {
            return 1;
        }
    }

    @Nested
    class Timers {

        final PerformanceProfiler profiler = PerformanceProfiler.create();

        @Test
        void a_timer_measures_duration_allocation_and_heap() throws InterruptedException {
            // given
            profiler.start("import");
            byte[][] garbage = new byte[32][];
            for (int i = 0; i < garbage.length; i++) {
                garbage[i] = new byte[32 * 1024];
            }
            Thread.sleep(5);

            // when
            PerformanceProfiler.Measurement m = profiler.stop("import");

            // then
            assertThat(m.name()).isEqualTo("import");
            assertThat(m.durationNanos()).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(5));
            if (Allocations.available()) {
                assertThat(m.allocatedBytes()).isGreaterThanOrEqualTo(32L * 32 * 1024);
            } else {
                assertThat(m.allocatedBytes()).isEqualTo(-1);
            }
            assertThat(m.peakHeapBytes()).isPositive();
            assertThat(m.heapUsedBytes()).isPositive();
            assertThat(garbage[31]).hasSize(32 * 1024);
            assertThat(profiler.running()).isEmpty();
        }

        @Test
        void a_timer_never_started_or_stopped_twice_is_a_typed_error_naming_it() {
            profiler.start("a");
            profiler.start("b");
            assertThatThrownBy(() -> profiler.stop("imprt"))
                    .isInstanceOfSatisfying(TimerNotStartedException.class, e -> assertThat(e.timer()).isEqualTo("imprt"))
                    .isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("no timer named 'imprt' is running").hasMessageContaining("[a, b]");
            profiler.stop("a");
            assertThatThrownBy(() -> profiler.stop("a")).isInstanceOf(TimerNotStartedException.class)
                    .hasMessageContaining("'a'");
            assertThatThrownBy(() -> profiler.stop(null)).isInstanceOf(TimerNotStartedException.class);
        }

        @Test
        void starting_a_running_timer_or_a_bad_name_is_refused() {
            profiler.start("job");
            assertThatThrownBy(() -> profiler.start("job")).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("'job' is running already");
            assertThatThrownBy(() -> profiler.start(" ")).isInstanceOf(InvalidInputException.class);
            assertThat(profiler.stop("job").name()).isEqualTo("job");
            profiler.start("job");
            assertThat(profiler.running()).containsExactly("job");
        }

        @Test
        void a_timer_stopped_on_another_thread_counts_the_starting_threads_allocation() throws Exception {
            profiler.start("handed-over");
            PerformanceProfiler.Measurement m = CompletableFuture.supplyAsync(() -> profiler.stop("handed-over"))
                    .get(10, TimeUnit.SECONDS);
            assertThat(m.durationNanos()).isPositive();
            assertThat(m.allocatedBytes()).isGreaterThanOrEqualTo(Allocations.available() ? 0 : -1);
        }

        @Test
        void running_timers_are_bounded() {
            for (int i = 0; i < PerformanceProfiler.MAX_RUNNING; i++) {
                profiler.start("t" + i);
            }
            assertThatThrownBy(() -> profiler.start("one-more")).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("one-more").hasMessageContaining("10000");
        }
    }

    @Nested
    class Command_profiling {

        final AtomicLong now = new AtomicLong();
        final List<String> warnings = new ArrayList<>();
        final NotingCollector metrics = new NotingCollector();

        SimpleCommandBus bus() {
            SlowCommandLog log = SlowCommandLog.threshold(Duration.ofMillis(100)).with(now::get, warnings::add);
            SimpleCommandBus bus = SimpleCommandBus.builder()
                    .middleware(PerformanceProfiler.commandProfiling(metrics, log)).build();
            bus.register(Pay.class, p -> {
                now.addAndGet(TimeUnit.MILLISECONDS.toNanos(p.cents()));
                if (p.cents() < 0) {
                    now.addAndGet(TimeUnit.MILLISECONDS.toNanos(500));
                    throw new IllegalStateException("account closed");
                }
                return p.cents();
            });
            return bus;
        }

        @Test
        void every_command_feeds_the_collector_and_a_slow_one_the_slow_command_log() {
            SimpleCommandBus bus = bus();

            bus.dispatch(new Pay("a", 20));
            bus.dispatch(new Pay("secret-account", 250));
            assertThatThrownBy(() -> bus.dispatch(new Pay("a", -1))).isInstanceOf(IllegalStateException.class);

            String type = Pay.class.getName();
            assertThat(metrics.executions).containsExactly(type + " 20000000 true", type + " 250000000 true",
                    type + " 499000000 false");
            assertThat(warnings).hasSize(2);
            assertThat(warnings.get(0)).startsWith("slow command " + type + ": 250 ms (threshold 100 ms), ")
                    .endsWith(" allocated, completed").doesNotContain("secret");
            assertThat(warnings.get(1)).startsWith("slow command " + type + ": 499 ms")
                    .endsWith("failed with IllegalStateException");
        }

        @Test
        void null_arguments_are_typed_errors() {
            assertThatThrownBy(() -> PerformanceProfiler.commandProfiling(null, SlowCommandLog.threshold(Duration.ZERO)))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("metrics");
            assertThatThrownBy(() -> PerformanceProfiler.commandProfiling(metrics, null))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("slowLog");
        }
    }

    @Test
    void the_query_bus_records_every_answer_and_failure_in_its_collector() {
        NotingCollector metrics = new NotingCollector();
        SimpleQueryBus bus = SimpleQueryBus.builder().metricsCollector(metrics).build();
        bus.register(Balance.class, q -> {
            if (q.account().isEmpty()) {
                throw new IllegalArgumentException("no account");
            }
            return 5L;
        });

        assertThat(bus.ask(new Balance("a"))).isEqualTo(5L);
        assertThatThrownBy(() -> bus.ask(new Balance(""))).isInstanceOf(RuntimeException.class);

        assertThat(metrics.executions).containsExactly("query " + Balance.class.getName() + " true",
                "query " + Balance.class.getName() + " false");
        assertThatThrownBy(() -> SimpleQueryBus.builder().metricsCollector(metrics).metricsCollector(metrics))
                .isInstanceOf(IllegalStateException.class);
    }
}
