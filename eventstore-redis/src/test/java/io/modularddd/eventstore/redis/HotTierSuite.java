package io.modularddd.eventstore.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.modularddd.core.AggregateId;
import io.modularddd.core.AppendRequest;
import io.modularddd.core.AppendResult;
import io.modularddd.core.ConcurrencyConflictException;
import io.modularddd.core.EventMetadata;
import io.modularddd.core.EventStoreException;
import io.modularddd.core.EventStream;
import io.modularddd.core.ExpectedVersion;
import io.modularddd.core.InMemoryEventStore;
import io.modularddd.core.NewEvent;
import io.modularddd.core.SerializationException;
import io.modularddd.core.StoredEvent;
import io.modularddd.core.serialization.EventSerializer;
import io.modularddd.core.serialization.EventTypeRegistry;
import io.modularddd.core.serialization.JacksonEventSerializer;
import io.modularddd.testkit.ContractEvents;
import io.modularddd.testkit.ContractEvents.Happened;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.ScanIteration;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.resps.Tuple;

/**
 * What the Redis hot tier does beyond the {@code EventStoreContract}: its key layout, where reads are
 * served from, what it does with gaps, stale data, bad data and Redis errors, and how it backfills.
 * Runs on the shared Redis, on a hardened server (renamed commands) and on a cluster.
 */
abstract class HotTierSuite {

    protected abstract RedisTarget target();

    protected abstract String prefix();

    /** Settings of this run (e.g. format); tests add theirs through {@link #reopen}. */
    protected void configure(RedisHotTierBuilder builder) {
    }

    SimpleMeterRegistry meters;
    CountingEventStore warm;
    RedisHotTier hot;
    TieredEventStore store;

    @BeforeEach
    void open() {
        reopen(b -> { });
    }

    @AfterEach
    void closeStore() {
        if (store != null) {
            store.close();
        }
    }

    void reopen(Consumer<RedisHotTierBuilder> settings) {
        closeStore();
        meters = new SimpleMeterRegistry();
        EventSerializer serializer = ContractEvents.serializer();
        warm = new CountingEventStore(InMemoryEventStore.create(serializer));
        RedisHotTierBuilder b = target().tier(prefix()).serializer(serializer).meterRegistry(meters);
        configure(b);
        settings.accept(b);
        hot = b.build();
        store = TieredEventStore.of(warm, hot);
    }

    // ------------------------------------------------------------------ helpers

    UnifiedJedis redis() {
        return target().inspector();
    }

    static AggregateId id(String name) {
        return AggregateId.of(name + "-" + UUID.randomUUID().toString().substring(0, 8));
    }

    static NewEvent event(long n) {
        return NewEvent.of(new Happened("event " + n, n));
    }

    static NewEvent[] events(long from, long to) {
        return LongStream.rangeClosed(from, to).mapToObj(HotTierSuite::event).toArray(NewEvent[]::new);
    }

    AppendResult append(AggregateId id, ExpectedVersion expected, NewEvent... events) {
        return store.append(AppendRequest.of(id, "Thing", expected, events));
    }

    List<StoredEvent> load(AggregateId id) {
        try (EventStream s = store.load(id)) {
            return s.toList();
        }
    }

    List<StoredEvent> warmLoad(AggregateId id) {
        try (EventStream s = warm.delegate().load(id)) {
            return s.toList();
        }
    }

    static List<Long> versions(List<StoredEvent> events) {
        return events.stream().map(StoredEvent::version).collect(Collectors.toList());
    }

    static List<Long> range(long from, long to) {
        return LongStream.rangeClosed(from, to).boxed().collect(Collectors.toList());
    }

    double count(String name, String... tags) {
        return meters.find(HotTierMetrics.PREFIX + name).tags(tags).counters().stream()
                .mapToDouble(Counter::count).sum();
    }

    byte[] key(AggregateId id) {
        return hot.keyOf(id).getBytes(StandardCharsets.US_ASCII);
    }

    List<Tuple> members(AggregateId id) {
        return redis().zrangeWithScores(key(id), 0, -1);
    }

    /** The members of a stream's sorted set, as hex strings. */
    Set<String> memberSet(AggregateId id) {
        Set<String> set = new HashSet<>();
        for (Tuple t : members(id)) {
            set.add(java.util.HexFormat.of().formatHex(t.getBinaryElement()));
        }
        return set;
    }

    /** Loads and checks the result equals the warm tier's events: every field, payloads compared decoded. */
    void assertLoadEqualsWarm(AggregateId id) {
        List<StoredEvent> loaded = load(id);
        assertThat(loaded).isEqualTo(warmLoad(id));
    }

    // ------------------------------------------------------------------ tests

    /** The key layout and TTL. */
    @Nested
    class Layout {

        @Test
        void each_stream_is_one_sorted_set_scored_by_version() {
            // given
            AggregateId id = id("layout");
            // when
            append(id, ExpectedVersion.noStream(), events(1, 3));
            append(id, ExpectedVersion.exactly(3), events(4, 5));
            // then
            List<Tuple> members = members(id);
            assertThat(members).extracting(Tuple::getScore).containsExactly(1.0, 2.0, 3.0, 4.0, 5.0);
            List<StoredEvent> stored = warmLoad(id);
            for (int i = 0; i < members.size(); i++) {
                assertThat(hot.codec().decode(id, members.get(i).getBinaryElement()))
                        .isEqualTo(stored.get(i));
            }
            assertThat(hot.keyOf(id)).startsWith(prefix() + ":{").endsWith("}:s");
        }

        @Test
        void every_write_refreshes_the_ttl() {
            // given
            AggregateId id = id("ttl");
            append(id, ExpectedVersion.noStream(), event(1));
            long ttl = hot.ttl().toMillis();
            assertThat(redis().pttl(key(id))).isBetween(ttl - 60_000, ttl);
            redis().pexpire(key(id), 5_000);
            // when
            append(id, ExpectedVersion.exactly(1), event(2));
            // then
            assertThat(redis().pttl(key(id))).isBetween(ttl - 60_000, ttl);
        }

        @Test
        void repeating_an_append_rewrites_identical_members() {
            // given
            AggregateId id = id("idem");
            AppendRequest request = AppendRequest.of(id, "Thing", ExpectedVersion.noStream(), events(1, 4));
            store.append(request);
            List<Tuple> before = members(id);
            // when
            store.append(request);
            // then
            assertThat(members(id)).hasSize(4).usingRecursiveFieldByFieldElementComparator().isEqualTo(before);
        }

        @Test
        void a_backfilled_event_is_byte_for_byte_the_member_the_append_wrote() {
            // given
            AggregateId id = id("same-bytes");
            append(id, ExpectedVersion.noStream(), events(1, 5));
            Set<String> written = memberSet(id);
            redis().del(key(id));
            // when
            assertLoadEqualsWarm(id);
            // then
            assertThat(memberSet(id)).isEqualTo(written);
        }

        @Test
        void ids_with_glob_brace_colon_space_and_emoji_characters_get_distinct_exactly_matching_keys() {
            // given
            String s = UUID.randomUUID().toString().substring(0, 6);
            List<AggregateId> ids = new ArrayList<>();
            for (String raw : List.of("a*" + s, "a?" + s, "a[b]" + s, "a[!b]" + s, "{a}" + s, "a}{" + s, "a\\b" + s,
                    "a b" + s, "a:b" + s, "a%3Ab" + s, "😀" + s, "a" + s, "A" + s, "{}" + s)) {
                ids.add(AggregateId.of(raw));
            }
            // when
            for (int i = 0; i < ids.size(); i++) {
                append(ids.get(i), ExpectedVersion.noStream(), event(i));
            }
            // then
            Set<String> keys = new HashSet<>();
            for (int i = 0; i < ids.size(); i++) {
                AggregateId id = ids.get(i);
                String key = hot.keyOf(id);
                assertThat(keys.add(key)).as("distinct key for %s", id).isTrue();
                List<StoredEvent> loaded = load(id);
                assertThat(loaded).singleElement().satisfies(e -> {
                    assertThat(e.aggregateId()).isEqualTo(id);
                    assertThat(((Happened) e.payload()).n()).isEqualTo(ids.indexOf(id));
                });
                // the escaped key, used as a SCAN MATCH pattern, matches exactly its own key
                List<String> matched = new ArrayList<>();
                ScanIteration scan = redis().scanIteration(1000, StreamKeys.globEscape(key));
                while (!scan.isIterationCompleted()) {
                    matched.addAll(scan.nextBatchList());
                }
                assertThat(matched).containsExactly(key);
            }
        }
    }

    /** Where loads are served from. */
    @Nested
    class Reads {

