package io.modularddd.cqrs.projection;

import static org.assertj.core.api.Assertions.assertThat;

import io.modularddd.core.AggregateId;
import io.modularddd.core.EventStore;
import io.modularddd.core.InMemoryEventStore;
import io.modularddd.core.projection.CheckpointStore;
import io.modularddd.core.projection.InMemoryCheckpointStore;
import io.modularddd.core.projection.LocalAppendSignal;
import io.modularddd.core.projection.Projection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Scale-out: segments claimed through leases by several engines (processes), take-over, fencing. */
class SegmentsTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String NAME = "segmented";

    private final InMemoryEventStore store = Ledger.newStore();
    private final LocalAppendSignal signal = LocalAppendSignal.create();
    private final ReadModel model = new ReadModel();
    private final List<ProjectionEngine> engines = new ArrayList<>();

    @AfterEach
    void close() {
        engines.forEach(ProjectionEngine::close);
        signal.close();
    }

    private ProjectionEngine engine(CheckpointStore checkpoints, String owner, Projection projection,
                                    Duration leaseTime) {
        ProjectionEngine engine = ProjectionEngine.builder(store, checkpoints)
                .register(projection, ProjectionStrategy.async().segments(4))
                .owner(owner).signal(signal).maxSegments(2).leaseTime(leaseTime)
                .claimInterval(Duration.ofMillis(20)).pollInterval(Duration.ofMillis(50)).pageSize(50)
                .build();
        engines.add(engine);
        engine.start();
        return engine;
    }

    private Projection recording() {
        return Projection.builder(NAME).on(Ledger.Credited.class, (c, event, tx) -> model.apply(event)).build();
    }

    private static long appendCredits(EventStore events, int count) {
        long last = 0;
        for (int i = 0; i < count; i++) {
            last = Ledger.append(events, "acc-" + (i % 40), new Ledger.Credited(i)).lastPosition();
        }
        return last;
    }

    /** Per segment, in the order applied: tokens never go back, and each token has one owner. */
    private void assertOneOwnerAtATime() {
        Map<Integer, Long> lastToken = new HashMap<>();
        Map<Long, String> ownerOfToken = new HashMap<>();
        for (ReadModel.Applied a : model.applied()) {
            assertThat(a.segment()).as("segment of %s", a.stream())
                    .isEqualTo(Segments.of(AggregateId.of(a.stream()), 4));
            long before = lastToken.getOrDefault(a.segment(), Long.MIN_VALUE);
            assertThat(a.token()).as("token at position %d of segment %d", a.position(), a.segment())
                    .isGreaterThanOrEqualTo(before);
            lastToken.put(a.segment(), a.token());
            String owner = ownerOfToken.putIfAbsent(a.segment() * 1_000_000L + a.token(), a.owner());
            assertThat(owner == null || owner.equals(a.owner())).as("one owner per token").isTrue();
        }
    }

    @Test
    void three_processes_over_four_segments_one_stopped_mid_run_apply_every_event_once() throws Exception {
        // given
        FencedCheckpoints checkpoints = new FencedCheckpoints(InMemoryCheckpointStore.create());
        ProjectionEngine a = engine(checkpoints, "process-a", recording(), Duration.ofSeconds(5));
        assertThat(checkpoints.awaitClaims("process-a", 2, WAIT)).isTrue();
        ProjectionEngine b = engine(checkpoints, "process-b", recording(), Duration.ofSeconds(5));
        ProjectionEngine c = engine(checkpoints, "process-c", recording(), Duration.ofSeconds(5));

        // when
        long half = appendCredits(a.eventStore(), 600);
        assertThat(b.awaitCaughtUp(NAME, half, WAIT)).isTrue();
        a.close();
        long head = appendCredits(b.eventStore(), 600);

        // then
        assertThat(c.awaitCaughtUp(NAME, head, WAIT)).isTrue();
        assertThat(model.positions()).hasSize(1200).doesNotHaveDuplicates();
        assertThat(new HashSet<>(model.positions())).isEqualTo(new HashSet<>(ReadModel.range(1, head)));
        model.versionsByStream().forEach((stream, versions) -> assertThat(versions).as(stream).isSorted());
        assertOneOwnerAtATime();
        Map<String, Long> byOwner = model.applied().stream()
                .collect(Collectors.groupingBy(ReadModel.Applied::owner, Collectors.counting()));
        assertThat(byOwner.keySet()).containsExactlyInAnyOrder("process-a", "process-b", "process-c");
    }

    @Test
    void a_process_killed_between_handling_and_checkpoint_loses_nothing_and_its_segments_are_taken_over()
            throws Exception {
        // given: process a dies (an Error) right after handling its 100th event, before the checkpoint
        FencedCheckpoints checkpoints = new FencedCheckpoints(InMemoryCheckpointStore.create());
        AtomicBoolean dead = new AtomicBoolean();
        int[] handledByA = {0};
        Projection dying = Projection.builder(NAME).on(Ledger.Credited.class, (c, event, tx) -> {
            model.apply(event);
            if (++handledByA[0] == 100) {
                dead.set(true);
                throw new OutOfMemoryError("simulated death of process a");
            }
        }).build();
        ProjectionEngine a = engine(checkpoints, "process-a", dying, Duration.ofMillis(500));
        assertThat(checkpoints.awaitClaims("process-a", 2, WAIT)).isTrue();
        ProjectionEngine b = engine(checkpoints, "process-b", recording(), Duration.ofMillis(500));
        ProjectionEngine c = engine(checkpoints, "process-c", recording(), Duration.ofMillis(500));

        // when
        long head = appendCredits(b.eventStore(), 800);

        // then
        assertThat(c.awaitCaughtUp(NAME, head, WAIT)).isTrue();
        assertThat(dead).isTrue();
        assertThat(a.status(NAME).state()).isEqualTo(ProjectionEngine.State.STOPPED);
        assertThat(new HashSet<>(model.positions())).isEqualTo(new HashSet<>(ReadModel.range(1, head)));
        assertOneOwnerAtATime();
        // what a applied but did not commit is applied again by the new owner (at least once), never by a again
        Map<Long, List<ReadModel.Applied>> byPosition = model.applied().stream()
                .collect(Collectors.groupingBy(ReadModel.Applied::position));
        byPosition.values().stream().filter(l -> l.size() > 1).forEach(twice -> {
            assertThat(twice).hasSize(2);
            assertThat(twice.get(0).owner()).isEqualTo("process-a");
            assertThat(twice.get(1).owner()).isNotEqualTo("process-a");
        });
        a.close();
    }

    @Test
    void a_process_that_lost_its_lease_stops_before_the_new_owner_writes() throws Exception {
        // given: process a owns every segment; then its leases run out (the store's clock jumps) and c claims them
        MutableClock clock = new MutableClock();
        FencedCheckpoints checkpoints = new FencedCheckpoints(InMemoryCheckpointStore.create(clock));
        Projection projection = recording();
        ProjectionEngine a = ProjectionEngine.builder(store, checkpoints)
                .register(projection, ProjectionStrategy.async().segments(4)).owner("process-a").signal(signal)
                .leaseTime(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20)).build();
        engines.add(a);
        a.start();
        long first = appendCredits(a.eventStore(), 100);
        assertThat(a.awaitCaughtUp(NAME, first, WAIT)).isTrue();
        clock.advance(Duration.ofMinutes(1));
        ProjectionEngine c = ProjectionEngine.builder(store, checkpoints)
                .register(recording(), ProjectionStrategy.async().segments(4)).owner("process-c").signal(signal)
                .leaseTime(Duration.ofSeconds(30)).claimInterval(Duration.ofMillis(10)).build();
        engines.add(c);
        c.start();
        assertThat(checkpoints.awaitClaims("process-c", 4, WAIT)).isTrue();

        // when
        long head = appendCredits(a.eventStore(), 100);

        // then
        assertThat(c.awaitCaughtUp(NAME, head, WAIT)).isTrue();
        assertThat(model.applied()).filteredOn(x -> x.position() > first)
                .extracting(ReadModel.Applied::owner).containsOnly("process-c");
        // a tried to commit on each of its segments, was refused, and applied nothing
        assertThat(checkpoints.awaitCommits(x -> x.lease().owner().equals("process-a") && !x.committed(), 4, WAIT))
                .isTrue();
        assertThat(model.applied()).filteredOn(x -> x.position() > first)
                .extracting(ReadModel.Applied::owner).containsOnly("process-c");
        assertThat(model.positions()).containsExactlyInAnyOrderElementsOf(ReadModel.range(1, head));
    }

    /** A clock tests move forward. */
    static final class MutableClock extends Clock {
        private volatile Instant now = Instant.parse("2026-01-01T00:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
