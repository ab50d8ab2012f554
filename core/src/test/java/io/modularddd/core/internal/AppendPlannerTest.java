package io.modularddd.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modularddd.core.AggregateId;
import io.modularddd.core.AppendRequest;
import io.modularddd.core.AppendResult;
import io.modularddd.core.ConcurrencyConflictException;
import io.modularddd.core.EventIdConflictException;
import io.modularddd.core.ExpectedVersion;
import io.modularddd.core.NewEvent;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The append rule every store shares, without a store: idempotency first, then the version, then placement. */
class AppendPlannerTest {

    record Note(String text) {
    }

    private final Map<AggregateId, Long> versions = new HashMap<>();
    private final Map<UUID, Idempotency.StoredRef> stored = new HashMap<>();
    private final AppendPlanner.Known known = new AppendPlanner.Known() {
        @Override
        public long versionOf(AggregateId stream) {
            return versions.getOrDefault(stream, 0L);
        }

        @Override
        public Idempotency.StoredRef storedRef(UUID eventId) {
            return stored.get(eventId);
        }
    };

    private static final AggregateId A = AggregateId.of("a");
    private static final AggregateId B = AggregateId.of("b");

    private static NewEvent event(String text) {
        return NewEvent.of(new Note(text));
    }

    private static AppendRequest request(AggregateId id, ExpectedVersion expected, NewEvent... events) {
        return AppendRequest.of(id, "Thing", expected, events);
    }

    /** Records what a store would have stored for a request placed as planned. */
    private void store(AppendRequest r, AppendResult result) {
        for (int i = 0; i < r.size(); i++) {
            UUID id = r.events().get(i).eventId();
            stored.put(id, new Idempotency.StoredRef(id, r.aggregateId(), result.firstVersion() + i,
                    result.firstPosition() + i));
        }
        versions.put(r.aggregateId(), result.lastVersion());
    }

    @Test
    void new_events_go_after_the_streams_version_and_at_the_next_positions() {
        // given: stream a at version 3; the log's next position is 11
        versions.put(A, 3L);

        // when
        AppendRequest r = request(A, ExpectedVersion.exactly(3), event("x"), event("y"));
        AppendPlanner.Plan plan = AppendPlanner.plan(List.of(r), known, 11);

        // then
        assertThat(plan.results()).containsExactly(new AppendResult(A, 4, 5, 11, 12));
        assertThat(plan.placements()).containsExactly(new AppendPlanner.Placement(r, 4, 11));
        assertThat(plan.versions()).containsEntry(A, 5L);
        assertThat(plan.refs()).hasSize(2);
        assertThat(plan.newEvents()).isEqualTo(2);
    }

    @Test
    void a_unit_of_several_streams_is_placed_one_after_the_other() {
        versions.put(B, 1L);
        AppendRequest ra = request(A, ExpectedVersion.noStream(), event("a1"));
        AppendRequest rb = request(B, ExpectedVersion.exactly(1), event("b2"), event("b3"));

        AppendPlanner.Plan plan = AppendPlanner.plan(List.of(ra, rb), known, 1);

        assertThat(plan.results()).containsExactly(new AppendResult(A, 1, 1, 1, 1), new AppendResult(B, 2, 3, 2, 3));
        assertThat(plan.newEvents()).isEqualTo(3);
    }

    @Test
    void a_wrong_expected_version_is_a_conflict_with_the_actual_version() {
        versions.put(A, 2L);
        assertThatThrownBy(() -> AppendPlanner.plan(List.of(request(A, ExpectedVersion.noStream(), event("x"))),
                known, 3))
                .isInstanceOfSatisfying(ConcurrencyConflictException.class, e -> {
                    assertThat(e.aggregateId()).isEqualTo(A);
                    assertThat(e.actualVersion()).isEqualTo(2);
                });
    }

    @Test
    void idempotency_is_checked_before_the_version_so_a_late_repeat_gets_its_original_result() {
        // given: a request stored at versions 1..2, positions 1..2, and the stream moved on since
        AppendRequest first = request(A, ExpectedVersion.noStream(), event("x"), event("y"));
        store(first, AppendPlanner.plan(List.of(first), known, 1).results().get(0));
        versions.put(A, 7L);

        // when: the same request is repeated
        AppendPlanner.Plan plan = AppendPlanner.plan(List.of(first), known, 8);

        // then: its original result, nothing to place
        assertThat(plan.results()).containsExactly(new AppendResult(A, 1, 2, 1, 2));
        assertThat(plan.placements()).isEmpty();
        assertThat(plan.newEvents()).isZero();
    }

    @Test
    void an_id_stored_elsewhere_is_an_event_id_conflict() {
        AppendRequest first = request(A, ExpectedVersion.noStream(), event("x"));
        store(first, AppendPlanner.plan(List.of(first), known, 1).results().get(0));

        AppendRequest reused = request(B, ExpectedVersion.noStream(), first.events().get(0));
        assertThatThrownBy(() -> AppendPlanner.plan(List.of(reused), known, 2))
                .isInstanceOfSatisfying(EventIdConflictException.class, e -> assertThat(e.storedIn()).isEqualTo(A));
    }

    @Test
    void the_plan_changes_nothing_the_store_knows() {
        AppendPlanner.plan(List.of(request(A, ExpectedVersion.any(), event("x"))), known, 1);
        assertThat(versions).isEmpty();
        assertThat(stored).isEmpty();
    }
}
