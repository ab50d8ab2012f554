package io.modularddd.benchmarks.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command's main logic on the embedded default: the sample bank through the bootstrap, few operations. */
class DddBenchmarkEndToEndTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return DddBenchmark.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), false, SampleAppSession::open);
    }

    @Test
    void mixed_under_a_realtime_and_an_async_profile_reports_each_part_the_lag_and_the_cache(@TempDir Path dir)
            throws Exception {
        // given
        Path json = dir.resolve("mixed.json");
        Path html = dir.resolve("mixed.html");

        // when
        int code = run("--operations", "300", "--warmup", "50", "--type", "mixed", "--compare", "startup,scale",
                "--concurrency", "2", "--json", json.toString(), "--html", html.toString());

        // then
        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(text).contains("profile startup — event store: the database")
                .contains("profile scale — ").contains("degraded without Redis: storage-tiers.hot.enabled")
                .containsPattern("(?m)^deposit\\s+90 ").containsPattern("(?m)^query hit\\s+1[5-7]\\d ")
                .containsPattern("(?m)^query miss\\s+\\d+ ").containsPattern("(?m)^mixed\\s+300 ")
                .contains("projection lag (realtime, append commit -> read model)")
                .contains("projection lag (async, append commit -> read model)")
                .contains("0 events behind when the run ended").doesNotContain("over 0 events")
                .contains("side by side");
        // hits and misses are counted by what happened: with two threads a planned miss can come before the
        // deposit meant to invalidate it, and then hits; a hot account (never written) never misses
        JsonNode root = new ObjectMapper().readTree(json.toFile());
        for (JsonNode run : root.get("runs")) {
            JsonNode parts = run.get("types").get(0).get("parts");
            long hits = parts.get(1).get("operations").asLong();
            long misses = parts.get(2).get("operations").asLong();
            assertThat(hits + misses).isEqualTo(210);
            assertThat(misses).isBetween(40L, 60L);
            assertThat(run.get("types").get(0).get("notes").get(0).asText()).isEqualTo("query cache: " + misses
                    + " asks missed (BalanceOf loaded from the event store; 60 misses were planned, each after a "
                    + "deposit), " + hits + " were answered from the cache");
        }
        assertThat(root.get("runs")).hasSize(2);
        JsonNode scale = root.get("runs").get(1).get("types").get(0);
        assertThat(scale.get("projectionLag").get("events").asLong()).isEqualTo(90);
        assertThat(scale.get("parts")).hasSize(3);
        assertThat(Files.readString(html)).contains("id=\"percentiles-scale\"").contains("id=\"throughput\"");
    }

    @Test
    void command_query_and_event_each_run_their_parts() {
        assertThat(run("--operations", "200", "--warmup", "20", "--type", "command")).isZero();
        assertThat(run("--operations", "200", "--warmup", "20", "--type", "query")).isZero();
        assertThat(run("--operations", "200", "--warmup", "20", "--type", "event")).isZero();

        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(text).containsPattern("(?m)^register user\\s+40 ").containsPattern("(?m)^deposit\\s+160 ")
                .containsPattern("(?m)^query hit\\s+150 ").containsPattern("(?m)^query miss\\s+50 ")
                .contains("query cache: 50 asks missed (BalanceOf loaded from the event store; 50 misses were planned, "
                        + "each after a deposit), 150 were answered from the cache")
                .containsPattern("(?m)^append\\s+100 ").containsPattern("(?m)^read\\s+100 ");
    }
}
