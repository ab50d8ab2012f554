package io.modularddd.core.health;

import io.modularddd.core.internal.Checks;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a {@link HealthIndicator} found: up or down, with details (strings only, in a stable order, never a
 * secret).
 *
 * <pre>{@code
 * return Health.up(Map.of("version", "7.2.4", "role", "master"));
 * return Health.down(Map.of("error", "connection refused"));
 * }</pre>
 *
 * @param status the status
 * @param detail what was seen, e.g. {@code headPosition=1042}, {@code lag.orders=12}, {@code error=...}
 */
public record Health(Status status, Map<String, String> detail) {

    /** Up or down. */
    public enum Status {
        /** The dependency is usable. */
        UP,
        /** The dependency is not usable, or is past a configured limit. */
        DOWN
    }

    /**
     * Validates and copies the detail, keeping its order.
     *
     * @param status the status
     * @param detail the detail; no null key or value
     * @throws io.modularddd.core.InvalidInputException when an argument, a key or a value is null
     */
    public Health {
        Checks.notNull("status", status);
        Checks.notNull("detail", detail);
        Map<String, String> copy = new LinkedHashMap<>();
        detail.forEach((k, v) -> copy.put(Checks.notNull("detail key", k), Checks.notNull("detail '" + k + "'", v)));
        detail = Collections.unmodifiableMap(copy);
    }

    /**
     * An up answer.
     *
     * @param detail what was seen
     * @return the health
     */
    public static Health up(Map<String, String> detail) {
        return new Health(Status.UP, detail);
    }

    /**
     * A down answer.
     *
     * @param detail what was seen, e.g. the error
     * @return the health
     */
    public static Health down(Map<String, String> detail) {
        return new Health(Status.DOWN, detail);
    }

    /**
     * Tells whether this is up.
     *
     * @return {@code true} when {@link Status#UP}
     */
    public boolean isUp() {
        return status == Status.UP;
    }
}
