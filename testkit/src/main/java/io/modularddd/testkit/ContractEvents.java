package io.modularddd.testkit;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.modularddd.core.serialization.EventSerializer;
import io.modularddd.core.serialization.EventTypeRegistry;
import io.modularddd.core.serialization.JacksonEventSerializer;

/**
 * The event types the contract suites append, and a serializer that knows them.
 *
 * <p>{@link Happened} is the everyday event, {@link Blob} carries large payloads,
 * {@link Unregistered} is deliberately missing from the registry, {@link Unwritable} is
 * registered but fails to serialize, and {@link Unreadable} is stored but fails to deserialize.
 */
public final class ContractEvents {

    /** The old type of {@link NoteV1}: the contract's writers store it, evolved readers upcast it. */
    public static final String NOTE_V1 = "contract.note.v1";
    /** The current type of the note, {@link NoteV3}. */
    public static final String NOTE_V3 = "contract.note.v3";

    /** The registry of the contract's event types. */
    public static final EventTypeRegistry REGISTRY = EventTypeRegistry.builder()
            .register("contract.happened.v1", Happened.class)
            .register("contract.blob.v1", Blob.class)
            .register("contract.unwritable.v1", Unwritable.class)
            .register("contract.unreadable.v1", Unreadable.class)
            .register(NOTE_V1, NoteV1.class)
            .build();

    /**
     * The contract's registry as a later version of the application has it: {@link NoteV1} is gone,
     * its stored events are upcast {@code v1 -> v2 -> v3} (the name split in two, then a currency
     * added), read as {@link NoteV3}.
     */
    public static final EventTypeRegistry EVOLVED = evolved(false);

    private static EventTypeRegistry evolved(boolean failing) {
        return EventTypeRegistry.builder()
                .register("contract.happened.v1", Happened.class)
                .register(NOTE_V3, NoteV3.class)
                .upcast(NOTE_V1, "contract.note.v2", json -> {
                    com.fasterxml.jackson.databind.node.ObjectNode o = (com.fasterxml.jackson.databind.node.ObjectNode) json;
                    String[] parts = o.remove("name").asText().split(" ", 2);
                    o.put("first", parts[0]);
                    o.put("last", parts.length > 1 ? parts[1] : "");
                    return o;
                })
                .upcast("contract.note.v2", NOTE_V3, json -> {
                    if (failing) {
                        throw new IllegalStateException("this step always fails");
                    }
                    return ((com.fasterxml.jackson.databind.node.ObjectNode) json).put("currency", "EUR");
                })
                .build();
    }

    /**
     * Returns a serializer of {@link #EVOLVED}.
     *
     * @return the serializer
     */
    public static EventSerializer evolvedSerializer() {
        return JacksonEventSerializer.json(EVOLVED);
    }

    /**
     * Returns a serializer like {@link #evolvedSerializer()} whose step {@code v2 -> v3} always throws.
     *
     * @return the serializer
     */
    public static EventSerializer failingEvolvedSerializer() {
        return JacksonEventSerializer.json(evolved(true));
    }

    private ContractEvents() {
    }

    /**
     * Returns a JSON serializer for the contract's event types.
     *
     * @return the serializer
     */
    public static EventSerializer serializer() {
        return JacksonEventSerializer.json(REGISTRY);
    }

    /**
     * An ordinary event.
     *
     * @param text some text
     * @param n    a number
     */
    public record Happened(String text, long n) {
    }

    /**
     * An event with a large payload.
     *
     * @param data the payload
     */
    public record Blob(String data) {
    }

    /**
     * An event whose class is not registered.
     *
     * @param text some text
     */
    public record Unregistered(String text) {
    }

    /**
     * A registered event that cannot be serialized: its only property throws.
     */
    public static final class Unwritable {
        /**
         * Always fails.
         *
         * @return never
         */
        public String getValue() {
            throw new IllegalStateException("this event cannot be written");
        }

        /**
         * Ignored marker so Jackson sees a bean.
         *
         * @return nothing useful
         */
        @JsonIgnore
        public String getIgnored() {
            return "";
        }
    }

    /**
     * A registered event that is written normally but cannot be read back, as an event whose class
     * changed incompatibly after it was stored: its Jackson creator always throws.
     */
    public static final class Unreadable {
        private final String text;

        /**
         * Creates the event (for writing).
         *
         * @param text some text
         */
        public Unreadable(String text) {
            this.text = text;
        }

        /**
         * Always fails: what Jackson calls to read the event back.
         *
         * @param text the stored text
         * @return never
         */
        @JsonCreator
        static Unreadable read(@JsonProperty("text") String text) {
            throw new IllegalStateException("this event cannot be read back");
        }

        /**
         * Returns the text.
         *
         * @return the text
         */
        public String getText() {
            return text;
        }
    }

    /**
     * A note in its first shape: one name field.
     *
     * @param name a full name
     */
    public record NoteV1(String name) {
    }

    /**
     * The note in its current shape.
     *
     * @param first    the first name
     * @param last     the rest of the name
     * @param currency added in v3, {@code EUR} for old notes
     */
    public record NoteV3(String first, String last, String currency) {
    }
}
