package io.modularddd.benchmarks;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.modularddd.core.InMemoryEventStore;
import io.modularddd.core.command.Command;
import io.modularddd.core.command.CommandMiddleware;
import io.modularddd.core.command.Violation;
import io.modularddd.core.query.Query;
import io.modularddd.core.serialization.EventTypeRegistry;
import io.modularddd.core.serialization.JacksonEventSerializer;
import io.modularddd.cqrs.CommandMetrics;
import io.modularddd.cqrs.CommandValidation;
import io.modularddd.cqrs.ConflictRetry;
import io.modularddd.cqrs.SimpleCommandBus;
import io.modularddd.cqrs.SimpleQueryBus;
import io.modularddd.cqrs.SlowCommandLog;
import io.modularddd.cqrs.UnitOfWork;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.axonframework.commandhandling.CommandCallback;
import org.axonframework.commandhandling.CommandMessage;
import org.axonframework.commandhandling.CommandResultMessage;
import org.axonframework.commandhandling.GenericCommandMessage;
import org.axonframework.messaging.MessageHandlerInterceptor;
import org.axonframework.messaging.responsetypes.ResponseTypes;
import org.axonframework.queryhandling.GenericQueryMessage;
import org.axonframework.queryhandling.QueryMessage;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the buses cost per message, with no I/O: one trivial handler called directly, through
 * {@code SimpleCommandBus} with 0, 1 and 3 built-in middlewares (and 3 pass-through ones, and all five
 * built-ins), and through Axon Framework 4.13's {@code SimpleCommandBus} (with 0 and 3 pass-through handler
 * interceptors); {@code SimpleQueryBus.ask} uncached against Axon's {@code SimpleQueryBus}. Same handler
 * logic everywhere, same run.
 *
 * <p>Axon is measured as applications use it — a new {@code CommandMessage} / {@code QueryMessage} per
 * dispatch (each has a random UUID) — and, as a lower bound of its bus alone, re-dispatching one prebuilt
 * message. Issue 14's targets: 3 middlewares ≤ 150 ns/op and ≤ 1/3 of Axon's dispatch; an uncached
 * {@code ask} ≤ 1/3 of Axon's query.
 *
 * <p>Run (results in {@code docs/benchmarks.md}):
 * <pre>
 * mvn -B -q -pl benchmarks -am -DskipTests package
 * java -jar benchmarks/target/benchmarks.jar "BusBenchmark" -wi 3 -i 5 -w 1s -r 1s -f 1 -prof gc
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1)
public class BusBenchmark {

    /** The command: deposit into an account, answering the new balance. */
    public record Deposit(String accountId, long cents) implements Command<Long> {
    }

    /** The query: an account's balance. */
    public record Balance(String accountId) implements Query<Long> {
    }

    /** The one handler every variant calls. */
    public static final class Handlers {
        private long balance = 1_000;

        /**
         * Handles a deposit.
         *
         * @param command the command
         * @return the balance
         */
        public long deposit(Deposit command) {
            balance += command.cents();
            return balance;
        }

        /**
         * Answers a balance.
         *
         * @param query the query
         * @return the balance
         */
        public long balance(Balance query) {
            return balance + query.accountId().length();
        }
    }

    private final Handlers handlers = new Handlers();
    private final Deposit deposit = new Deposit("acc-42", 1);
    private final Balance balance = new Balance("acc-42");

    private SimpleCommandBus bus0;
    private SimpleCommandBus bus1;
    private SimpleCommandBus bus3;
    private SimpleCommandBus bus3PassThrough;
    private SimpleCommandBus bus3Untimed;
    private SimpleCommandBus busAllFive;
    private SimpleQueryBus queries;
    private SimpleQueryBus cachedQueries;
    private io.modularddd.cache.TieredCache cache;

    private org.axonframework.commandhandling.SimpleCommandBus axon;
    private org.axonframework.commandhandling.SimpleCommandBus axon3;
    private org.axonframework.queryhandling.SimpleQueryBus axonQueries;
    private CommandMessage<Deposit> prebuilt;
    private final ResultCallback callback = new ResultCallback();

