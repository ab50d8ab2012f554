package io.modularddd.core.serialization;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modularddd.core.EventMetadata;
import io.modularddd.core.InvalidInputException;
import io.modularddd.core.SerializationException;
import io.modularddd.core.internal.Checks;
import java.io.IOException;

/**
 * Reads events without their classes: every payload becomes a Jackson {@link JsonNode} tree, whatever
 * its type name — registered or not, from this application or another. For tools, migrations, generic
 * consumers and readers that do not share the writers' classes. Never Jackson default typing: no class
 * is ever named by stored data, because no class is ever loaded.
 *
 * <ul>
 *   <li>{@link #raw()} returns each payload as stored, under its stored type name.</li>
 *   <li>{@link #upcasting(EventTypeRegistry)} runs the registry's upcasters first, so old events read in
 *       their current shape and under their current type name, still as trees.</li>
 * </ul>
 *
 * <p>Use it through a store that reads with it, e.g. {@code inMemoryStore.withSerializer(UntypedJsonSerializer.raw())}
 * or a {@code JdbcEventStore} built with it. It reads only: an append through it fails with
 * {@link InvalidInputException} (a tree carries no type name to store it under). Metadata reads and
 * writes as usual.
 */
public final class UntypedJsonSerializer implements EventSerializer {

    private static final EventTypeRegistry NONE = EventTypeRegistry.builder().build();

    private final EventTypeRegistry registry;
    private final boolean upcast;
    private final ObjectMapper mapper;
    private final JacksonEventSerializer metadata;

    private UntypedJsonSerializer(EventTypeRegistry registry, boolean upcast) {
        this.registry = registry;
        this.upcast = upcast;
        this.mapper = JacksonEventSerializer.newObjectMapper(JsonFactory.builder()
                .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8).build());
        this.metadata = JacksonEventSerializer.json(registry);
    }

    /**
     * Reads every payload as stored, as a tree, under its stored type name.
     *
     * @return the serializer
     */
    public static UntypedJsonSerializer raw() {
        return new UntypedJsonSerializer(NONE, false);
    }

    /**
     * Reads every payload as a tree after the registry's upcasters, under the type name the registry
     * reads it as; names the registry does not know are read as stored.
     *
     * @param registry the registry whose upcasters to apply
     * @return the serializer
     * @throws InvalidInputException when the registry is null
     */
    public static UntypedJsonSerializer upcasting(EventTypeRegistry registry) {
        return new UntypedJsonSerializer(Checks.notNull("registry", registry), true);
    }

    @Override
    public EventTypeRegistry registry() {
        return registry;
    }

    @Override
    public String readTypeName(String storedTypeName) {
        return upcast ? registry.currentTypeName(storedTypeName) : storedTypeName;
    }

    /**
     * Refuses: a tree carries no type name to be stored under.
     *
     * @throws InvalidInputException always
     */
    @Override
    public String typeName(Object payload) {
        throw readOnly();
    }

    /**
     * Refuses: this serializer reads only.
     *
     * @throws InvalidInputException always
     */
    @Override
    public byte[] serialize(Object payload) {
        throw readOnly();
    }

    private static InvalidInputException readOnly() {
        return new InvalidInputException("payload", "UntypedJsonSerializer reads only: a JSON tree carries no event "
                + "type name to be stored under. Append through a store built with JacksonEventSerializer and the "
                + "event's class.");
    }

    /**
     * Reads a payload as a tree, upcast when this serializer was made with {@link #upcasting}.
     *
     * @param typeName the stored type name
     * @param data     the stored JSON
     * @return the tree (a fresh one on every call)
     * @throws SerializationException when the bytes are not JSON, or an upcaster step fails
     */
    @Override
    public Object deserialize(String typeName, byte[] data) {
        JsonNode tree;
        try {
            tree = mapper.readTree(data);
        } catch (IOException e) {
            throw new SerializationException(typeName, "Stored event '" + typeName + "' is not valid JSON: "
                    + e.getMessage(), e);
        }
        if (tree == null || tree.isMissingNode() || tree.isNull()) {
            throw new SerializationException(typeName, "Stored event '" + typeName + "' has a null payload.", null);
        }
        if (upcast) {
            UpcastChain chain = registry.upcastOf(typeName).orElse(null);
            if (chain != null) {
                tree = chain.apply(tree);
            }
        }
        return tree;
    }

    @Override
    public byte[] serializeMetadata(EventMetadata value) {
        return metadata.serializeMetadata(value);
    }

    @Override
    public EventMetadata deserializeMetadata(byte[] data) {
        return metadata.deserializeMetadata(data);
    }

    @Override
    public String toString() {
        return upcast ? "UntypedJsonSerializer[upcasting " + registry + "]" : "UntypedJsonSerializer[raw]";
    }
}
