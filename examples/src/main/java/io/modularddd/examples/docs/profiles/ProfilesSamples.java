package io.modularddd.examples.docs.profiles;

import io.modularddd.core.AggregateId;
import io.modularddd.core.aggregate.AggregateRepository;
import io.modularddd.core.command.Violation;
import io.modularddd.core.health.HealthReport;
import io.modularddd.core.metrics.ExecutionSummary;
import io.modularddd.core.projection.Projection;
import io.modularddd.cqrs.projection.ProjectionStrategy;
import io.modularddd.examples.docs.cqrs.Balances;
import io.modularddd.examples.docs.cqrs.Commands.AccountBalance;
import io.modularddd.examples.docs.cqrs.Commands.Deposit;
import io.modularddd.examples.quickstart.Account;
import io.modularddd.examples.quickstart.AccountEvents;
import io.modularddd.examples.quickstart.AccountEvents.MoneyDeposited;
import io.modularddd.profiles.ModularDdd;
import io.modularddd.profiles.Profile;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The samples of docs/profiles.md. */
public final class ProfilesSamples {

    private static final Logger log = LoggerFactory.getLogger(ProfilesSamples.class);

    private ProfilesSamples() {
    }

    /**
     * The embedded default: the startup profile on H2 in memory, a command, a projection and a cached query.
     *
     * @return the balance read back through the cached query, in cents
     */
    public static long embedded() {
        // tag::embedded[]
        Balances balances = new Balances();
        try (ModularDdd ddd = ModularDdd.builder()                        // Profile.STARTUP, H2 in memory
                .eventTypes(AccountEvents.registry())
                .projection(Projection.builder("balances")                // realtime: the startup profile's strategy
                        .on(MoneyDeposited.class, (e, stored, tx) ->
                                balances.add(stored.aggregateId().value(), e.amountCents()))
                        .build())
                .invalidateOn(MoneyDeposited.class, (e, id) -> Set.of("account:" + id.value()))
                .build()) {
            AggregateRepository<Account> accounts = ddd.repository("Account", Account::new);
            ddd.commandBus().register(Deposit.class, command -> {
                AggregateId id = AggregateId.of(command.accountId());
                Account account = accounts.find(id).orElseGet(() -> Account.open(id, "Ada"));
                account.deposit(command.cents());
                accounts.save(account);                                   // appended when the handler returns
                return account.balanceCents();
            });
            ddd.registerCachedQuery(AccountBalance.class, query -> balances.of(query.accountId()),
                    query -> Set.of("account:" + query.accountId()));    // cached for query-cache-ttl (300 s)

            ddd.commandBus().dispatch(new Deposit("acc-42", 10_000));
            return ddd.queryBus().ask(new AccountBalance("acc-42"));      // 10000, read model and cache agree
        }
        // end::embedded[]
    }

    /**
     * The scale profile on MariaDB and Redis.
     *
     * @param jdbcUrl  the database, e.g. {@code jdbc:mariadb://127.0.0.1:3306/app}
     * @param user     its user
     * @param password its password
     * @param redisUri the Redis server, e.g. {@code redis://127.0.0.1:6379}
     * @return the running toolkit; the caller closes it
     */
    public static ModularDdd scale(String jdbcUrl, String user, String password, String redisUri) {
        // tag::scale[]
        ModularDdd ddd = ModularDdd.builder()
                .profile(Profile.SCALE)
                .jdbcUrl(jdbcUrl, user, password)                         // or .dataSource(yourDataSource)
                .redis(redisUri)                                          // the hot tier needs it
                .createSchema(true)                                       // idempotent
                .eventTypes(AccountEvents.registry())
                .commandType("account.deposit.v1", Deposit.class)         // queued commands travel by name
                .validate(Deposit.class, command -> command.cents() > 0 ? List.of()
                        : List.of(Violation.of("cents", "must be positive but was " + command.cents())))
                .build();
        // end::scale[]
        return ddd;
    }

    /**
     * A profile with overrides, and the degraded opt-in.
     *
     * @return the description of the degraded toolkit
     */
    public static String overrides() {
        // tag::overrides[]
        Profile profile = Profile.named("scale")                          // case-insensitive
                .withHotTier(false)                                       // no Redis needed any more
                .withL1MaxEntries(10_000)
                .withQueryCacheTtl(Duration.ofMinutes(10));
        // end::overrides[]
        log.debug("profile {}", profile.settings());
        // tag::degraded[]
        try (ModularDdd ddd = ModularDdd.builder()
                .profile(Profile.ENTERPRISE)
                .allowDegraded()                                          // hot tier off, metrics in this process
                .eventTypes(AccountEvents.registry())
                .build()) {
            return ddd.describe();
        }
        // end::degraded[]
    }

    /**
     * Projections with and without a strategy of their own.
     *
     * @param balances the read model
     * @param search   another projection
     * @return the builder's result, started
     */
    public static ModularDdd projections(Projection balances, Projection search) {
        // tag::projections[]
        return ModularDdd.builder()
                .profile(Profile.GROWTH)
                .eventTypes(AccountEvents.registry())
                .projection(balances)                                     // the profile's first strategy: realtime
                .projection(search, ProjectionStrategy.batched(500))      // a strategy of its own
                .build();
        // end::projections[]
    }

    /**
     * Reads the running configuration, the metrics and the health.
     *
     * @param ddd the toolkit
     * @return the health report
     */
    public static HealthReport inspect(ModularDdd ddd) {
        // tag::inspect[]
        log.info("running:\n{}", ddd.describe());                          // settings, origins, infrastructure
        ExecutionSummary deposits = ddd.metrics().commandSummaries().get(Deposit.class.getName());
        HealthReport health = ddd.health();                               // database, redis, projections, queue
        if (!health.isUp()) {
            log.warn("unhealthy: {}", health.components());
        }
        // end::inspect[]
        log.debug("deposits {}", deposits);
        return health;
    }
}
