package io.modularddd.benchmarks.cli;

import io.modularddd.core.command.CommandBus;
import io.modularddd.core.query.QueryBus;
import io.modularddd.examples.bank.domain.BankCommands.Deposit;
import io.modularddd.examples.bank.domain.BankCommands.OpenAccount;
import io.modularddd.examples.bank.domain.BankCommands.RegisterUser;
import io.modularddd.examples.bank.domain.BankQueries.BalanceOf;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The {@code command}, {@code query} and {@code mixed} types over the sample bank, through its command and query
 * buses. {@link #prepare} registers users and opens accounts (through commands), split into a <em>hot</em> set
 * (queried, never written during the run: its balances stay cached) and a <em>cold</em> set (deposited to).
 * <ul>
 *   <li>{@code command}: one in five operations registers a new user (two aggregates: the user and the claim on
 *       its email), the others deposit into a cold account.</li>
 *   <li>{@code query}: {@code BalanceOf}, a cached query; three in four ask a hot account (a cache hit), one in
 *       four first deposits into a cold account (untimed) and then asks it (a miss: the deposit invalidated it).
 *       </li>
 *   <li>{@code mixed}: per ten operations, three deposits, five hot {@code BalanceOf} (hits) and two
 *       {@code BalanceOf} of accounts deposited to just before (misses), while the application's projection and
 *       the lag probe run with the profile's projection strategy.</li>
 * </ul>
 * A query is counted as a miss when the {@code BalanceOf} handler ran on the asking thread (see {@link LoadCounter}),
 * else as a hit, whatever was planned. Every deposit's amount is its operation's number plus one, unique in the run, so the {@link LagProbe} can pair
 * its commit with its application. How
 * many planned misses did load is read from the query cache's {@code modularddd.cache.load} meter.
 */
final class BankWorkload implements Workload {

    /** Hot accounts: few enough that every profile's L1 (startup: 100 entries) keeps all their balances. */
    static final int HOT = 40;

    private final Options.Type type;
    private final CommandBus commands;
    private final QueryBus queries;
    private final LoadCounter loads;
    private final String run;
    private final LagProbe probe;
    private final Runnable awaitProjection;
    private final java.util.function.Supplier<ProjectionLag> lag;
    private final List<String> notes = new ArrayList<>();
    private List<String> hot = List.of();
    private List<String> cold = List.of();
    private final java.util.concurrent.atomic.LongAdder planned = new java.util.concurrent.atomic.LongAdder();
    private final java.util.concurrent.atomic.LongAdder misses = new java.util.concurrent.atomic.LongAdder();
    private final java.util.concurrent.atomic.LongAdder hits = new java.util.concurrent.atomic.LongAdder();

    BankWorkload(Options.Type type, CommandBus commands, QueryBus queries, LoadCounter loads, String run,
                 LagProbe probe, Runnable awaitProjection, java.util.function.Supplier<ProjectionLag> lag) {
        this.type = type;
        this.commands = commands;
        this.queries = queries;
        this.loads = loads;
        this.run = run;
        this.probe = probe;
        this.awaitProjection = awaitProjection;
        this.lag = lag;
    }

    @Override
    public List<String> parts() {
        return switch (type) {
            case COMMAND -> List.of("register user", "deposit");
            case QUERY -> List.of("query hit", "query miss");
            case MIXED -> List.of("deposit", "query hit", "query miss");
            case EVENT -> throw new IllegalStateException("the event type runs EventWorkload");
        };
    }

    @Override
    public void prepare(int operations, int threads) {
        int accounts = Math.max(20, Math.min(400, operations / 20));
        List<String> h = new ArrayList<>();
        List<String> c = new ArrayList<>();
        for (int a = 0; a < accounts; a++) {
            String user = "u-" + run + "-" + a;
            String account = "acc-" + run + "-" + a;
            commands.dispatch(new RegisterUser(user, user + "@bench.example", "User " + a));
            commands.dispatch(new OpenAccount(account, user));
            (a % 2 == 0 && h.size() < HOT ? h : c).add(account);
        }
        hot = List.copyOf(h);
        cold = List.copyOf(c);
        awaitProjection.run();
        for (String account : hot) {
            queries.ask(new BalanceOf(account)); // cached from here on: nothing writes to the hot accounts
        }
    }

    @Override
    public void startMeasuring() {
        probe.startMeasuring();
        planned.reset();
        misses.reset();
        hits.reset();
    }

    @Override
    public void setUp(long i) {
        if (type == Options.Type.QUERY && i % 4 == 0) {
            deposit(coldFor(i / 4), i);
        }
    }

    @Override
    public int execute(long i) {
        switch (type) {
            case COMMAND -> {
                if (i % 5 == 0) {
                    String user = "n-" + run + "-" + i;
                    commands.dispatch(new RegisterUser(user, user + "@bench.example", "New user " + i));
                    return 0;
                }
                deposit(coldFor(EventWorkload.mix(i)), i);
                return 1;
            }
            case QUERY -> {
                if (i % 4 == 0) {
                    planned.increment();
                    return ask(coldFor(i / 4)) ? 1 : 0;
                }
                return ask(hot.get((int) (EventWorkload.mix(i) % hot.size()))) ? 1 : 0;
            }
            default -> {
                long slot = i % 10;
                long cycle = i / 10;
                if (slot < 3) {
                    deposit(coldFor(cycle * 3 + slot), i);
                    return 0;
                }
                if (slot < 8) {
                    return ask(hot.get((int) (EventWorkload.mix(i) % hot.size()))) ? 2 : 1;
                }
                planned.increment();
                return ask(coldFor(cycle * 3 + slot - 8)) ? 2 : 1; // deposited to by operation i - 8
            }
        }
    }

    private String coldFor(long n) {
        return cold.get((int) (n % cold.size()));
    }

    private void deposit(String account, long i) {
        long amount = i + 1;
        commands.dispatch(new Deposit(account, amount));
        probe.returned(amount);
    }

    /** @return whether the ask missed the cache: the handler ran on this thread */
    private boolean ask(String account) {
        long before = loads.onThisThread();
        Long balance = queries.ask(new BalanceOf(account));
        if (balance == null) {
            throw new IllegalStateException("BalanceOf(" + account + ") answered null");
        }
        boolean missed = loads.onThisThread() != before;
        (missed ? misses : hits).increment();
        return missed;
    }

    @Override
    public Optional<ProjectionLag> finish() {
        if (type != Options.Type.COMMAND) {
            notes.add(String.format(Locale.ROOT, "query cache: %d asks missed (BalanceOf loaded from the event store;"
                    + " %d misses were planned, each after a deposit), %d were answered from the cache",
                    misses.sum(), planned.sum(), hits.sum()));
        }
        if (type == Options.Type.MIXED) {
            ProjectionLag measured = lag.get();
            long[] before = probe.appliedBeforeReturn();
            notes.add(String.format(Locale.ROOT, "read model: %d of %d deposits were applied before their command "
                    + "returned%s", before[0], before[1], measured.strategy().equals("realtime")
                    ? " (realtime: on the committing thread; the lag above is the time from the post-commit hook to "
                    + "the probe, 0 when the probe ran first)" : ""));
            return Optional.of(measured);
        }
        return Optional.empty();
    }

    @Override
    public List<String> notes() {
        return List.copyOf(notes);
    }

    @Override
    public void close() {
        // the session drops the run's tables and keys
    }

    /** @return the registered cold accounts (for tests) */
    List<String> coldAccounts() {
        return cold;
    }

    static Duration catchUpTimeout() {
        return Duration.ofSeconds(60);
    }
}
