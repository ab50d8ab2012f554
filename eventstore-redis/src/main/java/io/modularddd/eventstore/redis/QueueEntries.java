package io.modularddd.eventstore.redis;

import io.modularddd.core.InvalidInputException;
import io.modularddd.core.queue.DeadLetter;
import io.modularddd.core.queue.QueuedCommand;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The fields of {@link RedisCommandQueue}'s stream entries, and their decoding.
 *
 * <p>A queue entry holds {@code id} (the command id), {@code type} (its registered type name),
 * {@code payload} (the encoded command, raw bytes), {@code attempts} (how many attempts earlier entries of
 * the same command had: 0 when sent, n when re-added after the n-th attempt failed) and, on a re-added
 * entry, {@code error} (what the last attempt said). A dead-letter entry holds {@code id}, {@code type},
 * {@code payload}, {@code attempts} (how many attempts it had), {@code error} and {@code entry} (the id of
 * the queue entry it came from); when it was moved aside is the time in its own stream id.
 *
 * <p>Decoding never throws: an entry that lacks a field, or whose fields do not make a valid command, is
 * returned as {@linkplain Entry#damage() damaged}, with a stand-in command built from what is there, so the
 * queue can move it to the dead letters instead of losing it or delivering it again and again.
 */
final class QueueEntries {

    static final byte[] ID = ascii("id");
    static final byte[] TYPE = ascii("type");
    static final byte[] PAYLOAD = ascii("payload");
    static final byte[] ATTEMPTS = ascii("attempts");
    static final byte[] ERROR = ascii("error");
    static final byte[] ENTRY = ascii("entry");

    /** The longest error text kept with an entry. */
    static final int MAX_ERROR_CHARS = 2_000;
    /** The type name of a stand-in command for a damaged entry without a usable type. */
    static final String UNKNOWN_TYPE = "unknown";

    private QueueEntries() {
    }

    /**
     * A decoded stream entry.
     *
     * @param entryId          the stream entry id
     * @param command          the command, or a stand-in when damaged
     * @param previousAttempts attempts of earlier entries of the same command
     * @param error            the {@code error} field, or null
     * @param damage           why the entry is damaged, or null when it is whole
     */
    record Entry(String entryId, QueuedCommand command, int previousAttempts, String error, String damage) {
    }

    /** The fields of a new queue entry. */
    static List<byte[]> queueFields(QueuedCommand command, int previousAttempts, String error) {
        List<byte[]> fields = new ArrayList<>(10);
        add(fields, ID, utf8(command.commandId()));
        add(fields, TYPE, utf8(command.typeName()));
        add(fields, PAYLOAD, command.payload());
        add(fields, ATTEMPTS, ascii(Integer.toString(previousAttempts)));
        if (error != null) {
            add(fields, ERROR, utf8(error));
        }
        return fields;
    }

    /** The fields of a dead-letter entry. */
    static List<byte[]> deadFields(QueuedCommand command, int attempts, String error, String fromEntry) {
        List<byte[]> fields = new ArrayList<>(12);
        add(fields, ID, utf8(command.commandId()));
        add(fields, TYPE, utf8(command.typeName()));
        add(fields, PAYLOAD, command.payload());
        add(fields, ATTEMPTS, ascii(Integer.toString(attempts)));
        add(fields, ERROR, utf8(shorten(error)));
        add(fields, ENTRY, ascii(fromEntry));
        return fields;
    }

    private static void add(List<byte[]> fields, byte[] name, byte[] value) {
        fields.add(name);
        fields.add(value);
    }

    /** Cuts an error text to {@link #MAX_ERROR_CHARS}, never in the middle of a surrogate pair. */
    static String shorten(String error) {
        if (error.length() <= MAX_ERROR_CHARS) {
            return error;
        }
        int end = MAX_ERROR_CHARS - 1;
        if (Character.isHighSurrogate(error.charAt(end - 1))) {
            end--;
        }
        return error.substring(0, end) + "…";
    }

    /**
     * Decodes one entry of a reply ({@code [id, [field, value, ...]]}).
     *
     * @param raw the reply element
     * @return the entry, possibly damaged
     */
    static Entry decode(Object raw) {
        if (!(raw instanceof List<?> pair) || pair.size() != 2 || !(pair.get(0) instanceof byte[] idBytes)) {
            throw new IllegalStateException("not a stream entry: " + raw);
        }
        String entryId = new String(idBytes, StandardCharsets.US_ASCII);
        Map<String, byte[]> fields = fields(pair.get(1));
        List<String> problems = new ArrayList<>();
        String commandId = text(fields, "id", problems);
        String type = text(fields, "type", problems);
        byte[] payload = fields.get("payload");
        if (payload == null) {
            problems.add("field 'payload' is missing");
        }
        int attempts = 0;
        String attemptsText = text(fields, "attempts", problems);
        if (attemptsText != null) {
            try {
                attempts = Integer.parseInt(attemptsText);
            } catch (NumberFormatException e) {
                attempts = -1;
            }
            if (attempts < 0 || attempts > 1_000_000) {
                problems.add("field 'attempts' is not a count: " + attemptsText);
                attempts = 0;
            }
        }
        byte[] errorBytes = fields.get("error");
        String error = errorBytes == null ? null : new String(errorBytes, StandardCharsets.UTF_8);
        QueuedCommand command = null;
        if (problems.isEmpty()) {
            try {
                command = new QueuedCommand(commandId, type, payload);
            } catch (InvalidInputException e) {
                problems.add(e.getMessage());
            }
        }
        if (command != null) {
            return new Entry(entryId, command, attempts, error, null);
        }
        String damage = "stream entry " + entryId + " is damaged: " + String.join("; ", problems) + " (fields present: "
                + fields.keySet() + ")";
        return new Entry(entryId, standIn(entryId, commandId, type, payload), attempts, error, damage);
    }

    /** A valid command built from what a damaged entry holds. */
    private static QueuedCommand standIn(String entryId, String commandId, String type, byte[] payload) {
        String id = "damaged-entry-" + entryId;
        if (commandId != null) {
            try {
                id = new QueuedCommand(commandId, UNKNOWN_TYPE, new byte[0]).commandId();
            } catch (InvalidInputException e) {
                // keep the stand-in id
            }
        }
        String typeName = UNKNOWN_TYPE;
        if (type != null) {
            try {
                typeName = new QueuedCommand(id, type, new byte[0]).typeName();
            } catch (InvalidInputException e) {
                // keep the stand-in type
            }
        }
        return new QueuedCommand(id, typeName, payload == null ? new byte[0] : payload);
    }

    /**
     * Decodes one entry of the dead-letter stream. A damaged one (written by something else) is still
     * listed, with a stand-in command and the damage in its error.
     */
    static DeadLetter decodeDead(String queue, Object raw) {
        Entry e = decode(raw);
        String error = e.error() == null ? "" : e.error();
        if (e.damage() != null) {
            error = "dead-letter " + e.damage() + (error.isEmpty() ? "" : "; error: " + error);
        }
        return new DeadLetter(queue, e.command(), e.previousAttempts(), error, Instant.ofEpochMilli(millisOf(e.entryId())));
    }

    /** The milliseconds part of a stream id ({@code <ms>-<seq>}), or 0 when it has none. */
    static long millisOf(String entryId) {
        int dash = entryId.indexOf('-');
        try {
            return Long.parseLong(dash < 0 ? entryId : entryId.substring(0, dash));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static Map<String, byte[]> fields(Object raw) {
        Map<String, byte[]> fields = new LinkedHashMap<>();
        if (raw instanceof List<?> list) {
            for (int i = 0; i + 1 < list.size(); i += 2) {
                if (list.get(i) instanceof byte[] name && list.get(i + 1) instanceof byte[] value) {
                    fields.putIfAbsent(new String(name, StandardCharsets.UTF_8), value);
                }
            }
        }
        return fields;
    }

    /** A field as strict UTF-8 text, or null (with a problem noted) when it is missing or not UTF-8. */
    private static String text(Map<String, byte[]> fields, String name, List<String> problems) {
        byte[] value = fields.get(name);
        if (value == null) {
            problems.add("field '" + name + "' is missing");
            return null;
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(value)).toString();
        } catch (CharacterCodingException e) {
            problems.add("field '" + name + "' is not UTF-8");
            return null;
        }
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
