package io.modularddd.integration;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.modularddd.core.AggregateId;
import io.modularddd.core.AppendRequest;
import io.modularddd.core.AppendResult;
import io.modularddd.core.EventStream;
import io.modularddd.core.ExpectedVersion;
import io.modularddd.core.NewEvent;
import io.modularddd.core.StoredEvent;
import io.modularddd.core.serialization.EventSerializer;
import io.modularddd.eventstore.jdbc.JdbcEventStore;
import io.modularddd.eventstore.redis.CountingEventStore;
import io.modularddd.eventstore.redis.HotTierTestKeys;
import io.modularddd.eventstore.redis.TieredEventStore;
import io.modularddd.testkit.ContractEvents;
import io.modularddd.testkit.ContractEvents.Happened;
import io.modularddd.testkit.ServiceFixtures;
import io.modularddd.testkit.ServiceFixtures.JdbcService;
import io.modularddd.testkit.ServiceFixtures.RedisService;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

/**
 * Proves that {@link TieredEventStore} over MariaDB really reads from Redis: the warm tier is a
 * {@link JdbcEventStore} wrapped in a {@link CountingEventStore}, so every read that reaches MariaDB is
 * counted, and the hot tier's {@code hits}/{@code misses} meters go to a {@link SimpleMeterRegistry}.
 * The contract suites cannot show this: a tiered store that never used Redis would pass them too.
 */
class TieredHotPathOverMariaDbTest {

    private static final String PREFIX = Services.randomPrefix("hotpath");
    private static final EventSerializer SERIALIZER = ContractEvents.serializer();
    private static volatile RedisService usedRedis;

    private JdbcService db;
    private String table;
    private JdbcEventStore jdbc;
    private CountingEventStore warm;
    private SimpleMeterRegistry meters;
    private TieredEventStore tiered;
    private RedisClient redis;

    @BeforeEach
    void open() {
        RedisService redisService = ServiceFixtures.redis();
        db = ServiceFixtures.mariadb();
        usedRedis = redisService;
        table = Services.uniqueTable();
        jdbc = Services.jdbcStore(db, table, SERIALIZER);
        warm = new CountingEventStore(jdbc);
        meters = new SimpleMeterRegistry();
        tiered = TieredEventStore.of(warm, Services.hotTier(redisService, PREFIX).serializer(SERIALIZER)
                .meterRegistry(meters).build());
        redis = Services.client(redisService);
    }

    @AfterEach
    void close() {
        if (redis != null) {
            redis.close();
        }
        if (tiered != null) {
            tiered.close();
        } else if (jdbc != null) {
            jdbc.close();
        }
        if (table != null) {
            Services.dropTables(db, table);
        }
    }

    @AfterAll
    static void deleteKeys() {
        if (usedRedis != null) {
            Services.deleteKeys(usedRedis, PREFIX);
        }
    }

    @Test
    void a_stream_appended_through_the_tiered_store_is_loaded_from_redis_without_reading_mariadb() {
        // given: 100 events in three appends; each post-commit write puts its events in Redis
        AggregateId id = AggregateId.of("hot-" + UUID.randomUUID());
        append(id, ExpectedVersion.noStream(), 1, 40);
        append(id, ExpectedVersion.exactly(40), 41, 40);
        append(id, ExpectedVersion.exactly(80), 81, 20);
        assertThat(redis.zcard(HotTierTestKeys.keyOf(tiered, id))).isEqualTo(100);

        // when
        List<StoredEvent> loaded = load(id);

        // then: one page from Redis, nothing read from MariaDB, the very events MariaDB holds
        assertThat(warm.reads()).as("reads that reached MariaDB").isZero();
        assertThat(hits("load")).isEqualTo(1);
        assertThat(misses()).isZero();
        assertThat(loaded).extracting(StoredEvent::version).containsExactlyElementsOf(range(1, 100));
        assertThat(loaded).isEqualTo(loadFromMariaDb(id));
    }

