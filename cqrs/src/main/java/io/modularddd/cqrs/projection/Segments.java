package io.modularddd.cqrs.projection;

import io.modularddd.core.AggregateId;

/**
 * Which segment an aggregate's events belong to. Every process of a projection must agree on it, across
 * versions of the library: it is {@code floorMod(fmix32(id.hashCode()), count)}, where {@code String.hashCode}
 * is fixed by the Java Language Specification and {@code fmix32} is MurmurHash3's finalizer (it spreads ids that
 * differ in their last characters). All of one aggregate's events fall into one segment, so a segment keeps their
 * order.
 */
final class Segments {

    private Segments() {
    }

    static int of(AggregateId aggregateId, int count) {
        if (count == 1) {
            return 0;
        }
        return Math.floorMod(mix(aggregateId.value().hashCode()), count);
    }

    static int mix(int h) {
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        h ^= h >>> 16;
        return h;
    }
}
