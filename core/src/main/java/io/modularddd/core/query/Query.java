package io.modularddd.core.query;

/**
 * A query: a request for information that changes nothing, answered by exactly one
 * {@link QueryHandler}. {@code R} is the type of its answer.
 *
 * <pre>{@code
 * public record AccountBalance(String accountId) implements Query<Long> { }
 * public record AccountsOf(String ownerId) implements Query<List<AccountView>> { }
 * }</pre>
 *
 * <p>The interface only carries the result type: {@link QueryBus#ask} is typed at compile time, the bus
 * checks at run time that a handler returns what the query declares, and a cached result is decoded into
 * exactly that type (with its type arguments, e.g. {@code List<AccountView>}). A query is a value:
 * equal queries ask the same thing, and a cached query's components make its cache key — keep them
 * small (ids, ranges, filters), and make queries records.
 *
 * @param <R> the result type of the query's handler
 */
public interface Query<R> {
}
