package io.modularddd.examples.docs.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.modularddd.core.AggregateId;
import io.modularddd.core.aggregate.EventSourcedRepository;
import io.modularddd.core.health.HealthReport;
import io.modularddd.core.metrics.MetricsCollector;
import io.modularddd.core.serialization.JacksonEventSerializer;
import io.modularddd.cqrs.PerformanceProfiler;
import io.modularddd.cqrs.projection.ProjectionEngine;
import io.modularddd.cqrs.projection.ProjectionStrategy;
import io.modularddd.eventstore.jdbc.JdbcCommandQueue;
import io.modularddd.eventstore.jdbc.JdbcEventStore;
import io.modularddd.examples.docs.projections.Balances;
import io.modularddd.examples.quickstart.Account;
import io.modularddd.examples.quickstart.AccountEvents;
import io.modularddd.testkit.ServiceFixtures;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The samples of docs/monitoring.md run: collector, profiler, buses, and a health report on H2 and Redis. */
class MonitoringSamplesTest {

    record Deposit(long cents) implements io.modularddd.core.command.Command<Long> {
    }

    @Test
    void the_collector_the_profiler_and_the_buses_work_as_documented() {
        MetricsCollector metrics = MonitoringSamples.inMemory();
        var commands = MonitoringSamples.buses(metrics, new SimpleMeterRegistry());
        commands.register(Deposit.class, d -> d.cents());
        commands.dispatch(new Deposit(5));

        assertThat(metrics.commandSummaries().get(Deposit.class.getName()).count()).isEqualTo(1);
        assertThat(MonitoringSamples.readBack(metrics, 1_000)).isNull();
        assertThat(metrics.querySummaries().get("com.example.AccountBalance").totalNanos()).isEqualTo(1_000);
        PerformanceProfiler.Measurement m = MonitoringSamples.timer(() -> new StringBuilder("x").append(1));
        assertThat(m.name()).isEqualTo("nightly-import");
        assertThat(m.durationNanos()).isPositive();
    }

    @Test
    void the_health_report_sees_the_database_the_projections_and_the_queue() {
        ServiceFixtures.redis();
        String url = "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
        try (JdbcEventStore store = JdbcEventStore.builder().jdbcUrl(url).username("sa").password("")
                .serializer(JacksonEventSerializer.json(AccountEvents.registry())).build();
             JdbcCommandQueue queue = JdbcCommandQueue.builder().jdbcUrl(url).username("sa").password("").build()) {
            store.createSchema();
            queue.createSchema();
            Account account = Account.open(AggregateId.of("acc-1"), "Ada");
            account.deposit(100);
            EventSourcedRepository.create(store, "Account", Account::new).save(account);
            try (ProjectionEngine engine = ProjectionEngine.builder(store, store.checkpointStore())
                    .register(new Balances().projection(), ProjectionStrategy.async()).build()) {
                engine.start();
                assertThat(engine.awaitCaughtUp("account-balances-in-memory", store.headPosition(),
                        Duration.ofSeconds(10))).isTrue();

                HealthReport report = MonitoringSamples.health(store, engine, queue);

                assertThat(report.components()).containsOnlyKeys("database", "redis", "projections",
                        "queue:high-priority");
                assertThat(report.components().get("database").detail()).containsEntry("headPosition", "2");
                assertThat(report.isUp()).as(report.toString()).isTrue();
            }
        }
    }
}
