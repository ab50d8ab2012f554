package io.modularddd.examples.docs.evolution;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modularddd.core.AggregateId;
import io.modularddd.core.InMemoryEventStore;
import io.modularddd.core.serialization.EventTypeRegistry;
import io.modularddd.core.serialization.UntypedJsonSerializer;

/** The samples of docs/evolution.md: the code between the tag markers is what the page shows. */
public final class EvolutionSamples {

    private EvolutionSamples() {
    }

    /**
     * An account opening in its third shape.
     *
     * @param first       the holder's first name
     * @param last        the holder's last name
     * @param amountCents the opening deposit, in cents
     * @param currency    its currency
     */
    public record AccountOpened(String first, String last, long amountCents, String currency) {
    }

    /**
     * The registry with the two upcaster steps from v1 to v3.
     *
     * @return the registry
     */
    public static EventTypeRegistry registry() {
        // tag::upcasters[]
        EventTypeRegistry registry = EventTypeRegistry.builder()
                .register("account.opened.v3", AccountOpened.class)          // the current shape
                .upcast("account.opened.v1", "account.opened.v2", json -> {  // v1 -> v2: amount as cents
                    ObjectNode o = (ObjectNode) json;
                    o.put("amountCents", Math.round(Double.parseDouble(o.remove("amount").asText()) * 100));
                    return o;
                })
                .upcast("account.opened.v2", "account.opened.v3", json -> {  // v2 -> v3: name split, currency added
                    ObjectNode o = (ObjectNode) json;
                    String[] parts = o.remove("name").asText().split(" ", 2);
                    o.put("first", parts[0]);
                    o.put("last", parts.length > 1 ? parts[1] : "");
                    o.put("currency", "EUR");
                    return o;
                })
                .build();
        // end::upcasters[]
        return registry;
    }

    /**
     * Reads a stream's first event as stored, without its class.
     *
     * @param store    the store
     * @param registry the registry
     * @param id       the stream
     * @return the first event's JSON
     */
    public static JsonNode untyped(InMemoryEventStore store, EventTypeRegistry registry, AggregateId id) {
        // tag::untyped[]
        InMemoryEventStore raw = store.withSerializer(UntypedJsonSerializer.raw());          // as stored
        InMemoryEventStore now = store.withSerializer(UntypedJsonSerializer.upcasting(registry)); // current shape
        JsonNode json = (JsonNode) raw.load(id).toList().get(0).payload();
        // end::untyped[]
        return json;
    }
}
