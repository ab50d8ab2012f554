package io.modularddd.cqrs.projection;

import io.modularddd.core.StoredEvent;
import io.modularddd.core.projection.SegmentLease;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** An in-memory read model that records every application with who applied it. Thread-safe. */
final class ReadModel {

    /** One event applied: where, by which thread, under which lease (null outside a fenced store). */
    record Applied(long position, String stream, long version, Object payload, String thread, String owner,
                   long token, int segment) {
    }

    private final List<Applied> applied = new ArrayList<>();

    synchronized void apply(StoredEvent event) {
        SegmentLease lease = FencedCheckpoints.current();
        applied.add(new Applied(event.position(), event.aggregateId().value(), event.version(), event.payload(),
                Thread.currentThread().getName(), lease == null ? null : lease.owner(),
                lease == null ? -1 : lease.token(), lease == null ? -1 : lease.segment()));
    }

    synchronized void clear() {
        applied.clear();
    }

    synchronized List<Applied> applied() {
        return List.copyOf(applied);
    }

    synchronized List<Long> positions() {
        return applied.stream().map(Applied::position).toList();
    }

    /** Versions applied per stream, in the order applied. */
    synchronized Map<String, List<Long>> versionsByStream() {
        Map<String, List<Long>> out = new HashMap<>();
        for (Applied a : applied) {
            out.computeIfAbsent(a.stream(), k -> new ArrayList<>()).add(a.version());
        }
        return out;
    }

    static List<Long> range(long from, long to) {
        List<Long> out = new ArrayList<>();
        for (long p = from; p <= to; p++) {
            out.add(p);
        }
        return out;
    }
}
