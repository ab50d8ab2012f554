package io.modularddd.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modularddd.core.AggregateId;
import io.modularddd.core.InvalidInputException;
import io.modularddd.core.metrics.ExecutionSummary;
import io.modularddd.core.metrics.MetricsCollector;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link MetricsCollector} must show: summaries are those of what was recorded, commands
 * and queries do not mix, concurrent recording loses nothing, types beyond the cap go to
 * {@link MetricsCollector#OVERFLOW_TYPE}, the aggregate statistics are one instance that records, and bad input
 * is a typed error. Extend it with a fixture that returns an empty collector.
 */
public abstract class MetricsCollectorContract {

    /**
     * Returns a collector that has recorded nothing and tracks at most {@code maxTypes} types per kind.
     *
     * @param maxTypes the cap of distinct types
     * @return the collector
     */
    protected abstract MetricsCollector createCollector(int maxTypes);

    @Test
    void a_summary_is_that_of_what_was_recorded() {
        MetricsCollector metrics = createCollector(100);
        metrics.recordCommandExecution("com.example.Deposit", 1_000, true);
        metrics.recordCommandExecution("com.example.Deposit", 5_000, false);
        metrics.recordCommandExecution("com.example.Deposit", 3_000, true);
        metrics.recordCommandExecution("com.example.Withdraw", 7, true);

        Map<String, ExecutionSummary> summaries = metrics.commandSummaries();
        assertThat(summaries).containsOnlyKeys("com.example.Deposit", "com.example.Withdraw");
        assertThat(summaries.get("com.example.Deposit"))
                .isEqualTo(new ExecutionSummary("com.example.Deposit", 3, 1, 9_000, 5_000));
        assertThat(summaries.get("com.example.Deposit").meanNanos()).isEqualTo(3_000.0);
        assertThat(summaries.get("com.example.Withdraw"))
                .isEqualTo(new ExecutionSummary("com.example.Withdraw", 1, 0, 7, 7));
        assertThat(metrics.querySummaries()).isEmpty();
    }

    @Test
    void commands_and_queries_do_not_mix() {
        MetricsCollector metrics = createCollector(100);
        metrics.recordQueryExecution("com.example.Balance", 40, true);
        metrics.recordQueryExecution("com.example.Balance", 60, false);
        metrics.recordCommandExecution("com.example.Balance", 1, true);

        assertThat(metrics.querySummaries().get("com.example.Balance"))
                .isEqualTo(new ExecutionSummary("com.example.Balance", 2, 1, 100, 60));
        assertThat(metrics.commandSummaries().get("com.example.Balance").count()).isEqualTo(1);
    }

    @Test
    void types_beyond_the_cap_are_summed_under_the_overflow_type() {
        MetricsCollector metrics = createCollector(3);
        assertThat(metrics.maxTypes()).isEqualTo(3);
        for (int i = 0; i < 10; i++) {
            metrics.recordCommandExecution("com.example.C" + i, 100 + i, true);
        }
        metrics.recordCommandExecution("com.example.C0", 1, true);

        Map<String, ExecutionSummary> summaries = metrics.commandSummaries();
        assertThat(summaries).hasSize(4).containsKey(MetricsCollector.OVERFLOW_TYPE);
        assertThat(summaries.get(MetricsCollector.OVERFLOW_TYPE).count()).isEqualTo(7);
        assertThat(summaries.get(MetricsCollector.OVERFLOW_TYPE).maxNanos()).isEqualTo(109);
        assertThat(summaries.get("com.example.C0").count()).as("an admitted type stays tracked").isEqualTo(2);
        assertThat(summaries.values().stream().mapToLong(ExecutionSummary::count).sum()).isEqualTo(11);
    }

    @Test
    void concurrent_recording_loses_nothing() throws Exception {
        MetricsCollector metrics = createCollector(100);
        int threads = 4;
        int each = 200;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CyclicBarrier start = new CyclicBarrier(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < each; i++) {
                        metrics.recordCommandExecution("com.example.Hot", 10, i % 10 != 0);
                        metrics.recordCommandExecution("com.example.T" + (i % 5), thread + 1, true);
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        Map<String, ExecutionSummary> summaries = metrics.commandSummaries();
        assertThat(summaries.get("com.example.Hot"))
                .isEqualTo(new ExecutionSummary("com.example.Hot", 800, 80, 8_000, 10));
        assertThat(summaries.get("com.example.T0").maxNanos()).isEqualTo(threads);
        assertThat(summaries).hasSize(6);
    }

    @Test
    void the_aggregate_statistics_are_one_instance_that_records() {
        MetricsCollector metrics = createCollector(100);
        AggregateId id = AggregateId.of("metrics-" + java.util.UUID.randomUUID());
        assertThat(metrics.aggregateStats()).isSameAs(metrics.aggregateStats());
        metrics.aggregateStats().recordLoad(id, "Account", 12, 3_000);
        assertThat(metrics.aggregateStats().statistics(id).loads()).isEqualTo(1);
        assertThat(metrics.aggregateStats().statistics(id).averageReplayed()).isEqualTo(12.0);
    }

    @Test
    void bad_input_is_a_typed_error_and_records_nothing() {
        MetricsCollector metrics = createCollector(100);
        assertThatThrownBy(() -> metrics.recordCommandExecution(null, 1, true))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("commandType");
        assertThatThrownBy(() -> metrics.recordCommandExecution("  ", 1, true))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("commandType");
        assertThatThrownBy(() -> metrics.recordQueryExecution("x".repeat(MetricsCollector.MAX_TYPE_CHARS + 1), 1,
                true)).isInstanceOf(InvalidInputException.class).hasMessageContaining("queryType");
        assertThatThrownBy(() -> metrics.recordCommandExecution("com.example.Deposit", -1, true))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("durationNanos");
        assertThat(metrics.commandSummaries()).isEmpty();
        assertThat(metrics.querySummaries()).isEmpty();
    }
}
