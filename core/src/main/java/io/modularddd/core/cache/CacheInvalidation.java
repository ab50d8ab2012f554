package io.modularddd.core.cache;

import io.modularddd.core.internal.Checks;
import java.util.Set;

/**
 * One invalidation, as sent to the other nodes: the storage keys and tags dropped, and the node that
 * dropped them (a node ignores its own messages).
 *
 * @param origin      the sending node's id
 * @param storageKeys storage keys invalidated ({@link CacheKey#storageKey()})
 * @param tags        tags invalidated
 */
public record CacheInvalidation(String origin, Set<String> storageKeys, Set<String> tags) {

    /**
     * Checks and copies the fields.
     *
     * @param origin      the sending node's id
     * @param storageKeys storage keys invalidated
     * @param tags        tags invalidated
     */
    public CacheInvalidation {
        Checks.notNull("origin", origin);
        storageKeys = Set.copyOf(Checks.notNull("storageKeys", storageKeys));
        tags = Set.copyOf(Checks.notNull("tags", tags));
    }
}
