package io.modularddd.core.queue;

import io.modularddd.core.internal.Checks;
import java.util.Arrays;

/**
 * A command as a queue carries it: its id, its registered type name and its encoded form.
 *
 * <p>The id makes sending idempotent: a queue accepts one command per id and ignores the same id sent
 * again (see {@link CommandQueue#send}). Use an id the sender can repeat after a crash — e.g. one derived
 * from the request that caused the command — rather than a fresh random one per attempt. The payload array
 * is not copied; do not change it.
 *
 * @param commandId the command's id: not blank, at most {@value #MAX_ID_CHARS} characters
 * @param typeName  the command type's registered name ({@link CommandCodec})
 * @param payload   the encoded command
 */
public record QueuedCommand(String commandId, String typeName, byte[] payload) {

    /** The longest command id, in characters. */
    public static final int MAX_ID_CHARS = 128;

    /**
     * Checks the fields.
     *
     * @param commandId the command's id
     * @param typeName  the command type's registered name
     * @param payload   the encoded command
     * @throws io.modularddd.core.InvalidInputException when a field is null, blank or too long
     */
    public QueuedCommand {
        Checks.identifier("commandId", commandId, MAX_ID_CHARS, "9b2f0c1e-7d1a-4d5e-8f3a-2c6b1e0d9a47");
        Checks.identifier("typeName", typeName, 100, "OpenAccount");
        Checks.notNull("payload", payload);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof QueuedCommand && ((QueuedCommand) o).commandId.equals(commandId)
                && ((QueuedCommand) o).typeName.equals(typeName) && Arrays.equals(((QueuedCommand) o).payload, payload);
    }

    @Override
    public int hashCode() {
        return commandId.hashCode();
    }

    @Override
    public String toString() {
        return "QueuedCommand[" + typeName + " " + commandId + ", " + payload.length + " bytes]";
    }
}