        @Test
        void a_stream_in_redis_is_loaded_without_asking_the_warm_tier() {
            // given
            AggregateId id = id("hot");
            append(id, ExpectedVersion.noStream(), events(1, 10));
            int warmLoads = warm.loads.get();
            // when
            List<StoredEvent> loaded = load(id);
            // then
            assertThat(versions(loaded)).isEqualTo(range(1, 10));
            assertThat(loaded).isEqualTo(warmLoad(id));
            assertThat(warm.loads.get()).isEqualTo(warmLoads);
            assertThat(count("hits", "operation", "load")).isEqualTo(1);
            assertThat(count("misses")).isZero();
        }

        @Test
        void versions_past_the_head_are_answered_by_redis_alone() {
            // given
            AggregateId id = id("past");
            append(id, ExpectedVersion.noStream(), events(1, 10));
            // when
            List<StoredEvent> loaded;
            try (EventStream s = store.load(id, 11)) {
                loaded = s.toList();
            }
            // then
            assertThat(loaded).isEmpty();
            assertThat(warm.loads.get()).isZero();
            assertThat(count("hits", "operation", "load")).isEqualTo(1);
        }

        @Test
        void a_large_stream_is_read_in_pages() {
            // given
            reopen(b -> b.readPageSize(7));
            AggregateId id = id("pages");
            append(id, ExpectedVersion.noStream(), events(1, 50));
            double before = count("redis_round_trips", "operation", "read");
            // when
            List<StoredEvent> loaded = load(id);
            // then: 7 full pages of 7 and a last page of 1, each one round trip
            assertThat(versions(loaded)).isEqualTo(range(1, 50));
            assertThat(count("redis_round_trips", "operation", "read") - before).isEqualTo(8);
            assertThat(count("hits", "operation", "load")).isEqualTo(8);
            assertThat(warm.loads.get()).isZero();
        }

        @Test
        void an_absent_stream_is_read_from_the_warm_tier_backfilled_and_then_served_hot() {
            // given
            AggregateId id = id("absent");
            append(id, ExpectedVersion.noStream(), events(1, 6));
            redis().del(key(id));
            // when
            assertLoadEqualsWarm(id);
            // then
            assertThat(count("misses", "operation", "load", "reason", "absent")).isEqualTo(1);
            assertThat(count("backfills", "outcome", "written")).isEqualTo(1);
            assertThat(members(id)).extracting(Tuple::getScore).containsExactly(1.0, 2.0, 3.0, 4.0, 5.0, 6.0);
            int warmLoads = warm.loads.get();
            assertThat(versions(load(id))).isEqualTo(range(1, 6));
            assertThat(warm.loads.get()).isEqualTo(warmLoads);
            assertThat(count("hits", "operation", "load")).isEqualTo(1);
        }

        @Test
        void a_gap_inside_redis_is_filled_from_the_warm_tier_and_backfilled() {
            // given
            AggregateId id = id("gap");
            for (long v = 1; v <= 6; v++) {
                append(id, ExpectedVersion.of(v - 1), event(v));
            }
            redis().zremrangeByScore(key(id), 3, 4);
            // when
            assertLoadEqualsWarm(id);
            // then
            assertThat(count("misses", "operation", "load", "reason", "gap")).isEqualTo(1);
            assertThat(members(id)).extracting(Tuple::getScore).containsExactly(1.0, 2.0, 3.0, 4.0, 5.0, 6.0);
        }

        @Test
        void a_fragment_above_the_versions_wanted_is_a_gap_not_the_stream() {
            // given: the key expired, then one more append created it again with only the newest event
            AggregateId id = id("fragment");
            append(id, ExpectedVersion.noStream(), events(1, 4));
            redis().del(key(id));
            append(id, ExpectedVersion.exactly(4), event(5));
            assertThat(members(id)).extracting(Tuple::getScore).containsExactly(5.0);
            // when / then
            assertLoadEqualsWarm(id);
            assertThat(members(id)).extracting(Tuple::getScore).containsExactly(1.0, 2.0, 3.0, 4.0, 5.0);
        }

        @Test
        void a_bounded_load_never_backfills_a_prefix_that_could_pass_for_the_whole_stream() {
            // given: ten events, none in Redis
            AggregateId id = id("bounded");
            append(id, ExpectedVersion.noStream(), events(1, 10));
            redis().del(key(id));
            // when: only versions 1..5 are loaded
            try (EventStream s = store.load(id, 1, 5)) {
                assertThat(versions(s.toList())).isEqualTo(range(1, 5));
            }
            // then: Redis must not now claim the stream ends at 5
            assertThat(versions(load(id))).isEqualTo(range(1, 10));
        }

        @Test
        void a_corrupt_member_is_dropped_and_the_stream_reloaded_from_the_warm_tier() {
            // given
            AggregateId id = id("corrupt");
            append(id, ExpectedVersion.noStream(), events(1, 3));
            redis().zadd(key(id), 2.0, "garbage that is no member".getBytes(StandardCharsets.UTF_8));
            // when
            assertLoadEqualsWarm(id);
            // then
            assertThat(count("misses", "operation", "load", "reason", "anomaly")).isEqualTo(1);
            assertThat(count("drops", "reason", "anomaly")).isEqualTo(1);
            assertLoadEqualsWarm(id); // refilled from the warm tier
            for (Tuple t : members(id)) {
                assertThat(hot.codec().decode(id, t.getBinaryElement()).version()).isEqualTo((long) t.getScore());
            }
        }
    }

    /** What keeps a stale or broken hot tier from doing harm. */
    @Nested
    class Consistency {

        @Test
        void a_stale_hot_tier_cannot_lose_an_update() {
            // given: Redis holds versions 1..2
            AggregateId id = id("stale");
            append(id, ExpectedVersion.noStream(), events(1, 2));
            // and version 3 is written to the warm tier behind the hot tier's back
            warm.delegate().append(AppendRequest.of(id, "Thing", ExpectedVersion.exactly(2), event(3)));

            // when: an aggregate loads (stale: the hot tier does not know version 3) and saves on top of it
            List<StoredEvent> stale = load(id);
            assertThat(versions(stale)).containsExactly(1L, 2L);
            long decidedOn = stale.get(stale.size() - 1).version();

            // then: the warm tier refuses the save, and the stream's hot key is dropped
            assertThatThrownBy(() -> append(id, ExpectedVersion.exactly(decidedOn), event(4)))
                    .isInstanceOfSatisfying(ConcurrencyConflictException.class,
                            e -> assertThat(e.actualVersion()).isEqualTo(3));
            assertThat(redis().exists(key(id))).isFalse();
            assertThat(count("drops", "reason", "conflict")).isEqualTo(1);

            // and the retry reads fresh events and saves
            List<StoredEvent> fresh = load(id);
            assertThat(versions(fresh)).containsExactly(1L, 2L, 3L);
            assertThat(((Happened) fresh.get(2).payload()).n()).isEqualTo(3);
            append(id, ExpectedVersion.exactly(3), event(4));
            assertThat(versions(warmLoad(id))).isEqualTo(range(1, 4));
            assertLoadEqualsWarm(id);
        }

        @Test
        void a_backfill_racing_with_a_drop_is_refused() {
            // given: versions 1..3, not in Redis
            AggregateId id = id("race");
            append(id, ExpectedVersion.noStream(), events(1, 3));
            redis().del(key(id));
            // while the reader reads 1..3 from the warm tier, a writer appends 4 and the key is dropped
            warm.afterLoad = () -> {
                append(id, ExpectedVersion.exactly(3), event(4));
                hot.invalidate(id);
            };
            // when: the reader finishes with what it read (1..3) and tries to backfill it
            assertThat(versions(load(id))).isEqualTo(range(1, 3));
            // then: the backfill saw the epoch change and wrote nothing, so Redis cannot pass 1..3 off as the stream
            assertThat(count("backfills", "outcome", "epoch_changed")).isEqualTo(1);
            assertThat(redis().exists(key(id))).isFalse();
            assertThat(versions(load(id))).isEqualTo(range(1, 4));
        }

        @Test
        void a_backfill_below_newer_events_already_in_redis_completes_the_stream() {
            // given: versions 1..3 not in Redis
            AggregateId id = id("below");
            append(id, ExpectedVersion.noStream(), events(1, 3));
            redis().del(key(id));
            // while the reader reads 1..3, a writer appends 4 (written to Redis, no drop)
            warm.afterLoad = () -> append(id, ExpectedVersion.exactly(3), event(4));
            // when
            assertThat(versions(load(id))).isEqualTo(range(1, 3));
            // then: 1..3 were added below 4, and Redis now holds the whole stream
            assertThat(count("backfills", "outcome", "written")).isEqualTo(1);
            assertThat(members(id)).extracting(Tuple::getScore).containsExactly(1.0, 2.0, 3.0, 4.0);
        }

