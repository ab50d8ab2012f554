package io.modularddd.cache;

/**
 * The L1 key of a query asked in a scope (a tenant, a principal): equal when both the query and the
 * scope are. A query asked without a scope is its own L1 key.
 *
 * @param query the query
 * @param scope the scope
 */
record ScopedQuery(Object query, String scope) {
}
