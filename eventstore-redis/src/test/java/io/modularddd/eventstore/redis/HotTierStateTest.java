package io.modularddd.eventstore.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import org.junit.jupiter.api.Test;

/** Back-off on the injected clock, remembered keys, and the fall-back to a purge. */
class HotTierStateTest {

    /** A clock the test moves by hand. */
    static final class ManualClock extends Clock {
        long millis = 1_000_000;

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis);
        }
    }

    private static StreamKey key(int i) {
        return new StreamKeys("t").of(io.modularddd.core.AggregateId.of("s" + i));
    }

    @Test
    void a_failure_starts_a_back_off_measured_on_the_clock_and_only_the_first_is_reported() {
        ManualClock clock = new ManualClock();
        HotTierState state = new HotTierState(clock, 500, 10);
        assertThat(state.backoffOver()).isTrue();
        assertThat(state.failed()).isTrue();
        assertThat(state.failed()).isFalse();
        clock.millis += 499;
        assertThat(state.backoffOver()).isFalse();
        clock.millis += 1;
        assertThat(state.backoffOver()).isTrue();
        assertThat(state.succeeded()).isTrue();
        assertThat(state.succeeded()).isFalse();
    }

    @Test
    void remembered_keys_are_bypassed_until_dropped_and_too_many_turn_into_a_purge() {
        HotTierState state = new HotTierState(new ManualClock(), 0, 3);
        state.pend(key(1));
        state.pend(key(1));
        state.pend(key(2));
        assertThat(state.pendingCount()).isEqualTo(2);
        assertThat(state.isPending(key(1))).isTrue();
        assertThat(state.isPending(key(3))).isFalse();
        state.dropped(key(1));
        assertThat(state.isPending(key(1))).isFalse();
        assertThat(state.needsRepair()).isTrue();
        // overflow
        state.pend(key(3));
        state.pend(key(4));
        long generation = state.generation();
        state.pend(key(5));
        assertThat(state.purgeRequired()).isTrue();
        assertThat(state.generation()).isEqualTo(generation + 1);
        assertThat(state.isPending(key(99))).as("nothing is read from Redis until the purge").isTrue();
        state.purged(new HashSet<>(state.pendingKeys()));
        assertThat(state.purgeRequired()).isFalse();
        assertThat(state.pendingCount()).isZero();
        assertThat(state.needsRepair()).isFalse();
    }
}