        @Test
        void a_backfill_that_would_leave_redis_looking_complete_when_it_is_not_is_refused() {
            // given: a stream of 9 events, none in Redis, and a reader that read only versions 1..5
            AggregateId id = id("tail");
            append(id, ExpectedVersion.noStream(), events(1, 9));
            redis().del(key(id));
            List<StoredEvent> firstFive = warmLoad(id).subList(0, 5);
            StreamKey key = hot.key(id);
            String epoch = redis().get(key.epoch());
            Map<byte[], Double> members = new java.util.HashMap<>();
            for (StoredEvent e : firstFive) {
                members.put(hot.codec().encode(e), (double) e.version());
            }
            // when: it backfills 1..5 without having reached the head
            RedisOps.BackfillOutcome refused = hot.ops().backfill(key, epoch, 5, false, members, hot.ttlMillis());
            // then: refused, because Redis would then claim the stream ends at 5
            assertThat(refused).isEqualTo(RedisOps.BackfillOutcome.WOULD_CREATE_TAIL);
            assertThat(redis().exists(key(id))).isFalse();
            // when: Redis already holds a later version (9), the same backfill only fills in below it
            append(id, ExpectedVersion.exactly(9), event(10));
            RedisOps.BackfillOutcome written = hot.ops().backfill(key, epoch, 5, false, members, hot.ttlMillis());
            // then
            assertThat(written).isEqualTo(RedisOps.BackfillOutcome.WRITTEN);
            assertThat(members(id)).extracting(Tuple::getScore).containsExactly(1.0, 2.0, 3.0, 4.0, 5.0, 10.0);
            // and a stale epoch is refused whatever else holds
            String stale = "not-the-epoch";
            assertThat(hot.ops().backfill(key, stale, 5, true, members, hot.ttlMillis()))
                    .isEqualTo(RedisOps.BackfillOutcome.EPOCH_CHANGED);
        }

        @Test
        void a_redis_error_on_write_never_fails_the_append_and_drops_the_key() {
            // given: the stream's key holds a string, so ZADD fails with WRONGTYPE
            AggregateId id = id("wrongtype");
            redis().set(hot.keyOf(id), "not a sorted set");
            // when
            AppendResult result = append(id, ExpectedVersion.noStream(), events(1, 2));
            // then
            assertThat(result.lastVersion()).isEqualTo(2);
            assertThat(count("write_failures", "operation", "append")).isEqualTo(1);
            assertThat(count("drops", "reason", "write_failure")).isEqualTo(1);
            assertThat(redis().type(hot.keyOf(id))).isEqualTo("none");
            assertLoadEqualsWarm(id);
        }

        @Test
        void invalidate_drops_one_stream_and_purge_drops_only_this_prefix() {
            // given: a tier of its own prefix, and a neighbour whose prefix extends it
            String own = prefix() + ":purge" + UUID.randomUUID().toString().substring(0, 6);
            String longer = own + ":more";
            AggregateId a = id("a");
            AggregateId b = id("b");
            try (TieredEventStore mine = tiered(own); TieredEventStore neighbour = tiered(longer)) {
                for (TieredEventStore s : List.of(mine, neighbour)) {
                    s.append(AppendRequest.of(a, "Thing", ExpectedVersion.noStream(), events(1, 2)));
                    s.append(AppendRequest.of(b, "Thing", ExpectedVersion.noStream(), events(1, 2)));
                }
                // when
                mine.hot().invalidate(a);
                // then
                assertThat(redis().exists(mine.hot().keyOf(a))).isFalse();
                assertThat(redis().exists(mine.hot().keyOf(b))).isTrue();
                // when
                long purged = mine.hot().purge();
                // then
                assertThat(purged).isEqualTo(1);
                assertThat(redis().exists(mine.hot().keyOf(b))).isFalse();
                assertThat(redis().exists(neighbour.hot().keyOf(a))).as("a key of the longer prefix").isTrue();
                assertThat(redis().exists(neighbour.hot().keyOf(b))).as("a key of the longer prefix").isTrue();
                try (EventStream s = mine.load(b)) {
                    assertThat(versions(s.toList())).isEqualTo(range(1, 2));
                }
            } finally {
                target().deleteKeys(own);
            }
        }

        @Test
        void deferred_drops_are_done_a_thousand_per_caller_in_one_round_trip_before_those_streams_are_read() {
            // given: 1,100 streams in Redis, each remembered for a deferred drop
            String own = prefix() + ":deferred" + UUID.randomUUID().toString().substring(0, 6);
            try (TieredEventStore mine = tiered(own)) {
                List<AggregateId> ids = new ArrayList<>();
                for (int i = 0; i < 1_100; i++) {
                    AggregateId id = id("deferred" + i);
                    mine.append(AppendRequest.of(id, "Thing", ExpectedVersion.noStream(), event(i)));
                    ids.add(id);
                }
                for (AggregateId id : ids) {
                    mine.hot().failures().state().pend(mine.hot().key(id));
                }
                // when: the next caller finds Redis usable
                assertThat(mine.hot().failures().ready()).isTrue();
                // then: it dropped the first thousand, the rest are still remembered and bypassed
                assertThat(mine.hot().failures().state().pendingCount()).isEqualTo(100);
                long present = ids.stream().filter(id -> redis().exists(mine.hot().keyOf(id))).count();
                assertThat(present).isEqualTo(100);
                // when: the next caller comes
                assertThat(mine.hot().failures().ready()).isTrue();
                // then
                assertThat(mine.hot().failures().state().pendingCount()).isZero();
                assertThat(ids.stream().filter(id -> redis().exists(mine.hot().keyOf(id))).count()).isZero();
                try (EventStream s = mine.load(ids.get(0))) {
                    assertThat(versions(s.toList())).containsExactly(1L);
                }
            } finally {
                target().deleteKeys(own);
            }
        }

        @Test
        void a_required_purge_drops_every_stream_of_the_prefix_before_redis_is_used_again() {
            // given: streams in Redis, and a tier that lost track of its deferred drops
            String own = prefix() + ":purged" + UUID.randomUUID().toString().substring(0, 6);
            try (TieredEventStore mine = tiered(own)) {
                List<AggregateId> ids = new ArrayList<>();
                for (int i = 0; i < 30; i++) {
                    AggregateId id = id("purged" + i);
                    mine.append(AppendRequest.of(id, "Thing", ExpectedVersion.noStream(), events(1, 2)));
                    ids.add(id);
                }
                long generation = mine.hot().failures().state().generation();
                mine.hot().failures().state().requirePurge();
                // then: no stream is read from Redis meanwhile
                assertThat(mine.hot().failures().state().isPending(mine.hot().key(ids.get(0)))).isTrue();
                assertThat(mine.hot().failures().state().generation()).isGreaterThan(generation);
                // when: the next caller finds Redis usable
                assertThat(mine.hot().failures().ready()).isTrue();
                // then: every stream of the prefix is gone, and reads are served (and backfilled) again
                assertThat(ids.stream().filter(id -> redis().exists(mine.hot().keyOf(id))).count()).isZero();
                assertThat(mine.hot().failures().state().purgeRequired()).isFalse();
                try (EventStream s = mine.load(ids.get(3))) {
                    assertThat(versions(s.toList())).containsExactly(1L, 2L);
                }
                assertThat(redis().exists(mine.hot().keyOf(ids.get(3)))).isTrue();
            } finally {
                target().deleteKeys(own);
            }
        }

        private TieredEventStore tiered(String keyPrefix) {
            RedisHotTierBuilder b = target().tier(keyPrefix).serializer(ContractEvents.serializer());
            configure(b);
            return TieredEventStore.of(InMemoryEventStore.create(ContractEvents.serializer()), b.build());
        }
    }

    /** Many streams at once. */
    @Nested
    class Batches {

        @Test
        void load_batch_reads_every_stream_from_redis_in_one_round_trip() {
            // given
            List<AggregateId> ids = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                AggregateId id = id("batch" + i);
                append(id, ExpectedVersion.noStream(), events(1, 1 + i % 4));
                ids.add(id);
            }
            double before = count("redis_round_trips", "operation", "read");
            // when
            Map<AggregateId, EventStream> streams = store.loadBatch(ids, 1, Long.MAX_VALUE);
            // then
            assertThat(count("redis_round_trips", "operation", "read") - before).isEqualTo(1);
            assertThat(warm.loadBatches.get()).isZero();
            assertThat(count("hits", "operation", "load_batch")).isEqualTo(20);
            for (int i = 0; i < ids.size(); i++) {
                assertThat(versions(streams.get(ids.get(i)).toList())).isEqualTo(range(1, 1 + i % 4));
            }
        }

