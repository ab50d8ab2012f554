package io.modularddd.eventstore.jdbc;

import java.time.Duration;

/**
 * What {@link JdbcEventStore#describe()} says: the store's settings and connections in one line, without
 * credentials. The packet limit is read when described, as it was last learned.
 */
record StoreDescription(JdbcDialect dialect, String table, boolean partitioned, StorePools pools, int maxGroupRequests,
                        int maxGroupEvents, Duration maxGroupWait, int maxCommitsInFlight, int pageSize,
                        PacketLimit packetLimit) {

    StoreDescription(JdbcEventStoreBuilder b, JdbcDialect dialect, StorePools pools, PacketLimit packetLimit) {
        this(dialect, b.tableName, b.partitioned, pools, b.maxGroupRequests, b.maxGroupEvents, b.maxGroupWait,
                b.maxCommitsInFlight, b.pageSize, packetLimit);
    }

    /** {@link JdbcEventStore#describe()}. */
    String full() {
        int appendConnections = maxCommitsInFlight + 1;
        String connections = pools.owned()
                ? "connections: read pool " + pools.readPoolSize() + " + append pool " + pools.appendPoolSize()
                        + " (maxCommitsInFlight " + maxCommitsInFlight + " + 1) = at most "
                        + (pools.readPoolSize() + pools.appendPoolSize()) + " in all"
                : "connections: from the given DataSource, sized by the application (appends hold at most "
                        + appendConnections + " at once: maxCommitsInFlight " + maxCommitsInFlight
                        + " + 1; reads borrow one per query)";
        return "JdbcEventStore[" + dialect + ", table " + table + " ("
                + (partitioned ? "partitioned" : "default") + " layout) on " + pools.target + "; " + connections
                + "; group commit: up to " + maxGroupRequests + " requests / " + maxGroupEvents
                + " events per transaction, maxGroupWait " + maxGroupWait + "; reads: " + pageSize
                + " events per page; " + packetLimit + "]";
    }
}
