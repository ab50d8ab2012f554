package io.modularddd.eventstore.redis;

import java.nio.charset.StandardCharsets;

/**
 * The two Redis keys of one stream: its sorted set of events and its epoch token. Both carry the
 * same hash tag. Equality is by the set key.
 */
final class StreamKey {

    private final String set;
    private final String epoch;
    private final byte[] setBytes;
    private final byte[] epochBytes;

    StreamKey(String set, String epoch) {
        this.set = set;
        this.epoch = epoch;
        this.setBytes = set.getBytes(StandardCharsets.US_ASCII);
        this.epochBytes = epoch.getBytes(StandardCharsets.US_ASCII);
    }

    String set() {
        return set;
    }

    String epoch() {
        return epoch;
    }

    byte[] setBytes() {
        return setBytes;
    }

    byte[] epochBytes() {
        return epochBytes;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StreamKey other && other.set.equals(set);
    }

    @Override
    public int hashCode() {
        return set.hashCode();
    }

    @Override
    public String toString() {
        return set;
    }
}
