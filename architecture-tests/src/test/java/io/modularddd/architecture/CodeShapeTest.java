package io.modularddd.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The shape of the published modules' code: their public surface is what they mean to publish
 * (engines stay package-private, benchmarks do not widen the API), and no production class grows
 * past 500 lines without saying why at its top.
 */
class CodeShapeTest {

    private static final Pattern PUBLIC_TOP_LEVEL = Pattern.compile(
            "(?m)^public (?:final |abstract |sealed |non-sealed )*(?:class|interface|enum|record|@interface) ");
    private static final int MAX_LINES = 500;
    private static final String REASON = "longer than 500 lines";

    /** The public top-level types of each adapter, of cqrs and of the testkit. Adding one is an API decision. */
    private static final Map<String, List<String>> PUBLIC_TYPES = Map.of(
            "cache", List.of("CaffeineTier", "CaffeineTierBuilder", "TieredCache", "TieredCacheBuilder"),
            "cqrs", List.of("CommandMetrics", "CommandQueueWorker", "CommandValidation", "ConflictRetry", "DispatchStrategy",
                    "InvalidationRules", "QueryCacheInvalidationException", "SimpleCommandBus", "SimpleQueryBus",
                    "SlowCommandLog", "UnitOfWork",
                    "ProjectionEngine", "ProjectionEngineBuilder", "ProjectionResetException", "ProjectionStrategy",
                    "PerformanceProfiler", "TimerNotStartedException", "QueueDepthIndicator", "ProjectionLagIndicator"),
            "eventstore-jdbc", List.of("JdbcCacheTier", "JdbcCacheTierBuilder", "JdbcCommandQueue", "JdbcCommandQueueBuilder",
                    "JdbcDialect", "JdbcEventStore", "JdbcEventStoreBuilder", "JdbcHealthIndicator"),
            "eventstore-redis", List.of("HotTierCompression", "HotTierFormat", "RedisAggregateStats",
                    "RedisAggregateStatsBuilder", "RedisAppendSignal", "RedisAppendSignalBuilder",
                    "RedisCacheInvalidationBus", "RedisCacheInvalidationBusBuilder",
                    "RedisCacheTier", "RedisCacheTierBuilder", "RedisCommandQueue", "RedisCommandQueueBuilder",
                    "RedisHotTier", "RedisHotTierBuilder", "RedisSnapshotStore", "RedisSnapshotStoreBuilder",
                    "TieredEventStore", "RedisHealthIndicator", "RedisMetricsCollector", "RedisMetricsCollectorBuilder"),
            "profiles", List.of("Profile", "ModularDdd", "ModularDddBuilder"),
            "testkit", List.of("AggregateFixture", "AggregateStatsContract", "CacheTierContract",
                    "CheckpointStoreContract",
                    "CommandQueueContract", "ContractEvents", "EventStoreContract", "MetricsCollectorContract",
                    "ProjectionTestFixture", "ServiceFixtures", "SnapshotStoreContract"));

    private final Path root = findRoot();

    private static Path findRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("architecture-tests"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("the project root is not above " + Path.of("").toAbsolutePath());
        }
        return dir;
    }

    private List<Path> sources(String module) throws IOException {
        Path dir = root.resolve(module).resolve("src/main/java");
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(f -> f.toString().endsWith(".java") && !f.endsWith("package-info.java")).sorted()
                    .toList();
        }
    }

    @Test
    void the_adapters_and_the_testkit_publish_only_their_api() throws IOException {
        for (Map.Entry<String, List<String>> module : PUBLIC_TYPES.entrySet()) {
            TreeSet<String> found = new TreeSet<>();
            for (Path file : sources(module.getKey())) {
                if (PUBLIC_TOP_LEVEL.matcher(Files.readString(file, StandardCharsets.UTF_8)).find()) {
                    found.add(file.getFileName().toString().replace(".java", ""));
                }
            }
            assertThat(found).as("public top-level types of %s (keep engines package-private; a benchmark that "
                    + "needs an internal lives in the same package in the benchmarks module)", module.getKey())
                    .containsExactlyElementsOf(new TreeSet<>(module.getValue()));
        }
    }

    @Test
    void no_production_class_is_longer_than_500_lines_without_saying_why() throws IOException {
        List<String> tooLong = new ArrayList<>();
        for (Modules module : Modules.values()) {
            if (module == Modules.BENCHMARKS || module == Modules.EXAMPLES) {
                continue;
            }
            for (Path file : sources(module.directory)) {
                List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
                if (lines.size() > MAX_LINES && !String.join("\n", lines).contains(REASON)) {
                    tooLong.add(root.relativize(file) + " (" + lines.size() + " lines)");
                }
            }
        }
        assertThat(tooLong).as("split these classes, or write at the top why this one is \"" + REASON + "\"")
                .isEmpty();
    }
}
