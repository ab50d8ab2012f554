package io.modularddd.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modularddd.core.InvalidInputException;
import io.modularddd.core.projection.CheckpointStore;
import io.modularddd.core.projection.CheckpointTransaction;
import io.modularddd.core.projection.CheckpointWorkException;
import io.modularddd.core.projection.LeaseLostException;
import io.modularddd.core.projection.ProjectionDeadLetter;
import io.modularddd.core.projection.SegmentLease;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link CheckpointStore} must show. Extend it with a fixture that returns a store:
 *
 * <pre>{@code
 * class InMemoryCheckpointStoreContractTest extends CheckpointStoreContract {
 *     protected CheckpointStore createStore() {
 *         return InMemoryCheckpointStore.create();
 *     }
 * }
 * }</pre>
 *
 * <p>Each test uses projection names of its own, so a store may be shared with other tests. Leases expire by
 * the store's own clock (a database's, for instance): the tests that need an expiry use leases of a few
 * hundred milliseconds and wait for them to run out. It covers: claims (one owner, a higher token per grant,
 * an expired lease taken over), fencing of commit, renew and release with a stale token, commit running the
 * work atomically with the checkpoint (work that throws leaves the checkpoint), positions never moving back
 * but by reset, reset voiding leases and freeing the segment count, a segment count that differs refused, dead
 * letters (add, list oldest first, remove, replace, cut error text), bad input as typed errors, and
 * concurrent claimers of which exactly one wins.
 */
public abstract class CheckpointStoreContract {

    /** A lease that outlives every test. */
    protected static final Duration LONG = Duration.ofMinutes(5);
    /** A lease the expiry tests wait out. */
    protected static final Duration SHORT = Duration.ofMillis(300);

    /** The store under test, fresh for each test. */
    protected CheckpointStore store;

    /**
     * Returns a store. Called before each test.
     *
     * @return the store
     */
    protected abstract CheckpointStore createStore();

    @BeforeEach
    void openStore() {
        store = createStore();
    }

    @AfterEach
    void closeStore() {
        if (store != null) {
            store.close();
        }
    }

