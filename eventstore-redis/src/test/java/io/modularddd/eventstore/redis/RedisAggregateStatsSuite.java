package io.modularddd.eventstore.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.modularddd.core.AggregateId;
import io.modularddd.core.InvalidInputException;
import io.modularddd.core.snapshot.AggregateStatistics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * {@link RedisAggregateStats} on one {@link RedisTarget}: two instances ("nodes") share the counters, the
 * averages and the rate, the window as the hash's TTL, the key layout.
 */
abstract class RedisAggregateStatsSuite {

    /** The Redis the suite runs on. */
    protected abstract RedisTarget target();

    /** The key prefix the suite's keys live under (deleted by the enclosing test class). */
    protected abstract String prefix();

    private static AggregateId id(String name) {
        return AggregateId.of(name + " {" + UUID.randomUUID().toString().substring(0, 8) + "}");
    }

    @Test
    void a_node_sees_the_loads_and_appends_another_node_recorded() {
        // given: two nodes on one Redis, with one prefix
        AggregateId id = id("shared");
        try (RedisAggregateStats nodeA = target().stats(prefix()).build();
             RedisAggregateStats nodeB = target().stats(prefix()).build()) {
            // when
            nodeA.recordLoad(id, "Account", 10, 1_000);
            nodeA.recordLoad(id, "Account", 20, 3_000);
            nodeB.recordLoad(id, "Account", 30, 5_000);
            nodeB.recordAppend(id, "Account", 4, 400);
            nodeA.recordAppend(id, "Account", 1, 600);
            // then: each sees all three loads and both appends
            for (RedisAggregateStats node : new RedisAggregateStats[] {nodeA, nodeB}) {
                AggregateStatistics s = node.statistics(id);
                assertThat(s.loads()).isEqualTo(3);
                assertThat(s.averageLoadNanos()).isEqualTo(3_000.0);
                assertThat(s.averageReplayed()).isEqualTo(20.0);
                assertThat(s.averageEventBytes()).isEqualTo(200.0);
                assertThat(s.loadsPerSecond()).isPositive();
            }
            assertThat(nodeA.droppedSamples()).isZero();
            assertThat(nodeB.droppedSamples()).isZero();
        }
    }

    @Test
    void loads_per_second_are_the_loads_over_the_time_since_the_window_began() {
        // given: a clock the test moves
        AggregateId id = id("rate");
        MutableClock clock = new MutableClock(Instant.parse("2026-11-30T10:00:00Z"));
        try (RedisAggregateStats stats = target().stats(prefix()).window(Duration.ofMinutes(10)).clock(clock).build()) {
            for (int i = 0; i < 30; i++) {
                stats.recordLoad(id, "Account", 1, 100);
            }
            // when / then: 10 s in, the rate is over at least one minute
            clock.advance(Duration.ofSeconds(10));
            assertThat(stats.statistics(id).loadsPerSecond()).isCloseTo(30 / 60.0, within(1e-9));
            // 5 minutes in, over five minutes
            clock.advance(Duration.ofSeconds(290));
            assertThat(stats.statistics(id).loadsPerSecond()).isCloseTo(30 / 300.0, within(1e-9));
            // past the window (the key is still there, a slow clock): never over more than the window
            clock.advance(Duration.ofMinutes(20));
            assertThat(stats.statistics(id).loadsPerSecond()).isCloseTo(30 / 600.0, within(1e-9));
        }
    }

    @Test
    void the_hash_is_hash_tagged_and_lives_one_window_from_its_first_sample() throws InterruptedException {
        // given
        AggregateId id = id("ttl ü*");
        try (RedisAggregateStats stats = target().stats(prefix()).window(Duration.ofMinutes(3)).build()) {
            // when
            stats.recordLoad(id, "Account", 1, 1);
            String key = stats.keyOf(id);
            long first = target().inspector().pttl(key);
            Thread.sleep(30);
            stats.recordLoad(id, "Account", 1, 1);
            stats.recordAppend(id, "Account", 1, 1);
            // then: later samples do not push the end of the window out
            assertThat(key).isEqualTo(prefix() + ":{" + StreamKeys.encode(id.value()) + "}:stats");
            assertThat(target().inspector().type(key)).isEqualTo("hash");
            assertThat(first).isBetween(1L, Duration.ofMinutes(3).toMillis());
            assertThat(target().inspector().pttl(key)).isLessThan(first);
            assertThat(target().inspector().hgetAll(key)).containsKeys("start", "loads", "load_nanos", "replayed",
                    "appended", "appended_bytes");
        }
    }

    @Test
    void when_the_window_ends_the_next_sample_starts_a_new_one() throws InterruptedException {
        // given: a one-second window with three loads
        AggregateId id = id("window");
        try (RedisAggregateStats stats = target().stats(prefix()).window(Duration.ofSeconds(1)).build()) {
            stats.recordLoad(id, "Account", 1, 1);
            stats.recordLoad(id, "Account", 1, 1);
            stats.recordLoad(id, "Account", 1, 1);
            assertThat(stats.statistics(id).loads()).isEqualTo(3);
            // when: the window ends
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (target().inspector().exists(stats.keyOf(id)) && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            // then
            assertThat(stats.statistics(id)).isEqualTo(AggregateStatistics.NONE);
            stats.recordLoad(id, "Account", 1, 1);
            assertThat(stats.statistics(id).loads()).isEqualTo(1);
        }
    }

    @Test
    void an_aggregate_without_samples_has_none_and_bad_input_is_a_typed_error() {
        try (RedisAggregateStats stats = target().stats(prefix()).build()) {
            assertThat(stats.statistics(id("none"))).isEqualTo(AggregateStatistics.NONE);
            assertThatThrownBy(() -> stats.statistics(null)).isInstanceOf(InvalidInputException.class);
            assertThatThrownBy(() -> stats.recordLoad(null, "Account", 1, 1)).isInstanceOf(InvalidInputException.class);
            assertThatThrownBy(() -> stats.recordLoad(id("neg"), "Account", -1, 1))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("eventsReplayed");
            assertThatThrownBy(() -> stats.recordAppend(id("neg"), "Account", 1, -5))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("bytes").hasMessageContaining("-5");
        }
    }

    /** A clock the test moves by hand. */
    static final class MutableClock extends Clock {
        private volatile Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
