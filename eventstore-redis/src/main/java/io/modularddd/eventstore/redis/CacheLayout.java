package io.modularddd.eventstore.redis;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * The Redis key layout of the L2 cache tier ({@link RedisCacheTier}); {@code docs/cache-l2-redis.md}
 * explains it. Every key of a namespace starts with {@code <prefix>:{<shard tag>}:}; the braces make
 * the shard tag the key's hash tag, so on Redis Cluster everything of one shard — values, tag sets,
 * invalidation markers and the shard's clock — sits in one slot and can be used together in one
 * WATCH/MULTI/EXEC.
 *
 * <ul>
 *   <li>{@code <prefix>:{<tag>}:v:<storage key>} — a value (string, PX = the entry's expiry);</li>
 *   <li>{@code <prefix>:{<tag>}:t:<cache tag>} — the set of value keys of this shard carrying the cache tag;</li>
 *   <li>{@code <prefix>:{<tag>}:k:<storage key>} — the marker of the last invalidation of a key (the clock
 *       value it was made at, PX = the marker TTL);</li>
 *   <li>{@code <prefix>:{<tag>}:m:<cache tag>} — the marker of the last invalidation of a cache tag;</li>
 *   <li>{@code <prefix>:{<tag>}:c} — the shard's invalidation clock (a counter, no TTL).</li>
 * </ul>
 * A storage key's shard is {@code CRC16(UTF-8 of the storage key) mod shards}. A standalone server has
 * one shard; a cluster has {@value #CLUSTER_SHARDS}, whose tags are chosen so that their slots spread
 * evenly over the slot range (shard {@code i}'s tag is the first {@code i.k}, k = 0, 1, ..., whose slot
 * lies in the i-th of {@value #CLUSTER_SHARDS} equal parts of the 16384 slots). The prefix never contains
 * a brace (see {@link StreamKeys#checkPrefix}), so the shard tag is always the key's first {@code {...}}
 * whatever the storage key or cache tag holds, and <code>&lt;prefix&gt;:{</code> starts the keys of this
 * namespace and of no other.
 */
final class CacheLayout {

    /** Shards of a namespace on Redis Cluster: every client of a namespace must agree, so it is fixed. */
    static final int CLUSTER_SHARDS = 16;

    private static final int SLOTS = 16_384;

    private final String prefix;
    private final byte[][] shardPrefixes;

    /**
     * @param prefix the validated key prefix (the namespace)
     * @param shards 1 for a standalone server, {@link #CLUSTER_SHARDS} on a cluster
     */
    CacheLayout(String prefix, int shards) {
        this.prefix = prefix;
        this.shardPrefixes = new byte[shards][];
        for (int i = 0; i < shards; i++) {
            shardPrefixes[i] = (prefix + ":{" + shardTag(i, shards) + "}:").getBytes(StandardCharsets.UTF_8);
        }
    }

    /** The hash tag of shard {@code i} of {@code shards}: its slot lies in the i-th equal part of the slots. */
    static String shardTag(int i, int shards) {
        int from = (int) ((long) i * SLOTS / shards);
        int to = (int) ((long) (i + 1) * SLOTS / shards);
        for (int k = 0; ; k++) {
            String tag = i + "." + k;
            int slot = JedisClusterCRC16.getSlot(tag);
            if (slot >= from && slot < to) {
                return tag;
            }
        }
    }

    String prefix() {
        return prefix;
    }

    int shards() {
        return shardPrefixes.length;
    }

    /** The shard a storage key lives in. */
    int shardOf(String storageKey) {
        return shardPrefixes.length == 1 ? 0
                : JedisClusterCRC16.getCRC16(storageKey.getBytes(StandardCharsets.UTF_8)) % shardPrefixes.length;
    }

    byte[] value(int shard, String storageKey) {
        return key(shard, 'v', storageKey);
    }

    byte[] keyMarker(int shard, String storageKey) {
        return key(shard, 'k', storageKey);
    }

    byte[] tagSet(int shard, String tag) {
        return key(shard, 't', tag);
    }

    byte[] tagMarker(int shard, String tag) {
        return key(shard, 'm', tag);
    }

    byte[] clock(int shard) {
        byte[] p = shardPrefixes[shard];
        byte[] k = Arrays.copyOf(p, p.length + 1);
        k[p.length] = 'c';
        return k;
    }

    private byte[] key(int shard, char kind, String name) {
        byte[] p = shardPrefixes[shard];
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        byte[] k = Arrays.copyOf(p, p.length + 2 + n.length);
        k[p.length] = (byte) kind;
        k[p.length + 1] = ':';
        System.arraycopy(n, 0, k, p.length + 2, n.length);
        return k;
    }

    /** {@code <prefix>:{<shard>}:v:}, the start of the value keys of the shard of a tag set key. */
    byte[] valuePrefixOf(byte[] tagSet) {
        int close = prefix.length() + 2;
        while (tagSet[close] != '}') {
            close++;
        }
        byte[] start = Arrays.copyOf(tagSet, close + 4);
        start[close + 2] = 'v';
        return start;
    }

    /** The SCAN MATCH pattern of every key of this namespace (filter the results with {@link #kindOf}). */
    String scanPattern() {
        return StreamKeys.globEscape(prefix) + ":{*";
    }

    /**
     * What a key found by {@link #scanPattern()} is: {@code 'v'}, {@code 't'}, {@code 'k'}, {@code 'm'},
     * {@code 'c'}, or {@code 0} for a key that is not this layout's.
     */
    char kindOf(String key) {
        int start = prefix.length() + 2;
        if (!key.startsWith(prefix + ":{")) {
            return 0;
        }
        int close = key.indexOf('}', start);
        if (close < 0 || close + 2 >= key.length() || key.charAt(close + 1) != ':') {
            return 0;
        }
        char kind = key.charAt(close + 2);
        if (kind == 'c') {
            return key.length() == close + 3 ? 'c' : 0;
        }
        return key.length() > close + 3 && key.charAt(close + 3) == ':' && "vtkm".indexOf(kind) >= 0 ? kind : 0;
    }
}
