package io.modularddd.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modularddd.core.AggregateId;
import io.modularddd.core.EventMetadata;
import io.modularddd.core.StoredEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class IteratorEventStreamTest {

    private static StoredEvent event(long n) {
        return new StoredEvent(n, UUID.randomUUID(), AggregateId.of("s"), "T", "t", "p", EventMetadata.empty(), n,
                Instant.EPOCH);
    }

    private static List<StoredEvent> events(int n) {
        List<StoredEvent> list = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            list.add(event(i));
        }
        return list;
    }

    @Test
    void the_resource_is_closed_once_when_the_events_run_out() {
        AtomicInteger closes = new AtomicInteger();
        IteratorEventStream stream = new IteratorEventStream(events(3).iterator(), closes::incrementAndGet);
        assertThat(stream.count()).isEqualTo(3);
        assertThat(closes).hasValue(1);
        stream.close();
        assertThat(closes).hasValue(1);
    }

    @Test
    void the_resource_is_closed_when_fetching_fails() {
        AtomicInteger closes = new AtomicInteger();
        Iterator<StoredEvent> failing = new Iterator<>() {
            @Override
            public boolean hasNext() {
                throw new IllegalStateException("database gone");
            }

            @Override
            public StoredEvent next() {
                throw new AssertionError();
            }
        };
        IteratorEventStream stream = new IteratorEventStream(failing, closes::incrementAndGet);
        Iterator<StoredEvent> it = stream.iterator();
        assertThatThrownBy(it::hasNext).hasMessage("database gone");
        assertThat(closes).hasValue(1);
    }

    @Test
    void closing_a_stream_and_a_derived_java_stream_close_the_resource() {
        AtomicInteger closes = new AtomicInteger();
        IteratorEventStream stream = new IteratorEventStream(events(5).iterator(), closes::incrementAndGet);
        try (var s = stream.stream()) {
            assertThat(s.findFirst()).isPresent();
        }
        assertThat(closes).hasValue(1);
    }

    @Test
    void paging_fetches_after_the_last_event_and_stops_on_a_short_page() {
        List<StoredEvent> all = events(25);
        List<Long> asked = new ArrayList<>();
        PagingIterator pages = new PagingIterator(10) {
            @Override
            protected List<StoredEvent> fetch(StoredEvent after, int limit) {
                int from = after == null ? 0 : (int) after.version();
                asked.add((long) from);
                return new ArrayList<>(all.subList(from, Math.min(all.size(), from + limit)));
            }
        };
        List<Long> seen = new ArrayList<>();
        pages.forEachRemaining(e -> seen.add(e.version()));
        assertThat(seen).hasSize(25).startsWith(1L).endsWith(25L);
        assertThat(asked).containsExactly(0L, 10L, 20L);
    }
}
