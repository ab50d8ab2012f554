package io.modularddd.cqrs.projection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modularddd.core.InMemoryEventStore;
import io.modularddd.core.InvalidInputException;
import io.modularddd.core.health.Health;
import io.modularddd.core.projection.InMemoryCheckpointStore;
import io.modularddd.core.projection.Projection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link ProjectionLagIndicator}: lag per projection against the head, down above the limit or when stopped. */
class ProjectionLagIndicatorTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final InMemoryEventStore store = Ledger.newStore();
    private final InMemoryCheckpointStore checkpoints = InMemoryCheckpointStore.create();
    private final ReadModel model = new ReadModel();
    private final List<ProjectionEngine> engines = new ArrayList<>();

    @AfterEach
    void close() {
        engines.forEach(ProjectionEngine::close);
    }

    private Projection counting(String name) {
        return Projection.builder(name).on(Ledger.Credited.class, (c, event, tx) -> model.apply(event)).build();
    }

    private Projection failingOn(String name, long amount) {
        return Projection.builder(name).on(Ledger.Credited.class, (c, event, tx) -> {
            if (c.amount() == amount) {
                throw new IllegalStateException("cannot apply credit " + amount);
            }
            model.apply(event);
        }).build();
    }

    private ProjectionEngine engine(ProjectionEngineBuilder builder) {
        ProjectionEngine engine = builder.build();
        engines.add(engine);
        return engine;
    }

    @Test
    void a_projection_behind_the_head_by_more_than_the_limit_is_down_and_up_once_caught_up() {
        // given: 30 events, and an engine not started yet
        long head = Ledger.credits(store, 30, 3);
        ProjectionEngine engine = engine(ProjectionEngine.builder(store, checkpoints)
                .register(counting("orders"), ProjectionStrategy.async()));
        ProjectionLagIndicator indicator = ProjectionLagIndicator.of(engine, 10);

        // when
        Health behind = indicator.check();

        // then
        assertThat(indicator.name()).isEqualTo("projections");
        assertThat(behind.status()).isEqualTo(Health.Status.DOWN);
        assertThat(behind.detail()).containsEntry("headPosition", Long.toString(head))
                .containsEntry("orders.lag", "30").containsEntry("orders.state", "RUNNING")
                .containsEntry("maxLag", "10");

        // and when it catches up
        engine.start();
        assertThat(engine.awaitCaughtUp("orders", head, WAIT)).isTrue();
        Health caughtUp = indicator.check();
        assertThat(caughtUp.status()).isEqualTo(Health.Status.UP);
        assertThat(caughtUp.detail()).containsEntry("orders.lag", "0");
    }

    @Test
    void a_stopped_projection_is_down_whatever_its_lag() {
        // given
        long head = Ledger.credits(store, 10, 2);
        ProjectionEngine engine = engine(ProjectionEngine.builder(store, checkpoints)
                .register(counting("fine"), ProjectionStrategy.async())
                .register(failingOn("stops", 10), ProjectionStrategy.async()
                        .retries(1, Duration.ofMillis(1), Duration.ofMillis(1))
                        .onFailure(ProjectionStrategy.OnFailure.STOP)));
        engine.start();
        assertThat(engine.awaitCaughtUp("fine", head, WAIT)).isTrue();
        assertThat(engine.awaitCaughtUp("stops", head, WAIT)).isFalse();

        // when
        Health health = ProjectionLagIndicator.of(engine, 1_000).check();

        // then
        assertThat(health.status()).isEqualTo(Health.Status.DOWN);
        assertThat(health.detail()).containsEntry("fine.state", "RUNNING").containsEntry("fine.lag", "0")
                .containsEntry("stops.state", "STOPPED").containsEntry("stops.lag", "1")
                .containsEntry("stops.stoppedAt", "10");
    }

    @Test
    void bad_arguments_are_typed_errors() {
        ProjectionEngine engine = engine(ProjectionEngine.builder(store, checkpoints)
                .register(counting("x"), ProjectionStrategy.async()));
        assertThatThrownBy(() -> ProjectionLagIndicator.of(null, 1)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("engine");
        assertThatThrownBy(() -> ProjectionLagIndicator.of(engine, -1)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("maxLag");
    }
}
