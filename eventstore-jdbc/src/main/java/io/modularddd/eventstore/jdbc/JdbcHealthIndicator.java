package io.modularddd.eventstore.jdbc;

import io.modularddd.core.health.Health;
import io.modularddd.core.health.HealthIndicator;
import io.modularddd.core.internal.Checks;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.sql.DataSource;

/**
 * A {@link HealthIndicator} for a database: either a {@link JdbcEventStore} — one {@code headPosition()} read
 * ({@code SELECT MAX(sequence_number)}, the end of the primary key) on the store's read pool — or any
 * {@link DataSource}, checked with {@link Connection#isValid(int)}.
 *
 * <pre>{@code
 * HealthIndicator db = JdbcHealthIndicator.of(store);
 * // UP   {dialect=MARIADB, table=event_store, headPosition=10412, queryMillis=1}
 * // DOWN {dialect=MARIADB, table=event_store, error=EventStoreException: ... jdbc:mariadb://db:3306/app?password=*** ...}
 * HealthIndicator replica = JdbcHealthIndicator.of("replica", readReplica, Duration.ofSeconds(1));
 * // UP   {database=MariaDB 11.4.2, validMillis=3}
 * }</pre>
 *
 * <p>The detail never shows a password: an error's text passes through the same masking as the store's own
 * messages (credentials in a JDBC URL replaced by {@code ***}). How long a check may take is bounded by the
 * pool's connection timeout and, for the data-source form, the validation timeout; a {@link
 * io.modularddd.core.health.HealthReport} bounds it in any case. Thread-safe.
 */
public final class JdbcHealthIndicator implements HealthIndicator {

    private final String name;
    private final JdbcEventStore store;
    private final DataSource dataSource;
    private final int validSeconds;

    private JdbcHealthIndicator(String name, JdbcEventStore store, DataSource dataSource, int validSeconds) {
        this.name = name;
        this.store = store;
        this.dataSource = dataSource;
        this.validSeconds = validSeconds;
    }

    /**
     * An indicator named {@code database} that reads the store's head position.
     *
     * @param store the event store
     * @return the indicator
     * @throws io.modularddd.core.InvalidInputException when the store is null
     */
    public static JdbcHealthIndicator of(JdbcEventStore store) {
        return new JdbcHealthIndicator("database", Checks.notNull("store", store), null, 0);
    }

    /**
     * An indicator that validates a connection of a data source.
     *
     * @param name       the indicator's name, e.g. {@code "replica"}
     * @param dataSource the data source
     * @param timeout    the validation timeout, from 1 to 60 seconds (whole seconds, as JDBC counts them)
     * @return the indicator
     * @throws io.modularddd.core.InvalidInputException when an argument is null, the name blank or the timeout
     *                                                  out of range
     */
    public static JdbcHealthIndicator of(String name, DataSource dataSource, Duration timeout) {
        Checks.identifier("name", name, 128, "database");
        Checks.notNull("dataSource", dataSource);
        Checks.notNull("timeout", timeout);
        if (timeout.compareTo(Duration.ofSeconds(1)) < 0 || timeout.compareTo(Duration.ofSeconds(60)) > 0) {
            throw new io.modularddd.core.InvalidInputException("timeout", "timeout must be from 1 to 60 seconds but "
                    + "was " + timeout + "; pass e.g. Duration.ofSeconds(2)");
        }
        return new JdbcHealthIndicator(name, null, dataSource, (int) timeout.toSeconds());
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Health check() {
        return store != null ? checkStore() : checkDataSource();
    }

    private Health checkStore() {
        Map<String, String> detail = new LinkedHashMap<>();
        detail.put("dialect", store.dialect().name());
        detail.put("table", store.tableName());
        long start = System.nanoTime();
        try {
            long head = store.headPosition();
            detail.put("headPosition", Long.toString(head));
            detail.put("queryMillis", Long.toString((System.nanoTime() - start) / 1_000_000));
            return Health.up(detail);
        } catch (RuntimeException e) {
            detail.put("error", describe(e));
            return Health.down(detail);
        }
    }

    private Health checkDataSource() {
        Map<String, String> detail = new LinkedHashMap<>();
        long start = System.nanoTime();
        try (Connection c = dataSource.getConnection()) {
            DatabaseMetaData meta = c.getMetaData();
            detail.put("database", meta.getDatabaseProductName() + " " + meta.getDatabaseProductVersion());
            boolean valid = c.isValid(validSeconds);
            detail.put("validMillis", Long.toString((System.nanoTime() - start) / 1_000_000));
            if (!valid) {
                detail.put("error", "the connection did not validate within " + validSeconds + " s");
                return Health.down(detail);
            }
            return Health.up(detail);
        } catch (SQLException | RuntimeException e) {
            detail.put("error", describe(e));
            return Health.down(detail);
        }
    }

    /** A failure's class and message, with credentials of any JDBC URL in it masked. */
    private static String describe(Exception e) {
        return e.getClass().getSimpleName() + ": " + Redaction.url(String.valueOf(e.getMessage()));
    }

    @Override
    public String toString() {
        return "JdbcHealthIndicator[" + name + (store != null ? ", " + store.tableName() : "") + "]";
    }
}
