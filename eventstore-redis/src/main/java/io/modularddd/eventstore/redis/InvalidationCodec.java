package io.modularddd.eventstore.redis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modularddd.core.cache.CacheInvalidation;
import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The pub/sub message of one {@link CacheInvalidation}: UTF-8 JSON,
 * {@code {"v":1,"origin":"node-a","keys":["query:{X}:0f..."],"tags":["account:42"]}}. Readable with
 * {@code redis-cli SUBSCRIBE} and by any other language; unknown fields are ignored, so a later version
 * may add some.
 */
final class InvalidationCodec {

    static final int VERSION = 1;
    private static final ObjectMapper JSON = new ObjectMapper();

    private InvalidationCodec() {
    }

    static byte[] encode(CacheInvalidation invalidation) {
        ObjectNode root = JSON.createObjectNode();
        root.put("v", VERSION);
        root.put("origin", invalidation.origin());
        ArrayNode keys = root.putArray("keys");
        invalidation.storageKeys().forEach(keys::add);
        ArrayNode tags = root.putArray("tags");
        invalidation.tags().forEach(tags::add);
        try {
            return JSON.writeValueAsBytes(root);
        } catch (IOException e) {
            throw new IllegalStateException("a JSON tree of strings always writes", e);
        }
    }

    /**
     * Reads a message.
     *
     * @throws IllegalArgumentException when it is not a message of this format
     */
    static CacheInvalidation decode(byte[] message) {
        JsonNode root;
        try {
            root = JSON.readTree(message);
        } catch (IOException e) {
            throw new IllegalArgumentException("not JSON: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject() || root.path("v").asInt() != VERSION || !root.path("origin").isTextual()) {
            throw new IllegalArgumentException("not an invalidation of format " + VERSION);
        }
        return new CacheInvalidation(root.get("origin").asText(), strings(root.path("keys")),
                strings(root.path("tags")));
    }

    private static Set<String> strings(JsonNode array) {
        if (!array.isArray()) {
            throw new IllegalArgumentException("keys and tags must be arrays");
        }
        Set<String> out = new LinkedHashSet<>();
        for (JsonNode n : array) {
            if (!n.isTextual()) {
                throw new IllegalArgumentException("keys and tags must be strings");
            }
            out.add(n.asText());
        }
        return out;
    }
}