    /**
     * A unique projection name.
     *
     * @param name a readable prefix
     * @return the name
     */
    protected static String projection(String name) {
        return name + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private SegmentLease claim(String projection, int segment, int count, String owner, Duration leaseTime) {
        return store.tryClaim(projection, segment, count, owner, leaseTime).orElseThrow(
                () -> new AssertionError(owner + " was refused segment " + segment + " of " + projection));
    }

    /** Claims for {@code owner} until granted: the holder's lease must run out first. */
    private SegmentLease claimWhenExpired(String projection, int segment, String owner) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            Optional<SegmentLease> lease = store.tryClaim(projection, segment, 1, owner, LONG);
            if (lease.isPresent()) {
                return lease.get();
            }
            Thread.sleep(20);
        }
        throw new AssertionError("the lease on " + projection + " never ran out");
    }

    /** Waits until a lease is past its expiry (by the store's clock, which is the machine's on loopback). */
    private static void awaitExpiry(SegmentLease lease) throws InterruptedException {
        long waitMillis = Duration.between(Instant.now(), lease.expiresAt()).toMillis() + 150;
        if (waitMillis > 0) {
            Thread.sleep(waitMillis);
        }
    }

    private static CheckpointStore.Work nothing() {
        return tx -> { };
    }

    @Test
    void a_first_claim_starts_at_position_0_with_the_asked_lease() {
        String p = projection("first");
        Instant before = Instant.now();
        SegmentLease lease = claim(p, 1, 3, "node-a", Duration.ofSeconds(30));
        assertThat(lease.projection()).isEqualTo(p);
        assertThat(lease.segment()).isEqualTo(1);
        assertThat(lease.segmentCount()).isEqualTo(3);
        assertThat(lease.owner()).isEqualTo("node-a");
        assertThat(lease.position()).isZero();
        assertThat(lease.expiresAt()).isBetween(before.plusSeconds(28), Instant.now().plusSeconds(32));
        assertThat(store.position(p, 1)).isZero();
    }

    @Test
    void a_live_lease_keeps_every_other_owner_out_and_other_segments_stay_free() {
        String p = projection("one-owner");
        claim(p, 0, 2, "node-a", LONG);
        assertThat(store.tryClaim(p, 0, 2, "node-b", LONG)).isEmpty();
        assertThat(store.tryClaim(p, 1, 2, "node-b", LONG)).map(SegmentLease::owner).contains("node-b");
        assertThat(store.tryClaim(p, 1, 2, "node-a", LONG)).isEmpty();
    }

    @Test
    void every_grant_carries_a_higher_token_and_voids_the_lease_before_it() {
        String p = projection("tokens");
        SegmentLease first = claim(p, 0, 1, "node-a", LONG);
        SegmentLease again = claim(p, 0, 1, "node-a", LONG);
        assertThat(again.token()).isGreaterThan(first.token());
        assertThatThrownBy(() -> store.commit(first, 1, nothing())).isInstanceOf(LeaseLostException.class);
        store.release(again);
        SegmentLease other = claim(p, 0, 1, "node-b", LONG);
        assertThat(other.token()).isGreaterThan(again.token());
        assertThat(store.commit(other, 1, nothing()).position()).isEqualTo(1);
    }

    @Test
    void an_expired_lease_is_taken_over_with_a_higher_token_and_its_holder_is_fenced() throws Exception {
        String p = projection("takeover");
        SegmentLease a = claim(p, 0, 1, "node-a", SHORT);
        a = store.commit(a, 7, nothing());
        assertThat(store.tryClaim(p, 0, 1, "node-b", LONG)).isEmpty();

        SegmentLease b = claimWhenExpired(p, 0, "node-b");
        assertThat(b.token()).isGreaterThan(a.token());
        assertThat(b.position()).isEqualTo(7);

        AtomicInteger ran = new AtomicInteger();
        SegmentLease stale = a;
        assertThatThrownBy(() -> store.commit(stale, 9, tx -> ran.incrementAndGet()))
                .isInstanceOf(LeaseLostException.class);
        assertThat(ran).hasValue(0);
        assertThatThrownBy(() -> store.renew(stale, LONG)).isInstanceOf(LeaseLostException.class);
        store.release(stale);
        assertThat(store.position(p, 0)).isEqualTo(7);
        assertThat(store.tryClaim(p, 0, 1, "node-c", LONG)).isEmpty();
        assertThat(store.commit(b, 8, nothing()).position()).isEqualTo(8);
    }

    @Test
    void a_lease_past_its_expiry_cannot_commit_or_renew_even_before_a_takeover() throws Exception {
        String p = projection("expired");
        SegmentLease a = claim(p, 0, 1, "node-a", SHORT);
        awaitExpiry(a);
        assertThatThrownBy(() -> store.commit(a, 1, nothing())).isInstanceOf(LeaseLostException.class);
        assertThatThrownBy(() -> store.renew(a, LONG)).isInstanceOf(LeaseLostException.class);
        assertThat(store.position(p, 0)).isZero();
        SegmentLease back = claim(p, 0, 1, "node-a", LONG);
        assertThat(back.token()).isGreaterThan(a.token());
    }

    @Test
    void renew_extends_the_lease_past_its_first_expiry() throws Exception {
        String p = projection("renew");
        SegmentLease a = claim(p, 0, 1, "node-a", SHORT);
        SegmentLease renewed = store.renew(a, LONG);
        assertThat(renewed.token()).isEqualTo(a.token());
        assertThat(renewed.expiresAt()).isAfter(a.expiresAt().plusSeconds(60));
        awaitExpiry(a);
        assertThat(store.tryClaim(p, 0, 1, "node-b", LONG)).isEmpty();
        assertThat(store.commit(renewed, 3, nothing()).position()).isEqualTo(3);
    }

    @Test
    void release_frees_the_segment_at_once_and_a_stale_release_changes_nothing() {
        String p = projection("release");
        SegmentLease first = claim(p, 0, 1, "node-a", LONG);
        SegmentLease current = claim(p, 0, 1, "node-a", LONG);
        store.release(first);
        assertThat(store.tryClaim(p, 0, 1, "node-b", LONG)).isEmpty();
        current = store.commit(current, 4, nothing());
        store.release(current);
        SegmentLease b = claim(p, 0, 1, "node-b", LONG);
        assertThat(b.position()).isEqualTo(4);
        SegmentLease released = current;
        assertThatThrownBy(() -> store.commit(released, 5, nothing())).isInstanceOf(LeaseLostException.class);
        store.release(released);
        assertThat(store.tryClaim(p, 0, 1, "node-c", LONG)).isEmpty();
    }

    @Test
    void commit_runs_the_work_once_in_a_transaction_and_then_moves_the_checkpoint() {
        String p = projection("commit");
        SegmentLease lease = claim(p, 0, 1, "node-a", LONG);
        List<CheckpointTransaction> seen = new ArrayList<>();
        SegmentLease after = store.commit(lease, 42, seen::add);
        assertThat(seen).hasSize(1).doesNotContainNull();
        assertThat(after.position()).isEqualTo(42);
        assertThat(after.token()).isEqualTo(lease.token());
        assertThat(store.position(p, 0)).isEqualTo(42);
        assertThat(store.commit(after, 42, nothing()).position()).isEqualTo(42);
    }

    @Test
    void work_that_throws_leaves_the_checkpoint_and_the_lease_usable() {
        String p = projection("work-throws");
        SegmentLease lease = store.commit(claim(p, 0, 1, "node-a", LONG), 10, nothing());
        IllegalStateException boom = new IllegalStateException("read model down");
        assertThatThrownBy(() -> store.commit(lease, 20, tx -> {
            throw boom;
        })).isSameAs(boom);
        IOException checked = new IOException("disk full");
        assertThatThrownBy(() -> store.commit(lease, 20, tx -> {
            throw checked;
        })).isInstanceOf(CheckpointWorkException.class).hasCause(checked);
        assertThat(store.position(p, 0)).isEqualTo(10);
        assertThat(store.commit(lease, 20, nothing()).position()).isEqualTo(20);
    }

    @Test
    void a_commit_never_moves_a_checkpoint_back() {
        String p = projection("backwards");
        SegmentLease lease = claim(p, 0, 1, "node-a", LONG);
        SegmentLease at10 = store.commit(lease, 10, nothing());
        assertThatThrownBy(() -> store.commit(at10, 9, nothing())).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("9");
        AtomicInteger ran = new AtomicInteger();
        assertThatThrownBy(() -> store.commit(lease, 5, tx -> ran.incrementAndGet()))
                .isInstanceOf(InvalidInputException.class);
        assertThat(ran).hasValue(0);
        assertThat(store.position(p, 0)).isEqualTo(10);
    }

    @Test
    void reset_moves_every_segment_back_voids_the_leases_and_keeps_dead_letters() {
        String p = projection("reset");
        SegmentLease s0 = store.commit(claim(p, 0, 2, "node-a", LONG), 30, nothing());
        SegmentLease s1 = store.commit(claim(p, 1, 2, "node-b", LONG), 31, nothing());
        store.addDeadLetter(letter(p, 12));

        store.reset(p);

        assertThat(store.position(p, 0)).isZero();
        assertThat(store.position(p, 1)).isZero();
        assertThatThrownBy(() -> store.commit(s0, 40, nothing())).isInstanceOf(LeaseLostException.class);
        assertThatThrownBy(() -> store.renew(s1, LONG)).isInstanceOf(LeaseLostException.class);
        SegmentLease again = claim(p, 0, 2, "node-c", LONG);
        assertThat(again.position()).isZero();
        assertThat(again.token()).isGreaterThan(s0.token());
        assertThat(store.position(p, 0)).isZero();
        assertThat(store.deadLetters(p, 10)).extracting(ProjectionDeadLetter::position).containsExactly(12L);
    }

    @Test
    void a_projection_keeps_its_segment_count_until_reset() {
        String p = projection("count");
        SegmentLease lease = store.commit(claim(p, 0, 4, "node-a", LONG), 5, nothing());
        assertThatThrownBy(() -> store.tryClaim(p, 1, 2, "node-b", LONG))
                .isInstanceOfSatisfying(InvalidInputException.class, e ->
                        assertThat(e.argument()).isEqualTo("segmentCount"))
                .hasMessageContaining("4").hasMessageContaining("2");
        assertThat(store.commit(lease, 6, nothing()).position()).isEqualTo(6);
        store.reset(p);
        assertThat(claim(p, 1, 2, "node-b", LONG).segmentCount()).isEqualTo(2);
        assertThatThrownBy(() -> store.tryClaim(p, 0, 4, "node-a", LONG)).isInstanceOf(InvalidInputException.class);
    }

    @Test
    void an_unknown_projection_or_a_forged_lease_has_nothing() {
        String p = projection("unknown");
        assertThat(store.position(p, 0)).isZero();
        assertThat(store.deadLetters(p, 10)).isEmpty();
        assertThat(store.removeDeadLetter(p, 1)).isFalse();
        store.reset(p);
        SegmentLease forged = new SegmentLease(p, 0, 1, "node-a", 1, 0, Instant.now().plusSeconds(60));
        assertThatThrownBy(() -> store.commit(forged, 1, nothing())).isInstanceOf(LeaseLostException.class);
        assertThatThrownBy(() -> store.renew(forged, LONG)).isInstanceOf(LeaseLostException.class);
        store.release(forged);
        assertThat(store.position(p, 0)).isZero();
    }

    /**
     * A dead letter of a projection at a position.
     *
     * @param projection the projection
     * @param position   the position
     * @return the dead letter
     */
    protected static ProjectionDeadLetter letter(String projection, long position) {
        return new ProjectionDeadLetter(projection, position, "order-" + position, "OrderPlaced",
                "java.lang.IllegalStateException: boom " + position, 3,
                Instant.parse("2026-11-30T10:15:30.123456Z").plusSeconds(position));
    }

    @Test
    void dead_letters_are_listed_oldest_position_first_and_removed_one_by_one() {
        String p = projection("dead");
        String other = projection("dead-other");
        for (long position : new long[] {30, 10, 20}) {
            store.addDeadLetter(letter(p, position));
        }
        store.addDeadLetter(letter(other, 15));

        assertThat(store.deadLetters(p, 10)).containsExactly(letter(p, 10), letter(p, 20), letter(p, 30));
        assertThat(store.deadLetters(p, 2)).extracting(ProjectionDeadLetter::position).containsExactly(10L, 20L);
        assertThat(store.removeDeadLetter(p, 20)).isTrue();
        assertThat(store.removeDeadLetter(p, 20)).isFalse();
        assertThat(store.removeDeadLetter(p, 15)).isFalse();
        assertThat(store.deadLetters(p, 10)).extracting(ProjectionDeadLetter::position).containsExactly(10L, 30L);
        assertThat(store.deadLetters(other, 10)).containsExactly(letter(other, 15));
    }

    @Test
    void a_dead_letter_at_a_position_held_already_replaces_it_and_long_errors_are_cut() {
        String p = projection("dead-replace");
        store.addDeadLetter(letter(p, 5));
        ProjectionDeadLetter later = new ProjectionDeadLetter(p, 5, "order-5", "OrderPlaced", "x".repeat(5000)
                + "\uD83D\uDE00", 7, Instant.parse("2026-12-01T00:00:00Z"));
        store.addDeadLetter(later);
        List<ProjectionDeadLetter> letters = store.deadLetters(p, 10);
        assertThat(letters).hasSize(1);
        assertThat(letters.get(0).attempts()).isEqualTo(7);
        assertThat(letters.get(0).error()).isEqualTo("x".repeat(2000));
        assertThat(letters.get(0).recordedAt()).isEqualTo(later.recordedAt());
        ProjectionDeadLetter unicode = new ProjectionDeadLetter(p, 6, "caf\u00e9-\uD83D\uDE00", "Ev\u00e9nement",
                "bad \uD83D\uDE00 lone \uD800 end", 1, Instant.parse("2026-12-01T00:00:00Z"));
        store.addDeadLetter(unicode);
        assertThat(store.deadLetters(p, 10).get(1)).isEqualTo(new ProjectionDeadLetter(p, 6,
                "caf\u00e9-\uD83D\uDE00", "Ev\u00e9nement", "bad \uD83D\uDE00 lone ? end", 1,
                Instant.parse("2026-12-01T00:00:00Z")));
    }

    @Test
    void bad_input_is_a_typed_error_naming_the_argument() {
        String p = projection("bad");
        SegmentLease lease = claim(p, 0, 1, "node-a", LONG);
        assertArgument("projection", () -> store.tryClaim(null, 0, 1, "node-a", LONG));
        assertArgument("projection", () -> store.tryClaim("has space", 0, 1, "node-a", LONG));
        assertArgument("projection", () -> store.tryClaim("x".repeat(101), 0, 1, "node-a", LONG));
        assertArgument("segment", () -> store.tryClaim(p, 1, 1, "node-a", LONG));
        assertArgument("segment", () -> store.tryClaim(p, -1, 1, "node-a", LONG));
        assertArgument("segmentCount", () -> store.tryClaim(p, 0, 0, "node-a", LONG));
        assertArgument("owner", () -> store.tryClaim(p, 0, 1, " ", LONG));
        assertArgument("owner", () -> store.tryClaim(p, 0, 1, null, LONG));
        assertArgument("leaseTime", () -> store.tryClaim(p, 0, 1, "node-a", null));
        assertArgument("leaseTime", () -> store.tryClaim(p, 0, 1, "node-a", Duration.ZERO));
        assertArgument("leaseTime", () -> store.tryClaim(p, 0, 1, "node-a", Duration.ofDays(2)));
        assertArgument("leaseTime", () -> store.renew(lease, Duration.ofMillis(-1)));
        assertArgument("lease", () -> store.renew(null, LONG));
        assertArgument("lease", () -> store.commit(null, 1, nothing()));
        assertArgument("work", () -> store.commit(lease, 1, null));
        assertArgument("lease", () -> {
            store.release(null);
            return null;
        });
        assertArgument("projection", () -> store.position("bad/name", 0));
        assertArgument("segment", () -> store.position(p, -1));
        assertArgument("max", () -> store.deadLetters(p, 0));
        assertArgument("letter", () -> {
            store.addDeadLetter(null);
            return null;
        });
        assertArgument("projection", () -> {
            store.addDeadLetter(letter("bad name", 1));
            return null;
        });
        assertThat(store.position(p, 0)).isZero();
        assertThat(store.tryClaim(p, 0, 1, "node-b", LONG)).isEmpty();
    }

    private static void assertArgument(String argument, Supplier<?> call) {
        assertThatThrownBy(call::get).isInstanceOfSatisfying(InvalidInputException.class,
                e -> assertThat(e.argument()).isEqualTo(argument));
    }

    @Test
    void of_concurrent_claimers_exactly_one_wins() throws Exception {
        claimRace(null);
    }

    @Test
    void of_concurrent_claimers_of_an_expired_lease_exactly_one_wins() throws Exception {
        claimRace(SHORT);
    }

    private void claimRace(Duration previousLease) throws Exception {
        int claimers = 8;
        ExecutorService pool = Executors.newFixedThreadPool(claimers);
        try {
            for (int round = 0; round < 5; round++) {
                String p = projection("race");
                long previousToken = 0;
                if (previousLease != null) {
                    SegmentLease previous = claim(p, 0, 1, "node-old", previousLease);
                    previousToken = previous.token();
                    awaitExpiry(previous);
                }
                CyclicBarrier start = new CyclicBarrier(claimers);
                List<Future<Optional<SegmentLease>>> results = new ArrayList<>();
                for (int i = 0; i < claimers; i++) {
                    String owner = "node-" + i;
                    results.add(pool.submit(() -> {
                        start.await(10, TimeUnit.SECONDS);
                        return store.tryClaim(p, 0, 1, owner, LONG);
                    }));
                }
                List<SegmentLease> won = new ArrayList<>();
                for (Future<Optional<SegmentLease>> f : results) {
                    f.get(30, TimeUnit.SECONDS).ifPresent(won::add);
                }
                assertThat(won).as("round %d", round).hasSize(1);
                assertThat(won.get(0).token()).isGreaterThan(previousToken);
                assertThat(store.commit(won.get(0), 1, nothing()).position()).isEqualTo(1);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
