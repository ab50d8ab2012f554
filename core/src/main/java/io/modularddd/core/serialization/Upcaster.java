package io.modularddd.core.serialization;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One step of schema evolution: turns the stored JSON of an event type into the JSON of a newer type —
 * renaming a field, adding one with a default, splitting or merging fields, changing a field's type.
 * Registered with {@link EventTypeRegistry.Builder#upcast(String, String, Upcaster)}; steps chain
 * ({@code v1 -> v2 -> v3}) and the chains are composed once, when the registry is built.
 *
 * <pre>{@code
 * .upcast("account.opened.v1", "account.opened.v2", json -> {
 *     ObjectNode o = (ObjectNode) json;
 *     o.set("holder", o.remove("owner"));          // renamed
 *     o.put("currency", "EUR");                    // added, with the default old events imply
 *     return o;
 * })
 * }</pre>
 *
 * <p>A step works on the JSON tree of one event, may change it in place or return a new tree, and must
 * not return {@code null}. It runs on every read of an old event — events are never rewritten in
 * storage by reading — so it should be a pure function of its input. An exception it throws makes the
 * read fail with an {@link io.modularddd.core.UnreadableEventException} that names the stream, version,
 * position and the step.
 */
@FunctionalInterface
public interface Upcaster {

    /**
     * Upcasts one event's JSON.
     *
     * @param payload the event's JSON in the shape of the step's source type (usually an object node)
     * @return the JSON in the shape of the step's target type, never {@code null}
     */
    JsonNode upcast(JsonNode payload);
}
