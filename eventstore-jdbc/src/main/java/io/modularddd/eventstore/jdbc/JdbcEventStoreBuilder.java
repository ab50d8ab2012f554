package io.modularddd.eventstore.jdbc;

import io.micrometer.core.instrument.MeterRegistry;
import io.modularddd.core.EventStoreException;
import io.modularddd.core.internal.BuilderChecks;
import io.modularddd.core.serialization.EventSerializer;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Configures a {@link JdbcEventStore}; start with {@link JdbcEventStore#builder()}. Each setter
 * validates its value at once ({@link IllegalArgumentException} naming the setting and the value) and
 * may be called once ({@link IllegalStateException} "... was already set to ..." otherwise);
 * {@link #build()} checks that the settings fit together ({@link IllegalStateException}). Give either a
 * {@link DataSource} or a JDBC URL (with username and password), and a serializer.
 *
 * <p>Connections. A store built from a JDBC URL opens at most
 * {@code readPoolSize + maxCommitsInFlight + 1} connections: a read pool of {@link #readPoolSize(int)}
 * (reads, schema creation, partition maintenance) and an append pool of
 * {@code maxCommitsInFlight + 1} (one per transaction that may be committing, plus the one opening the
 * next group). {@link JdbcEventStore#describe()} shows the numbers of a built store. A store built on a
 * {@link DataSource} takes both kinds from it, and holds at most {@code maxCommitsInFlight + 1} of
 * them for appends at once: size that pool for both.
 */
public final class JdbcEventStoreBuilder {

    private static final Logger LOG = LoggerFactory.getLogger(JdbcEventStoreBuilder.class);

    static {
        JooqDefaults.quiet(); // the builder is the first class a user touches after JdbcEventStore: same guard
    }

    /** Default {@link #readPoolSize(int)}. */
    public static final int DEFAULT_READ_POOL_SIZE = 10;
    /** Default {@link #pageSize(int)}. */
    public static final int DEFAULT_PAGE_SIZE = 500;
    /** Default {@link #maxGroupRequests(int)}. */
    public static final int DEFAULT_MAX_GROUP_REQUESTS = 256;
    /** Default {@link #maxGroupEvents(int)}. */
    public static final int DEFAULT_MAX_GROUP_EVENTS = 4_096;
    /** Default {@link #maxCommitsInFlight(int)}. */
    public static final int DEFAULT_MAX_COMMITS_IN_FLIGHT = 3;

    private final Set<String> set = new HashSet<>();
    // read by the store's constructor (same package); written only by the setters
    DataSource dataSource;
    String jdbcUrl;
    String username;
    String password;
    int readPoolSize = DEFAULT_READ_POOL_SIZE;
    EventSerializer serializer;
    String tableName = TableNames.DEFAULT;
    JdbcDialect dialect;
    boolean partitioned;
    int pageSize = DEFAULT_PAGE_SIZE;
    int maxGroupRequests = DEFAULT_MAX_GROUP_REQUESTS;
    int maxGroupEvents = DEFAULT_MAX_GROUP_EVENTS;
    Duration maxGroupWait = Duration.ZERO;
    int maxCommitsInFlight = DEFAULT_MAX_COMMITS_IN_FLIGHT;
    MeterRegistry meterRegistry;

    JdbcEventStoreBuilder() {
    }

    /** Refuses a second call of {@code setting}; {@code shown} is how its first value is shown (never a secret). */
    private void once(String setting, Object shown) {
        BuilderChecks.setOnce(setting, !set.add(setting), shown);
    }

    /**
     * Uses connections from a {@link DataSource} the application manages (and closes). Append
     * transactions switch a connection to {@code READ COMMITTED} when it is not already, and
     * restore it; configure the pool with that isolation to save the round trips. Appends hold at most
     * {@code maxCommitsInFlight + 1} of its connections at once; reads borrow one per query.
     *
     * @param value the data source
     * @return this builder
     * @throws IllegalArgumentException when null
     * @throws IllegalStateException    when set twice
     */
    public JdbcEventStoreBuilder dataSource(DataSource value) {
        BuilderChecks.notNull("dataSource", value);
        once("dataSource", dataSource == null ? null : "a " + dataSource.getClass().getName());
        this.dataSource = value;
        return this;
    }

    /**
     * Connects through two HikariCP pools the store creates (and closes in {@link JdbcEventStore#close()}):
     * the read pool ({@link #readPoolSize(int)}) and the append pool ({@code maxCommitsInFlight + 1}).
     * The driver must be on the classpath ({@code org.mariadb.jdbc:mariadb-java-client},
     * {@code org.postgresql:postgresql}, {@code com.h2database:h2}, {@code com.mysql:mysql-connector-j}).
     * A password in the URL is masked in every message, log line and {@link JdbcEventStore#describe()}.
     *
     * @param value the URL, e.g. {@code jdbc:mariadb://127.0.0.1:3306/app}
     * @return this builder
     * @throws IllegalArgumentException when null or not a {@code jdbc:} URL
     * @throws IllegalStateException    when set twice
     */
    public JdbcEventStoreBuilder jdbcUrl(String value) {
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
    public JdbcEventStoreBuilder username(String value) {
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
    public JdbcEventStoreBuilder password(String value) {
        BuilderChecks.notNull("password", value, "use \"\" for none");
        once("password", "***");
        this.password = value;
        return this;
    }

    /**
     * Sets the size of the <em>read pool</em> created for {@link #jdbcUrl(String)}: the connections that
     * {@code load}, {@code loadBatch}, {@code readAll}, {@code currentVersion}, {@code headPosition},
     * {@code createSchema} and the partition operations borrow, one per query. Appends do not use it:
     * they have an append pool of {@code maxCommitsInFlight + 1} connections
     * ({@link #maxCommitsInFlight(int)}), so the store opens at most
     * {@code readPoolSize + maxCommitsInFlight + 1} connections in all.
     *
     * @param value connections, 1 to 1000; default {@value #DEFAULT_READ_POOL_SIZE}
     * @return this builder
     * @throws IllegalArgumentException when out of range
     * @throws IllegalStateException    when set twice
     */
    public JdbcEventStoreBuilder readPoolSize(int value) {
        BuilderChecks.inRange("readPoolSize", value, 1, 1000);
        once("readPoolSize", readPoolSize);
        this.readPoolSize = value;
        return this;
    }

    /**
     * Sets the serializer (required). It must produce UTF-8 JSON text.
     *
     * @param value the serializer
     * @return this builder
     * @throws IllegalArgumentException when null
     * @throws IllegalStateException    when set twice
     */
    public JdbcEventStoreBuilder serializer(EventSerializer value) {
        BuilderChecks.notNull("serializer", value);
        once("serializer", serializer == null ? null : "a " + serializer.getClass().getName());
        this.serializer = value;
        return this;
    }

    /**
     * Sets the events table's name (default {@code event_store}); the head table is this name plus
     * {@code _head}, and constraint and index names start with it.
     *
     * @param value a name matching {@code [a-z_][a-z0-9_]{0,47}}
     * @return this builder
     * @throws IllegalArgumentException when the name does not match
     * @throws IllegalStateException    when set twice
     */
    public JdbcEventStoreBuilder tableName(String value) {
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
    public JdbcEventStoreBuilder dialect(JdbcDialect value) {
        BuilderChecks.notNull("dialect", value, "leave it unset to detect it");
        once("dialect", dialect);
        this.dialect = value;
        return this;
    }

    /**
     * Chooses the partitioned MySQL/MariaDB layout ({@code PARTITION BY RANGE (sequence_number)})
     * for {@link JdbcEventStore#createSchema()}. In it the database cannot enforce unique versions
     * and event ids; the append transaction does (under the head lock). See docs/jdbc-event-store.md.
     *
     * @param value {@code true} for the partitioned layout
     * @return this builder
     * @throws IllegalStateException when set twice
     */
    public JdbcEventStoreBuilder partitioned(boolean value) {
        once("partitioned", partitioned);
        this.partitioned = value;
        return this;
    }

    /**
     * Sets how many events one read query fetches ({@code load}, {@code readAll}). Lower it for very
     * large payloads: a page is held in memory while it is consumed.
     *
     * @param value events per page, 1 to 100,000; default {@value #DEFAULT_PAGE_SIZE}
     * @return this builder
     * @throws IllegalArgumentException when out of range
     * @throws IllegalStateException    when set twice
     */
    public JdbcEventStoreBuilder pageSize(int value) {
        BuilderChecks.inRange("pageSize", value, 1, 100_000);
        once("pageSize", pageSize);
        this.pageSize = value;
        return this;
    }

    /**
     * Sets the most requests one group commit carries.
     *
     * @param value requests per transaction, 1 to 10,000 (1 turns group commit off); default
     *              {@value #DEFAULT_MAX_GROUP_REQUESTS}
     * @return this builder
     * @throws IllegalArgumentException when out of range
     * @throws IllegalStateException    when set twice
     */
    public JdbcEventStoreBuilder maxGroupRequests(int value) {
        BuilderChecks.inRange("maxGroupRequests", value, 1, 10_000);
        once("maxGroupRequests", maxGroupRequests);
        this.maxGroupRequests = value;
        return this;
    }

    /**
     * Sets the most events one group commit carries; a single larger request still commits, alone.
     *
     * @param value events per transaction, 1 to 1,000,000; default {@value #DEFAULT_MAX_GROUP_EVENTS}
     * @return this builder
     * @throws IllegalArgumentException when out of range
     * @throws IllegalStateException    when set twice
     */
    public JdbcEventStoreBuilder maxGroupEvents(int value) {
        BuilderChecks.inRange("maxGroupEvents", value, 1, 1_000_000);
        once("maxGroupEvents", maxGroupEvents);
        this.maxGroupEvents = value;
        return this;
    }

    /**
     * Sets how long the caller leading a group commit may wait for more requests (default zero).
     * It waits only while other callers are about to queue (serializing), never when alone; zero
     * means the group is whatever queued during the previous commit.
     *
     * @param value the bound, zero to one second
     * @return this builder
     * @throws IllegalArgumentException when null, negative or above one second
     * @throws IllegalStateException    when set twice
     */
    public JdbcEventStoreBuilder maxGroupWait(Duration value) {
        BuilderChecks.inRange("maxGroupWait", value, Duration.ZERO, Duration.ofSeconds(1));
        once("maxGroupWait", maxGroupWait);
        this.maxGroupWait = value;
        return this;
    }

    /**
     * Sets how many append transactions may be committing at once while the next group already
     * queues for the head-row lock. The database releases that lock when a commit is applied, before
     * its log write is durable, so overlapping commits lets groups follow each other without waiting
     * for the disk. {@code 1} commits strictly one group after another. Appends use
     * {@code maxCommitsInFlight + 1} connections: one per committing transaction plus the one that
     * opens the next group — the size of the append pool of a store built from a JDBC URL.
     *
     * @param value 1 to 16; default {@value #DEFAULT_MAX_COMMITS_IN_FLIGHT}
     * @return this builder
     * @throws IllegalArgumentException when out of range
     * @throws IllegalStateException    when set twice
     */
    public JdbcEventStoreBuilder maxCommitsInFlight(int value) {
        BuilderChecks.inRange("maxCommitsInFlight", value, 1, 16);
        once("maxCommitsInFlight", maxCommitsInFlight);
        this.maxCommitsInFlight = value;
        return this;
    }

    /**
     * Registers meters: {@code modularddd.eventstore.jdbc.transactions} (tag {@code outcome}) and
     * {@code modularddd.eventstore.jdbc.group.requests}, both tagged with the table name.
     *
     * @param value the registry
     * @return this builder
     * @throws IllegalArgumentException when null
     * @throws IllegalStateException    when set twice
     */
    public JdbcEventStoreBuilder meterRegistry(MeterRegistry value) {
        BuilderChecks.notNull("meterRegistry", value);
        once("meterRegistry", meterRegistry == null ? null : "a " + meterRegistry.getClass().getName());
        this.meterRegistry = value;
        return this;
    }

    /**
     * Builds the store: creates the pools (for a JDBC URL) and detects the dialect. Does not create
     * the schema; call {@link JdbcEventStore#createSchema()} or apply the shipped DDL.
     *
     * @return the store
     * @throws IllegalStateException when the settings conflict or are incomplete
     * @throws EventStoreException   when the database cannot be reached
     */
    public JdbcEventStore build() {
        if (serializer == null) {
            throw new IllegalStateException("serializer is required: call serializer(JacksonEventSerializer"
                    + ".json(registry))");
        }
        BuilderChecks.noConflict(dataSource != null && jdbcUrl != null,
                "dataSource and jdbcUrl cannot be combined: give one of them");
        BuilderChecks.noConflict(dataSource == null && jdbcUrl == null,
                "a connection is required: call dataSource(...) or jdbcUrl(...)");
        BuilderChecks.noConflict(dataSource != null && (username != null || password != null
                        || set.contains("readPoolSize")),
                "username, password and readPoolSize configure the pools created for jdbcUrl; with dataSource(...) "
                        + "configure your own pool instead");
        BuilderChecks.noConflict(partitioned && dialect != null && !dialect.supportsPartitionedLayout(),
                "partitioned(true) needs MySQL or MariaDB but dialect is " + dialect);
        StorePools pools = jdbcUrl != null
                ? StorePools.create(jdbcUrl, username, password, tableName, readPoolSize, maxCommitsInFlight + 1)
                : StorePools.given(dataSource);
        try {
            JdbcDialect d = dialect;
            PacketLimit packetLimit;
            try (Connection c = pools.reads.getConnection()) {
                if (d == null) {
                    d = JdbcDialect.detect(c);
                }
                packetLimit = PacketLimit.learn(d, c, pools.target);
            } catch (SQLException e) {
                throw SqlErrors.failure(dialect == null ? "detecting the database dialect"
                        : "reading the server's max_allowed_packet", pools.target, e);
            }
            if (partitioned && !d.supportsPartitionedLayout()) {
                throw new IllegalStateException("partitioned(true) needs MySQL or MariaDB but the database is " + d);
            }
            JdbcEventStore store = new JdbcEventStore(this, pools, d, packetLimit);
            LOG.info("JdbcEventStore ready: {}", store.describe());
            return store;
        } catch (RuntimeException e) {
            pools.close();
            throw e;
        }
    }
}
