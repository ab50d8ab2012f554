package io.modularddd.eventstore.jdbc;

import io.modularddd.core.AggregateId;
import io.modularddd.core.InvalidInputException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The largest statement the database accepts, and the check that keeps an oversized event out of a
 * group commit.
 *
 * <p>MySQL and MariaDB refuse a packet larger than {@code max_allowed_packet} and close the connection
 * (error 1153). Inside a group commit that would fail every innocent append of the group and look like a
 * lost server. So the store learns the server's limit when it starts, refuses a request with a row that
 * cannot fit before it joins a group ({@link #check}), and when the server still refuses a packet (its
 * limit was lowered since) learns it again ({@link #relearn}) and fails only the requests that no longer
 * fit. PostgreSQL and H2 have no such limit below the serializer's own cap.
 */
final class PacketLimit {

    private static final Logger LOG = LoggerFactory.getLogger(PacketLimit.class);
    /** Room left in a packet for the statement's own framing and the row's fixed-size columns. */
    static final int PACKET_OVERHEAD_BYTES = 1024;
    /** Per row: position, version, time, UUID as text and the separators, rounded up. */
    static final int ROW_OVERHEAD_BYTES = 128;
    /** A JDBC batch carries at most this much, or half the packet limit when that is lower. */
    private static final long MAX_BATCH_BYTES = 4L * 1024 * 1024;

    private final boolean applies;
    private final String target;
    private volatile long maxPacketBytes;

    private PacketLimit(boolean applies, long maxPacketBytes, String target) {
        this.applies = applies;
        this.maxPacketBytes = maxPacketBytes;
        this.target = target;
    }

    /**
     * Learns the limit of the database behind {@code connection}.
     *
     * @param dialect    the dialect; only the MySQL family has a packet limit
     * @param connection a connection to ask
     * @param target     the credential-free description of the database, for messages
     * @return the limit
     * @throws SQLException when the server variable cannot be read
     */
    static PacketLimit learn(JdbcDialect dialect, Connection connection, String target) throws SQLException {
        if (!dialect.mysqlFamily()) {
            return new PacketLimit(false, Long.MAX_VALUE, target);
        }
        return new PacketLimit(true, read(connection), target);
    }

    private static long read(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement();
             ResultSet rs = s.executeQuery("SELECT @@max_allowed_packet")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /**
     * Reads the server's limit again, after the server refused a packet.
     *
     * @param dataSource where to get a connection
     * @return the limit now in force; the old one when it cannot be read
     */
    long relearn(DataSource dataSource) {
        if (!applies) {
            return maxPacketBytes;
        }
        try (Connection c = dataSource.getConnection()) {
            long now = read(c);
            if (now != maxPacketBytes) {
                LOG.info("max_allowed_packet on {} is now {} bytes (was {})", target, now, maxPacketBytes);
            }
            maxPacketBytes = now;
        } catch (SQLException | RuntimeException e) {
            LOG.debug("reading max_allowed_packet again failed: {}", e.toString());
        }
        return maxPacketBytes;
    }

    /** The largest row that fits, in UTF-8 bytes. */
    long maxRowBytes() {
        return applies ? maxPacketBytes - PACKET_OVERHEAD_BYTES : Long.MAX_VALUE;
    }

    /** How many bytes of rows one JDBC batch may carry. */
    long batchBudgetBytes() {
        return Math.min(MAX_BATCH_BYTES, Math.max(1, maxRowBytes() / 2));
    }

    /** Tells whether a row of this size fits in one packet. */
    boolean fits(long rowBytes) {
        return rowBytes <= maxRowBytes();
    }

    /**
     * Refuses a row that cannot fit in one packet.
     *
     * @param stream   the stream appended to
     * @param argument the event's place in the request, e.g. {@code events[2]}
     * @param rowBytes the row's size
     * @throws InvalidInputException when it does not fit
     */
    void check(AggregateId stream, String argument, long rowBytes) {
        if (!fits(rowBytes)) {
            throw tooLarge(stream, argument, rowBytes, false);
        }
    }

    /**
     * The error for a row that does not fit.
     *
     * @param refused whether the server refused it (rather than the store before sending it)
     */
    InvalidInputException tooLarge(AggregateId stream, String argument, long rowBytes, boolean refused) {
        long limit = maxPacketBytes;
        return new InvalidInputException(argument, "The event " + argument + " of the append to stream '"
                + stream.value() + "' takes " + rowBytes + " bytes as a row (payload, metadata, ids and types), "
                + (refused ? "and the database refused it: " : "more than the database accepts in one statement: ")
                + "max_allowed_packet is " + limit + " bytes on " + target + ". Nothing of this append was "
                + "stored. Keep large data outside the event (store a reference to it), or raise the server's "
                + "max_allowed_packet (SET GLOBAL max_allowed_packet = ..., and in the server's configuration) "
                + "to at least " + (rowBytes + PACKET_OVERHEAD_BYTES) + " bytes.");
    }

    /** Test seam: pretends the server's limit is {@code bytes}, as if it had changed since the store started. */
    void assume(long bytes) {
        maxPacketBytes = bytes;
    }

    @Override
    public String toString() {
        return applies ? "max_allowed_packet=" + maxPacketBytes : "no packet limit";
    }
}
