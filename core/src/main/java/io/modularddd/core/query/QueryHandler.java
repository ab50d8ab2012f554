package io.modularddd.core.query;

/**
 * Answers one query type, from a read model, a projection or an aggregate.
 *
 * <p>A handler may throw checked exceptions; the bus hands them to the caller wrapped in a
 * {@link QueryHandlerException} that names the query type. Unchecked exceptions and errors reach the
 * caller unchanged. A handler must not change state: with caching, it may run once for many callers, or
 * not at all.
 *
 * @param <Q> the query type
 * @param <R> the result type
 */
@FunctionalInterface
public interface QueryHandler<Q, R> {

    /**
     * Answers a query.
     *
     * @param query the query, never {@code null}
     * @return the answer, of the type the query declares; {@code null} is returned to the caller and never
     *         cached
     * @throws Exception when answering fails; checked exceptions are wrapped by the bus
     */
    R handle(Q query) throws Exception;
}