    /** Keeps Axon's result, as a caller would. */
    static final class ResultCallback implements CommandCallback<Object, Object> {
        Object result;

        @Override
        public void onResult(CommandMessage<?> message, CommandResultMessage<?> resultMessage) {
            if (resultMessage.isExceptional()) {
                throw new IllegalStateException(resultMessage.exceptionResult());
            }
            result = resultMessage.getPayload();
        }
    }

    /** Builds every bus and registers the same handler on each. */
    @Setup
    public void setUp() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        CommandValidation validation = CommandValidation.builder()
                .validate(Deposit.class, c -> c.cents() > 0 ? List.of() : List.of(Violation.of("cents", "not positive")))
                .build();
        ConflictRetry retry = ConflictRetry.attempts(3);
        CommandMiddleware passThrough = (type, next) -> next::invoke;

        bus0 = SimpleCommandBus.create();
        bus1 = SimpleCommandBus.builder().middleware(CommandMetrics.of(registry)).build();
        bus3 = SimpleCommandBus.builder().middleware(CommandMetrics.of(registry)).middleware(validation)
                .middleware(retry).build();
        bus3Untimed = SimpleCommandBus.builder().middleware(validation).middleware(retry)
                .middleware(UnitOfWork.on(InMemoryEventStore.create(JacksonEventSerializer.json(
                        EventTypeRegistry.builder().build())))).build();
        bus3PassThrough = SimpleCommandBus.builder().middleware(passThrough)
                .middleware((type, next) -> next::invoke).middleware((type, next) -> next::invoke).build();
        busAllFive = SimpleCommandBus.builder().middleware(CommandMetrics.of(registry))
                .middleware(SlowCommandLog.threshold(Duration.ofMillis(200))).middleware(validation)
                .middleware(retry).middleware(UnitOfWork.on(InMemoryEventStore.create(JacksonEventSerializer.json(
                        EventTypeRegistry.builder().build())))).build();
        for (SimpleCommandBus bus : List.of(bus0, bus1, bus3, bus3Untimed, bus3PassThrough, busAllFive)) {
            bus.register(Deposit.class, handlers::deposit);
        }
        queries = SimpleQueryBus.create();
        queries.register(Balance.class, handlers::balance);
        cache = io.modularddd.cache.TieredCache.builder()
                .tiers(io.modularddd.cache.CaffeineTier.builder().maxEntries(10_000).maxMemoryMb(64).build()).build();
        cachedQueries = SimpleQueryBus.builder().cache(cache).build();
        cachedQueries.register(Balance.class, handlers::balance,
                io.modularddd.core.query.QueryCaching.of(Balance.class, Duration.ofMinutes(5)));
        cachedQueries.ask(balance); // the first ask loads and caches; every measured one is an L1 hit

