package io.modularddd.core.cache;

import io.modularddd.core.InvalidInputException;
import io.modularddd.core.internal.Checks;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * How one cached result is kept: for how long, under which tags, and for whom.
 *
 * <p>The {@link #scope()} (a tenant, a principal) is part of the key, so the same query asked in two
 * scopes is two entries; leave it {@code null} for results that are the same for everyone. Tags name
 * what the result was computed from (e.g. {@code account:42}); invalidating a tag drops every result
 * carrying it. Immutable.
 *
 * @param ttl   how long the result is served, positive
 * @param tags  the result's tags (see {@link CacheEntry#checkTags})
 * @param scope who the result belongs to, or {@code null} for everyone
 */
public record CachePolicy(Duration ttl, Set<String> tags, String scope) {

    /** The longest scope, in characters. */
    public static final int MAX_SCOPE_CHARS = 200;

    /**
     * Checks the policy.
     *
     * @param ttl   how long the result is served, positive
     * @param tags  the result's tags
     * @param scope who the result belongs to, or {@code null} for everyone
     * @throws InvalidInputException when the TTL is null, zero or negative, a tag breaks its rule, or the
     *                               scope is blank or too long
     */
    public CachePolicy {
        Checks.notNull("ttl", ttl);
        if (ttl.isNegative() || ttl.isZero()) {
            throw new InvalidInputException("ttl", "ttl must be positive but was " + ttl
                    + "; pass e.g. Duration.ofMinutes(5), or do not cache the query");
        }
        tags = CacheEntry.checkTags(tags);
        if (scope != null) {
            Checks.identifier("scope", scope, MAX_SCOPE_CHARS, "tenant-7");
        }
    }

    /**
     * A policy with a TTL, no tags and no scope.
     *
     * @param ttl how long results are served
     * @return the policy
     */
    public static CachePolicy ttl(Duration ttl) {
        return new CachePolicy(ttl, Set.of(), null);
    }

    /**
     * A copy with other tags.
     *
     * @param newTags the tags
     * @return the copy
     */
    public CachePolicy withTags(String... newTags) {
        return new CachePolicy(ttl, Set.of(Objects.requireNonNull(newTags, "tags")), scope);
    }

    /**
     * A copy with other tags.
     *
     * @param newTags the tags
     * @return the copy
     */
    public CachePolicy withTags(Set<String> newTags) {
        return new CachePolicy(ttl, newTags, scope);
    }

    /**
     * A copy with a scope.
     *
     * @param newScope the scope, or {@code null} for everyone
     * @return the copy
     */
    public CachePolicy withScope(String newScope) {
        return new CachePolicy(ttl, tags, newScope);
    }
}
