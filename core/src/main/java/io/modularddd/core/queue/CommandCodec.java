package io.modularddd.core.queue;

import io.modularddd.core.InvalidInputException;
import io.modularddd.core.SerializationException;
import io.modularddd.core.UnknownEventTypeException;
import io.modularddd.core.internal.Checks;
import io.modularddd.core.serialization.EventTypeRegistry;
import io.modularddd.core.serialization.JacksonEventSerializer;
import java.util.Set;

/**
 * Turns commands into {@link QueuedCommand}s and back, as JSON, through a registry of command type names:
 * the same mechanism as events ({@link EventTypeRegistry}), so a queue entry names a registered type and
 * never a class, and a class can be renamed or moved without breaking entries already queued.
 *
 * <pre>{@code
 * CommandCodec codec = CommandCodec.builder()
 *         .register("OpenAccount", OpenAccount.class)
 *         .register("Deposit", Deposit.class)
 *         .build();
 * QueuedCommand queued = codec.encode(commandId, new Deposit(accountId, 100));
 * Object command = codec.decode(queued);
 * }</pre>
 * Immutable and thread-safe.
 */
public final class CommandCodec {

    private final EventTypeRegistry registry;
    private final JacksonEventSerializer json;

    private CommandCodec(EventTypeRegistry registry, int maxPayloadBytes) {
        this.registry = registry;
        this.json = JacksonEventSerializer.builder(registry).maxPayloadBytes(maxPayloadBytes).build();
    }

    /**
     * Starts a codec.
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Encodes a command.
     *
     * @param commandId the command's id (see {@link QueuedCommand})
     * @param command   the command, of a registered type
     * @return the queued form
     * @throws InvalidInputException  when an argument is null or the command's type is not registered (the
     *                                message lists the registered names)
     * @throws SerializationException when Jackson cannot write the command
     */
    public QueuedCommand encode(String commandId, Object command) {
        Checks.notNull("command", command);
        String typeName;
        try {
            typeName = registry.typeNameOf(command.getClass());
        } catch (UnknownEventTypeException e) {
            throw new InvalidInputException("command", "command type " + command.getClass().getName()
                    + " is not registered with the CommandCodec; register it with .register(\"Name\", "
                    + command.getClass().getSimpleName() + ".class). Registered: " + registry.typeNames());
        }
        try {
            return new QueuedCommand(commandId, typeName, json.serialize(command));
        } catch (SerializationException e) {
            throw new SerializationException(typeName, "could not serialize command '" + typeName + "' ("
                    + command.getClass().getName() + ") for the queue: make it writable by Jackson (a record, or "
                    + "public getters)", e);
        }
    }

    /**
     * Decodes a queued command.
     *
     * @param queued the queued form
     * @return the command
     * @throws SerializationException when the entry's type is not registered or its payload does not decode
     *                                into the registered class (the message names the type and the command id)
     */
    public Object decode(QueuedCommand queued) {
        Checks.notNull("queued", queued);
        try {
            return json.deserialize(queued.typeName(), queued.payload());
        } catch (UnknownEventTypeException e) {
            throw new SerializationException(queued.typeName(), "queued command " + queued.commandId()
                    + " has type '" + queued.typeName() + "', which this codec does not know; register it. Known: "
                    + registry.typeNames(), e);
        } catch (SerializationException e) {
            throw new SerializationException(queued.typeName(), "queued command " + queued.commandId() + " of type '"
                    + queued.typeName() + "' does not decode into " + registry.classOf(queued.typeName()).getName()
                    + ": " + e.getMessage(), e);
        }
    }

    /**
     * Returns the registered type names.
     *
     * @return the names
     */
    public Set<String> typeNames() {
        return registry.typeNames();
    }

    /** Builds a {@link CommandCodec}. */
    public static final class Builder {

        private final EventTypeRegistry.Builder types = EventTypeRegistry.builder();
        private int maxPayloadBytes = JacksonEventSerializer.DEFAULT_MAX_PAYLOAD_BYTES;

        private Builder() {
        }

        /**
         * Registers a command type under a stable name.
         *
         * @param typeName     the name stored in queue entries (letters, digits, {@code ._:/$-})
         * @param commandClass the class
         * @return this builder
         * @throws InvalidInputException when the name is malformed or taken, or the class is registered twice
         */
        public Builder register(String typeName, Class<?> commandClass) {
            types.register(typeName, commandClass);
            return this;
        }

        /**
         * Sets the largest encoded command (default 8 MiB).
         *
         * @param bytes the limit
         * @return this builder
         */
        public Builder maxPayloadBytes(int bytes) {
            this.maxPayloadBytes = bytes;
            return this;
        }

        /**
         * Builds the codec.
         *
         * @return the codec
         */
        public CommandCodec build() {
            return new CommandCodec(types.build(), maxPayloadBytes);
        }
    }
}
