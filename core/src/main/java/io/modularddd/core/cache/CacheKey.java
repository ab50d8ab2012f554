package io.modularddd.core.cache;

import io.modularddd.core.internal.Checks;
import java.nio.charset.StandardCharsets;

/**
 * Where an entry lives in the shared tiers, and what it stands for.
 *
 * <p>{@link #storageKey()} is short and fixed in shape — for a query,
 * {@code query:{QueryType}:<32 hex digits of a 128-bit hash>} — and is what the tiers index by.
 * {@link #canonical()} is the full canonical encoding the hash was taken of; every tier stores it with
 * the value and answers a lookup whose stored canonical key differs with a miss, so two keys that hash
 * alike can never read each other's data.
 *
 * <p>Keys for queries are made by the cache's key generator; {@link #of} makes one from strings, for
 * callers that cache something other than queries and for tests. Immutable and thread-safe; equal when
 * both strings are equal.
 */
public final class CacheKey {

    /** The longest storage key, in characters: it must fit an indexed column of the L3 table. */
    public static final int MAX_STORAGE_KEY_CHARS = 250;

    /** The longest canonical key, in UTF-8 bytes: it is stored beside every value. */
    public static final int MAX_CANONICAL_BYTES = 65_535;

    private final String storageKey;
    private final String canonical;

    private CacheKey(String storageKey, String canonical) {
        this.storageKey = storageKey;
        this.canonical = canonical;
    }

    /**
     * Makes a key.
     *
     * @param storageKey the key the tiers index by: not blank, no control characters, at most
     *                   {@value #MAX_STORAGE_KEY_CHARS} characters
     * @param canonical  the full canonical form the storage key was derived from: not empty, at most
     *                   {@value #MAX_CANONICAL_BYTES} UTF-8 bytes
     * @return the key
     * @throws io.modularddd.core.InvalidInputException when either string breaks its rule
     */
    public static CacheKey of(String storageKey, String canonical) {
        Checks.identifier("storageKey", storageKey, MAX_STORAGE_KEY_CHARS, "query:{AccountSummary}:9f2c…");
        Checks.notNull("canonical", canonical);
        if (canonical.isEmpty()) {
            throw new io.modularddd.core.InvalidInputException("canonical",
                    "canonical must not be empty; pass the full form the storage key was derived from");
        }
        if (canonical.length() > MAX_CANONICAL_BYTES / 3
                && canonical.getBytes(StandardCharsets.UTF_8).length > MAX_CANONICAL_BYTES) {
            throw new io.modularddd.core.InvalidInputException("canonical", "canonical key of "
                    + canonical.getBytes(StandardCharsets.UTF_8).length + " UTF-8 bytes is longer than the "
                    + MAX_CANONICAL_BYTES + " allowed; leave large values (long lists, documents) out of "
                    + "cached queries or do not cache that query type");
        }
        return new CacheKey(storageKey, canonical);
    }

    /**
     * Returns the key the tiers index by.
     *
     * @return the storage key, e.g. {@code query:{AccountSummary}:0f3a…}
     */
    public String storageKey() {
        return storageKey;
    }

    /**
     * Returns the full canonical form, stored with the value and compared on every hit.
     *
     * @return the canonical key
     */
    public String canonical() {
        return canonical;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CacheKey && ((CacheKey) o).storageKey.equals(storageKey)
                && ((CacheKey) o).canonical.equals(canonical);
    }

    @Override
    public int hashCode() {
        return storageKey.hashCode();
    }

    @Override
    public String toString() {
        return storageKey;
    }
}