        axon = org.axonframework.commandhandling.SimpleCommandBus.builder().build();
        axon.subscribe(Deposit.class.getName(), message -> handlers.deposit((Deposit) message.getPayload()));
        axon3 = org.axonframework.commandhandling.SimpleCommandBus.builder().build();
        axon3.subscribe(Deposit.class.getName(), message -> handlers.deposit((Deposit) message.getPayload()));
        for (int i = 0; i < 3; i++) {
            MessageHandlerInterceptor<CommandMessage<?>> interceptor = (unitOfWork, chain) -> chain.proceed();
            axon3.registerHandlerInterceptor(interceptor);
        }
        prebuilt = GenericCommandMessage.asCommandMessage(deposit);
        axonQueries = org.axonframework.queryhandling.SimpleQueryBus.builder().build();
        axonQueries.<Long>subscribe(Balance.class.getName(), Long.class,
                message -> handlers.balance((Balance) message.getPayload()));
    }

    // ------------------------------------------------------------------ commands

    /**
     * One {@code System.nanoTime()}: the price of a clock read on this machine, which the timing middlewares
     * (metrics, slow-command log) pay twice each.
     *
     * @return the time
     */
    @Benchmark
    public long clock_read() {
        return System.nanoTime();
    }

    /**
     * One {@code UUID.randomUUID()}: what each Axon message's identifier costs (Axon makes one for the command
     * message and one for the result message of every dispatch; {@code SecureRandom} reads
     * {@code /dev/urandom}).
     *
     * @return the id
     */
    @Benchmark
    public java.util.UUID random_uuid() {
        return java.util.UUID.randomUUID();
    }

    /**
     * The handler called directly: the floor.
     *
     * @return the balance
     */
    @Benchmark
    public long direct_call() {
        return handlers.deposit(deposit);
    }

    /**
     * {@code dispatch} with no middleware.
     *
     * @return the balance
     */
    @Benchmark
    public long dispatch_0_middlewares() {
        return bus0.dispatch(deposit);
    }

    /**
     * {@code dispatch} with metrics (a Micrometer timer on a {@code SimpleMeterRegistry}).
     *
     * @return the balance
     */
    @Benchmark
    public long dispatch_1_middleware() {
        return bus1.dispatch(deposit);
    }

    /**
     * {@code dispatch} with metrics, validation (one validator) and retry on conflict.
     *
     * @return the balance
     */
    @Benchmark
    public long dispatch_3_middlewares() {
        return bus3.dispatch(deposit);
    }

    /**
     * {@code dispatch} with three built-ins that read no clock: validation, retry on conflict, unit of work
     * (nothing saved).
     *
     * @return the balance
     */
    @Benchmark
    public long dispatch_3_middlewares_untimed() {
        return bus3Untimed.dispatch(deposit);
    }

    /**
     * {@code dispatch} through three middlewares that do nothing, the peer of Axon's three interceptors.
     *
     * @return the balance
     */
    @Benchmark
    public long dispatch_3_pass_through() {
        return bus3PassThrough.dispatch(deposit);
    }

    /**
     * {@code dispatch} with all five built-ins: metrics, slow-command log (allocation read), validation,
     * retry, unit of work (nothing saved).
     *
     * @return the balance
     */
    @Benchmark
    public long dispatch_all_5_builtins() {
        return busAllFive.dispatch(deposit);
    }

    /**
     * Axon's {@code SimpleCommandBus}, a new command message per dispatch, as applications send.
     *
     * @return the balance
     */
    @Benchmark
    public Object axon_dispatch() {
        axon.dispatch(GenericCommandMessage.asCommandMessage(deposit), callback);
        return callback.result;
    }

    /**
     * Axon's {@code SimpleCommandBus} re-dispatching one prebuilt message: its bus alone.
     *
     * @return the balance
     */
    @Benchmark
    public Object axon_dispatch_prebuilt_message() {
        axon.dispatch(prebuilt, callback);
        return callback.result;
    }

    /**
     * Axon's {@code SimpleCommandBus} with three pass-through handler interceptors.
     *
     * @return the balance
     */
    @Benchmark
    public Object axon_dispatch_3_interceptors() {
        axon3.dispatch(GenericCommandMessage.asCommandMessage(deposit), callback);
        return callback.result;
    }

    // ------------------------------------------------------------------ queries

    /**
     * {@code ask}, uncached, no metrics.
     *
     * @return the balance
     */
    @Benchmark
    public long ask_uncached() {
        return queries.ask(balance);
    }

    /**
     * {@code ask} of a cached query type, answered from L1 ({@code TieredCache} over a {@code CaffeineTier}):
     * the query's value is its L1 key, so a hit encodes nothing.
     *
     * @return the balance
     */
    @Benchmark
    public long ask_cached_l1_hit() {
        return cachedQueries.ask(balance);
    }

    /**
     * Axon's {@code SimpleQueryBus}, a new query message per query.
     *
     * @return the balance
     */
    @Benchmark
    public Object axon_query() {
        QueryMessage<Balance, Long> message = new GenericQueryMessage<>(balance, ResponseTypes.instanceOf(Long.class));
        return axonQueries.query(message).join().getPayload();
    }
}
