package io.modularddd.cqrs;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.modularddd.core.InvalidInputException;
import io.modularddd.core.cache.QueryCache;
import io.modularddd.core.internal.Checks;
import io.modularddd.core.metrics.MetricsCollector;
import io.modularddd.core.query.DuplicateQueryHandlerException;
import io.modularddd.core.query.NoQueryHandlerException;
import io.modularddd.core.query.Query;
import io.modularddd.core.query.QueryBus;
import io.modularddd.core.query.QueryCaching;
import io.modularddd.core.query.QueryHandler;
import io.modularddd.core.query.QueryHandlerException;
import io.modularddd.core.query.QueryResultTypeException;
import java.lang.reflect.Type;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * The in-process {@link QueryBus}: one handler per query class; cached query types answered through a
 * {@link QueryCache}.
 *
 * <pre>{@code
 * SimpleQueryBus queries = SimpleQueryBus.builder()
 *         .cache(tieredCache)               // any QueryCache; TieredCache in modular-ddd-cache
 *         .meterRegistry(registry)
 *         .build();
 * queries.register(AccountBalance.class, query -> balances.of(query.accountId()),
 *         QueryCaching.of(AccountBalance.class, Duration.ofMinutes(5))
 *                 .tags(query -> Set.of("account:" + query.accountId())));
 * }</pre>
 *
 * <p>As in {@link SimpleCommandBus}, everything a query type needs — its handler, result type (resolved
 * from {@code Query<R>} once), cache rule and meters — is prepared at registration in one immutable
 * route; asking is a lookup by exact class and the route's call. A cached type's {@code ask} goes through
 * {@link QueryCache#get} with the policy its {@link QueryCaching} computes from the query; the handler runs
 * only on a miss, and a failed or {@code null} answer is never cached. Pair the bus with
 * {@link InvalidationRules} so that events invalidate the results they change.
 *
 * <h2>Metrics</h2>
 * With a registry: {@value #TIMER}, a timer per query type (tag {@code query}, the class name), and for
 * cached types {@value #CACHE}, counters tagged {@code query} and {@code result} = {@code hit} or
 * {@code miss} (a miss is an ask whose own loader ran; an ask served by a concurrent miss's load counts as
 * a hit). Without one, nothing is metered and nothing is paid for it.
 *
 * <p>Thread-safe.
 */
public final class SimpleQueryBus implements QueryBus {

    /** The name of the per-type timer. */
    public static final String TIMER = "modularddd.queries";
    /** The name of the per-type cache hit and miss counters. */
    public static final String CACHE = "modularddd.queries.cache";

    private final QueryCache cache;
    private final MeterRegistry registry;
    private final Executor executor;
    private final MetricsCollector metrics;
    private final Object registrationLock = new Object();
    private volatile Map<Class<?>, Route> routes = Map.of();

    private SimpleQueryBus(QueryCache cache, MeterRegistry registry, Executor executor, MetricsCollector metrics) {
        this.cache = cache;
        this.registry = registry;
        this.executor = executor;
        this.metrics = metrics;
    }

    /**
     * A bus without cache, metrics or executor.
     *
     * @return the bus
     */
    public static SimpleQueryBus create() {
        return builder().build();
    }

    /**
     * Starts a bus.
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public <Q extends Query<R>, R> void register(Class<Q> queryType, QueryHandler<? super Q, ? extends R> handler) {
        Checks.notNull("queryType", queryType);
        Checks.notNull("handler", handler);
        add(queryType, handler, null);
    }

    @Override
    public <Q extends Query<R>, R> void register(Class<Q> queryType, QueryHandler<? super Q, ? extends R> handler,
                                                 QueryCaching<Q> caching) {
        Checks.notNull("queryType", queryType);
        Checks.notNull("handler", handler);
        Checks.notNull("caching", caching);
        if (caching.queryType() != queryType) {
            throw new InvalidInputException("caching", "the caching rule is for " + caching.queryType().getName()
                    + " but the handler is registered for " + queryType.getName() + "; pass QueryCaching.of("
                    + queryType.getSimpleName() + ".class, ttl)");
        }
        if (cache == null) {
            throw new InvalidInputException("caching", "query type " + queryType.getName() + " is registered with "
                    + "caching but this bus has no QueryCache; build it with SimpleQueryBus.builder().cache(...)");
        }
        add(queryType, handler, caching);
    }

    private void add(Class<?> queryType, QueryHandler<?, ?> handler, QueryCaching<?> caching) {
        Type declared = ResultTypes.declared(queryType, Query.class);
        if (caching != null && !ResultTypes.concrete(declared)) {
            throw new InvalidInputException("caching", "query type " + queryType.getName() + " declares Query<"
                    + declared.getTypeName() + ">, a type not known at run time, so a cached result could not be "
                    + "decoded; declare a concrete result type (e.g. Query<List<AccountView>>) or do not cache it");
        }
        @SuppressWarnings("unchecked")
        QueryHandler<Object, ?> untyped = (QueryHandler<Object, ?>) handler;
        synchronized (registrationLock) {
            if (routes.containsKey(queryType)) {
                throw new DuplicateQueryHandlerException(queryType);
            }
            Route route = new HandlerRoute(queryType, untyped, declared);
            String name = queryType.getName();
            if (caching != null) {
                @SuppressWarnings("unchecked")
                QueryCaching<Object> rule = (QueryCaching<Object>) caching;
                Counter hits = registry == null ? null : cacheCounter(name, "hit");
                Counter misses = registry == null ? null : cacheCounter(name, "miss");
                route = new CachedRoute(cache, rule, declared, route, hits, misses);
            }
            if (registry != null) {
                route = new TimedRoute(Timer.builder(TIMER).description("queries answered, by query type")
                        .tag("query", name).register(registry), route);
            }
            if (metrics != null) {
                route = new CollectedRoute(metrics, name, route);
            }
            Map<Class<?>, Route> next = new HashMap<>(routes);
            next.put(queryType, route);
            routes = next;
        }
    }

    private Counter cacheCounter(String query, String result) {
        return Counter.builder(CACHE).description("cached query types' asks, by query type and cache result")
                .tag("query", query).tag("result", result).register(registry);
    }

    @Override
    public <R> R ask(Query<R> query) {
        Route route = routeOf(query);
        @SuppressWarnings("unchecked")
        R result = (R) route.ask(query);
        return result;
    }

    @Override
    public <R> CompletableFuture<R> askAsync(Query<R> query) {
        Route route = routeOf(query);
        CompletableFuture<Object> answer;
        if (executor == null) {
            try {
                answer = CompletableFuture.completedFuture(route.ask(query));
            } catch (RuntimeException | Error e) {
                answer = CompletableFuture.failedFuture(e);
            }
        } else {
            answer = CompletableFuture.supplyAsync(() -> route.ask(query), executor);
        }
        @SuppressWarnings("unchecked")
        CompletableFuture<R> typed = (CompletableFuture<R>) (CompletableFuture<?>) answer;
        return typed;
    }

    /**
     * Tells whether a query class has a handler.
     *
     * @param queryType the class
     * @return {@code true} when registered
     */
    public boolean handles(Class<?> queryType) {
        return routes.containsKey(queryType);
    }

    private Route routeOf(Object query) {
        if (query == null) {
            throw new InvalidInputException("query", "query must not be null; pass the query object to ask");
        }
        Route route = routes.get(query.getClass());
        if (route == null) {
            throw new NoQueryHandlerException(query.getClass(), SimpleCommandBus.registeredNames(routes));
        }
        return route;
    }

    /** Everything one query type needs to answer a query. */
    private interface Route {
        Object ask(Object query);
    }

    /** Calls the handler, wraps checked exceptions, checks the result's type. */
    private static final class HandlerRoute implements Route {
        private final Class<?> queryType;
        private final QueryHandler<Object, ?> handler;
        private final Type declared;
        private final Class<?> checked;

        HandlerRoute(Class<?> queryType, QueryHandler<Object, ?> handler, Type declared) {
            this.queryType = queryType;
            this.handler = handler;
            this.declared = declared;
            this.checked = ResultTypes.checkable(declared);
        }

        @Override
        public Object ask(Object query) {
            Object result;
            try {
                result = handler.handle(query);
            } catch (RuntimeException e) {
                throw e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new QueryHandlerException(queryType, e);
            } catch (Exception e) {
                throw new QueryHandlerException(queryType, e);
            }
            if (result != null && checked != null && !checked.isInstance(result)) {
                throw new QueryResultTypeException(queryType, declared, result.getClass());
            }
            return result;
        }
    }

    /** Answers from the cache, loading through the handler on a miss. */
    private static final class CachedRoute implements Route {
        private final QueryCache cache;
        private final QueryCaching<Object> caching;
        private final Type resultType;
        private final Route handler;
        private final Counter hits;
        private final Counter misses;

        CachedRoute(QueryCache cache, QueryCaching<Object> caching, Type resultType, Route handler, Counter hits,
                    Counter misses) {
            this.cache = cache;
            this.caching = caching;
            this.resultType = resultType;
            this.handler = handler;
            this.hits = hits;
            this.misses = misses;
        }

        @Override
        public Object ask(Object query) {
            if (hits == null) {
                return cache.get(query, caching.policyFor(query), resultType, () -> handler.ask(query));
            }
            boolean[] loaded = new boolean[1];
            Object result = cache.get(query, caching.policyFor(query), resultType, () -> {
                loaded[0] = true;
                return handler.ask(query);
            });
            (loaded[0] ? misses : hits).increment();
            return result;
        }
    }

    /** Times the route it wraps. */
    private static final class TimedRoute implements Route {
        private final Timer timer;
        private final Route inner;

        TimedRoute(Timer timer, Route inner) {
            this.timer = timer;
            this.inner = inner;
        }

        @Override
        public Object ask(Object query) {
            long start = System.nanoTime();
            try {
                return inner.ask(query);
            } finally {
                timer.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            }
        }
    }

    /** Records every answer, and every failure, of one query type in a {@link MetricsCollector}. */
    private static final class CollectedRoute implements Route {
        private final MetricsCollector metrics;
        private final String name;
        private final Route inner;

        CollectedRoute(MetricsCollector metrics, String name, Route inner) {
            this.metrics = metrics;
            this.name = name;
            this.inner = inner;
        }

        @Override
        public Object ask(Object query) {
            long start = System.nanoTime();
            boolean success = false;
            try {
                Object result = inner.ask(query);
                success = true;
                return result;
            } finally {
                metrics.recordQueryExecution(name, System.nanoTime() - start, success);
            }
        }
    }

    /** Collects the cache, registry, metrics collector and executor of a {@link SimpleQueryBus}. */
    public static final class Builder {
        private QueryCache cache;
        private MeterRegistry registry;
        private Executor executor;
        private MetricsCollector metricsCollector;

        private Builder() {
        }

        /**
         * Sets the cache that cached query types' results go through.
         *
         * @param queryCache the cache (e.g. {@code TieredCache})
         * @return this builder
         * @throws InvalidInputException when it is null
         * @throws IllegalStateException when a cache is already set
         */
        public Builder cache(QueryCache queryCache) {
            Checks.notNull("cache", queryCache);
            if (cache != null) {
                throw new IllegalStateException("the query cache is already set; set it once");
            }
            cache = queryCache;
            return this;
        }

        /**
         * Sets the registry the per-type timers and cache counters go to; none by default.
         *
         * @param meterRegistry the registry
         * @return this builder
         * @throws InvalidInputException when it is null
         * @throws IllegalStateException when a registry is already set
         */
        public Builder meterRegistry(MeterRegistry meterRegistry) {
            Checks.notNull("meterRegistry", meterRegistry);
            if (registry != null) {
                throw new IllegalStateException("the meter registry is already set; set it once");
            }
            registry = meterRegistry;
            return this;
        }

        /**
         * Sets the collector every query's execution is recorded in (type, duration, success), e.g. to share the
         * summaries across nodes; none by default.
         *
         * @param collector the collector
         * @return this builder
         * @throws InvalidInputException when it is null
         * @throws IllegalStateException when a collector is already set
         */
        public Builder metricsCollector(MetricsCollector collector) {
            Checks.notNull("metricsCollector", collector);
            if (metricsCollector != null) {
                throw new IllegalStateException("the metrics collector is already set; set it once");
            }
            metricsCollector = collector;
            return this;
        }

        /**
         * Sets the executor {@code askAsync} answers on; without one it answers inline.
         *
         * @param queryExecutor the executor, owned by the application
         * @return this builder
         * @throws InvalidInputException when it is null
         * @throws IllegalStateException when an executor is already set
         */
        public Builder executor(Executor queryExecutor) {
            Checks.notNull("executor", queryExecutor);
            if (executor != null) {
                throw new IllegalStateException("the executor is already set; set it once");
            }
            executor = queryExecutor;
            return this;
        }

        /**
         * Builds the bus.
         *
         * @return the bus, with no handlers yet
         */
        public SimpleQueryBus build() {
            return new SimpleQueryBus(cache, registry, executor, metricsCollector);
        }
    }
}
