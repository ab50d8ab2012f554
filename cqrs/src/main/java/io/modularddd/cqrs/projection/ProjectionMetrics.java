package io.modularddd.cqrs.projection;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * A projection's meters, tagged {@code projection} and {@code segment} (bounded: the projection's segment count):
 * {@code modularddd.projection.lag} (gauge: the log's head as last seen minus the segment's position, while this
 * process owns the segment; NaN otherwise), {@code modularddd.projection.events} (counter: events handled, whose
 * rate is the throughput), {@code modularddd.projection.failures} (counter: failed attempts) and
 * {@code modularddd.projection.dead_letters} (counter).
 */
final class ProjectionMetrics {

    private final Counter[] events;
    private final Counter[] failures;
    private final Counter[] deadLetters;

    private ProjectionMetrics(Counter[] events, Counter[] failures, Counter[] deadLetters) {
        this.events = events;
        this.failures = failures;
        this.deadLetters = deadLetters;
    }

    static ProjectionMetrics of(MeterRegistry registry, Registered projection) {
        int n = projection.segmentCount();
        if (registry == null) {
            return new ProjectionMetrics(null, null, null);
        }
        Counter[] events = new Counter[n];
        Counter[] failures = new Counter[n];
        Counter[] deadLetters = new Counter[n];
        for (int s = 0; s < n; s++) {
            String segment = Integer.toString(s);
            SegmentRunner runner = projection.runner(s);
            Gauge.builder("modularddd.projection.lag", runner, SegmentRunner::lag)
                    .description("events the segment is behind the log's head (NaN where another process owns it)")
                    .tag("projection", projection.name()).tag("segment", segment).register(registry);
            events[s] = Counter.builder("modularddd.projection.events").description("events handled")
                    .tag("projection", projection.name()).tag("segment", segment).register(registry);
            failures[s] = Counter.builder("modularddd.projection.failures").description("failed handling attempts")
                    .tag("projection", projection.name()).tag("segment", segment).register(registry);
            deadLetters[s] = Counter.builder("modularddd.projection.dead_letters").description("dead letters recorded")
                    .tag("projection", projection.name()).tag("segment", segment).register(registry);
        }
        return new ProjectionMetrics(events, failures, deadLetters);
    }

    void handled(int segment, int count) {
        if (events != null) {
            events[segment].increment(count);
        }
    }

    void failed(int segment) {
        if (failures != null) {
            failures[segment].increment();
        }
    }

    void deadLettered(int segment) {
        if (deadLetters != null) {
            deadLetters[segment].increment();
        }
    }
}
