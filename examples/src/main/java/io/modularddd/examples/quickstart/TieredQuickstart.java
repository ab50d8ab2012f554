package io.modularddd.examples.quickstart;

import io.modularddd.core.AggregateId;
import io.modularddd.core.EventStore;
import io.modularddd.core.aggregate.AggregateRepository;
import io.modularddd.core.aggregate.EventSourcedRepository;
import io.modularddd.core.serialization.JacksonEventSerializer;
import io.modularddd.eventstore.jdbc.JdbcEventStore;
import io.modularddd.eventstore.redis.RedisHotTier;
import io.modularddd.eventstore.redis.TieredEventStore;
import java.io.PrintStream;
import java.time.Duration;

/**
 * The README's tiered quickstart: the account in MariaDB, its recent streams served from Redis. The
 * code between the {@code tag::} markers is what the README shows; a test keeps the two identical and
 * runs this class against the local MariaDB and Redis.
 */
public final class TieredQuickstart {

    private TieredQuickstart() {
    }

    /**
     * Runs the quickstart, e.g.
     * {@code TieredQuickstart jdbc:mariadb://127.0.0.1:3306/test root "" redis://127.0.0.1:6379}.
     *
     * @param args the JDBC URL, the user, the password and the Redis URI
     */
    public static void main(String[] args) {
        if (args.length != 4) {
            System.err.println("usage: TieredQuickstart <jdbc-url> <user> <password> <redis-uri>");
            System.exit(2);
        }
        run(args[0], args[1], args[2], args[3], System.out);
    }

    /**
     * Runs the quickstart against a database and a Redis server.
     *
     * @param jdbcUrl  the database
     * @param user     the user
     * @param password the password
     * @param redisUri the Redis server, e.g. {@code redis://127.0.0.1:6379}
     * @param out      where to print
     * @return the balance read back, in cents
     */
    public static long run(String jdbcUrl, String user, String password, String redisUri, PrintStream out) {
        // tag::tiered[]
        JacksonEventSerializer serializer = JacksonEventSerializer.json(AccountEvents.registry());
        JdbcEventStore warm = JdbcEventStore.builder()
                .jdbcUrl(jdbcUrl).username(user).password(password)
                .serializer(serializer)                    // one serializer for both tiers
                .build();
        warm.createSchema();
        RedisHotTier hot = RedisHotTier.builder()
                .uri(redisUri)                             // redis://127.0.0.1:6379, or cluster(...)
                .serializer(serializer)
                .ttl(Duration.ofHours(24))                 // how long an idle stream stays hot
                .build();
        try (EventStore store = TieredEventStore.of(warm, hot)) {   // closes both tiers
            AggregateRepository<Account> accounts = EventSourcedRepository.create(store, "Account", Account::new);

            Account account = Account.open(AggregateId.of("acc-7"), "Grace");
            account.deposit(5_000);
            accounts.save(account);                        // committed in MariaDB first, then written to Redis

            Account reloaded = accounts.load(AggregateId.of("acc-7"));  // served from Redis
            out.println(reloaded.owner() + " has " + reloaded.balanceCents() + " cents, version "
                    + reloaded.version());
            return reloaded.balanceCents();
        }
        // end::tiered[]
    }
}
