package io.modularddd.eventstore.jdbc;

import io.modularddd.core.EventStoreException;
import io.modularddd.core.queue.CommandQueueException;
import io.modularddd.core.internal.BuilderChecks;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Configures a {@link JdbcCommandQueue}; start with {@link JdbcCommandQueue#builder()}. Each setter validates
 * its value at once ({@link IllegalArgumentException} naming the setting and the value) and may be called
 * once ({@link IllegalStateException} otherwise); {@link #build()} checks that the settings fit together. Give
 * either a {@link DataSource} or a JDBC URL (with username and password), as for
 * {@link JdbcEventStoreBuilder}.
 *
 * <p>Connections. A queue built from a JDBC URL opens two HikariCP pools of {@link #poolSize(int)}
 * connections each and closes them in {@link JdbcCommandQueue#close()}: the <em>statement pool</em>
 * (auto-commit on: send, acknowledge, fail, dead letters, purge, schema creation) and the <em>claim pool</em>
 * (auto-commit off, {@code READ COMMITTED}: the claim transactions of {@code poll}). A poll holds a claim
 * connection only while it claims, never while it waits. A queue built on a {@link DataSource} takes both
 * kinds from it and never closes it.
 */
public final class JdbcCommandQueueBuilder {

    private static final Logger LOG = LoggerFactory.getLogger(JdbcCommandQueueBuilder.class);

    static {
        JooqDefaults.quiet();
    }

    /** Default {@link #tableName(String)}. */
    public static final String DEFAULT_TABLE_NAME = QueueSchema.DEFAULT_TABLE;
    /** Default {@link #poolSize(int)}. */
    public static final int DEFAULT_POOL_SIZE = 4;
    /** Default {@link #maxAttempts(int)}. */
    public static final int DEFAULT_MAX_ATTEMPTS = 5;
    /** Default {@link #maxPayloadBytes(int)}: 1 MiB. */
    public static final int DEFAULT_MAX_PAYLOAD_BYTES = 1024 * 1024;
    /** The largest {@link #maxPayloadBytes(int)}: 64 MiB. */
    public static final int MAX_PAYLOAD_BYTES_LIMIT = 64 * 1024 * 1024;
    /** Default {@link #leaseTime(Duration)}: 30 seconds. */
    public static final Duration DEFAULT_LEASE_TIME = Duration.ofSeconds(30);
    /** Default {@link #idRetention(Duration)}: 24 hours. */
    public static final Duration DEFAULT_ID_RETENTION = Duration.ofHours(24);

    private final Set<String> set = new HashSet<>();
    // read by the queue's constructor (same package); written only by the setters
    DataSource dataSource;
    String jdbcUrl;
    String username;
    String password;
    int poolSize = DEFAULT_POOL_SIZE;
    String tableName = DEFAULT_TABLE_NAME;
    JdbcDialect dialect;
    Duration leaseTime = DEFAULT_LEASE_TIME;
    int maxAttempts = DEFAULT_MAX_ATTEMPTS;
    Duration idRetention = DEFAULT_ID_RETENTION;
    int maxPayloadBytes = DEFAULT_MAX_PAYLOAD_BYTES;

    JdbcCommandQueueBuilder() {
    }

    private void once(String setting, Object shown) {
        BuilderChecks.setOnce(setting, !set.add(setting), shown);
    }

    /**
     * Uses connections from a {@link DataSource} the application manages (and closes). A claim switches its
     * connection to {@code READ COMMITTED} and auto-commit off when it is not so already, and restores it.
     *
     * @param value the data source
     * @return this builder
     * @throws IllegalArgumentException when null
     * @throws IllegalStateException    when set twice
     */
    public JdbcCommandQueueBuilder dataSource(DataSource value) {
        BuilderChecks.notNull("dataSource", value);
        once("dataSource", dataSource == null ? null : "a " + dataSource.getClass().getName());
        this.dataSource = value;
        return this;
    }

    /**
     * Connects through two HikariCP pools the queue creates (and closes in {@link JdbcCommandQueue#close()}).
     * The driver must be on the classpath. A password in the URL is masked in every message and log line.
     *
     * @param value the URL, e.g. {@code jdbc:mariadb://127.0.0.1:3306/app}
     * @return this builder
     * @throws IllegalArgumentException when null or not a {@code jdbc:} URL
     * @throws IllegalStateException    when set twice
     */
    public JdbcCommandQueueBuilder jdbcUrl(String value) {
        if (value == null || !value.startsWith("jdbc:")) {
            throw new IllegalArgumentException("jdbcUrl must start with \"jdbc:\" but was "
                    + (value == null ? "null" : "\"" + Redaction.url(value) + "\""));
        }
        once("jdbcUrl", jdbcUrl == null ? null : "\"" + Redaction.url(jdbcUrl) + "\"");
        this.jdbcUrl = value;
        return this;
    }

    /**
     * Sets the database user for {@link #jdbcUrl(String)}.
     *
     * @param value the user name
     * @return this builder
     * @throws IllegalArgumentException when null
     * @throws IllegalStateException    when set twice
     */
    public JdbcCommandQueueBuilder username(String value) {
        BuilderChecks.notNull("username", value);
        once("username", "'" + username + "'");
        this.username = value;
        return this;
    }

    /**
     * Sets the password for {@link #jdbcUrl(String)}. It is handed to the pool and never printed.
     *
     * @param value the password
     * @return this builder
     * @throws IllegalArgumentException when null
     * @throws IllegalStateException    when set twice
     */
    public JdbcCommandQueueBuilder password(String value) {
        BuilderChecks.notNull("password", value, "use \"\" for none");
        once("password", "***");
        this.password = value;
        return this;
    }

    /**
     * Sets the size of each of the two pools created for {@link #jdbcUrl(String)}: the queue opens at most
     * {@code 2 * poolSize} connections. Size it for the threads of this process that poll at once (claim
     * pool) and that send, acknowledge or fail at once (statement pool).
     *
     * @param value connections per pool, 1 to 1000; default {@value #DEFAULT_POOL_SIZE}
     * @return this builder
     * @throws IllegalArgumentException when out of range
     * @throws IllegalStateException    when set twice
     */
    public JdbcCommandQueueBuilder poolSize(int value) {
        BuilderChecks.inRange("poolSize", value, 1, 1000);
        once("poolSize", poolSize);
        this.poolSize = value;
        return this;
    }

    /**
     * Sets the queue table's name (default {@value #DEFAULT_TABLE_NAME}); its constraint and index names
     * start with it. All named queues share the table.
     *
     * @param value a name matching {@code [a-z_][a-z0-9_]{0,47}}
     * @return this builder
     * @throws IllegalArgumentException when the name does not match
     * @throws IllegalStateException    when set twice
     */
    public JdbcCommandQueueBuilder tableName(String value) {
        String valid = TableNames.validate("tableName", value);
        once("tableName", "'" + tableName + "'");
        this.tableName = valid;
        return this;
    }

    /**
     * Sets the dialect instead of detecting it from the connection.
     *
     * @param value the dialect
     * @return this builder
     * @throws IllegalArgumentException when null
     * @throws IllegalStateException    when set twice
     */
    public JdbcCommandQueueBuilder dialect(JdbcDialect value) {
        BuilderChecks.notNull("dialect", value, "leave it unset to detect it");
        once("dialect", dialect);
        this.dialect = value;
        return this;
    }

    /**
     * Sets how long a consumer holds a delivery before another consumer may take it: longer than the
     * slowest command takes to handle, short enough that a dead consumer's commands do not wait long.
     *
     * @param value 100 ms to 24 hours; default 30 seconds
     * @return this builder
     * @throws IllegalArgumentException when null or out of range
     * @throws IllegalStateException    when set twice
     */
    public JdbcCommandQueueBuilder leaseTime(Duration value) {
        BuilderChecks.inRange("leaseTime", value, Duration.ofMillis(100), Duration.ofHours(24));
        once("leaseTime", leaseTime);
        this.leaseTime = value;
        return this;
    }

    /**
     * Sets how many attempts (deliveries) a command gets before it becomes a dead letter: a command failed,
     * or abandoned by a consumer whose lease ran out, this many times is not delivered again.
     *
     * @param value 1 to 1000; default {@value #DEFAULT_MAX_ATTEMPTS}
     * @return this builder
     * @throws IllegalArgumentException when out of range
     * @throws IllegalStateException    when set twice
     */
    public JdbcCommandQueueBuilder maxAttempts(int value) {
        BuilderChecks.inRange("maxAttempts", value, 1, 1000);
        once("maxAttempts", maxAttempts);
        this.maxAttempts = value;
        return this;
    }

    /**
     * Sets how long a command id is remembered after the command was sent: a done command's row (without
     * its payload) is kept that long, so the same id sent again is refused, then purged. Waiting, held and
     * dead commands are never purged.
     *
     * @param value 1 second to 3650 days; default 24 hours
     * @return this builder
     * @throws IllegalArgumentException when null or out of range
     * @throws IllegalStateException    when set twice
     */
    public JdbcCommandQueueBuilder idRetention(Duration value) {
        BuilderChecks.inRange("idRetention", value, Duration.ofSeconds(1), Duration.ofDays(3650));
        once("idRetention", idRetention);
        this.idRetention = value;
        return this;
    }

    /**
     * Sets the largest payload {@code send} accepts. On MySQL/MariaDB a payload must also fit in the server's
     * {@code max_allowed_packet}, learned when the queue is built.
     *
     * @param value bytes, 1 KiB to 64 MiB; default 1 MiB
     * @return this builder
     * @throws IllegalArgumentException when out of range
     * @throws IllegalStateException    when set twice
     */
    public JdbcCommandQueueBuilder maxPayloadBytes(int value) {
        BuilderChecks.inRange("maxPayloadBytes", value, 1024, MAX_PAYLOAD_BYTES_LIMIT);
        once("maxPayloadBytes", maxPayloadBytes);
        this.maxPayloadBytes = value;
        return this;
    }

    /**
     * Builds the queue: creates the pools (for a JDBC URL) and detects the dialect. Does not create the
     * table; call {@link JdbcCommandQueue#createSchema()} or apply the shipped DDL.
     *
     * @return the queue
     * @throws IllegalStateException when the settings conflict or are incomplete
     * @throws CommandQueueException when the database cannot be reached
     */
    public JdbcCommandQueue build() {
        BuilderChecks.noConflict(dataSource != null && jdbcUrl != null,
                "dataSource and jdbcUrl cannot be combined: give one of them");
        BuilderChecks.noConflict(dataSource == null && jdbcUrl == null,
                "a connection is required: call dataSource(...) or jdbcUrl(...)");
        BuilderChecks.noConflict(dataSource != null && (username != null || password != null
                        || set.contains("poolSize")),
                "username, password and poolSize configure the pools created for jdbcUrl; with dataSource(...) "
                        + "configure your own pool instead");
        StorePools pools;
        try {
            pools = jdbcUrl != null ? StorePools.create(jdbcUrl, username, password, tableName, poolSize, poolSize)
                    : StorePools.given(dataSource);
        } catch (EventStoreException e) {
            // the pools are the event store's: their failure is worded for it, and typed for the queue here
            throw new CommandQueueException(null, e.getMessage().replaceFirst("^JdbcEventStore", "JdbcCommandQueue")
                    .replace("JdbcEventStore.builder().readPoolSize(...) for reads; appends use maxCommitsInFlight "
                            + "+ 1", "JdbcCommandQueue.builder().poolSize(...)"), e.getCause(), e.isTransient());
        }
        try {
            JdbcDialect d = dialect;
            PacketLimit packetLimit;
            try (Connection c = pools.reads.getConnection()) {
                if (d == null) {
                    d = JdbcDialect.detect(c);
                }
                packetLimit = PacketLimit.learn(d, c, pools.target);
            } catch (SQLException e) {
                throw QueueErrors.failure(null, dialect == null ? "detecting the database dialect"
                        : "reading the server's max_allowed_packet", pools.target, e);
            }
            JdbcCommandQueue queue = new JdbcCommandQueue(this, pools, d, packetLimit);
            LOG.info("JdbcCommandQueue ready: {}", queue.describe());
            return queue;
        } catch (RuntimeException e) {
            pools.close();
            throw e;
        }
    }
}
