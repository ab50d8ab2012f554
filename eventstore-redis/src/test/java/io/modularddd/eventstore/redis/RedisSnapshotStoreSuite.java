package io.modularddd.eventstore.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modularddd.core.AggregateId;
import io.modularddd.core.EventStoreException;
import io.modularddd.core.snapshot.Snapshot;
import io.modularddd.core.snapshot.SnapshotStore;
import io.modularddd.testkit.SnapshotStoreContract;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The {@link SnapshotStoreContract} and what the Redis snapshot store does beyond it — its key layout and
 * TTL, and what it makes of values it did not write — on one {@link RedisTarget}. A damaged value is
 * reported as a non-transient {@link EventStoreException} naming the aggregate (the store's documented
 * rule), so {@link #damage} answers {@code false}.
 */
abstract class RedisSnapshotStoreSuite extends SnapshotStoreContract {

    /** The Redis the suite runs on. */
    protected abstract RedisTarget target();

    /** The key prefix the suite's keys live under (deleted by the enclosing test class). */
    protected abstract String prefix();

    @Override
    protected SnapshotStore createStore() {
        return target().snapshots(prefix()).ttl(Duration.ofMinutes(10)).build();
    }

    private RedisSnapshotStore redisStore() {
        return (RedisSnapshotStore) store;
    }

    private byte[] key(AggregateId id) {
        return redisStore().keyOf(id).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    protected Optional<Boolean> damage(SnapshotStore store, AggregateId id) {
        target().inspector().set(((RedisSnapshotStore) store).keyOf(id).getBytes(StandardCharsets.UTF_8),
                "garbage, not a snapshot".getBytes(StandardCharsets.UTF_8));
        return Optional.of(false);
    }

    @Test
    void a_snapshot_is_one_hash_tagged_string_key_with_the_ttl() {
        // given
        AggregateId id = id("layout {tag} ü*");
        // when
        store.save(snapshot(id, 3));
        // then
        String key = redisStore().keyOf(id);
        assertThat(key).isEqualTo(prefix() + ":{" + StreamKeys.encode(id.value()) + "}:snap");
        assertThat(target().inspector().type(key)).isEqualTo("string");
        assertThat(target().inspector().pttl(key)).isBetween(1L, Duration.ofMinutes(10).toMillis());
        byte[] value = target().inspector().get(key(id));
        assertThat(value[0]).isEqualTo((byte) 'm');
        assertThat(value[2]).isEqualTo(SnapshotCodec.FORMAT);
        assertThat(target().keys(prefix())).contains(key);
    }

    @Test
    void an_older_save_keeps_the_newer_value_and_its_ttl_untouched() {
        // given
        AggregateId id = id("older");
        store.save(snapshot(id, 9));
        target().inspector().pexpire(key(id), 60_000);
        // when
        store.save(snapshot(id, 4));
        // then
        assertThat(store.newest(id)).contains(snapshot(id, 9));
        assertThat(target().inspector().pttl(key(id))).isLessThanOrEqualTo(60_000);
    }

    @Test
    void a_rival_write_between_the_read_and_the_write_is_never_overwritten_by_an_older_version() {
        // given: a save of version 40, and a rival that stores version 50 right after the save read the key
        AggregateId id = id("rival");
        store.save(snapshot(id, 30));
        AtomicInteger rivalWrites = new AtomicInteger();
        redisStore().betweenReadAndWrite(() -> {
            if (rivalWrites.getAndIncrement() == 0) {
                try (RedisSnapshotStore rival = target().snapshots(prefix()).build()) {
                    rival.save(snapshot(id, 50));
                }
            }
        });
        // when
        store.save(snapshot(id, 40));
        // then: the save noticed the change (WATCH), read again and kept the newer snapshot
        assertThat(rivalWrites).hasValue(1);
        assertThat(store.newest(id)).contains(snapshot(id, 50));
    }

    @Test
    void a_save_that_loses_every_attempt_gives_up_with_a_transient_error() {
        // given: a rival that writes a lower version after every read, so every EXEC is refused
        AggregateId id = id("starved");
        try (RedisSnapshotStore starved = target().snapshots(prefix()).maxSaveAttempts(3).build()) {
            AtomicInteger attempts = new AtomicInteger();
            starved.betweenReadAndWrite(() -> {
                attempts.incrementAndGet();
                target().inspector().set(starved.keyOf(id).getBytes(StandardCharsets.UTF_8),
                        SnapshotCodec.encode(snapshot(id, 1)));
            });
            // when / then
            assertThatThrownBy(() -> starved.save(snapshot(id, 9))).isInstanceOfSatisfying(EventStoreException.class,
                    e -> {
                        assertThat(e.isTransient()).isTrue();
                        assertThat(e).hasMessageContaining(id.value()).hasMessageContaining("3 attempts");
                    });
            assertThat(attempts).hasValue(3);
            assertThat(starved.newest(id)).contains(snapshot(id, 1));
        }
    }

    @Test
    void flipped_state_bytes_are_a_damaged_value_not_a_snapshot() {
        // given: a stored snapshot with one byte of its state changed
        AggregateId id = id("flip");
        store.save(snapshot(id, 6));
        byte[] value = target().inspector().get(key(id));
        value[value.length - 8] ^= 0x01;
        target().inspector().set(key(id), value);
        // when / then
        assertThatThrownBy(() -> store.newest(id)).isInstanceOfSatisfying(EventStoreException.class, e -> {
            assertThat(e.isTransient()).isFalse();
            assertThat(e).hasMessageContaining(id.value()).hasMessageContaining("checksum")
                    .hasMessageContaining("next save replaces");
        });
    }

    @Test
    void a_value_copied_from_another_aggregate_is_not_read_as_this_one() {
        // given
        AggregateId source = id("source");
        AggregateId target = id("copy");
        store.save(snapshot(source, 2));
        target().inspector().set(key(target), target().inspector().get(key(source)));
        // when / then
        assertThatThrownBy(() -> store.newest(target)).isInstanceOf(EventStoreException.class)
                .hasMessageContaining(target.value()).hasMessageContaining("another aggregate");
    }

    @Test
    void a_value_of_an_unknown_format_is_reported_and_replaced_by_the_next_save() {
        // given: a value of a future format whose header claims a huge version
        AggregateId id = id("future");
        store.save(snapshot(id, 2));
        byte[] value = target().inspector().get(key(id));
        value[2] = 9;
        ByteBuffer.wrap(value).putLong(3, Long.MAX_VALUE);
        target().inspector().set(key(id), value);
        assertThatThrownBy(() -> store.newest(id)).isInstanceOf(EventStoreException.class)
                .hasMessageContaining("format is 9");
        // when: a save of a low version
        store.save(snapshot(id, 1));
        // then: it replaced the value it could not trust
        assertThat(store.newest(id)).contains(snapshot(id, 1));
    }

    @Test
    void a_header_whose_version_bits_flipped_does_not_block_newer_saves() {
        // given: a value whose header version was changed (its header checksum no longer matches)
        AggregateId id = id("header");
        store.save(snapshot(id, 5));
        byte[] value = target().inspector().get(key(id));
        ByteBuffer.wrap(value).putLong(3, 1L << 40);
        target().inspector().set(key(id), value);
        // when
        store.save(snapshot(id, 6));
        // then
        assertThat(store.newest(id)).contains(snapshot(id, 6));
    }

    @Test
    void another_type_under_the_key_is_a_typed_error_and_replaced_by_the_next_save() {
        // given
        AggregateId id = id("wrongtype");
        target().inspector().hset(key(id), "f".getBytes(StandardCharsets.UTF_8), "v".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> store.newest(id)).isInstanceOfSatisfying(EventStoreException.class, e -> {
            assertThat(e.isTransient()).isFalse();
            assertThat(e).hasMessageContaining(id.value());
        });
        // when
        store.save(snapshot(id, 3));
        // then
        assertThat(store.newest(id)).contains(snapshot(id, 3));
    }

    @Test
    void a_saved_snapshot_keeps_every_field_through_the_codec() {
        // given: the longest type, a long unicode id, a nanosecond timestamp
        AggregateId id = AggregateId.of("ключ-\uD83D\uDE00-" + "x".repeat(100));
        Snapshot s = new Snapshot(id, "T".repeat(100), Long.MAX_VALUE, Integer.MAX_VALUE, new byte[] {0, -1, 7},
                java.time.Instant.parse("1969-12-31T23:59:59.999999999Z"));
        // when
        store.save(s);
        // then
        assertThat(store.newest(id)).contains(s);
    }
}
