package io.modularddd.examples.docs.cqrs;

import io.micrometer.core.instrument.MeterRegistry;
import io.modularddd.core.AggregateId;
import io.modularddd.core.EventStore;
import io.modularddd.core.aggregate.AggregateRepository;
import io.modularddd.core.aggregate.EventSourcedRepository;
import io.modularddd.core.cache.QueryCache;
import io.modularddd.core.command.CommandMiddleware;
import io.modularddd.core.command.Violation;
import io.modularddd.core.query.QueryCaching;
import io.modularddd.cqrs.CommandMetrics;
import io.modularddd.cqrs.CommandValidation;
import io.modularddd.cqrs.ConflictRetry;
import io.modularddd.cqrs.DispatchStrategy;
import io.modularddd.cqrs.InvalidationRules;
import io.modularddd.cqrs.SimpleCommandBus;
import io.modularddd.cqrs.SimpleQueryBus;
import io.modularddd.cqrs.SlowCommandLog;
import io.modularddd.cqrs.UnitOfWork;
import io.modularddd.examples.docs.cqrs.Commands.AccountBalance;
import io.modularddd.examples.docs.cqrs.Commands.Deposit;
import io.modularddd.examples.docs.cqrs.Commands.TenantBalance;
import io.modularddd.examples.quickstart.Account;
import io.modularddd.examples.quickstart.AccountEvents.MoneyDeposited;
import io.modularddd.examples.quickstart.AccountEvents.MoneyWithdrawn;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The samples of docs/cqrs.md's opening and its middleware and caching sections. */
public final class CqrsSamples {

    private static final Logger log = LoggerFactory.getLogger(CqrsSamples.class);

    private CqrsSamples() {
    }

    /**
     * The command and query buses over a store and a query cache; one deposit, one read.
     *
     * @param jdbcStore     the event store
     * @param cache         the query cache, e.g. a TieredCache
     * @param meterRegistry the meters
     * @param commandPool   where {@code dispatchAsync} runs commands
     * @param balances      the read model the query reads
     * @return the balance read back
     */
    public static long overview(EventStore jdbcStore, QueryCache cache, MeterRegistry meterRegistry,
            Executor commandPool, Balances balances) {
        // tag::overview[]
        InvalidationRules rules = InvalidationRules.builder()
                .on(MoneyDeposited.class, (event, id) -> Set.of("account:" + id.value()))
                .on(MoneyWithdrawn.class, (event, id) -> Set.of("account:" + id.value()))
                .build();
        EventStore store = rules.invalidating(jdbcStore, cache);              // appends invalidate after commit

        UnitOfWork unitOfWork = UnitOfWork.on(store);
        AggregateRepository<Account> accounts = unitOfWork.repository("Account",
                EventSourcedRepository.create(store, "Account", Account::new));

        SimpleCommandBus commands = SimpleCommandBus.builder()
                .middleware(CommandMetrics.of(meterRegistry))
                .middleware(SlowCommandLog.threshold(Duration.ofMillis(200)))
                .middleware(CommandValidation.builder()
                        .validate(Deposit.class, command -> command.cents() > 0 ? List.of()
                                : List.of(Violation.of("cents", "must be positive but was " + command.cents())))
                        .build())
                .middleware(ConflictRetry.attempts(3))
                .middleware(unitOfWork)
                .strategy(DispatchStrategy.executor(commandPool))             // for dispatchAsync
                .build();
        commands.register(Deposit.class, command -> {
            Account account = accounts.load(AggregateId.of(command.accountId()));
            account.deposit(command.cents());
            accounts.save(account);
            return account.balanceCents();
        });

        SimpleQueryBus queries = SimpleQueryBus.builder().cache(cache).meterRegistry(meterRegistry).build();
        queries.register(AccountBalance.class, query -> balances.of(query.accountId()),
                QueryCaching.of(AccountBalance.class, Duration.ofMinutes(5))
                        .tags(query -> Set.of("account:" + query.accountId())));

        long balance = commands.dispatch(new Deposit("acc-42", 100));
        long read = queries.ask(new AccountBalance("acc-42"));               // == balance: read your writes
        // end::overview[]
        return read;
    }

    /**
     * A middleware of one's own.
     *
     * @return the middleware
     */
    public static CommandMiddleware audit() {
        // tag::middleware[]
        CommandMiddleware audit = (commandType, next) -> command -> {
            log.info("handling {}", commandType.getSimpleName());
            return next.invoke(command);
        };
        // end::middleware[]
        return audit;
    }

    /**
     * A caching rule with tags and a scope.
     *
     * @return the rule
     */
    public static QueryCaching<TenantBalance> caching() {
        // tag::caching[]
        QueryCaching<TenantBalance> caching = QueryCaching
                .of(TenantBalance.class, Duration.ofMinutes(5))               // TTL: the profile's query_cache_ttl
                .tags(query -> Set.of("account:" + query.accountId()))        // what the result was computed from
                .scope(query -> query.tenantId());                            // whose result it is (part of the key)
        // end::caching[]
        return caching;
    }
}
