package io.modularddd.benchmarks.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modularddd.profiles.Profile;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RunnerTest {

    @Test
    void every_measured_operation_is_counted_once_in_its_part_and_the_warmup_in_none() throws Exception {
        // given
        Options options = Options.parse("--type", "event");
        Runner runner = new Runner(1000, 100, 4);

        // when
        TypeResult result;
        try (Session session = InMemorySession.open(Profile.GROWTH, options);
             Workload workload = session.workload(Options.Type.EVENT)) {
            result = runner.run("event", workload, Progress.silent());
        }

        // then half appends, half reads, numbered from the end of the warm-up
        assertThat(result.parts()).extracting(LatencyStats::part).containsExactly("append", "read");
        assertThat(result.parts()).extracting(LatencyStats::operations).containsExactly(500L, 500L);
        assertThat(result.all().operations()).isEqualTo(1000);
        assertThat(result.all().totalNanos())
                .isEqualTo(result.parts().get(0).totalNanos() + result.parts().get(1).totalNanos());
        assertThat(result.wallNanos()).isPositive();
        assertThat(result.all().opsPerSecond()).isEqualTo(1000 * 1e9 / result.wallNanos());
        assertThat(result.lag()).isEmpty();
    }

    @Test
    void the_first_failure_stops_the_run_and_is_rethrown() {
        AtomicLong calls = new AtomicLong();
        Workload failing = new Workload() {
            @Override
            public List<String> parts() {
                return List.of("only");
            }

            @Override
            public void prepare(int operations, int threads) {
            }

            @Override
            public int execute(long i) {
                if (calls.incrementAndGet() == 50) {
                    throw new IllegalStateException("operation 50 failed");
                }
                return 0;
            }

            @Override
            public void close() {
            }
        };

        assertThatThrownBy(() -> new Runner(100_000, 0, 2).run("command", failing, Progress.silent()))
                .hasMessage("operation 50 failed");
        assertThat(calls.get()).isLessThan(100_000);
    }

    @Test
    void progress_prints_ten_plain_lines_when_not_on_a_terminal() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Progress progress = Progress.of(new PrintStream(bytes, true, StandardCharsets.UTF_8), false, "growth event",
                2000);

        for (int i = 1; i <= 2000; i++) {
            progress.advance(i);
        }

        List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines).hasSize(10).startsWith("growth event: 200/2000").endsWith("growth event: 2000/2000");
    }

    @Test
    void progress_on_a_terminal_redraws_one_bar_and_ends_the_line() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Progress progress = Progress.of(new PrintStream(bytes, true, StandardCharsets.UTF_8), true, "p", 1000);

        for (int i = 1; i <= 1000; i++) {
            progress.advance(i);
        }

        String text = bytes.toString(StandardCharsets.UTF_8);
        assertThat(text).startsWith("\rp [#").endsWith("] 1000/1000\n").contains("[" + "#".repeat(40) + "]");
        assertThat(text.chars().filter(c -> c == '\n').count()).isEqualTo(1);
    }

    @Test
    void short_phases_print_no_progress() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Progress progress = Progress.of(new PrintStream(bytes, true, StandardCharsets.UTF_8), false, "p", 999);

        for (int i = 1; i <= 999; i++) {
            progress.advance(i);
        }

        assertThat(bytes.size()).isZero();
    }
}