    @Test
    void a_cold_load_reads_mariadb_once_and_backfills_so_the_second_load_is_served_by_redis() {
        // given: a 100-event stream that Redis does not hold
        AggregateId id = AggregateId.of("cold-" + UUID.randomUUID());
        append(id, ExpectedVersion.noStream(), 1, 100);
        tiered.hot().invalidate(id);
        assertThat(redis.zcard(HotTierTestKeys.keyOf(tiered, id))).isZero();

        // when: the first load
        List<StoredEvent> first = load(id);

        // then: it was read from MariaDB (one query) and written back to Redis
        assertThat(warm.loads).hasValue(1);
        assertThat(HotTierMeters.count(meters, "misses", "operation", "load", "reason", "absent")).isEqualTo(1);
        assertThat(HotTierMeters.count(meters, "backfills", "outcome", "written")).isEqualTo(1);
        assertThat(redis.zcard(HotTierTestKeys.keyOf(tiered, id))).isEqualTo(100);

        // when: the second load
        double hitsBefore = hits("load");
        List<StoredEvent> second = load(id);

        // then: served by Redis; MariaDB saw no further read
        assertThat(hits("load")).isEqualTo(hitsBefore + 1);
        assertThat(warm.loads).hasValue(1);
        assertThat(warm.reads()).isEqualTo(1);
        assertThat(second).isEqualTo(first);
        assertThat(second).isEqualTo(loadFromMariaDb(id));
    }

    @Test
    void load_batch_of_streams_redis_holds_is_answered_from_one_pipeline_without_mariadb() {
        // given
        AggregateId a = AggregateId.of("batch-a-" + UUID.randomUUID());
        AggregateId b = AggregateId.of("batch-b-" + UUID.randomUUID());
        append(a, ExpectedVersion.noStream(), 1, 30);
        append(b, ExpectedVersion.noStream(), 1, 70);

        // when
        Map<AggregateId, EventStream> streams = tiered.loadBatch(List.of(a, b), 1, Long.MAX_VALUE);

        // then
        assertThat(streams.get(a).toList()).isEqualTo(loadFromMariaDb(a));
        assertThat(streams.get(b).toList()).isEqualTo(loadFromMariaDb(b));
        assertThat(warm.reads()).isZero();
        assertThat(hits("load_batch")).isEqualTo(2);
        assertThat(HotTierMeters.count(meters, "redis_round_trips", "operation", "read")).isEqualTo(1);
    }

    @Test
    void redis_answers_loads_alone_even_when_mariadb_lost_the_rows_until_the_stream_is_invalidated() {
        // given: a stream in both tiers, then its rows deleted from MariaDB behind the tier's back
        // (docs/redis-hot-tier.md: after such changes call invalidate(id) or purge())
        AggregateId id = AggregateId.of("behind-" + UUID.randomUUID());
        append(id, ExpectedVersion.noStream(), 1, 100);
        int deleted = Services.execute(db, "DELETE FROM `" + table + "` WHERE aggregate_id = ?", id.value());
        assertThat(deleted).isEqualTo(100);
        assertThat(loadFromMariaDb(id)).isEmpty();

        // when / then: the load is answered by Redis alone
        assertThat(load(id)).extracting(StoredEvent::version).containsExactlyElementsOf(range(1, 100));
        assertThat(warm.reads()).isZero();

        // when / then: once invalidated, the load goes to MariaDB, which has nothing
        tiered.hot().invalidate(id);
        assertThat(load(id)).isEmpty();
        assertThat(warm.loads).hasValue(1);
    }

    private AppendResult append(AggregateId id, ExpectedVersion expected, long firstN, int count) {
        NewEvent[] events = new NewEvent[count];
        for (int i = 0; i < count; i++) {
            events[i] = NewEvent.of(new Happened("event " + (firstN + i), firstN + i));
        }
        return tiered.append(AppendRequest.of(id, "Account", expected, events));
    }

    private List<StoredEvent> load(AggregateId id) {
        try (EventStream s = tiered.load(id)) {
            return s.toList();
        }
    }

    private List<StoredEvent> loadFromMariaDb(AggregateId id) {
        try (EventStream s = jdbc.load(id)) {
            return s.toList();
        }
    }

    private double hits(String operation) {
        return HotTierMeters.count(meters, "hits", "operation", operation);
    }

    private double misses() {
        return HotTierMeters.count(meters, "misses");
    }

    private static List<Long> range(long from, long to) {
        return LongStream.rangeClosed(from, to).boxed().toList();
    }
}