        @Test
        void load_batch_sends_every_stream_redis_cannot_serve_to_one_warm_load_batch() {
            // given: 4 intact streams, 3 absent, 2 with a gap, 1 corrupt
            Map<AggregateId, String> kinds = new LinkedHashMap<>();
            for (int i = 0; i < 10; i++) {
                String kind = i < 4 ? "intact" : i < 7 ? "absent" : i < 9 ? "gap" : "corrupt";
                AggregateId id = id(kind);
                for (long v = 1; v <= 4; v++) {
                    append(id, ExpectedVersion.of(v - 1), event(v));
                }
                switch (kind) {
                    case "absent" -> redis().del(key(id));
                    case "gap" -> redis().zremrangeByScore(key(id), 2, 2);
                    case "corrupt" -> redis().zadd(key(id), 3.0, new byte[] {1, 2, 3});
                    default -> { }
                }
                kinds.put(id, kind);
            }
            List<AggregateId> ids = new ArrayList<>(kinds.keySet());
            // when
            Map<AggregateId, EventStream> streams = store.loadBatch(ids, 1, Long.MAX_VALUE);
            // then
            assertThat(new ArrayList<>(streams.keySet())).isEqualTo(ids);
            for (AggregateId id : ids) {
                assertThat(streams.get(id).toList()).as(kinds.get(id)).isEqualTo(warmLoad(id));
            }
            assertThat(warm.loadBatches.get()).isEqualTo(1);
            assertThat(warm.loadBatchIds.get(0)).containsExactlyElementsOf(
                    ids.stream().filter(id -> !kinds.get(id).equals("intact")).collect(Collectors.toList()));
            assertThat(warm.loads.get()).isZero();

            // and the absent and gapped streams were backfilled; the corrupt one was dropped, so the next
            // batch reads only that one from the warm tier (and backfills it)
            AggregateId corrupt = ids.get(9);
            Map<AggregateId, EventStream> again = store.loadBatch(ids, 1, Long.MAX_VALUE);
            for (AggregateId id : ids) {
                assertThat(versions(again.get(id).toList())).isEqualTo(range(1, 4));
            }
            assertThat(warm.loadBatches.get()).isEqualTo(2);
            assertThat(warm.loadBatchIds.get(1)).containsExactly(corrupt);
            Map<AggregateId, EventStream> third = store.loadBatch(ids, 1, Long.MAX_VALUE);
            for (AggregateId id : ids) {
                assertThat(versions(third.get(id).toList())).isEqualTo(range(1, 4));
            }
            assertThat(warm.loadBatches.get()).isEqualTo(2);
        }

