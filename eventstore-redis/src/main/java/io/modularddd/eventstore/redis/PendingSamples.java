package io.modularddd.eventstore.redis;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The samples of one kind a batching {@link RedisMetricsCollector} recorded since its last flush, summed per type
 * in this process: recording is a few adds, no round trip. Bounded by the distinct types recorded (admitted types
 * and the overflow type). A sample recorded while a flush drains may land in that flush or the next: each is sent
 * once.
 */
final class PendingSamples {

    /** One type's samples since the last drain. */
    record Sum(String type, long count, long failures, long nanos, long maxNanos) {
    }

    private static final class Acc {
        final LongAdder count = new LongAdder();
        final LongAdder failures = new LongAdder();
        final LongAdder nanos = new LongAdder();
        final AtomicLong max = new AtomicLong();
    }

    private final ConcurrentHashMap<String, Acc> byType = new ConcurrentHashMap<>();

    void add(String type, long nanos, boolean success) {
        Acc a = byType.computeIfAbsent(type, t -> new Acc());
        a.nanos.add(nanos);
        if (!success) {
            a.failures.increment();
        }
        a.max.accumulateAndGet(nanos, Math::max);
        a.count.increment();
    }

    /** Takes every type's sums since the last drain (types without samples left out). */
    List<Sum> drain() {
        List<Sum> out = new ArrayList<>();
        for (Map.Entry<String, Acc> e : byType.entrySet()) {
            Acc a = e.getValue();
            long count = a.count.sumThenReset();
            if (count > 0) {
                out.add(new Sum(e.getKey(), count, a.failures.sumThenReset(), a.nanos.sumThenReset(),
                        a.max.getAndSet(0)));
            }
        }
        return out;
    }
}
