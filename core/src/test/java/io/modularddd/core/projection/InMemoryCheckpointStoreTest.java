package io.modularddd.core.projection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** What the in-memory store adds to the contract (testkit's CheckpointStoreContract): its clock, its locks. */
class InMemoryCheckpointStoreTest {

    /** A clock the test moves. */
    static final class MovableClock extends Clock {
        private volatile Instant now = Instant.parse("2026-11-30T10:00:00Z");

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

    @Test
    void leases_expire_by_the_given_clock() {
        // given
        MovableClock clock = new MovableClock();
        InMemoryCheckpointStore store = InMemoryCheckpointStore.create(clock);
        SegmentLease a = store.tryClaim("p", 0, 1, "node-a", Duration.ofSeconds(10)).orElseThrow();
        assertThat(a.expiresAt()).isEqualTo(clock.instant().plusSeconds(10));
        // when
        clock.advance(Duration.ofSeconds(9));
        assertThat(store.tryClaim("p", 0, 1, "node-b", Duration.ofSeconds(10))).isEmpty();
        clock.advance(Duration.ofSeconds(1));
        // then: at the expiry instant the lease is over
        SegmentLease b = store.tryClaim("p", 0, 1, "node-b", Duration.ofSeconds(10)).orElseThrow();
        assertThat(b.token()).isGreaterThan(a.token());
        assertThatThrownBy(() -> store.commit(a, 1, tx -> { })).isInstanceOf(LeaseLostException.class);
    }

    @Test
    void a_takeover_waits_for_a_commit_in_progress_and_starts_where_it_ended() throws Exception {
        // given: A's commit is running its work when its lease runs out
        MovableClock clock = new MovableClock();
        InMemoryCheckpointStore store = InMemoryCheckpointStore.create(clock);
        SegmentLease a = store.tryClaim("p", 0, 1, "node-a", Duration.ofSeconds(10)).orElseThrow();
        CountDownLatch working = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<SegmentLease> commit = pool.submit(() -> store.commit(a, 4, tx -> {
                working.countDown();
                finish.await(30, TimeUnit.SECONDS);
            }));
            assertThat(working.await(10, TimeUnit.SECONDS)).isTrue();
            clock.advance(Duration.ofSeconds(11));
            // when: B claims, and must wait for the segment's lock
            AtomicReference<Thread> claimer = new AtomicReference<>();
            Future<Optional<SegmentLease>> claim = pool.submit(() -> {
                claimer.set(Thread.currentThread());
                return store.tryClaim("p", 0, 1, "node-b", Duration.ofSeconds(10));
            });
            awaitParked(claimer);
            assertThat(claim).isNotDone();
            finish.countDown();
            // then
            assertThat(commit.get(10, TimeUnit.SECONDS).position()).isEqualTo(4);
            SegmentLease b = claim.get(10, TimeUnit.SECONDS).orElseThrow();
            assertThat(b.position()).isEqualTo(4);
            assertThat(b.token()).isGreaterThan(a.token());
        } finally {
            pool.shutdownNow();
        }
    }

    private static void awaitParked(AtomicReference<Thread> thread) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            Thread t = thread.get();
            if (t != null && t.getState() == Thread.State.WAITING) {
                return;
            }
            Thread.sleep(5);
        }
        throw new AssertionError("the claim never waited");
    }
}
