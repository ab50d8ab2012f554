package io.modularddd.eventstore.redis;

/**
 * How the hot tier encodes an event into a sorted-set member.
 *
 * <p>Both formats go through Jackson with the same safe settings as the warm tier's serializer (no
 * default typing, bounded reads, classes resolved only through the {@code EventTypeRegistry}). A
 * member records its format in its first byte, so a hot tier can read members written in either
 * format; all nodes that share a key prefix should still use one format, because the same event
 * encoded twice in different formats is two members for one version, which readers treat as an
 * anomaly (they drop the key and reload from the warm tier).
 */
public enum HotTierFormat {

    /** MessagePack (binary, compact): the default, as in the seed's {@code 'serialization' => 'msgpack'}. */
    MESSAGE_PACK(1),

    /** JSON (text): larger and slower, but readable with {@code redis-cli}. */
    JSON(2);

    private final int id;

    HotTierFormat(int id) {
        this.id = id;
    }

    /** The format's id in a member's header byte. */
    int id() {
        return id;
    }

    static HotTierFormat ofId(int id) {
        return id == MESSAGE_PACK.id ? MESSAGE_PACK : id == JSON.id ? JSON : null;
    }
}
