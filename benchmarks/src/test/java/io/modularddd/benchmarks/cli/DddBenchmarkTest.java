package io.modularddd.benchmarks.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command's exit codes and messages, over the in-memory test session (no service needed). */
class DddBenchmarkTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return DddBenchmark.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), false, InMemorySession::open);
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void a_bad_option_exits_2_with_the_message_then_the_usage() {
        int code = run("--operations", "0");

        assertThat(code).isEqualTo(2);
        assertThat(err()).startsWith("ddd-benchmark: --operations must be from 1 to 100000000 but was 0\n")
                .contains("Usage: ddd-benchmark [options]").contains("--compare");
        assertThat(out()).isEmpty();
    }

    @Test
    void help_prints_the_usage_and_exits_0() {
        assertThat(run("--help")).isZero();
        assertThat(out()).startsWith("Usage: ddd-benchmark").contains("--jdbc-url").contains("--html FILE");
    }

    @Test
    void an_unreachable_database_exits_1_naming_the_url_with_its_password_masked() {
        int code = run("--type", "event", "--jdbc-url", "jdbc:mariadb://root:s3cret@127.0.0.1:1/test");

        assertThat(code).isEqualTo(1);
        assertThat(err()).contains("cannot reach the database at jdbc:mariadb://root:***@127.0.0.1:1/test")
                .doesNotContain("s3cret");
        assertThat(out()).doesNotContain("s3cret");
    }

    @Test
    void an_unreachable_redis_exits_1_naming_the_url_with_its_password_masked() {
        int code = run("--type", "event", "--redis", "redis://:s3cret@127.0.0.1:1");

        assertThat(code).isEqualTo(1);
        assertThat(err()).contains("cannot reach Redis at redis://:***@127.0.0.1:1").doesNotContain("s3cret");
    }

    @Test
    void a_password_parameter_of_an_unreachable_database_is_masked_too() {
        int code = run("--type", "event", "--jdbc-url", "jdbc:mariadb://127.0.0.1:1/test?user=root&password=s3cret");

        assertThat(code).isEqualTo(1);
        assertThat(err()).contains("jdbc:mariadb://127.0.0.1:1/test?user=root&password=***").doesNotContain("s3cret");
    }

    @Test
    void a_run_prints_the_seed_table_and_writes_both_reports(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("r.json");
        Path html = dir.resolve("sub/r.html");

        int code = run("--type", "event", "--operations", "400", "--json", json.toString(), "--html", html.toString());

        assertThat(code).as(err()).isZero();
        assertThat(out()).contains("ddd-benchmark: 400 operations, type event, profile growth, concurrency 1")
                .contains("event store: embedded H2 (in memory); redis: none")
                .containsPattern("event\\s+operations\\s+total ms\\s+avg ms\\s+min ms\\s+max ms\\s+median ms\\s+p95 ms"
                        + "\\s+p99 ms\\s+ops/s")
                .containsPattern("(?m)^append\\s+200 ").containsPattern("(?m)^read\\s+200 ")
                .containsPattern("(?m)^event\\s+400 ")
                .contains("wrote " + json).contains("wrote " + html);
        assertThat(Files.size(json)).isPositive();
        assertThat(Files.readString(html)).startsWith("<!DOCTYPE html>");
    }

    @Test
    void compare_prints_the_profiles_side_by_side() {
        int code = run("--type", "event", "--operations", "200", "--compare", "startup,enterprise");

        assertThat(code).as(err()).isZero();
        assertThat(out()).contains("profile startup").contains("profile enterprise")
                .contains("side by side (ops/s | p50 ms | p99 ms)")
                .containsPattern("(?m)^part\\s+startup\\s+enterprise$")
                .containsPattern("(?m)^append\\s+[\\d,]+ \\| +[\\d.]+ \\| +[\\d.]+\\s+[\\d,]+ \\| +[\\d.]+ \\| +[\\d.]+$");
    }
}
