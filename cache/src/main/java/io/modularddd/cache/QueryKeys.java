package io.modularddd.cache;

import io.modularddd.core.InvalidInputException;
import io.modularddd.core.cache.CacheKey;
import io.modularddd.core.cache.CachePolicy;
import io.modularddd.core.internal.Checks;
import java.nio.charset.StandardCharsets;

/**
 * Makes the {@link CacheKey} of a query: {@code query:{SimpleTypeName}:<32 hex digits>} over the canonical
 * form {@code v1 <binary type name> <scope> (<component>=<value>,...)}, the hex digits being the 128-bit
 * MurmurHash3 (x64) of the canonical form's UTF-8 bytes.
 *
 * <h2>Canonical form</h2>
 * The scope is {@code -} when there is none, else a quoted string. Components come in declaration order
 * (records) or by property name (getters), each {@code name=value}:
 * <ul>
 *   <li>strings and chars: in double quotes; {@code "} and {@code \} escaped with {@code \}; control
 *       characters and lone surrogates as {@code \}{@code uXXXX}; everything else as is (no Unicode
 *       normalization: "é" precomposed and decomposed are two queries, as {@code String.equals} says);</li>
 *   <li>byte, short, int, long and their boxes: decimal ({@code 1}); the declared type is fixed per query
 *       type, so an int 1 and a long 1 never meet; a string "1" is quoted;</li>
 *   <li>float, double: {@code Float/Double.toString} ({@code -0.0} and {@code 0.0} differ, every NaN is
 *       {@code NaN}, as {@code equals} says); BigDecimal, BigInteger: {@code toString()} — exact, so 1.0 and
 *       1.00 are two queries, as {@code BigDecimal.equals} says;</li>
 *   <li>boolean: {@code true}/{@code false}; enum: its {@code name()}; UUID: lowercase;
 *       java.time values: their ISO {@code toString()}, quoted; {@code null}: {@code null};</li>
 *   <li>List: {@code [a,b]} in order; Set: {@code [a,b]} sorted by the elements' canonical forms; Map:
 *       {@code {k=v,...}} sorted by the keys' canonical forms; Optional: {@code empty} or {@code of(v)};
 *       records and final classes with getters: {@code (name=value,...)}.</li>
 * </ul>
 * Per type, the components are resolved to method handles once ({@link KeyPlanner}), never reflected per
 * call. Thread-safe.
 */
final class QueryKeys {

    /** Turns a canonical form's UTF-8 bytes into the storage key: the prefix and 32 hex digits. */
    @FunctionalInterface
    interface Hasher {
        String storageKey(String prefix, byte[] utf8);
    }

    static final Hasher MURMUR3_128 = (prefix, bytes) -> {
        long[] h = Murmur3.hash128(bytes);
        return Murmur3.hex(prefix, h[0], h[1]);
    };

    private final Hasher hasher;
    private final ClassValue<KeyPlan> plans = new ClassValue<>() {
        @Override
        protected KeyPlan computeValue(Class<?> type) {
            return KeyPlanner.plan(type);
        }
    };

    QueryKeys(Hasher hasher) {
        this.hasher = hasher;
    }

    QueryKeys() {
        this(MURMUR3_128);
    }

    /**
     * Returns the plan of a query type.
     *
     * @param type the query's class
     * @return the plan
     * @throws InvalidInputException when the type has no stable encoding (the message names the component)
     */
    KeyPlan plan(Class<?> type) {
        return plans.get(type).orThrow();
    }

    /**
     * Makes a query's key.
     *
     * @param query the query
     * @param scope its scope, or {@code null}
     * @return the key
     * @throws InvalidInputException when the query is null, its type cannot be encoded, or the scope is invalid
     */
    CacheKey keyOf(Object query, String scope) {
        Checks.notNull("query", query);
        if (scope != null) {
            Checks.identifier("scope", scope, CachePolicy.MAX_SCOPE_CHARS, "tenant-7");
        }
        return keyOf(plan(query.getClass()), query, scope);
    }

    /** Makes a key with a plan already looked up, and a scope already checked. */
    CacheKey keyOf(KeyPlan plan, Object query, String scope) {
        StringBuilder out = new StringBuilder(plan.sizeHint);
        out.append(plan.head);
        if (scope == null) {
            out.append('-');
        } else {
            Encoder.quote(scope, out);
        }
        out.append(' ');
        try {
            plan.body.write(query, out, 0);
        } catch (ClassCastException e) {
            throw new InvalidInputException("query", "a component of " + plan.type.getName() + " holds a value of "
                    + "another type than declared (" + e.getMessage() + "); check unchecked casts into its "
                    + "collections");
        }
        String canonical = out.toString();
        if (canonical.length() > plan.sizeHint) {
            plan.sizeHint = Math.min(canonical.length() + 16, 4096);
        }
        return CacheKey.of(hasher.storageKey(plan.storagePrefix, canonical.getBytes(StandardCharsets.UTF_8)),
                canonical);
    }
}
