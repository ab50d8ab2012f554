package io.modularddd.snapshots;

import com.fasterxml.jackson.databind.ObjectWriter;
import com.github.benmanes.caffeine.cache.Cache;
import io.modularddd.core.AggregateId;
import io.modularddd.core.EventStore;
import io.modularddd.core.NewEvent;
import io.modularddd.core.StreamState;
import io.modularddd.core.serialization.EventSerializer;
import io.modularddd.core.snapshot.AggregateStats;
import io.modularddd.core.snapshot.Snapshot;
import io.modularddd.core.snapshot.SnapshotContext;
import io.modularddd.core.snapshot.SnapshotStore;
import io.modularddd.core.snapshot.SnapshotStrategy;
import io.modularddd.snapshots.SnapshotMeters.Skipped;
import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The write half of {@link SnapshottingRepository}: after a committed save, asks the strategy, captures
 * the state on the caller's thread, and serializes and writes it on the executor. Nothing here throws
 * to the caller: a failure is logged and counted.
 */
final class SnapshotWriter {

    private static final Logger LOG = LoggerFactory.getLogger(SnapshottingRepository.class);

    private final EventStore store;
    private final SnapshotStore snapshots;
    private final String aggregateType;
    private final SnapshotStrategy strategy;
    private final Executor executor;
    private final AggregateStats stats;
    /** Measures appended events' sizes; null when the application gave no statistics to feed. */
    private final EventSerializer sizer;
    private final ObjectWriter writer;
    /** The version of each aggregate's newest snapshot, as far as the repository knows. */
    private final Cache<AggregateId, Long> snapshotVersions;
    private final SnapshotMeters meters;
    private final Clock clock;

    SnapshotWriter(EventStore store, SnapshotStore snapshots, String aggregateType, SnapshotStrategy strategy,
                   Executor executor, AggregateStats stats, EventSerializer sizer, ObjectWriter writer,
                   Cache<AggregateId, Long> snapshotVersions, SnapshotMeters meters, Clock clock) {
        this.store = store;
        this.snapshots = snapshots;
        this.aggregateType = aggregateType;
        this.strategy = strategy;
        this.executor = executor;
        this.stats = stats;
        this.sizer = sizer;
        this.writer = writer;
        this.snapshotVersions = snapshotVersions;
        this.meters = meters;
        this.clock = clock;
    }

    byte[] serialize(Object state) {
        try {
            return writer.writeValueAsBytes(state);
        } catch (IOException e) {
            throw new IllegalStateException("the snapshot state of " + aggregateType + " (" + state.getClass().getName()
                    + ") could not be serialized: " + e.getMessage() + ". Make it writable by Jackson (a record).", e);
        }
    }

    /**
     * Runs on the caller's thread right after the commit.
     *
     * @param capture    the aggregate's {@code snapshot()}, called here: once save returns, the aggregate
     *                   is the caller's again
     * @param serialized the state's bytes when the cache refresh serialized them already, else null
     */
    void afterCommit(AggregateId id, long version, List<NewEvent> events, Supplier<Object> capture,
                     int schemaVersion, byte[] serialized) {
        try {
            Long known = snapshotVersions.getIfPresent(id);
            long since = known == null ? version : Math.max(0, Math.min(version, version - known));
            boolean take = strategy.shouldSnapshot(new SnapshotContext(id, aggregateType, version, since));
            if (!take && sizer == null) {
                return;
            }
            Object state = take ? capture.get() : null;
            if (take) {
                snapshotVersions.put(id, version); // pending: the next saves do not ask for it again
            }
            executor.execute(() -> {
                if (sizer != null) {
                    recordSizes(id, events);
                }
                if (take) {
                    write(id, version, schemaVersion, state, serialized);
                }
            });
        } catch (RuntimeException e) {
            snapshotVersions.invalidate(id);
            meters.failed();
            LOG.warn("the snapshot of {} '{}' at version {} was not taken; the save succeeded: {}", aggregateType,
                    id.value(), version, e.toString());
        }
    }

    private void recordSizes(AggregateId id, List<NewEvent> events) {
        try {
            long bytes = 0;
            for (NewEvent e : events) {
                bytes += sizer.serialize(e.payload()).length;
            }
            stats.recordAppend(id, aggregateType, events.size(), bytes);
        } catch (RuntimeException e) {
            LOG.debug("recording the size of {} '{}' events failed: {}", aggregateType, id.value(), e.toString());
        }
    }

    /** Runs on the executor. */
    private void write(AggregateId id, long version, int schemaVersion, Object state, byte[] serialized) {
        try {
            StreamState before = store.streamState(id);
            if (before.erased()) {
                meters.skipped(Skipped.ERASED);
                return;
            }
            if (!before.exists() || before.version() < version || before.startVersion() > version) {
                snapshotVersions.invalidate(id);
                meters.skipped(Skipped.STALE);
                return;
            }
            byte[] bytes = serialized != null ? serialized : serialize(state);
            snapshots.save(new Snapshot(id, aggregateType, version, schemaVersion, bytes, clock.instant()));
            if (store.streamState(id).erased()) {
                snapshots.delete(id); // erased while we wrote: the snapshot holds data that must be gone
                meters.skipped(Skipped.ERASED);
                return;
            }
            meters.written();
        } catch (RuntimeException e) {
            snapshotVersions.invalidate(id);
            meters.failed();
            LOG.warn("writing the snapshot of {} '{}' at version {} failed; the save had succeeded: {}", aggregateType,
                    id.value(), version, e.toString());
        }
    }
}
