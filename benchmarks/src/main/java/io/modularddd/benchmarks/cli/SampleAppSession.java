package io.modularddd.benchmarks.cli;

import io.modularddd.core.aggregate.AggregateRepository;
import io.modularddd.cqrs.projection.ProjectionStrategy;
import io.modularddd.examples.bank.domain.BankCommands.Deposit;
import io.modularddd.examples.bank.domain.BankCommands.OpenAccount;
import io.modularddd.examples.bank.domain.BankCommands.RegisterUser;
import io.modularddd.examples.bank.domain.BankCommands.Transfer;
import io.modularddd.examples.bank.domain.BankCommands.Withdraw;
import io.modularddd.examples.bank.domain.BankDirectory;
import io.modularddd.examples.bank.domain.BankEvents;
import io.modularddd.examples.bank.domain.BankHandlers;
import io.modularddd.examples.bank.domain.BankQueries.BalanceOf;
import io.modularddd.examples.bank.domain.BankQueryHandlers;
import io.modularddd.examples.bank.domain.EmailClaim;
import io.modularddd.examples.bank.domain.User;
import io.modularddd.examples.quickstart.Account;
import io.modularddd.examples.quickstart.AccountEvents.AccountOpened;
import io.modularddd.examples.quickstart.AccountEvents.MoneyDeposited;
import io.modularddd.examples.quickstart.AccountEvents.MoneyWithdrawn;
import io.modularddd.profiles.ModularDdd;
import io.modularddd.profiles.ModularDddBuilder;
import io.modularddd.profiles.Profile;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The sample bank of {@code examples} under a profile, built by the one-call bootstrap
 * ({@code ModularDdd.builder().profile(...)...build()}): its events, its command and query handlers, the cached
 * {@code BalanceOf}, its directory projection, plus the {@link LagProbe}'s two projections. Each session has tables and
 * Redis keys of its own ({@code ddd_bench_<run>*}, {@code ddd-bench:<run>:*}), removed when it closes. Without
 * Redis, a profile whose settings need it runs degraded (the bootstrap's {@code allowDegraded()}: hot tier off,
 * metrics in process), and the wiring line says so.
 */
final class SampleAppSession implements Session {

    private final Profile profile;
    private final Options options;
    private final String run;
    private final ModularDdd ddd;
    private final LagProbe probe;
    private final String wiring;
    private final LoadCounter loads;

    private SampleAppSession(Profile profile, Options options, String run, ModularDdd ddd, LagProbe probe,
                             LoadCounter loads) {
        this.loads = loads;
        this.profile = profile;
        this.options = options;
        this.run = run;
        this.ddd = ddd;
        this.probe = probe;
        this.wiring = wiring(ddd.describe());
    }

    /**
     * Builds and starts the bank under a profile.
     *
     * @param profile the profile
     * @param options the services to use
     * @return the running session
     */
    static Session open(Profile profile, Options options) {
        String run = Long.toHexString(ThreadLocalRandom.current().nextLong() | Long.MIN_VALUE).substring(0, 10);
        BankDirectory directory = new BankDirectory();
        LagProbe probe = new LagProbe();
        ModularDddBuilder builder = ModularDdd.builder().profile(profile).eventTypes(BankEvents.registry())
                .tableName(table(run))
                // the commit hook first: realtime projections run in registration order after the commit
                .projection(probe.commitProjection(), ProjectionStrategy.realtime())
                .projection(directory.projection())
                .projection(probe.projection())
                .invalidateOn(MoneyDeposited.class, (event, id) -> Set.of(BalanceOf.tag(id.value())))
                .invalidateOn(MoneyWithdrawn.class, (event, id) -> Set.of(BalanceOf.tag(id.value())))
                .commandType("bank.register-user.v1", RegisterUser.class)
                .commandType("bank.open-account.v1", OpenAccount.class)
                .commandType("bank.deposit.v1", Deposit.class)
                .commandType("bank.withdraw.v1", Withdraw.class)
                .commandType("bank.transfer.v1", Transfer.class);
        options.jdbcUrl().ifPresent(url -> builder.jdbcUrl(url, null, null).createSchema(true));
        options.redisUrl().ifPresent(url -> builder.redis(url).redisKeyPrefix(keyPrefix(run)));
        if (options.redisUrl().isEmpty() && !profile.settingsNeedingRedis().isEmpty()) {
            builder.allowDegraded();
        }
        ModularDdd ddd = builder.build();
        try {
            AggregateRepository<Account> accounts = ddd.repository("Account", Account::new);
            new BankHandlers(accounts, ddd.repository(User.TYPE, User::new),
                    ddd.repository(EmailClaim.TYPE, EmailClaim::new)).registerOn(ddd.commandBus());
            BankQueryHandlers queries = new BankQueryHandlers(accounts, directory);
            LoadCounter loads = new LoadCounter();
            ddd.registerCachedQuery(BalanceOf.class, query -> {
                loads.loaded();
                return queries.balanceOf(query);
            },
                    query -> Set.of(BalanceOf.tag(query.accountId())));
            return new SampleAppSession(profile, options, run, ddd, probe, loads);
        } catch (RuntimeException e) {
            close(ddd, options, run);
            throw e;
        }
    }

    static String table(String run) {
        return "ddd_bench_" + run;
    }

    static String keyPrefix(String run) {
        return "ddd-bench:" + run;
    }

    /** @return the "parts:" lines of {@code describe()} on one line, with any setting run degraded */
    static String wiring(String description) {
        List<String> parts = new ArrayList<>();
        List<String> degraded = new ArrayList<>();
        boolean inParts = false;
        for (String line : description.split("\n")) {
            if (line.contains("(degraded-off)")) {
                degraded.add(line.trim().replaceFirst(" = .*", ""));
            }
            if (line.startsWith("parts:")) {
                inParts = true;
            } else if (inParts && !line.trim().startsWith("metrics:") && !line.trim().startsWith("commands:")) {
                parts.add(line.trim());
            }
        }
        String text = String.join("; ", parts).replace("query cache:; ", "query cache: ")
                .replaceAll("\\[[^\\]]*\\]", ""); // the engine's per-projection settings: too long for one line
        return degraded.isEmpty() ? text : text + "; degraded without Redis: " + String.join(", ", degraded);
    }

    @Override
    public String wiring() {
        return wiring;
    }

    @Override
    public Map<String, String> settings() {
        return profile.settings();
    }

    @Override
    public Workload workload(Options.Type type) {
        if (type == Options.Type.EVENT) {
            return new EventWorkload(ddd.eventStore(), "Account", s -> new AccountOpened("bench-owner"),
                    i -> new MoneyDeposited(i + 1), "ev-" + run);
        }
        String strategy = profile.projectionStrategies().iterator().next().name().toLowerCase(Locale.ROOT);
        return new BankWorkload(type, ddd.commandBus(), ddd.queryBus(), loads, run, probe,
                () -> awaitProjection(Duration.ofSeconds(60)),
                () -> probe.finish(strategy, ddd.eventStore(), BankWorkload.catchUpTimeout()));
    }

    private void awaitProjection(Duration timeout) {
        long head = ddd.eventStore().headPosition();
        if (!ddd.projections().awaitCaughtUp(BankDirectory.PROJECTION, head, timeout)) {
            throw new IllegalStateException("the bank's directory projection did not reach position " + head
                    + " within " + timeout);
        }
    }

    @Override
    public void close() {
        close(ddd, options, run);
    }

    private static void close(ModularDdd ddd, Options options, String run) {
        try {
            ddd.close();
        } finally {
            RunCleanup.drop(options, table(run), keyPrefix(run));
        }
    }
}
