package io.modularddd.core.internal;

import io.modularddd.core.InvalidInputException;

/**
 * Argument checks shared by the value types and the stores. Every failure is an
 * {@link InvalidInputException} whose message names the argument, shows the bad value (escaped,
 * shortened) and says what a valid value looks like.
 *
 * <p>Internal API: may change without notice.
 */
public final class Checks {

    private static final int SHOWN_CHARS = 40;

    private Checks() {
    }

    /**
     * Requires a non-null argument.
     *
     * @param argument the argument's name
     * @param value    the value
     * @param <T>      the value's type
     * @return the value
     * @throws InvalidInputException when the value is null
     */
    public static <T> T notNull(String argument, T value) {
        if (value == null) {
            throw new InvalidInputException(argument, argument + " must not be null");
        }
        return value;
    }

    /**
     * Requires a name-like string: not null, not blank, no leading or trailing whitespace, no control
     * characters, well-formed UTF-16 (no lone surrogates, which cannot be stored as UTF-8), and at most
     * {@code maxCodePoints} characters (counted as Unicode code points, as databases count them).
     *
     * @param argument      the argument's name
     * @param value         the value
     * @param maxCodePoints the longest allowed value
     * @param example       a valid example, quoted in the message
     * @return the value
     * @throws InvalidInputException when a rule is broken
     */
    public static String identifier(String argument, String value, int maxCodePoints, String example) {
        notNull(argument, value);
        if (value.isBlank()) {
            throw new InvalidInputException(argument, argument + " must not be blank; pass a value such as \""
                    + example + "\"");
        }
        int codePoints = scan(argument, value, true);
        if (codePoints > maxCodePoints) {
            throw new InvalidInputException(argument, argument + " must be at most " + maxCodePoints
                    + " characters but has " + codePoints + ": " + show(value)
                    + ". Use a shorter value (a UUID has 36 characters).");
        }
        if (Character.isWhitespace(value.charAt(0)) || Character.isWhitespace(value.charAt(value.length() - 1))) {
            throw new InvalidInputException(argument, argument + " must not start or end with whitespace: "
                    + show(value) + ". Trim it; databases compare such values inconsistently.");
        }
        return value;
    }

    /**
     * Requires well-formed UTF-16 text (no lone surrogates) of at most {@code maxChars} chars. Control
     * characters are allowed.
     *
     * @param argument the argument's name
     * @param value    the value
     * @param maxChars the longest allowed value, in chars
     * @return the value
     * @throws InvalidInputException when a rule is broken
     */
    public static String text(String argument, String value, int maxChars) {
        notNull(argument, value);
        if (value.length() > maxChars) {
            throw new InvalidInputException(argument, argument + " must be at most " + maxChars
                    + " characters but has " + value.length() + ": " + show(value));
        }
        scan(argument, value, false);
        return value;
    }

    /**
     * Requires {@code value >= 1}.
     *
     * @param argument the argument's name
     * @param value    the value
     * @param meaning  what the number is, for the message (e.g. "versions start at 1")
     * @return the value
     * @throws InvalidInputException when the value is zero or negative
     */
    public static long positive(String argument, long value, String meaning) {
        if (value < 1) {
            throw new InvalidInputException(argument, argument + " must be at least 1 but was " + value + "; "
                    + meaning);
        }
        return value;
    }

    /**
     * Renders a value for an error message: quoted, control characters escaped, long values cut.
     *
     * @param value the value
     * @return the printable form
     */
    public static String show(String value) {
        StringBuilder sb = new StringBuilder("\"");
        int limit = Math.min(value.length(), SHOWN_CHARS);
        if (limit < value.length() && Character.isHighSurrogate(value.charAt(limit - 1))) {
            limit--; // never cut a surrogate pair in half
        }
        for (int i = 0; i < limit; i++) {
            char c = value.charAt(i);
            boolean pairedHigh = Character.isHighSurrogate(c) && i + 1 < value.length()
                    && Character.isLowSurrogate(value.charAt(i + 1));
            boolean pairedLow = Character.isLowSurrogate(c) && i > 0 && Character.isHighSurrogate(value.charAt(i - 1));
            if (Character.isISOControl(c) || Character.isSurrogate(c) && !pairedHigh && !pairedLow) {
                sb.append(String.format("\\u%04X", (int) c));
            } else {
                sb.append(c);
            }
        }
        sb.append('"');
        if (value.length() > limit) {
            sb.append("… (").append(value.length()).append(" chars)");
        }
        return sb.toString();
    }

    /**
     * Finds the first lone surrogate: a high surrogate not followed by a low one, or a low surrogate not
     * preceded by a high one. Such a string is not valid Unicode and has no UTF-8 form.
     *
     * @param value the text
     * @return the index of the first lone surrogate, or {@code -1} when the text is well-formed
     */
    public static int loneSurrogate(CharSequence value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 >= value.length() || !Character.isLowSurrogate(value.charAt(i + 1))) {
                    return i;
                }
                i++;
            } else if (Character.isLowSurrogate(c)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Walks a string once: rejects lone surrogates (and, if asked, control characters) and counts the
     * code points.
     */
    private static int scan(String argument, String value, boolean rejectControl) {
        int codePoints = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 >= value.length() || !Character.isLowSurrogate(value.charAt(i + 1))) {
                    throw malformed(argument, value, i);
                }
                i++;
            } else if (Character.isLowSurrogate(c)) {
                throw malformed(argument, value, i);
            } else if (rejectControl && Character.isISOControl(c)) {
                throw new InvalidInputException(argument, argument + " must not contain control characters; found "
                        + String.format("U+%04X", (int) c) + " at index " + i + " in " + show(value)
                        + ". Remove or encode it.");
            }
            codePoints++;
        }
        return codePoints;
    }

    private static InvalidInputException malformed(String argument, String value, int index) {
        return new InvalidInputException(argument, argument + " contains a lone surrogate "
                + String.format("U+%04X", (int) value.charAt(index)) + " at index " + index + " in " + show(value)
                + "; it is not valid Unicode and cannot be stored as UTF-8. Fix the string's encoding.");
    }
}
