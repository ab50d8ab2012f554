package io.modularddd.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modularddd.core.AggregateId;
import io.modularddd.core.InvalidInputException;
import io.modularddd.core.snapshot.AggregateStatistics;
import io.modularddd.core.snapshot.AggregateStats;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link AggregateStats} must show, whatever keeps the numbers: the averages are
 * those of what was recorded, aggregates do not mix, concurrent recording loses nothing, an unknown
 * aggregate has {@link AggregateStatistics#NONE}, and bad input is a typed error. Extend it with a fixture
 * that returns an empty instance.
 */
public abstract class AggregateStatsContract {

    /**
     * Returns an instance that has recorded nothing. Called once per test.
     *
     * @return the statistics
     */
    protected abstract AggregateStats createStats();

    private static AggregateId id(String name) {
        return AggregateId.of(name + "-" + UUID.randomUUID().toString().substring(0, 8));
    }

    @Test
    void the_averages_are_those_of_what_was_recorded() {
        AggregateStats stats = createStats();
        AggregateId id = id("avg");
        stats.recordLoad(id, "Account", 10, 1_000);
        stats.recordLoad(id, "Account", 30, 3_000);
        stats.recordAppend(id, "Account", 3, 300);
        stats.recordAppend(id, "Account", 1, 100);

        AggregateStatistics s = stats.statistics(id);
        assertThat(s.loads()).isEqualTo(2);
        assertThat(s.averageReplayed()).isEqualTo(20.0);
        assertThat(s.averageLoadNanos()).isEqualTo(2_000.0);
        assertThat(s.averageEventBytes()).isEqualTo(100.0);
        assertThat(s.loadsPerSecond()).isPositive();
    }

    @Test
    void aggregates_do_not_mix_and_an_unknown_one_has_nothing() {
        AggregateStats stats = createStats();
        AggregateId a = id("a");
        AggregateId b = id("b");
        stats.recordLoad(a, "Account", 5, 500);
        assertThat(stats.statistics(b)).isEqualTo(AggregateStatistics.NONE);
        assertThat(stats.statistics(a).loads()).isEqualTo(1);
    }

    @Test
    void concurrent_recording_loses_nothing() throws Exception {
        AggregateStats stats = createStats();
        AggregateId id = id("race");
        int threads = 8;
        int each = 50;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CyclicBarrier start = new CyclicBarrier(threads);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                futures.add(pool.submit(() -> {
                    start.await(30, TimeUnit.SECONDS);
                    for (int i = 0; i < each; i++) {
                        stats.recordLoad(id, "Account", 2, 100);
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get(1, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
        AggregateStatistics s = stats.statistics(id);
        assertThat(s.loads()).isEqualTo((long) threads * each);
        assertThat(s.averageReplayed()).isEqualTo(2.0);
        assertThat(s.averageLoadNanos()).isEqualTo(100.0);
    }

    @Test
    void bad_input_is_a_typed_error() {
        AggregateStats stats = createStats();
        assertThatThrownBy(() -> stats.recordLoad(null, "Account", 1, 1)).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> stats.recordAppend(null, "Account", 1, 1)).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> stats.statistics(null)).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> stats.recordLoad(id("neg"), "Account", -1, 1))
                .isInstanceOf(InvalidInputException.class);
    }
}
