package io.modularddd.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modularddd.core.AggregateId;
import io.modularddd.core.ErasedEvent;
import io.modularddd.core.StoredEvent;
import io.modularddd.core.projection.Projection;
import io.modularddd.core.serialization.EventTypeRegistry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ProjectionTestFixtureTest {

    record Opened(String owner) {
    }

    record Deposited(long cents) {
    }

    record Renamed(String owner) {
    }

    static final EventTypeRegistry TYPES = EventTypeRegistry.builder()
            .register("test.opened.v1", Opened.class)
            .register("test.deposited.v1", Deposited.class)
            .register("test.renamed.v1", Renamed.class)
            .build();

    /** A read model under test: balances per account. */
    static final class Balances {
        final Map<String, Long> balances = new HashMap<>();

        Projection projection() {
            return Projection.builder("balances")
                    .on(Opened.class, (e, event, tx) -> balances.put(event.aggregateId().value(), 0L))
                    .on(Deposited.class, (e, event, tx) -> balances.merge(event.aggregateId().value(), e.cents(),
                            Long::sum))
                    .onReset(balances::clear)
                    .build();
        }
    }

    @Test
    void given_events_when_projected_then_the_read_model_holds_them() {
        Balances model = new Balances();
        ProjectionTestFixture fixture = ProjectionTestFixture.of(TYPES, model.projection())
                .given("acc-1", new Opened("Ada"), new Deposited(100))
                .given("acc-2", new Opened("Bob"), new Renamed("Rob"))
                .given("acc-1", new Deposited(50))
                .whenProjected()
                .then(() -> assertThat(model.balances).containsExactlyInAnyOrderEntriesOf(
                        Map.of("acc-1", 150L, "acc-2", 0L)));

        assertThat(fixture.handledEvents()).extracting(StoredEvent::eventType)
                .containsExactly("test.opened.v1", "test.deposited.v1", "test.opened.v1", "test.deposited.v1");
        assertThat(fixture.checkpoint()).isEqualTo(5);
    }

    @Test
    void projecting_again_goes_on_from_the_checkpoint_and_a_rebuild_starts_over() {
        Balances model = new Balances();
        ProjectionTestFixture fixture = ProjectionTestFixture.of(TYPES, model.projection())
                .given("acc-1", new Opened("Ada"), new Deposited(100)).whenProjected()
                .given("acc-1", new Deposited(1)).whenProjected();
        assertThat(model.balances).containsEntry("acc-1", 101L);

        model.balances.put("acc-1", -1L); // a corrupted read model
        fixture.rebuild();

        assertThat(model.balances).containsEntry("acc-1", 101L);
        assertThat(fixture.handledEvents()).hasSize(3);
    }

    @Test
    void a_failing_handler_fails_the_test_naming_the_event() {
        Projection failing = Projection.builder("failing").on(Deposited.class, (e, event, tx) -> {
            throw new IllegalStateException("no room");
        }).build();

        assertThatThrownBy(() -> ProjectionTestFixture.of(TYPES, failing).given("acc-1", new Deposited(1))
                .whenProjected()).isInstanceOf(AssertionError.class)
                .hasMessageContaining("test.deposited.v1").hasMessageContaining("position 1")
                .hasMessageContaining("no room");
    }

    @Test
    void dead_lettering_records_the_failing_event_and_goes_on_also_in_batches() {
        List<Long> applied = new ArrayList<>();
        Projection batch = Projection.builder("batches").batch(Set.of(Deposited.class), (events, tx) -> {
            for (StoredEvent e : events) {
                if (e.payloadAs(Deposited.class).cents() == 13) {
                    throw new IllegalStateException("thirteen");
                }
            }
            events.forEach(e -> applied.add(e.position()));
        }).build();
        ProjectionTestFixture fixture = ProjectionTestFixture.of(TYPES, batch).batchSize(4).deadLettering();
        for (int i = 1; i <= 20; i++) {
            fixture.given("acc-" + (i % 3), new Deposited(i));
        }

        fixture.whenProjected();

        assertThat(fixture.deadLetters()).singleElement()
                .satisfies(l -> assertThat(l.position()).isEqualTo(13));
        assertThat(applied).hasSize(19).doesNotContain(13L).doesNotHaveDuplicates();
        assertThat(fixture.checkpoint()).isEqualTo(20);
    }

    @Test
    void erased_streams_reach_the_projection_as_erased_events() {
        List<String> erased = new ArrayList<>();
        Projection projection = Projection.builder("privacy")
                .on(ErasedEvent.class, (e, event, tx) -> erased.add(event.storedEventType()))
                .build();
        ProjectionTestFixture fixture = ProjectionTestFixture.of(TYPES, projection).given("acc-1", new Opened("Ada"));
        fixture.store().erase(AggregateId.of("acc-1"));

        fixture.whenProjected();

        assertThat(erased).containsExactly("test.opened.v1");
    }
}
