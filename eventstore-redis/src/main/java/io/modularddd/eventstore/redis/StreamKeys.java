package io.modularddd.eventstore.redis;

import io.modularddd.core.AggregateId;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * The Redis key layout of the hot tier.
 *
 * <p>A stream's events live in the sorted set {@code <prefix>:{<encoded id>}:s}; its epoch token
 * (changed by every drop, see {@link RedisOps}) in {@code <prefix>:{<encoded id>}:e}. The braces make
 * the encoded id the key's hash tag, so both keys of a stream sit in one cluster slot and can be
 * used together in a MULTI/EXEC or a WATCH on Redis Cluster.
 *
 * <p>The id is percent-encoded over its UTF-8 bytes, keeping only {@code A-Z a-z 0-9 - . _ ~}
 * literal. That encoding is injective (it decodes back exactly), and its output holds none of
 * Redis's glob characters ({@code * ? [ ] \}), no brace (so an id can never move or split the hash
 * tag) and no colon (so an id can never look like a prefix boundary). The prefix is restricted to
 * {@code [A-Za-z0-9_.-]} segments joined by single colons; it therefore never contains a brace
 * either, which makes the pattern {@code <prefix>:{*}:[se]} match exactly the keys of this prefix
 * and never those of a longer prefix such as {@code <prefix>:more}.
 */
final class StreamKeys {

    static final String DEFAULT_PREFIX = "modularddd:hot";
    static final int MAX_PREFIX_LENGTH = 64;

    private static final Pattern PREFIX = Pattern.compile("[A-Za-z0-9_.-]+(?::[A-Za-z0-9_.-]+)*");
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private final String prefix;

    StreamKeys(String prefix) {
        this.prefix = checkPrefix(prefix);
    }

    /**
     * Validates a key prefix.
     *
     * @param prefix the prefix
     * @return the prefix
     * @throws IllegalArgumentException naming the setting, the value and the rule
     */
    static String checkPrefix(String prefix) {
        if (prefix == null) {
            throw new IllegalArgumentException("keyPrefix must not be null; use e.g. \"" + DEFAULT_PREFIX + "\"");
        }
        if (prefix.length() > MAX_PREFIX_LENGTH || !PREFIX.matcher(prefix).matches()) {
            throw new IllegalArgumentException("keyPrefix must be 1 to " + MAX_PREFIX_LENGTH + " characters of "
                    + "[A-Za-z0-9_.-] in segments joined by single ':' (no leading, trailing or double ':', no "
                    + "braces, spaces or glob characters) but was " + quote(prefix) + "; use e.g. \""
                    + DEFAULT_PREFIX + "\" or \"myapp:events\".");
        }
        return prefix;
    }

    private static String quote(String value) {
        StringBuilder sb = new StringBuilder("\"");
        int shown = Math.min(value.length(), 80);
        for (int i = 0; i < shown; i++) {
            char c = value.charAt(i);
            sb.append(Character.isISOControl(c) ? String.format("\\u%04X", (int) c) : String.valueOf(c));
        }
        return sb.append(value.length() > shown ? "…\"" : "\"").toString();
    }

    String prefix() {
        return prefix;
    }

    StreamKey of(AggregateId id) {
        String tag = encode(id.value());
        String base = prefix + ":{" + tag + "}:";
        return new StreamKey(base + "s", base + "e");
    }

    /**
     * The SCAN MATCH pattern of every key of this prefix (sets and epochs).
     *
     * @return the pattern, with the prefix glob-escaped
     */
    String scanPattern() {
        return globEscape(prefix) + ":{*}:[se]";
    }

    /**
     * Percent-encodes the UTF-8 bytes of a string, keeping {@code A-Z a-z 0-9 - . _ ~} literal.
     *
     * @param value the string (well-formed UTF-16)
     * @return the encoded form, ASCII only
     */
    static String encode(String value) {
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        StringBuilder sb = new StringBuilder(utf8.length + 8);
        for (byte b : utf8) {
            int u = b & 0xFF;
            if (isUnreserved(u)) {
                sb.append((char) u);
            } else {
                sb.append('%').append(HEX[u >>> 4]).append(HEX[u & 0x0F]);
            }
        }
        return sb.toString();
    }

    /**
     * Reverses {@link #encode(String)}.
     *
     * @param encoded an encoded string
     * @return the original string
     * @throws IllegalArgumentException when the input is not a valid encoding
     */
    static String decode(String encoded) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(encoded.length());
        for (int i = 0; i < encoded.length(); i++) {
            char c = encoded.charAt(i);
            if (c == '%') {
                if (i + 2 >= encoded.length()) {
                    throw new IllegalArgumentException("truncated escape at index " + i);
                }
                int hi = Character.digit(encoded.charAt(i + 1), 16);
                int lo = Character.digit(encoded.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    throw new IllegalArgumentException("bad escape at index " + i);
                }
                out.write(hi << 4 | lo);
                i += 2;
            } else if (c < 128 && isUnreserved(c)) {
                out.write(c);
            } else {
                throw new IllegalArgumentException("character " + (int) c + " at index " + i + " is not allowed");
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static boolean isUnreserved(int c) {
        return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
                || c == '-' || c == '.' || c == '_' || c == '~';
    }

    /**
     * Escapes a literal for a Redis glob pattern: every {@code * ? [ ] \} gets a backslash, so the
     * result matches exactly the literal.
     *
     * @param literal the text to match literally
     * @return the escaped pattern
     */
    static String globEscape(String literal) {
        StringBuilder sb = new StringBuilder(literal.length() + 4);
        for (int i = 0; i < literal.length(); i++) {
            char c = literal.charAt(i);
            if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') {
                sb.append('\\');
            }
            sb.append(c);
        }
        return sb.toString();
    }
}
