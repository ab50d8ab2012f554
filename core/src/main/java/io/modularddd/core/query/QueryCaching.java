package io.modularddd.core.query;

import io.modularddd.core.InvalidInputException;
import io.modularddd.core.cache.CachePolicy;
import io.modularddd.core.internal.Checks;
import java.time.Duration;
import java.util.Set;
import java.util.function.Function;

/**
 * How the results of one query type are cached: for how long, under which tags, for whom. Given to
 * {@link QueryBus#register(Class, QueryHandler, QueryCaching)}; results then go through the bus's
 * {@link io.modularddd.core.cache.QueryCache}, keyed by the query's value (and the scope).
 *
 * <pre>{@code
 * QueryCaching<AccountBalance> caching = QueryCaching.of(AccountBalance.class, Duration.ofMinutes(5))
 *         .tags(query -> Set.of("account:" + query.accountId()))     // invalidated when the account changes
 *         .scope(query -> query.tenantId());                          // one entry per tenant
 * }</pre>
 *
 * <p>Tags name what a result was computed from; when events change that data, invalidating the tags
 * (declared per event type in {@code InvalidationRules} of {@code modular-ddd-cqrs}) drops every result
 * carrying them. The scope (a tenant, a principal) is part of the key: the same query in two scopes is
 * two entries. Both functions run on every cached {@code ask} and must be cheap and pure.
 *
 * <p>Immutable: {@link #tags} and {@link #scope} return copies.
 *
 * @param <Q> the query type
 */
public final class QueryCaching<Q> {

    private final Class<Q> queryType;
    private final Duration ttl;
    private final Function<? super Q, Set<String>> tags;
    private final Function<? super Q, String> scope;
    /** The policy of every query when neither tags nor scope depend on it; else {@code null}. */
    private final CachePolicy constant;

    private QueryCaching(Class<Q> queryType, Duration ttl, Function<? super Q, Set<String>> tags,
                         Function<? super Q, String> scope, CachePolicy constant) {
        this.queryType = queryType;
        this.ttl = ttl;
        this.tags = tags;
        this.scope = scope;
        this.constant = constant;
    }

    /**
     * Caches a query type's results for a time, with no tags and no scope.
     *
     * @param queryType the query class
     * @param ttl       how long a result is served, positive (the profile's {@code query_cache_ttl})
     * @param <Q>       the query type
     * @return the caching rule
     * @throws InvalidInputException when the class is null or the TTL null, zero or negative
     */
    public static <Q> QueryCaching<Q> of(Class<Q> queryType, Duration ttl) {
        Checks.notNull("queryType", queryType);
        CachePolicy policy = CachePolicy.ttl(ttl);
        return new QueryCaching<>(queryType, policy.ttl(), null, null, policy);
    }

    /**
     * A copy that tags each result with the tags computed from its query.
     *
     * @param tagsOfQuery the tags of a query's result; each tag not blank, at most
     *                    {@value io.modularddd.core.cache.CacheEntry#MAX_TAG_CHARS} characters, at most
     *                    {@value io.modularddd.core.cache.CacheEntry#MAX_TAGS} of them
     * @return the copy
     * @throws InvalidInputException when the function is null
     */
    public QueryCaching<Q> tags(Function<? super Q, Set<String>> tagsOfQuery) {
        return new QueryCaching<>(queryType, ttl, Checks.notNull("tagsOfQuery", tagsOfQuery), scope, null);
    }

    /**
     * A copy that tags every result with the same tags, e.g. {@code "accounts"} for a list of all
     * accounts.
     *
     * @param constantTags the tags
     * @return the copy
     * @throws InvalidInputException when a tag breaks its rule
     */
    public QueryCaching<Q> tags(String... constantTags) {
        Set<String> fixed = Set.of(Checks.notNull("constantTags", constantTags));
        CachePolicy policy = new CachePolicy(ttl, fixed, null);
        return new QueryCaching<>(queryType, ttl, q -> policy.tags(), scope, scope == null ? policy : null);
    }

    /**
     * A copy that caches each result in the scope computed from its query: a tenant or principal id, or
     * {@code null} for a result that is the same for everyone.
     *
     * @param scopeOfQuery the scope of a query's result
     * @return the copy
     * @throws InvalidInputException when the function is null
     */
    public QueryCaching<Q> scope(Function<? super Q, String> scopeOfQuery) {
        return new QueryCaching<>(queryType, ttl, tags, Checks.notNull("scopeOfQuery", scopeOfQuery), null);
    }

    /**
     * Returns the query class.
     *
     * @return the class
     */
    public Class<Q> queryType() {
        return queryType;
    }

    /**
     * Returns how long a result is served.
     *
     * @return the TTL
     */
    public Duration ttl() {
        return ttl;
    }

    /**
     * Returns the cache policy of one query: the TTL, its tags, its scope.
     *
     * @param query the query
     * @return the policy
     * @throws InvalidInputException when the tags or the scope computed from the query break their rules
     */
    public CachePolicy policyFor(Q query) {
        if (constant != null) {
            return constant;
        }
        Set<String> tagSet = tags == null ? Set.of() : tags.apply(query);
        if (tagSet == null) {
            throw new InvalidInputException("tags", "the tags function of " + queryType.getName()
                    + " returned null; return Set.of() for a result with no tags");
        }
        return new CachePolicy(ttl, tagSet, scope == null ? null : scope.apply(query));
    }

    @Override
    public String toString() {
        return "QueryCaching[" + queryType.getSimpleName() + ", ttl " + ttl + (tags != null ? ", tagged" : "")
                + (scope != null ? ", scoped" : "") + "]";
    }
}
