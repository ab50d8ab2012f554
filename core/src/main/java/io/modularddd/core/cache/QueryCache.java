package io.modularddd.core.cache;

import io.modularddd.core.InvalidInputException;
import java.lang.reflect.Type;
import java.util.Set;

/**
 * The cache a query bus asks: results of queries, keyed by the query's value. {@code TieredCache} in
 * {@code modular-ddd-cache} implements it over L1, L2 and L3 {@link CacheTier tiers}.
 *
 * <p>A query is a value — a record, or a class whose getters say what it asks — and its key is made
 * from a canonical encoding of its components, so equal queries share an entry and different ones never
 * do (see {@link CacheKey}). Concurrent misses of one key run its loader once. A tier that fails is
 * skipped, logged and counted; only the loader's own failure reaches the caller. Thread-safe.
 */
public interface QueryCache {

    /**
     * Returns the cached result of a query, or loads, caches and returns it.
     *
     * @param query      the query; its type must have a stable encoding (records of strings, numbers,
     *                   booleans, enums, UUIDs, {@code java.time} values, lists, sets, maps and nested
     *                   such records); a type that has none is refused on first use, naming the field
     * @param policy     TTL, tags and scope of the result
     * @param resultType the declared result type (a {@code Class} or a parameterized type such as
     *                   {@code List<AccountView>}): cached bytes are decoded into it, without default typing
     * @param loader     computes the result on a miss; a {@code null} result is returned and not cached
     * @param <R>        the result type
     * @return the result
     * @throws InvalidInputException when an argument is null or the query type cannot be encoded
     * @throws CacheLoadException    when the loader throws a checked exception (unchecked ones and errors
     *                               pass through unchanged)
     */
    <R> R get(Object query, CachePolicy policy, Type resultType, Loader<R> loader);

    /**
     * Drops one query's cached result in every tier and on every node.
     *
     * @param query the query
     * @param scope the scope it was cached under, or {@code null}
     */
    void invalidate(Object query, String scope);

    /**
     * Drops every cached result carrying any of the tags, in every tier and on every node. When this
     * returns, no tier serves such a result, and no load that began before this call can store one.
     *
     * @param tags the tags
     */
    void invalidateTags(Set<String> tags);

    /**
     * Computes a result on a miss.
     *
     * @param <R> the result type
     */
    @FunctionalInterface
    interface Loader<R> {
        /**
         * Computes the result.
         *
         * @return the result, or {@code null} (not cached)
         * @throws Exception when it fails; nothing is cached
         */
        R load() throws Exception;
    }
}
