package io.modularddd.benchmarks.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonReportTest {

    @Test
    void the_file_holds_options_machine_infrastructure_and_every_part_with_percentiles_and_buckets(
            @TempDir Path dir) throws Exception {
        // given
        Report report = Reports.of("--type", "event", "--operations", "300", "--compare", "startup,scale",
                "--jdbc-url", "jdbc:mariadb://root:s3cret@127.0.0.1:3306/test", "--redis", "redis://:pw123@h:6379");
        Path file = dir.resolve("r.json");

        // when
        JsonReport.write(report, file);
        JsonNode root = new ObjectMapper().readTree(file.toFile());

        // then
        assertThat(root.get("format").asInt()).isEqualTo(1);
        assertThat(root.get("options").get("operations").asInt()).isEqualTo(300);
        assertThat(root.get("options").get("profiles").toString()).isEqualTo("[\"startup\",\"scale\"]");
        assertThat(root.get("machine").get("cores").asInt()).isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(root.get("machine").get("jvm").asText()).contains(System.getProperty("java.version"));
        assertThat(root.get("infrastructure").get("eventStore").asText())
                .isEqualTo("jdbc:mariadb://root:***@127.0.0.1:3306/test");
        assertThat(root.get("infrastructure").get("redis").asText()).isEqualTo("redis://:***@h:6379");
        assertThat(root.toString()).doesNotContain("s3cret").doesNotContain("pw123");

        JsonNode runs = root.get("runs");
        assertThat(runs).hasSize(2);
        assertThat(runs.get(1).get("profile").asText()).isEqualTo("scale");
        assertThat(runs.get(1).get("settings").get("storage-tiers.hot.enabled").asText()).isEqualTo("true");
        JsonNode type = runs.get(0).get("types").get(0);
        assertThat(type.get("type").asText()).isEqualTo("event");
        JsonNode append = type.get("parts").get(0);
        LatencyStats expected = report.runs().get(0).types().get(0).parts().get(0);
        assertThat(append.get("part").asText()).isEqualTo("append");
        assertThat(append.get("operations").asLong()).isEqualTo(150);
        assertThat(append.get("p99Ms").asDouble()).isEqualTo(expected.p99Nanos() / 1e6);
        assertThat(append.get("opsPerSecond").asDouble()).isEqualTo(expected.opsPerSecond());
        for (String field : List.of("totalMs", "avgMs", "minMs", "maxMs", "medianMs", "p95Ms")) {
            assertThat(append.has(field)).as(field).isTrue();
        }
        List<Double> percentiles = new ArrayList<>();
        append.get("percentiles").forEach(p -> percentiles.add(p.get("percentile").asDouble()));
        assertThat(percentiles).containsExactly(50.0, 75.0, 90.0, 95.0, 99.0, 99.9, 99.99);
        long counted = 0;
        for (JsonNode bucket : append.get("histogram")) {
            counted += bucket.get("count").asLong();
            assertThat(bucket.get("toMs").asDouble()).isGreaterThan(bucket.get("fromMs").asDouble());
        }
        assertThat(counted).isEqualTo(150);
        assertThat(type.get("all").get("operations").asLong()).isEqualTo(300);
        JsonNode lag = type.get("projectionLag");
        assertThat(lag.get("strategy").asText()).isEqualTo("async");
        assertThat(lag.get("events").asLong()).isEqualTo(100);
        assertThat(lag.get("finalLagEvents").asLong()).isEqualTo(3);
        assertThat(lag.get("p50Ms").asDouble()).isBetween(0.4995, 0.5005);
        assertThat(runs.get(1).get("types").get(0).has("projectionLag")).isFalse();
    }
}
