package io.modularddd.examples.docs.cache;

import io.micrometer.core.instrument.MeterRegistry;
import io.modularddd.cache.CaffeineTier;
import io.modularddd.cache.TieredCache;
import io.modularddd.core.cache.CachePolicy;
import io.modularddd.core.serialization.EventSerializer;
import io.modularddd.eventstore.jdbc.JdbcCacheTier;
import io.modularddd.eventstore.jdbc.JdbcEventStore;
import io.modularddd.eventstore.redis.RedisCacheInvalidationBus;
import io.modularddd.eventstore.redis.RedisCacheTier;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The samples of docs/cache.md, docs/cache-l2-redis.md and docs/cache-l3-jdbc.md: the code between the
 * tag markers is what the pages show.
 */
public final class CacheSamples {

    private CacheSamples() {
    }

    /**
     * A query for one account's view.
     *
     * @param accountId the account
     */
    public record FindAccount(String accountId) {
    }

    /**
     * What {@link FindAccount} answers.
     *
     * @param accountId    the account
     * @param owner        its holder
     * @param balanceCents its balance
     */
    public record AccountView(String accountId, String owner, long balanceCents) {
    }

    /** A read model the cache loads from on a miss. */
    public static final class ReadModel {
        private final Map<String, AccountView> views = new ConcurrentHashMap<>();

        /**
         * Reads one view.
         *
         * @param accountId the account
         * @return its view, or null
         */
        public AccountView load(String accountId) {
            return views.get(accountId);
        }
    }

    /**
     * The L2 tier and the invalidation bus on one Redis.
     *
     * @return the L2 tier (the bus is closed again)
     */
    public static RedisCacheTier redis() {
        // tag::l2[]
        RedisCacheTier l2 = RedisCacheTier.builder()
                .uri("redis://127.0.0.1:6379")          // or .cluster("redis://10.0.0.1:7000", ...)
                .keyPrefix("myapp:cache")               // the cache's namespace
                .build();
        RedisCacheInvalidationBus bus = RedisCacheInvalidationBus.builder()
                .uri("redis://127.0.0.1:6379")
                .keyPrefix("myapp:cache")               // channel "myapp:cache:invalidations"
                .build();
        // end::l2[]
        bus.close();
        return l2;
    }

    /**
     * The L3 tier in the event store's database.
     *
     * @param url        the database
     * @param user       the user
     * @param pw         the password
     * @param serializer the events' serializer
     * @return the tier with the defaults and the tuned one
     */
    public static List<JdbcCacheTier> jdbc(String url, String user, String pw, EventSerializer serializer) {
        // tag::l3[]
        JdbcEventStore store = JdbcEventStore.builder().jdbcUrl(url).username(user).password(pw)
                .serializer(serializer).build();
        store.createSchema();                           // also creates the cache tables (idempotent)

        JdbcCacheTier l3 = store.cacheTier();           // the defaults, or:
        JdbcCacheTier tuned = JdbcCacheTier.builder(store)
                .maxLoadTime(Duration.ofSeconds(30))    // tickets older than this are refused
                .purgeBatchSize(1_000)
                .build();
        // end::l3[]
        return List.of(l3, tuned);
    }

    /**
     * Three tiers, one read and one invalidation.
     *
     * @param redisTier the L2 tier
     * @param jdbcTier  the L3 tier
     * @param redisBus  the cross-node invalidation bus
     * @param registry  the meters
     * @param readModel what a miss loads from
     * @param tenantId  whose view it is
     * @return the view read
     */
    public static AccountView tiered(RedisCacheTier redisTier, JdbcCacheTier jdbcTier, RedisCacheInvalidationBus redisBus,
            MeterRegistry registry, ReadModel readModel, String tenantId) {
        // tag::tiered[]
        TieredCache cache = TieredCache.builder()
                .tiers(CaffeineTier.builder().maxEntries(2_000).maxMemoryMb(256).build(), // L1
                       redisTier,                                                        // L2
                       jdbcTier)                                                         // L3
                .invalidationBus(redisBus)   // cross-node L1 invalidation; leave out on a single node
                .meterRegistry(registry)
                .build();

        AccountView view = cache.get(new FindAccount("42"),
                CachePolicy.ttl(Duration.ofMinutes(15)).withTags("account:42").withScope(tenantId),
                AccountView.class,
                () -> readModel.load("42"));

        cache.invalidateTags(Set.of("account:42")); // when account 42's events arrive
        // end::tiered[]
        return view;
    }
}
