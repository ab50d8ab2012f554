package io.modularddd.core.command;

import io.modularddd.core.internal.Checks;

/**
 * One broken rule of a command: which part of it, and what is wrong.
 *
 * @param path    the field or path the rule concerns, e.g. {@code "amount"} or {@code "lines[2].sku"};
 *                empty for a rule about the whole command
 * @param message what is wrong and what a valid value looks like, e.g. {@code "must be positive but was -5"}
 */
public record Violation(String path, String message) {

    /**
     * Checks the fields.
     *
     * @param path    the field or path, not null (may be empty)
     * @param message what is wrong, not blank
     * @throws io.modularddd.core.InvalidInputException when a field is null or the message blank
     */
    public Violation {
        Checks.notNull("path", path);
        Checks.notNull("message", message);
        if (message.isBlank()) {
            throw new io.modularddd.core.InvalidInputException("message",
                    "a violation's message must not be blank; say what is wrong, e.g. \"must be positive\"");
        }
    }

    /**
     * A violation of a field.
     *
     * @param path    the field or path
     * @param message what is wrong
     * @return the violation
     */
    public static Violation of(String path, String message) {
        return new Violation(path, message);
    }

    @Override
    public String toString() {
        return path.isEmpty() ? message : path + ": " + message;
    }
}
