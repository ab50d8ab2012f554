package io.modularddd.core.query;

import io.modularddd.core.InvalidInputException;
import java.util.concurrent.CompletableFuture;

/**
 * Sends each query to the one handler registered for its exact class, and caches results of the query
 * types registered with a {@link QueryCaching} rule.
 *
 * <pre>{@code
 * queries.register(AccountBalance.class, query -> balances.of(query.accountId()),
 *         QueryCaching.of(AccountBalance.class, Duration.ofMinutes(5))
 *                 .tags(query -> Set.of("account:" + query.accountId())));
 * long balance = queries.ask(new AccountBalance("acc-42"));
 * }</pre>
 *
 * <h2>Guarantees every implementation gives</h2>
 * <ul>
 *   <li><b>One handler per type.</b> A second registration throws {@link DuplicateQueryHandlerException};
 *       asking a type without one throws {@link NoQueryHandlerException}, which lists the registered
 *       types.</li>
 *   <li><b>Typed failures.</b> A {@code null} query is an {@link InvalidInputException}; a handler's
 *       checked exception arrives as a {@link QueryHandlerException}, a result of another type than the
 *       query declares as a {@link QueryResultTypeException} — each naming the query type. A failure is
 *       never cached.</li>
 *   <li><b>Caching never changes answers.</b> A cached result is one the handler returned for an equal
 *       query in the same scope, not older than its TTL, and not computed before an invalidation of one
 *       of its tags that completed before the {@code ask} began.</li>
 * </ul>
 * Implementations are thread-safe.
 */
public interface QueryBus {

    /**
     * Registers the handler of a query type, without caching.
     *
     * @param queryType the query class
     * @param handler   its handler
     * @param <Q>       the query type
     * @param <R>       the result type the query declares
     * @throws DuplicateQueryHandlerException when the type already has a handler
     * @throws InvalidInputException          when an argument is null
     */
    <Q extends Query<R>, R> void register(Class<Q> queryType, QueryHandler<? super Q, ? extends R> handler);

    /**
     * Registers the handler of a query type whose results are cached.
     *
     * @param queryType the query class
     * @param handler   its handler
     * @param caching   how its results are cached
     * @param <Q>       the query type
     * @param <R>       the result type the query declares
     * @throws DuplicateQueryHandlerException when the type already has a handler
     * @throws InvalidInputException          when an argument is null, the rule is for another type, the
     *                                        query's result type is not known at run time (a type
     *                                        variable), or the bus has no cache
     */
    <Q extends Query<R>, R> void register(Class<Q> queryType, QueryHandler<? super Q, ? extends R> handler,
                                          QueryCaching<Q> caching);

    /**
     * Answers a query on the caller's thread: from the cache when its type is cached and a result is
     * there, else from its handler.
     *
     * @param query the query
     * @param <R>   the result type
     * @return the answer
     * @throws InvalidInputException     when the query is null
     * @throws NoQueryHandlerException   when no handler is registered for its class
     * @throws QueryHandlerException     when the handler throws a checked exception
     * @throws QueryResultTypeException  when the handler returns another type than the query declares
     */
    <R> R ask(Query<R> query);

    /**
     * Answers a query on the bus's executor (inline when it has none).
     *
     * @param query the query
     * @param <R>   the result type
     * @return the answer, later; failed with what {@link #ask} would have thrown
     * @throws InvalidInputException   when the query is null
     * @throws NoQueryHandlerException when no handler is registered for its class
     */
    <R> CompletableFuture<R> askAsync(Query<R> query);
}
