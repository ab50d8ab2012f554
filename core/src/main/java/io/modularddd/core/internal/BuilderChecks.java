package io.modularddd.core.internal;

import java.time.Duration;

/**
 * The validation vocabulary every builder of the library shares (ADR 0103), in the manner of
 * Caffeine's builder: a setter checks its value at once, and
 * <ul>
 *   <li>a bad value is an {@link IllegalArgumentException} whose message names the setting and the
 *       value ({@code "pageSize must be between 1 and 100000 but was 0"});</li>
 *   <li>a setting given twice is an {@link IllegalStateException}
 *       ({@code "pageSize was already set to 500; set each setting once"}) — one rule for every
 *       builder: a second call is a mistake (two places configuring one object), never an override;</li>
 *   <li>a combination of settings that cannot work is an {@link IllegalStateException} too, raised
 *       by the setter that completes it or by {@code build()}.</li>
 * </ul>
 * Builders configure rather than run, so these are not the {@code InvalidInputException}s of
 * {@link Checks} (ADR 0002, decision 7). A value that is a secret is never shown: callers pass what to
 * show for it.
 *
 * <p>Internal API: may change without notice.
 */
public final class BuilderChecks {

    private BuilderChecks() {
    }

    /**
     * Requires a non-null setting.
     *
     * @param setting the setting's name
     * @param value   the value
     * @param <T>     the value's type
     * @return the value
     * @throws IllegalArgumentException when the value is null
     */
    public static <T> T notNull(String setting, T value) {
        if (value == null) {
            throw new IllegalArgumentException(setting + " must not be null");
        }
        return value;
    }

    /**
     * Requires a non-null setting, saying what to do instead.
     *
     * @param setting the setting's name
     * @param value   the value
     * @param fix     appended to the message after a semicolon, e.g. {@code "leave it unset to detect it"}
     * @param <T>     the value's type
     * @return the value
     * @throws IllegalArgumentException when the value is null
     */
    public static <T> T notNull(String setting, T value, String fix) {
        if (value == null) {
            throw new IllegalArgumentException(setting + " must not be null; " + fix);
        }
        return value;
    }

    /**
     * Requires an int setting within {@code [min, max]}.
     *
     * @param setting the setting's name
     * @param value   the value
     * @param min     the smallest allowed value
     * @param max     the largest allowed value
     * @return the value
     * @throws IllegalArgumentException when out of range
     */
    public static int inRange(String setting, int value, int min, int max) {
        if (value < min || value > max) {
            throw outOfRange(setting, value, min, max);
        }
        return value;
    }

    /**
     * Requires a long setting within {@code [min, max]}.
     *
     * @param setting the setting's name
     * @param value   the value
     * @param min     the smallest allowed value
     * @param max     the largest allowed value
     * @return the value
     * @throws IllegalArgumentException when out of range
     */
    public static long inRange(String setting, long value, long min, long max) {
        if (value < min || value > max) {
            throw outOfRange(setting, value, min, max);
        }
        return value;
    }

    /**
     * Requires a non-null duration within {@code [min, max]}; durations are shown in ISO-8601
     * ({@code PT0.5S}), as {@link Duration#toString()} writes them.
     *
     * @param setting the setting's name
     * @param value   the value
     * @param min     the shortest allowed duration
     * @param max     the longest allowed duration
     * @return the value
     * @throws IllegalArgumentException when null or out of range
     */
    public static Duration inRange(String setting, Duration value, Duration min, Duration max) {
        notNull(setting, value);
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw outOfRange(setting, value, min, max);
        }
        return value;
    }

    /**
     * Refuses a setting given a second time.
     *
     * @param setting    the setting's name
     * @param alreadySet whether it was given before
     * @param shown      how to show the value it was set to (never a secret: pass {@code "***"} for one)
     * @throws IllegalStateException when {@code alreadySet}
     */
    public static void setOnce(String setting, boolean alreadySet, Object shown) {
        if (alreadySet) {
            throw new IllegalStateException(setting + " was already set to " + shown + "; set each setting once");
        }
    }

    /**
     * Refuses a combination of settings that cannot work.
     *
     * @param conflict whether the combination is present
     * @param message  what conflicts and what to do, e.g.
     *                 {@code "dataSource and jdbcUrl cannot be combined: give one of them"}
     * @throws IllegalStateException when {@code conflict}
     */
    public static void noConflict(boolean conflict, String message) {
        if (conflict) {
            throw new IllegalStateException(message);
        }
    }

    private static IllegalArgumentException outOfRange(String setting, Object value, Object min, Object max) {
        return new IllegalArgumentException(setting + " must be between " + min + " and " + max + " but was "
                + value);
    }
}
