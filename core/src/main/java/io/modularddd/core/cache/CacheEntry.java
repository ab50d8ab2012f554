package io.modularddd.core.cache;

import io.modularddd.core.InvalidInputException;
import io.modularddd.core.internal.Checks;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Set;

/**
 * A cached value as the tiers keep it: the encoded bytes, when it expires, its tags and the canonical key
 * it was stored under.
 *
 * <p>The bytes are the value's encoding (JSON, written by the cache engine); the shared tiers store and
 * return them unchanged. An in-process tier may also keep the {@link #decoded() decoded value} so that a
 * hit costs no decoding; the engine fills it in, the shared tiers ignore it. Cached query results are
 * handed to every caller that hits them, so they should be immutable.
 *
 * <p>Immutable (the byte array is not copied: neither the caller nor a tier may change it after the
 * entry is made). Tags are matched exactly and case-sensitively.
 */
public final class CacheEntry {

    /** The most tags one entry may carry. */
    public static final int MAX_TAGS = 64;

    /** The longest tag, in characters. */
    public static final int MAX_TAG_CHARS = 200;

    private final String canonicalKey;
    private final byte[] bytes;
    private final Instant expiresAt;
    private final Set<String> tags;
    private final Object decoded;

    private CacheEntry(String canonicalKey, byte[] bytes, Instant expiresAt, Set<String> tags, Object decoded) {
        this.canonicalKey = canonicalKey;
        this.bytes = bytes;
        this.expiresAt = expiresAt;
        this.tags = tags;
        this.decoded = decoded;
    }

    /**
     * Makes an entry.
     *
     * @param key       the key the entry is stored under (its canonical form is kept with the value)
     * @param bytes     the encoded value; not null, may be empty
     * @param expiresAt when the entry stops being served; not null; kept to the millisecond, as every
     *                  tier stores it
     * @param tags      the entry's tags: each not blank, at most {@value #MAX_TAG_CHARS} characters,
     *                  at most {@value #MAX_TAGS} of them
     * @return the entry
     * @throws InvalidInputException when an argument breaks its rule
     */
    public static CacheEntry of(CacheKey key, byte[] bytes, Instant expiresAt, Set<String> tags) {
        Checks.notNull("key", key);
        return new CacheEntry(key.canonical(), Checks.notNull("bytes", bytes),
                Checks.notNull("expiresAt", expiresAt).truncatedTo(ChronoUnit.MILLIS), checkTags(tags), null);
    }

    /**
     * Makes an entry read back from a tier. Tiers use this when a stored entry is found; the tags are
     * trusted as they were checked when stored.
     *
     * @param canonicalKey the canonical key stored with the value
     * @param bytes        the stored bytes
     * @param expiresAt    the stored expiry
     * @param tags         the stored tags
     * @return the entry
     */
    public static CacheEntry stored(String canonicalKey, byte[] bytes, Instant expiresAt, Set<String> tags) {
        return new CacheEntry(Checks.notNull("canonicalKey", canonicalKey), Checks.notNull("bytes", bytes),
                Checks.notNull("expiresAt", expiresAt), Set.copyOf(Checks.notNull("tags", tags)), null);
    }

    /**
     * Checks a set of tags and returns an immutable copy.
     *
     * @param tags the tags
     * @return an immutable copy
     * @throws InvalidInputException when the set is null, too large, or holds a null, blank or too long tag
     */
    public static Set<String> checkTags(Set<String> tags) {
        Checks.notNull("tags", tags);
        if (tags.size() > MAX_TAGS) {
            throw new InvalidInputException("tags", "an entry may carry at most " + MAX_TAGS + " tags but has "
                    + tags.size() + "; tag by aggregate or by query type instead of by every row");
        }
        for (String tag : tags) {
            Checks.identifier("tags[]", tag, MAX_TAG_CHARS, "account:42");
        }
        return Set.copyOf(tags);
    }

    /**
     * Returns a copy of this entry that also carries the decoded value, for in-process tiers.
     *
     * @param value the value the bytes decode to
     * @return the copy
     */
    public CacheEntry withDecoded(Object value) {
        return new CacheEntry(canonicalKey, bytes, expiresAt, tags, Checks.notNull("value", value));
    }

    /**
     * Returns a copy of this entry with an earlier expiry (a promotion into a tier with a shorter TTL).
     * The expiry never moves later than this entry's own.
     *
     * @param tierExpiry the expiry the receiving tier would give
     * @return this entry when it already expires first, else a copy expiring at {@code tierExpiry}
     */
    public CacheEntry expiringNoLaterThan(Instant tierExpiry) {
        return tierExpiry.isBefore(expiresAt)
                ? new CacheEntry(canonicalKey, bytes, tierExpiry.truncatedTo(ChronoUnit.MILLIS), tags, decoded)
                : this;
    }

    /**
     * Returns the canonical key the value was stored under.
     *
     * @return the canonical key
     */
    public String canonicalKey() {
        return canonicalKey;
    }

    /**
     * Returns the encoded value. Not a copy: do not change it.
     *
     * @return the bytes
     */
    public byte[] bytes() {
        return bytes;
    }

    /**
     * Returns when the entry stops being served.
     *
     * @return the expiry
     */
    public Instant expiresAt() {
        return expiresAt;
    }

    /**
     * Tells whether the entry has expired.
     *
     * @param now the current time
     * @return {@code true} when {@code now} is at or after the expiry
     */
    public boolean isExpired(Instant now) {
        return !now.isBefore(expiresAt);
    }

    /**
     * Returns the entry's tags.
     *
     * @return an immutable set
     */
    public Set<String> tags() {
        return tags;
    }

    /**
     * Returns the decoded value, where an in-process tier keeps one.
     *
     * @return the decoded value, or {@code null} when only the bytes are kept
     */
    public Object decoded() {
        return decoded;
    }

    /**
     * Tells whether this entry holds the same stored data as another (key, bytes, expiry, tags).
     *
     * @param other the other entry
     * @return {@code true} when the stored data is equal
     */
    public boolean sameData(CacheEntry other) {
        return canonicalKey.equals(other.canonicalKey) && Arrays.equals(bytes, other.bytes)
                && expiresAt.equals(other.expiresAt) && tags.equals(other.tags);
    }

    @Override
    public String toString() {
        return "CacheEntry[" + bytes.length + " bytes, expires " + expiresAt + ", tags " + tags.size() + "]";
    }
}
