package io.modularddd.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The baseline: a hand-made event table on plain JDBC, as teams write it. AUTO_INCREMENT positions,
 * optimistic concurrency from {@code UNIQUE (aggregate_id, version)}, one {@code INSERT} and one
 * commit per append, JDBC batching for multi-event appends, Jackson for payloads.
 */
public final class RawJdbcStore implements StoreUnderTest {

    private static final String TABLE = "bench_raw_events";
    private static final String INSERT = "INSERT INTO " + TABLE + " (event_id, aggregate_id, aggregate_type, "
            + "event_type, event_data, metadata, version, occurred_at) VALUES (?, ?, ?, ?, ?, NULL, ?, ?)";
    private static final String SELECT = "SELECT event_type, event_data, version FROM " + TABLE
            + " WHERE aggregate_id = ? ORDER BY version";

    private final HikariDataSource pool;
    private final ObjectWriter writer;
    private final ObjectReader reader;

    /** Creates a fresh table on the benchmark database. */
    public RawJdbcStore() {
        pool = BenchmarkDatabase.pool("raw-jdbc", false);
        BenchmarkDatabase.execute(pool, "DROP TABLE IF EXISTS " + TABLE,
                "CREATE TABLE " + TABLE + " ("
                        + "sequence_number BIGINT AUTO_INCREMENT PRIMARY KEY, "
                        + "event_id CHAR(36) NOT NULL, "
                        + "aggregate_id VARCHAR(128) COLLATE utf8mb4_bin NOT NULL, "
                        + "aggregate_type VARCHAR(100) NOT NULL, "
                        + "event_type VARCHAR(100) NOT NULL, "
                        + "event_data LONGTEXT NOT NULL, "
                        + "metadata LONGTEXT NULL, "
                        + "version BIGINT NOT NULL, "
                        + "occurred_at DATETIME(6) NOT NULL, "
                        + "UNIQUE KEY uk_event_id (event_id), "
                        + "UNIQUE KEY uk_aggregate_version (aggregate_id, version), "
                        + "KEY idx_occurred_type (occurred_at, event_type), "
                        + "KEY idx_aggregate_type (aggregate_type, aggregate_id)"
                        + ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4");
        ObjectMapper mapper = new ObjectMapper().registerModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
        writer = mapper.writerFor(BenchEvent.class);
        reader = mapper.readerFor(BenchEvent.class);
    }

    @Override
    public void appendOne(String aggregateId, long version, BenchEvent event) {
        appendBatch(aggregateId, version, List.of(event));
    }

    @Override
    public void appendBatch(String aggregateId, long version, List<BenchEvent> events) {
        try (Connection c = pool.getConnection()) {
            try (PreparedStatement ps = c.prepareStatement(INSERT)) {
                long v = version;
                for (BenchEvent e : events) {
                    ps.setString(1, UUID.randomUUID().toString());
                    ps.setString(2, aggregateId);
                    ps.setString(3, "Account");
                    ps.setString(4, BenchEvent.TYPE);
                    ps.setString(5, writer.writeValueAsString(e));
                    ps.setLong(6, ++v);
                    ps.setTimestamp(7, Timestamp.valueOf(LocalDateTime.ofInstant(e.occurredAt(), ZoneOffset.UTC)));
                    if (events.size() == 1) {
                        ps.executeUpdate();
                    } else {
                        ps.addBatch();
                    }
                }
                if (events.size() > 1) {
                    ps.executeBatch();
                }
                c.commit();
            } catch (SQLException | IOException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException | IOException e) {
            throw new IllegalStateException("raw JDBC append failed", e);
        }
    }

    @Override
    public int load(String aggregateId, Blackhole blackhole) {
        int n = 0;
        try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement(SELECT)) {
            ps.setString(1, aggregateId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    blackhole.consume(rs.getString(1));
                    blackhole.consume(reader.<BenchEvent>readValue(rs.getString(2)));
                    blackhole.consume(rs.getLong(3));
                    n++;
                }
            }
            c.commit();
        } catch (SQLException | IOException e) {
            throw new IllegalStateException("raw JDBC load failed", e);
        }
        return n;
    }

    @Override
    public void close() {
        pool.close();
    }
}
