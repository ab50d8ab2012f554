package io.modularddd.testkit;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.modularddd.core.serialization.EventSerializer;
import io.modularddd.core.serialization.EventTypeRegistry;
import io.modularddd.core.serialization.JacksonEventSerializer;

/**
 * The event types the contract suites append, and a serializer that knows them.
 *
 * <p>{@link Happened} is the everyday event, {@link Blob} carries large payloads,
 * {@link Unregistered} is deliberately missing from the registry, and {@link Unwritable} is
 * registered but fails to serialize.
 */
public final class ContractEvents {

    /** The registry of the contract's event types. */
    public static final EventTypeRegistry REGISTRY = EventTypeRegistry.builder()
            .register("contract.happened.v1", Happened.class)
            .register("contract.blob.v1", Blob.class)
            .register("contract.unwritable.v1", Unwritable.class)
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
}
