package io.modularddd.examples.docs.eventstore;

import io.modularddd.core.AggregateId;
import io.modularddd.core.EventStore;
import io.modularddd.core.serialization.EventSerializer;
import io.modularddd.core.serialization.EventTypeRegistry;
import io.modularddd.core.serialization.JacksonEventSerializer;
import io.modularddd.core.snapshot.Snapshot;
import io.modularddd.core.snapshot.SnapshotStore;
import io.modularddd.eventstore.jdbc.JdbcEventStore;
import io.modularddd.eventstore.redis.RedisHotTier;
import io.modularddd.eventstore.redis.TieredEventStore;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The samples of docs/jdbc-event-store.md and docs/redis-hot-tier.md: the code between the tag markers
 * is what the pages show.
 */
public final class JdbcSamples {

    private JdbcSamples() {
    }

    /**
     * A store on a URL: it owns its pools.
     *
     * @param registry the event types
     * @param secret   the database password
     * @return the store, its schema created
     */
    public static JdbcEventStore onUrl(EventTypeRegistry registry, String secret) {
        // tag::url[]
        // the store creates and owns its HikariCP pools (closed by store.close())
        JdbcEventStore store = JdbcEventStore.builder()
                .jdbcUrl("jdbc:mariadb://db:3306/app")
                .username("app").password(secret)
                .serializer(JacksonEventSerializer.json(registry))   // required; must write UTF-8 JSON
                .build();                                             // connects, detects the dialect
        store.createSchema();                                         // idempotent, safe from many instances at once; or run the shipped DDL
        // end::url[]
        return store;
    }

    /**
     * A store on a data source the application manages.
     *
     * @param ds         the data source
     * @param serializer the serializer
     * @return the store
     */
    public static JdbcEventStore onDataSource(DataSource ds, EventSerializer serializer) {
        // tag::data-source[]
        // or on a DataSource the application manages (never closed by the store)
        JdbcEventStore store = JdbcEventStore.builder().dataSource(ds).serializer(serializer).build();
        // end::data-source[]
        return store;
    }

    /**
     * Saves a snapshot in the store's database and reads the newest back.
     *
     * @param store      the event store
     * @param id         the aggregate
     * @param stateBytes the captured state
     * @param clock      the clock
     * @return the newest snapshot
     */
    public static Optional<Snapshot> snapshots(JdbcEventStore store, AggregateId id, byte[] stateBytes, Clock clock) {
        // tag::snapshots[]
        SnapshotStore snapshots = store.snapshotStore(2);   // keep the newest 2 per aggregate
        snapshots.save(new Snapshot(id, "Account", 120, 1, stateBytes, clock.instant()));
        Optional<Snapshot> newest = snapshots.newest(id);    // the highest version, whatever the write order
        // end::snapshots[]
        return newest;
    }

    /**
     * The MariaDB store with the Redis hot tier in front.
     *
     * @param registry the event types
     * @param url      the database
     * @param user     the user
     * @param password the password
     * @return the tiered store
     */
    public static EventStore tiered(EventTypeRegistry registry, String url, String user, String password) {
        // tag::hot-tier[]
        JacksonEventSerializer serializer = JacksonEventSerializer.json(registry);   // one serializer...
        JdbcEventStore jdbcEventStore = JdbcEventStore.builder()
                .jdbcUrl(url).username(user).password(password)
                .serializer(serializer).build();
        RedisHotTier hot = RedisHotTier.builder()
                .uri("redis://127.0.0.1:6379")                 // or .cluster("redis://10.0.0.1:7000", ...)
                .serializer(serializer)                         // ...for both tiers: types and Jackson modules
                .ttl(Duration.ofHours(48))                      // the profile's hot_storage_ttl
                .build();
        EventStore store = TieredEventStore.of(jdbcEventStore, hot);   // owns and closes both
        // end::hot-tier[]
        return store;
    }
}
