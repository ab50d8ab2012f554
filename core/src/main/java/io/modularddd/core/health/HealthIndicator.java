package io.modularddd.core.health;

/**
 * Looks at one dependency — a database, a Redis, the projections, a queue — and says whether it is usable.
 *
 * <p>An implementation bounds its own work (a query or command timeout) and reports a failure as
 * {@link Health#down}, not as an exception; {@link HealthReport#check} still turns an exception or a hang into
 * a down answer, so one broken indicator cannot break or hang the whole check. The detail never holds a
 * password, a URL with credentials or any other secret. Thread-safe: checks may run concurrently.
 */
public interface HealthIndicator {

    /**
     * Returns the indicator's name, the key of its answer in a {@link HealthReport}.
     *
     * @return e.g. {@code "database"}, {@code "redis"}, {@code "projections"}, {@code "queue:high-priority"}
     */
    String name();

    /**
     * Looks at the dependency now.
     *
     * @return its health
     */
    Health check();
}
