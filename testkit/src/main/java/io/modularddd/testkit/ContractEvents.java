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

    /** The registry of the contract's event types. */
    public static final EventTypeRegistry REGISTRY = EventTypeRegistry.builder()
            .register("contract.happened.v1", Happened.class)
            .register("contract.blob.v1", Blob.class)
            .register("contract.unwritable.v1", Unwritable.class)
            .register("contract.unreadable.v1", Unreadable.class)
            .build();

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
}