        @Test
        void load_batch_continues_a_long_stream_lazily_from_redis() {
            // given
            reopen(b -> b.readPageSize(10));
            AggregateId big = id("big");
            append(big, ExpectedVersion.noStream(), events(1, 35));
            AggregateId small = id("small");
            append(small, ExpectedVersion.noStream(), events(1, 3));
            // when
            Map<AggregateId, EventStream> streams = store.loadBatch(List.of(big, small), 1, Long.MAX_VALUE);
            // then
            assertThat(versions(streams.get(big).toList())).isEqualTo(range(1, 35));
            assertThat(versions(streams.get(small).toList())).isEqualTo(range(1, 3));
            assertThat(warm.loadBatches.get()).isZero();
            assertThat(warm.loads.get()).isZero();
        }
    }

    // ------------------------------------------------------------------ event types of the tests below

    /**
     * A payload whose JSON is not deterministic: a {@code HashSet} iterates in an order that depends on
     * its capacity and history, so the caller's set and a copy decoded from the warm tier (a fresh
     * default-sized {@code HashSet}) write their elements in different orders.
     */
    record Tagged(String name, Set<String> tags) {
    }

    /** A value type Jackson cannot write without the application's module; the warm tier has the module. */
    static final class Cents {
        private final long value;

        Cents(long value) {
            this.value = value;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Cents c && c.value == value;
        }

        @Override
        public int hashCode() {
            return Long.hashCode(value);
        }
    }

    /** An event with a {@link Cents} amount: the warm tier stores it, a hot tier without the module cannot. */
    record Charged(Cents amount) {
    }

    static final EventTypeRegistry OWN_TYPES = EventTypeRegistry.builder()
            .register("test.tagged.v1", Tagged.class)
            .register("test.charged.v1", Charged.class)
            .build();

    /** The application's module for {@link Cents}: given to the warm tier's serializer only. */
    static com.fasterxml.jackson.databind.Module centsModule() {
        return new com.fasterxml.jackson.databind.module.SimpleModule()
                .addSerializer(Cents.class, new com.fasterxml.jackson.databind.ser.std.StdSerializer<>(Cents.class) {
                    private static final long serialVersionUID = 1L;

                    @Override
                    public void serialize(Cents value, com.fasterxml.jackson.core.JsonGenerator gen,
                                          com.fasterxml.jackson.databind.SerializerProvider provider)
                            throws java.io.IOException {
                        gen.writeNumber(value.value);
                    }
                })
                .addDeserializer(Cents.class, new com.fasterxml.jackson.databind.deser.std.StdDeserializer<>(
                        Cents.class) {
                    private static final long serialVersionUID = 1L;

                    @Override
                    public Cents deserialize(com.fasterxml.jackson.core.JsonParser p,
                                             com.fasterxml.jackson.databind.DeserializationContext ctx)
                            throws java.io.IOException {
                        return new Cents(p.getLongValue());
                    }
                });
    }

    /**
     * Like {@link #reopen}, with {@link #OWN_TYPES}: the warm tier (an in-memory store that serializes to
     * JSON and decodes fresh objects on every read) knows the {@link Cents} module; the hot tier is built
     * from another serializer of the same types that does not — the mistake of not handing the hot tier
     * the warm store's serializer.
     */
    void reopenWithOwnTypes(Consumer<RedisHotTierBuilder> settings) {
        reopenWithOwnTypes(false, settings);
    }

    /**
     * Like {@link #reopen}, with {@link #OWN_TYPES} and a warm tier that knows the {@link Cents} module;
     * {@code shared}: the hot tier is built from the warm store's serializer, else from one without the module.
     */
    void reopenWithOwnTypes(boolean shared, Consumer<RedisHotTierBuilder> settings) {
        closeStore();
        meters = new SimpleMeterRegistry();
        com.fasterxml.jackson.databind.ObjectMapper mapper = JacksonEventSerializer.newObjectMapper(
                new com.fasterxml.jackson.core.JsonFactory(), JacksonEventSerializer.DEFAULT_MAX_PAYLOAD_BYTES);
        mapper.registerModule(centsModule());
        JacksonEventSerializer warmSerializer = JacksonEventSerializer.builder(OWN_TYPES).objectMapper(mapper).build();
        warm = new CountingEventStore(InMemoryEventStore.create(warmSerializer));
        RedisHotTierBuilder b = target().tier(prefix())
                .serializer(shared ? warmSerializer : JacksonEventSerializer.json(OWN_TYPES)).meterRegistry(meters);
        configure(b);
        settings.accept(b);
        hot = b.build();
        // the mismatch TieredEventStore.of refuses is built on purpose here, to show its failures stay local
        store = shared ? TieredEventStore.of(warm, hot) : TieredEventStore.withoutSerializerCheck(warm, hot);
    }

    /** A tagged event whose set was built with room for 64 elements, as a caller sizing it up front would. */
    static NewEvent tagged(long n) {
        Set<String> tags = new HashSet<>(64);
        tags.addAll(List.of("red", "green", "blue", "amber", "violet", "teal", "ochre", "umber"));
        return NewEvent.of(new Tagged("tagged " + n, tags));
    }

    static NewEvent[] taggedEvents(long from, long to) {
        return LongStream.rangeClosed(from, to).mapToObj(HotTierSuite::tagged).toArray(NewEvent[]::new);
    }

    /**
     * Checks that this test really has two encodings of one event: the member encoded from the caller's
     * object differs from the one encoded from the warm tier's decoded copy.
     */
    void assertEncodingsDiffer(AggregateId id, long version, NewEvent asAppended) {
        StoredEvent stored = warmLoad(id).get((int) version - 1);
        StoredEvent original = new StoredEvent(stored.position(), stored.eventId(), id, stored.aggregateType(),
                stored.eventType(), asAppended.payload(), stored.metadata(), stored.version(), stored.occurredAt());
        assertThat(original).isEqualTo(stored);
        assertThat(hot.codec().encode(original)).as("the test needs a payload that encodes two ways")
                .isNotEqualTo(hot.codec().encode(stored));
    }

    /** What {@code action} writes to {@code System.err} (where slf4j-simple logs), passed through as well. */
    static String stderrOf(Runnable action) {
        java.io.PrintStream original = System.err;
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        java.io.OutputStream tee = new java.io.OutputStream() {
            @Override
            public synchronized void write(int c) {
                captured.write(c);
                original.write(c);
            }

            @Override
            public synchronized void write(byte[] buf, int off, int len) {
                captured.write(buf, off, len);
                original.write(buf, off, len);
            }
        };
        System.setErr(new java.io.PrintStream(tee, true, StandardCharsets.UTF_8));
        try {
            action.run();
        } finally {
            System.setErr(original);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }

    /** Encoding failures are about one event, never about Redis (issue 9, item 8). */
    @Nested
    class EncodingFailures {

        @Test
        void an_event_the_hot_tier_cannot_encode_affects_its_stream_only_and_is_no_redis_outage() {
            // given: a hot tier that would leave Redis alone for ten minutes after a Redis failure,
            // and a stream holding an event the hot tier cannot encode (it lacks the Cents module)
            reopenWithOwnTypes(b -> b.retryAfterFailure(java.time.Duration.ofMinutes(10)));
            AggregateId charged = id("unencodable");
            String appendLog = stderrOf(() -> append(charged, ExpectedVersion.noStream(), tagged(1),
                    NewEvent.of(new Charged(new Cents(1234)))));
            // then: the append is committed, the stream's key dropped, and the tier did not back off
            assertThat(versions(warmLoad(charged))).containsExactly(1L, 2L);
            assertThat(redis().exists(key(charged))).isFalse();
            assertThat(hot.failures().state().backoffOver()).isTrue();
            // and the log says what failed: the encoding of that event (type, version, stream), not Redis
            assertThat(appendLog).contains("WARN").contains("could not encode event 'test.charged.v1' (version 2 "
                    + "of stream '" + charged.value() + "')").contains("serializer(...)").doesNotContain("unavailable");

            // when: the stream is loaded (absent from Redis, read from the warm tier, the backfill cannot encode it)
            List<StoredEvent> loaded = new ArrayList<>();
            String loadLog = stderrOf(() -> loaded.addAll(load(charged)));
            // then: the warm tier's events, and no back-off, and no log line calling Redis unavailable
            assertThat(loadLog).doesNotContain("unavailable");
            assertThat(loaded).isEqualTo(warmLoad(charged));
            assertThat(((Charged) loaded.get(1).payload()).amount()).isEqualTo(new Cents(1234));
            assertThat(hot.failures().state().backoffOver()).as("backing off after an encoding failure").isTrue();
            // and both failures were counted as encoding failures, not Redis write failures; the stream not backfilled
            assertThat(count("encode_failures", "operation", "append")).isEqualTo(1);
            assertThat(count("drops", "reason", "unencodable")).isEqualTo(1);
            assertThat(count("encode_failures", "operation", "backfill")).isEqualTo(1);
            assertThat(count("backfills", "outcome", "written")).isZero();
            assertThat(count("write_failures")).isZero();
            assertThat(redis().exists(key(charged))).isFalse();

            // and the tier did not back off: another stream is still written to and served by Redis
            assertThat(hot.failures().state().backoffOver()).isTrue();
            AggregateId other = id("encodable");
            append(other, ExpectedVersion.noStream(), taggedEvents(1, 3));
            assertThat(count("writes", "outcome", "written")).isEqualTo(1);
            assertThat(count("writes", "outcome", "skipped")).isZero();
            assertThat(members(other)).extracting(Tuple::getScore).containsExactly(1.0, 2.0, 3.0);
            int warmLoads = warm.loads.get();
            assertThat(load(other)).isEqualTo(warmLoad(other));
            assertThat(warm.loads.get()).isEqualTo(warmLoads);
            assertThat(count("hits", "operation", "load")).isEqualTo(1);
            assertThat(count("fallbacks")).isZero();
            // and loading the unencodable stream again costs it alone a warm read, still no outage
            assertThat(load(charged)).isEqualTo(warmLoad(charged));
            assertThat(count("encode_failures", "operation", "backfill")).isEqualTo(2);
            assertThat(count("fallbacks")).isZero();
            assertThat(hot.failures().state().backoffOver()).isTrue();
        }

        @Test
        void a_batch_load_of_an_unencodable_stream_backfills_the_others_and_backs_off_nothing() {
            // given: two streams absent from Redis, one holding an event the hot tier cannot encode
            reopenWithOwnTypes(b -> b.retryAfterFailure(java.time.Duration.ofMinutes(10)));
            AggregateId charged = id("unencodable-batch");
            warm.delegate().append(AppendRequest.of(charged, "Thing", ExpectedVersion.noStream(),
                    NewEvent.of(new Charged(new Cents(7)))));
            AggregateId plain = id("encodable-batch");
            warm.delegate().append(AppendRequest.of(plain, "Thing", ExpectedVersion.noStream(), taggedEvents(1, 2)));
            // when
            Map<AggregateId, EventStream> streams = store.loadBatch(List.of(charged, plain), 1, Long.MAX_VALUE);
            // then: both come from the warm tier, and the tier did not back off
            assertThat(streams.get(charged).toList()).isEqualTo(warmLoad(charged));
            assertThat(streams.get(plain).toList()).isEqualTo(warmLoad(plain));
            assertThat(hot.failures().state().backoffOver()).as("backing off after an encoding failure").isTrue();
            // and only the encodable stream is backfilled
            assertThat(count("encode_failures", "operation", "backfill")).isEqualTo(1);
            assertThat(count("backfills", "outcome", "written")).isEqualTo(1);
            assertThat(count("write_failures")).isZero();
            assertThat(hot.failures().state().backoffOver()).isTrue();
            assertThat(redis().exists(key(charged))).isFalse();
            assertThat(members(plain)).extracting(Tuple::getScore).containsExactly(1.0, 2.0);
        }

        @Test
        void a_hot_tier_built_from_the_warm_stores_serializer_caches_what_needs_its_jackson_modules() {
            // given: the hot tier built from the warm store's serializer, whose mapper knows the Cents module
            // (issue 10: before, the hot tier took a registry and a separate list of modules to keep in sync)
            reopenWithOwnTypes(true, b -> { });
            AggregateId charged = id("charged");
            // when
            append(charged, ExpectedVersion.noStream(), tagged(1), NewEvent.of(new Charged(new Cents(1234))));
            // then: written to Redis and served from it, with no encoding failure
            assertThat(count("encode_failures")).isZero();
            assertThat(count("writes", "outcome", "written")).isEqualTo(1);
            assertThat(members(charged)).extracting(Tuple::getScore).containsExactly(1.0, 2.0);
            int warmLoads = warm.loads.get();
            List<StoredEvent> loaded = load(charged);
            assertThat(warm.loads.get()).isEqualTo(warmLoads);
            assertThat(count("hits", "operation", "load")).isEqualTo(1);
            assertThat(loaded).isEqualTo(warmLoad(charged));
            assertThat(((Charged) loaded.get(1).payload()).amount()).isEqualTo(new Cents(1234));
        }
    }

    /** One event is one member, whatever its payload's encoding (issue 9, item 9). */
    @Nested
    class OneMemberPerVersion {

        @Test
        void a_backfill_over_a_version_the_append_wrote_leaves_one_member_and_the_key_stays() {
            // given: versions 1..4 not in Redis (the key expired), then an append of 5 wrote the caller's object
            reopenWithOwnTypes(b -> { });
            AggregateId id = id("hashset-fragment");
            append(id, ExpectedVersion.noStream(), taggedEvents(1, 4));
            redis().del(key(id));
            NewEvent fifth = tagged(5);
            append(id, ExpectedVersion.exactly(4), fifth);
            assertThat(members(id)).extracting(Tuple::getScore).containsExactly(5.0);
            assertEncodingsDiffer(id, 5, fifth);
            // when: a load reads 1..5 from the warm tier and backfills them (5 encoded from the decoded copy)
            assertLoadEqualsWarm(id);
            // then: one member per version
            assertThat(members(id)).extracting(Tuple::getScore).containsExactly(1.0, 2.0, 3.0, 4.0, 5.0);
            // and the next loads are served by Redis, without a drop
            int warmLoads = warm.loads.get();
            for (int i = 0; i < 3; i++) {
                assertThat(versions(load(id))).isEqualTo(range(1, 5));
            }
            assertThat(warm.loads.get()).isEqualTo(warmLoads);
            assertThat(count("misses", "operation", "load", "reason", "anomaly")).isZero();
            assertThat(count("drops")).isZero();
            assertThat(count("hits", "operation", "load")).isEqualTo(3);
            assertLoadEqualsWarm(id);
        }

        @Test
        void an_append_landing_after_a_backfill_of_its_own_version_leaves_one_member() {
            // given: versions 1..2 not in Redis
            reopenWithOwnTypes(b -> { });
            AggregateId id = id("hashset-race");
            append(id, ExpectedVersion.noStream(), taggedEvents(1, 2));
            redis().del(key(id));
            // and a reader that loads the stream after version 3 committed but before its append wrote Redis
            // (the load reads 1..3 from the warm tier and backfills them)
            NewEvent third = tagged(3);
            List<StoredEvent> seen = new ArrayList<>();
            warm.afterAppend = () -> seen.addAll(load(id));
            // when
            append(id, ExpectedVersion.exactly(2), third);
            // then
            assertThat(versions(seen)).isEqualTo(range(1, 3));
            assertThat(count("backfills", "outcome", "written")).isEqualTo(1);
            assertEncodingsDiffer(id, 3, third);
            assertThat(members(id)).extracting(Tuple::getScore).containsExactly(1.0, 2.0, 3.0);
            int warmLoads = warm.loads.get();
            assertThat(versions(load(id))).isEqualTo(range(1, 3));
            assertThat(warm.loads.get()).isEqualTo(warmLoads);
            assertThat(count("drops")).isZero();
            assertLoadEqualsWarm(id);
        }
    }

    /** A payload shaped unlike the registered class: stands in for damage inside a valid envelope. */
    record Impostor(List<Integer> text, Map<String, String> n) {
    }

    /**
     * A member with {@code original}'s envelope (same id, version, position, type, metadata, time), in this
     * tier's format and compression, whose payload cannot be data-bound into the registered class.
     */
    byte[] memberWithUndecodablePayload(StoredEvent original) {
        EventTypeRegistry impostors = EventTypeRegistry.builder().register(original.eventType(), Impostor.class)
                .build();
        HotTierCodec codec = HotTierCodec.of(impostors, hot.codec().format(), hot.codec().compression());
        byte[] member = codec.encode(new StoredEvent(original.position(), original.eventId(), original.aggregateId(),
                original.aggregateType(), original.eventType(), new Impostor(List.of(1, 2, 3), Map.of("x", "y")),
                original.metadata(), original.version(), original.occurredAt()));
        // the envelope is valid for the tier's own codec; only the payload is wrong
        StoredEvent envelope = hot.codec().decode(original.aggregateId(), member);
        assertThat(envelope.version()).isEqualTo(original.version());
        assertThat(envelope.eventId()).isEqualTo(original.eventId());
        assertThatThrownBy(envelope::payload).isInstanceOf(SerializationException.class);
        return member;
    }

    /** Replaces the member of {@code version} in Redis. */
    void replaceMember(AggregateId id, long version, byte[] member) {
        redis().zremrangeByScore(key(id), version, version);
        redis().zadd(key(id), (double) version, member);
    }

    /** Payloads decoded on first access (ADR 0204). */
    @Nested
    class LazyPayloads {

        @Test
        void events_served_from_redis_decode_their_payloads_only_when_asked() {
            // given
            AggregateId id = id("lazy");
            append(id, ExpectedVersion.noStream(), events(1, 5));
            AggregateId other = id("lazy-batch");
            append(other, ExpectedVersion.noStream(), events(1, 2));
            // when
            List<StoredEvent> loaded = load(id);
            List<StoredEvent> batched = store.loadBatch(List.of(id, other), 1, Long.MAX_VALUE).get(other).toList();
            // then: served by Redis, envelopes read, no payload decoded yet
            assertThat(count("hits")).isEqualTo(3);
            assertThat(versions(loaded)).isEqualTo(range(1, 5));
            assertThat(loaded).noneMatch(io.modularddd.core.internal.StoredEventAccess::isPayloadDecoded);
            assertThat(batched).noneMatch(io.modularddd.core.internal.StoredEventAccess::isPayloadDecoded);
            // when / then: asking decodes them, into what the warm tier holds
            assertThat(loaded).isEqualTo(warmLoad(id));
            assertThat(batched).isEqualTo(warmLoad(other));
            assertThat(loaded).allMatch(io.modularddd.core.internal.StoredEventAccess::isPayloadDecoded);
            assertThat(count("payload_fallbacks")).isZero();
        }

        @Test
        void metadata_unicode_and_a_one_mebibyte_payload_round_trip_through_every_format_and_compression() {
            for (HotTierFormat format : HotTierFormat.values()) {
                for (HotTierCompression compression : List.of(HotTierCompression.none(), HotTierCompression.lz4(0),
                        HotTierCompression.lz4(1024))) {
                    String own = prefix() + ":lazy" + UUID.randomUUID().toString().substring(0, 6);
                    RedisHotTier tier = target().tier(own).serializer(ContractEvents.serializer()).format(format)
                            .compression(compression).build();
                    CountingEventStore warmStore = new CountingEventStore(
                            InMemoryEventStore.create(ContractEvents.serializer()));
                    try (TieredEventStore tiered = TieredEventStore.of(warmStore, tier)) {
                        // given
                        String what = format + ", " + compression;
                        AggregateId id = id("formats");
                        StringBuilder big = new StringBuilder(1 << 20);
                        while (big.length() < 1 << 20) {
                            big.append("line ").append(big.length()).append(": ünïcödé 🚀 \"quoted\" \\\n");
                        }
                        tiered.append(AppendRequest.of(id, "Thing", ExpectedVersion.noStream(),
                                NewEvent.of(new Happened("nul \u0000 🚀 \"q\"", Long.MIN_VALUE)).withMetadata(
                                        EventMetadata.empty().withCorrelationId("c-🧵").with("tenant", "ünï")),
                                NewEvent.of(new ContractEvents.Blob(big.toString()))));
                        // then: the members carry the format, and the large one is compressed when the tier compresses
                        List<Tuple> members = redis().zrangeWithScores(
                                tier.keyOf(id).getBytes(StandardCharsets.US_ASCII), 0, -1);
                        assertThat(members).as(what).hasSize(2);
                        byte[] large = members.get(1).getBinaryElement();
                        assertThat(large[0] & 0x0F).as(what).isEqualTo(format.id());
                        assertThat((large[0] & 0x10) != 0).as(what + ": compressed")
                                .isEqualTo(compression instanceof HotTierCompression.Lz4);
                        // when
                        List<StoredEvent> loaded;
                        try (EventStream s = tiered.load(id)) {
                            loaded = s.toList();
                        }
                        // then
                        assertThat(warmStore.loads.get()).as(what + ": warm reads").isZero();
                        assertThat(loaded).as(what).noneMatch(io.modularddd.core.internal.StoredEventAccess::isPayloadDecoded);
                        List<StoredEvent> expected;
                        try (EventStream s = warmStore.delegate().load(id)) {
                            expected = s.toList();
                        }
                        assertThat(loaded).as(what).isEqualTo(expected);
                        assertThat(loaded.get(1).payloadAs(ContractEvents.Blob.class).data()).as(what)
                                .hasSize(big.length());
                    } finally {
                        target().deleteKeys(own);
                    }
                }
            }
        }

        @Test
        void a_payload_that_does_not_decode_is_read_from_the_warm_tier_and_the_key_dropped() {
            // given: three events in Redis, the second one's payload damaged inside a valid envelope
            AggregateId id = id("damaged-payload");
            append(id, ExpectedVersion.noStream(), events(1, 3));
            Set<String> written = memberSet(id);
            StoredEvent second = warmLoad(id).get(1);
            replaceMember(id, 2, memberWithUndecodablePayload(second));
            int warmLoads = warm.loads.get();
            // when: the stream is loaded; every envelope is valid, so Redis serves it
            List<StoredEvent> loaded = load(id);
            // then
            assertThat(versions(loaded)).isEqualTo(range(1, 3));
            assertThat(count("hits", "operation", "load")).isEqualTo(1);
            assertThat(count("misses")).isZero();
            assertThat(warm.loads.get()).isEqualTo(warmLoads);
            assertThat(redis().exists(key(id))).isTrue();
            // when: the damaged payload is asked for
            Object payload = loaded.get(1).payload();
            // then: it is the warm tier's, read for that one event, and the key is dropped
            assertThat(payload).isEqualTo(second.payload());
            assertThat(warm.loads.get()).isEqualTo(warmLoads + 1);
            assertThat(count("payload_fallbacks", "outcome", "served")).isEqualTo(1);
            assertThat(count("drops", "reason", "anomaly")).isEqualTo(1);
            assertThat(redis().exists(key(id))).isFalse();
            assertThat(loaded).isEqualTo(warmLoad(id));
            assertThat(loaded.get(1).payload()).isSameAs(payload);
            assertThat(warm.loads.get()).as("decoded once").isEqualTo(warmLoads + 1);
            // and the next load reads the warm tier and writes the stream back with the original bytes
            assertLoadEqualsWarm(id);
            assertThat(memberSet(id)).isEqualTo(written);
        }

        @Test
        void a_payload_that_does_not_decode_in_a_batch_is_read_from_the_warm_tier_too() {
            // given
            AggregateId id = id("damaged-batch");
            append(id, ExpectedVersion.noStream(), events(1, 2));
            StoredEvent first = warmLoad(id).get(0);
            replaceMember(id, 1, memberWithUndecodablePayload(first));
            // when
            List<StoredEvent> loaded = store.loadBatch(List.of(id), 1, Long.MAX_VALUE).get(id).toList();
            // then
            assertThat(count("hits", "operation", "load_batch")).isEqualTo(1);
            assertThat(loaded.get(0).payload()).isEqualTo(first.payload());
            assertThat(count("payload_fallbacks", "outcome", "served")).isEqualTo(1);
            assertThat(redis().exists(key(id))).isFalse();
            assertThat(loaded).isEqualTo(warmLoad(id));
        }

        @Test
        void a_payload_that_does_not_decode_fails_naming_the_event_when_the_warm_tier_cannot_be_read() {
            // given
            AggregateId id = id("damaged-warm-down");
            append(id, ExpectedVersion.noStream(), events(1, 2));
            replaceMember(id, 2, memberWithUndecodablePayload(warmLoad(id).get(1)));
            List<StoredEvent> loaded = load(id);
            warm.afterLoad = () -> {
                throw new EventStoreException("the warm store is down");
            };
            // when / then
            assertThatThrownBy(loaded.get(1)::payload).isInstanceOf(SerializationException.class)
                    .hasMessageContaining("'contract.happened.v1' (version 2 of stream '" + id.value() + "')")
                    .hasMessageContaining("the warm store is down")
                    .hasMessageContaining("Read the event again")
                    .hasCauseInstanceOf(SerializationException.class);
            assertThat(count("payload_fallbacks", "outcome", "failed")).isEqualTo(1);
            assertThat(redis().exists(key(id))).isFalse();
            // and once the warm tier answers, asking again succeeds
            assertThat(loaded.get(1).payload()).isEqualTo(warmLoad(id).get(1).payload());
            assertThat(count("payload_fallbacks", "outcome", "served")).isEqualTo(1);
        }

        @Test
        void a_damaged_hot_copy_of_an_event_the_warm_tier_does_not_hold_is_never_passed_off_as_it() {
            // given: version 2 in Redis claims another event id than the warm tier's version 2
            AggregateId id = id("stranger");
            append(id, ExpectedVersion.noStream(), events(1, 2));
            StoredEvent second = warmLoad(id).get(1);
            StoredEvent stranger = new StoredEvent(second.position(), UUID.randomUUID(), id, second.aggregateType(),
                    second.eventType(), second.payload(), second.metadata(), 2, second.occurredAt());
            replaceMember(id, 2, memberWithUndecodablePayload(stranger));
            StoredEvent loaded = load(id).get(1);
            // when / then: every access fails, naming the event and the fix
            for (int i = 0; i < 2; i++) {
                assertThatThrownBy(loaded::payload).isInstanceOf(SerializationException.class)
                        .hasMessageContaining("'contract.happened.v1' (version 2 of stream '" + id.value() + "')")
                        .hasMessageContaining("the warm tier holds event " + second.eventId())
                        .hasMessageContaining("load the stream again");
            }
            assertThat(count("payload_fallbacks", "outcome", "failed")).isEqualTo(2);
            assertThat(redis().exists(key(id))).isFalse();
            // and loading again gives the warm tier's events
            assertLoadEqualsWarm(id);
        }
    }

    // ------------------------------------------------------------------ issue 11: upcasting and lifecycle

    /** The shape an "account opened" event was first stored in. */
    record OpenedV1(String name) {
    }

    /** Its shape today: the name split in two, and a tier that did not exist (default "basic"). */
    record OpenedV3(String first, String last, String tier) {
    }

    static final String V1 = "acct.opened.v1";
    static final String V2 = "acct.opened.v2";
    static final String V3 = "acct.opened.v3";

    static EventSerializer v1Serializer() {
        return JacksonEventSerializer.json(EventTypeRegistry.builder().register(V1, OpenedV1.class).build());
    }

    /** Knows only the v3 class; v1 and v2 are read through the chain v1 -> v2 -> v3. */
    static EventSerializer v3Serializer() {
        return JacksonEventSerializer.json(EventTypeRegistry.builder()
                .register(V3, OpenedV3.class)
                .upcast(V1, V2, json -> {
                    String name = json.get("name").asText();
                    if (name.equals("refused")) {
                        throw new IllegalStateException("no last name in '" + name + "'");
                    }
                    var out = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
                    out.put("first", name.substring(0, name.indexOf(' ')));
                    out.put("last", name.substring(name.indexOf(' ') + 1));
                    return out;
                })
                .upcast(V2, V3, json -> ((com.fasterxml.jackson.databind.node.ObjectNode) json.deepCopy())
                        .put("tier", "basic"))
                .build());
    }

    /**
     * Writes v1 events through a tier that knows only the v1 class (so Redis holds v1 members), then
     * opens this test's store on the same events with a tier that knows only v3 and the chain.
     */
    AggregateId writeV1ThenReopenWithV3(String name, String... names) {
        EventSerializer v1Serializer = v1Serializer();
        InMemoryEventStore events = InMemoryEventStore.create(v1Serializer);
        RedisHotTierBuilder v1 = target().tier(prefix()).serializer(v1Serializer);
        configure(v1);
        RedisHotTier v1Tier = v1.build();
        AggregateId id = id(name);
        TieredEventStore old = TieredEventStore.of(events, v1Tier);
        old.append(AppendRequest.of(id, "Account", ExpectedVersion.noStream(),
                java.util.Arrays.stream(names).map(n -> NewEvent.of(new OpenedV1(n))).toArray(NewEvent[]::new)));
        v1Tier.close();
        closeStore();
        meters = new SimpleMeterRegistry();
        EventSerializer v3 = v3Serializer();
        warm = new CountingEventStore(events.withSerializer(v3));
        RedisHotTierBuilder b = target().tier(prefix()).serializer(v3).meterRegistry(meters);
        configure(b);
        hot = b.build();
        store = TieredEventStore.of(warm, hot);
        assertThat(members(id)).as("v1 members in Redis").hasSize(names.length);
        return id;
    }

    /** Members written before an upcaster was added, and events backfilled after (issue 11). */
    @Nested
    class Upcasting {

        @Test
        void members_written_before_an_upcaster_was_added_are_served_from_redis_in_the_new_shape() {
            // given: two v1 members in Redis, and a tier that knows only v3 and the chain v1 -> v2 -> v3
            AggregateId id = writeV1ThenReopenWithV3("upcast-hot", "Ada Lovelace", "Alan Turing");
            // when
            List<StoredEvent> loaded = load(id);
            // then: Redis served them, as v3, with the stored name kept for auditing
            assertThat(warm.loads.get()).isZero();
            assertThat(count("hits", "operation", "load")).isEqualTo(1);
            assertThat(count("drops")).isZero();
            assertThat(loaded).extracting(StoredEvent::payload).containsExactly(
                    new OpenedV3("Ada", "Lovelace", "basic"), new OpenedV3("Alan", "Turing", "basic"));
            assertThat(loaded).extracting(StoredEvent::eventType).containsOnly(V3);
            assertThat(loaded).extracting(StoredEvent::storedEventType).containsOnly(V1);
            assertThat(loaded).isEqualTo(warmLoad(id));
            // and a batch load too
            assertThat(store.loadBatch(List.of(id), 1, Long.MAX_VALUE).get(id).toList()).isEqualTo(warmLoad(id));
            assertThat(warm.loadBatches.get()).isZero();
        }

        @Test
        void an_upcast_event_backfilled_from_the_warm_tier_keeps_its_stored_type_name() {
            // given: the v1 events are not in Redis
            AggregateId id = writeV1ThenReopenWithV3("upcast-backfill", "Grace Hopper", "Edsger Dijkstra");
            hot.invalidate(id);
            // when: loaded (warm, backfilled) and loaded again
            assertLoadEqualsWarm(id);
            int warmLoads = warm.loads.get();
            List<StoredEvent> again = load(id);
            // then: the second load came from Redis, as the warm tier reads them
            assertThat(warm.loads.get()).isEqualTo(warmLoads);
            assertThat(count("backfills", "outcome", "written")).isEqualTo(1);
            assertThat(count("encode_failures")).isZero();
            assertThat(again).isEqualTo(warmLoad(id));
            assertThat(again).extracting(StoredEvent::storedEventType).containsOnly(V1);
            assertThat(again).extracting(StoredEvent::eventType).containsOnly(V3);
            assertThat(again.get(0).payload()).isEqualTo(new OpenedV3("Grace", "Hopper", "basic"));
        }

        @Test
        void an_upcaster_that_throws_fails_naming_stream_version_position_and_step_and_keeps_the_key() {
            // given: the second member is one the first step refuses
            AggregateId id = writeV1ThenReopenWithV3("upcast-fails", "Ada Lovelace", "refused");
            List<StoredEvent> loaded = load(id);
            assertThat(loaded.get(0).payload()).isEqualTo(new OpenedV3("Ada", "Lovelace", "basic"));
            long position = loaded.get(1).position();
            // when / then
            assertThatThrownBy(loaded.get(1)::payload).isInstanceOfSatisfying(
                    io.modularddd.core.UnreadableEventException.class, e -> {
                        assertThat(e.aggregateId()).isEqualTo(id);
                        assertThat(e.version()).isEqualTo(2);
                        assertThat(e.position()).isEqualTo(position);
                        assertThat(e).hasMessageContaining("'" + V1 + "' -> '" + V2 + "'")
                                .hasMessageContaining("no last name in 'refused'");
                    });
            // an upcaster bug is no damaged member: the key stays, nothing was read from the warm tier
            assertThat(warm.loads.get()).isZero();
            assertThat(count("drops")).isZero();
            assertThat(redis().exists(key(id))).isTrue();
        }
    }

    /** Streams after delete, truncateBefore and erase through the tiered store (issue 11). */
    @Nested
    class Lifecycle {

        @Test
        void a_truncated_stream_longer_than_a_page_loads_whole_and_is_then_served_from_redis() {
            // given: 20 events, pages of 5, truncated before 8, so a load from 1 finds nothing in 1..7
            reopen(b -> b.readPageSize(5));
            AggregateId id = id("truncated");
            append(id, ExpectedVersion.noStream(), events(1, 20));
            store.truncateBefore(id, 8);
            assertThat(redis().exists(key(id))).isFalse();
            assertThat(count("drops", "reason", "lifecycle")).isEqualTo(1);
            // when / then: the whole visible stream, from the warm tier and backfilled
            assertThat(versions(load(id))).isEqualTo(range(8, 20));
            assertLoadEqualsWarm(id);
            // and the next loads are served from Redis alone
            int warmLoads = warm.loads.get();
            assertThat(versions(load(id))).isEqualTo(range(8, 20));
            try (EventStream s = store.load(id, 3, 9)) {
                assertThat(versions(s.toList())).containsExactly(8L, 9L);
            }
            try (EventStream s = store.load(id, 10)) {
                assertThat(versions(s.toList())).isEqualTo(range(10, 20));
            }
            assertThat(warm.loads.get()).isEqualTo(warmLoads);
            assertThat(store.loadBatch(List.of(id), 1, Long.MAX_VALUE).get(id).toList()).isEqualTo(warmLoad(id));
            assertThat(warm.loadBatches.get()).isZero();
        }

        @Test
        void a_bounded_load_of_a_truncated_stream_never_backfills_a_prefix_that_could_pass_for_the_whole_stream() {
            // given: 30 events truncated before 8, none in Redis
            reopen(b -> b.readPageSize(5));
            AggregateId id = id("truncated-bounded");
            append(id, ExpectedVersion.noStream(), events(1, 30));
            store.truncateBefore(id, 8);
            // when: a load of 1..9 reads 8..9 from the warm tier
            try (EventStream s = store.load(id, 1, 9)) {
                assertThat(versions(s.toList())).containsExactly(8L, 9L);
            }
            // then: Redis does not end at 9, and a full load is the whole stream
            assertThat(versions(load(id))).isEqualTo(range(8, 30));
            assertThat(versions(load(id))).isEqualTo(range(8, 30));
        }

        @Test
        void a_stream_started_again_after_a_delete_is_served_from_redis() {
            // given: a stream deleted at 3 and started again at 4 with 12 events, pages of 5
            reopen(b -> b.readPageSize(5));
            AggregateId id = id("restarted");
            append(id, ExpectedVersion.noStream(), events(1, 3));
            store.delete(id, ExpectedVersion.exactly(3));
            assertThat(load(id)).isEmpty();
            append(id, ExpectedVersion.noStream(), events(4, 15));
            // when / then
            assertThat(versions(load(id))).isEqualTo(range(4, 15));
            int warmLoads = warm.loads.get();
            assertThat(versions(load(id))).isEqualTo(range(4, 15));
            assertLoadEqualsWarm(id);
            assertThat(warm.loads.get()).as("served from Redis after the first load").isEqualTo(warmLoads);
            assertThat(count("backfills", "outcome", "written")).isEqualTo(1);
        }

        @Test
        void an_erased_stream_is_cached_as_erased_events_without_encoding_failures() {
            // given: a stream in Redis
            AggregateId id = id("erased");
            store.append(AppendRequest.of(id, "Thing", ExpectedVersion.noStream(),
                    NewEvent.of(new Happened("personal", 1)).withMetadata(EventMetadata.of(Map.of("user", "ada"))),
                    NewEvent.of(new Happened("personal", 2))));
            // when
            assertThat(store.erase(id)).isEqualTo(2);
            // then: the key went in the same call
            assertThat(redis().exists(key(id))).isFalse();
            assertThat(count("drops", "reason", "lifecycle")).isEqualTo(1);
            assertLoadEqualsWarm(id);
            int warmLoads = warm.loads.get();
            List<StoredEvent> erased = load(id);
            assertThat(warm.loads.get()).as("served from Redis").isEqualTo(warmLoads);
            assertThat(erased).isEqualTo(warmLoad(id));
            assertThat(erased).extracting(StoredEvent::payload).containsOnly(io.modularddd.core.ErasedEvent.INSTANCE);
            assertThat(erased).extracting(StoredEvent::eventType).containsOnly(io.modularddd.core.ErasedEvent.TYPE);
            assertThat(erased).extracting(StoredEvent::storedEventType).containsOnly("contract.happened.v1");
            assertThat(erased).allMatch(e -> e.metadata().isEmpty());
            assertThat(count("encode_failures")).isZero();
            assertThat(count("fallbacks")).isZero();
            assertThat(hot.failures().state().backoffOver()).isTrue();
            assertNoMemberContains(id, "personal");
            assertNoMemberContains(id, "ada");
            // and later events are cached next to them
            append(id, ExpectedVersion.exactly(2), event(3));
            assertLoadEqualsWarm(id);
            assertThat(warm.loads.get()).isEqualTo(warmLoads);
        }

        @Test
        void a_backfill_that_read_the_stream_before_an_erase_cannot_bring_the_data_back() {
            // given: personal data not in Redis
            AggregateId id = id("erase-race");
            append(id, ExpectedVersion.noStream(), NewEvent.of(new Happened("personal", 1)),
                    NewEvent.of(new Happened("personal", 2)));
            hot.invalidate(id);
            // while a reader has read the stream from the warm tier (its epoch read before), the stream is erased
            warm.afterLoad = () -> assertThat(store.erase(id)).isEqualTo(2);
            // when: the reader finishes with what it read and tries to backfill it
            List<StoredEvent> before = load(id);
            assertThat(before).extracting(StoredEvent::payload).containsOnly(new Happened("personal", 1),
                    new Happened("personal", 2));
            // then: the backfill was refused, Redis holds none of the data
            assertThat(count("backfills", "outcome", "epoch_changed")).isEqualTo(1);
            assertThat(count("backfills", "outcome", "written")).isZero();
            assertThat(redis().exists(key(id))).isFalse();
            // and the next loads return erased events only (the second from Redis)
            assertThat(load(id)).extracting(StoredEvent::payload).containsOnly(io.modularddd.core.ErasedEvent.INSTANCE);
            assertThat(load(id)).isEqualTo(warmLoad(id)).extracting(StoredEvent::payload)
                    .containsOnly(io.modularddd.core.ErasedEvent.INSTANCE);
            assertNoMemberContains(id, "personal");
        }
    }

    /** Fails when a member of the stream's set holds {@code text} (in any format, uncompressed). */
    void assertNoMemberContains(AggregateId id, String text) {
        for (Tuple t : members(id)) {
            assertThat(new String(t.getBinaryElement(), StandardCharsets.ISO_8859_1)).doesNotContain(text);
        }
    }
}
