package io.modularddd.core.projection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modularddd.core.InvalidInputException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LocalAppendSignalTest {

    @Test
    void every_subscriber_hears_every_announcement_until_it_unsubscribes() throws Exception {
        // given
        LocalAppendSignal signal = LocalAppendSignal.create();
        List<Long> first = new CopyOnWriteArrayList<>();
        List<Long> second = new CopyOnWriteArrayList<>();
        AutoCloseable one = signal.subscribe(first::add);
        signal.subscribe(second::add);
        // when
        signal.appended(3);
        one.close();
        signal.appended(5);
        // then
        assertThat(first).containsExactly(3L);
        assertThat(second).containsExactly(3L, 5L);
    }

    @Test
    void a_failing_listener_neither_stops_the_others_nor_fails_the_announcer() {
        LocalAppendSignal signal = LocalAppendSignal.create();
        List<Long> heard = new CopyOnWriteArrayList<>();
        signal.subscribe(head -> {
            throw new IllegalStateException("listener bug");
        });
        signal.subscribe(heard::add);
        signal.appended(9);
        assertThat(heard).containsExactly(9L);
    }

    @Test
    void after_close_nothing_is_called_and_subscribing_is_refused() {
        LocalAppendSignal signal = LocalAppendSignal.create();
        List<Long> heard = new CopyOnWriteArrayList<>();
        signal.subscribe(heard::add);
        signal.close();
        signal.close();
        signal.appended(1);
        assertThat(heard).isEmpty();
        assertThatThrownBy(() -> signal.subscribe(heard::add)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void bad_input_is_typed() {
        LocalAppendSignal signal = LocalAppendSignal.create();
        assertThatThrownBy(() -> signal.appended(-1)).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> signal.subscribe(null)).isInstanceOf(InvalidInputException.class);
    }

    @Test
    void concurrent_announcers_all_reach_the_subscriber() throws Exception {
        LocalAppendSignal signal = LocalAppendSignal.create();
        AtomicLong highest = new AtomicLong();
        signal.subscribe(head -> highest.accumulateAndGet(head, Math::max));
        ExecutorService pool = Executors.newFixedThreadPool(4);
        CountDownLatch done = new CountDownLatch(4);
        try {
            for (int t = 0; t < 4; t++) {
                int base = t * 1000;
                pool.submit(() -> {
                    for (int i = 1; i <= 1000; i++) {
                        signal.appended(base + i);
                    }
                    done.countDown();
                });
            }
            assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        } finally {
            pool.shutdownNow();
        }
        assertThat(highest).hasValue(4000);
    }
}
