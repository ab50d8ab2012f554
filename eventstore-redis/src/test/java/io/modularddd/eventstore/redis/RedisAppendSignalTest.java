package io.modularddd.eventstore.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modularddd.core.InvalidInputException;
import io.modularddd.testkit.ServiceFixtures;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two (or three) signal instances on the shared Redis, as two nodes would hold them, each test on a channel of
 * its own; and one on a redis-server of the test's own that is killed and restarted.
 */
class RedisAppendSignalTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final List<RedisAppendSignal> opened = new ArrayList<>();
    private final String channel = "test:appended:" + UUID.randomUUID();

    @AfterEach
    void closeAll() {
        opened.forEach(RedisAppendSignal::close);
    }

    private RedisAppendSignal open(String uri, String channelName) {
        RedisAppendSignalBuilder builder = RedisAppendSignal.builder().uri(uri).channel(channelName);
        String password = ServiceFixtures.redis().password();
        if (!password.isEmpty() && uri.equals(ServiceFixtures.redis().uri())) {
            builder.credentials(null, password);
        }
        RedisAppendSignal signal = builder.build();
        opened.add(signal);
        return signal;
    }

    private RedisAppendSignal shared() {
        return open(ServiceFixtures.redis().uri(), channel);
    }

    private static BlockingQueue<Long> listen(RedisAppendSignal signal) throws InterruptedException {
        BlockingQueue<Long> heard = new LinkedBlockingQueue<>();
        signal.subscribe(heard::add);
        assertThat(signal.awaitSubscribed(WAIT)).as("subscribed").isTrue();
        return heard;
    }

    private static Long next(BlockingQueue<Long> heard) throws InterruptedException {
        Long head = heard.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(head).as("an announcement within %s", WAIT).isNotNull();
        return head;
    }

    @Test
    void an_announcement_reaches_the_other_instance_and_the_own_subscribers_once() throws Exception {
        // given: node A and node B, both with a subscriber
        RedisAppendSignal a = shared();
        RedisAppendSignal b = shared();
        BlockingQueue<Long> heardByA = listen(a);
        BlockingQueue<Long> heardByB = listen(b);
        // when
        a.appended(7);
        // then: B hears it through Redis, A at once
        assertThat(next(heardByB)).isEqualTo(7);
        assertThat(heardByA.poll()).isEqualTo(7);
        // and A's own message, back from Redis, is not delivered again: B's next one arrives after it
        b.appended(8);
        assertThat(next(heardByA)).isEqualTo(8);
        assertThat(heardByA).isEmpty();
        assertThat(heardByB.poll()).isEqualTo(8);
    }

    @Test
    void other_channels_hear_nothing_and_an_unsubscribed_listener_is_not_called() throws Exception {
        RedisAppendSignal a = shared();
        RedisAppendSignal b = shared();
        RedisAppendSignal elsewhere = open(ServiceFixtures.redis().uri(), channel + ":other");
        BlockingQueue<Long> heardElsewhere = listen(elsewhere);
        BlockingQueue<Long> stays = listen(b);
        List<Long> gone = new ArrayList<>();
        AutoCloseable subscription = b.subscribe(gone::add);
        subscription.close();

        a.appended(1);
        assertThat(next(stays)).isEqualTo(1);
        elsewhere.appended(99);
        assertThat(next(heardElsewhere)).isEqualTo(99);
        a.appended(2);
        assertThat(next(stays)).isEqualTo(2);
        assertThat(heardElsewhere).isEmpty();
        assertThat(gone).isEmpty();
    }

    @Test
    void a_burst_of_announcements_ends_with_the_highest_head_heard() throws Exception {
        RedisAppendSignal a = shared();
        RedisAppendSignal b = shared();
        BlockingQueue<Long> heard = listen(b);
        Thread[] writers = new Thread[4];
        for (int t = 0; t < writers.length; t++) {
            int base = t;
            writers[t] = new Thread(() -> {
                for (int i = 1; i <= 500; i++) {
                    a.appended(i * 4L - base);
                }
            });
            writers[t].start();
        }
        for (Thread w : writers) {
            w.join();
        }
        long highest = 0;
        while (highest < 2000) {
            highest = Math.max(highest, next(heard));
        }
        assertThat(highest).isEqualTo(2000);
    }

    @Test
    void publishing_survives_a_redis_outage_and_the_subscriber_comes_back() throws Exception {
        try (LocalRedis server = LocalRedis.start()) {
            RedisAppendSignal a = open(server.uri(), channel);
            RedisAppendSignal b = open(server.uri(), channel);
            BlockingQueue<Long> heard = listen(b);
            a.appended(1);
            assertThat(next(heard)).isEqualTo(1);
            // when: Redis goes away, announcements neither throw nor hang
            server.kill();
            long started = System.nanoTime();
            for (int i = 2; i <= 20; i++) {
                a.appended(i);
            }
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
            // then: once it is back, B subscribes again and hears the next announcements
            server.restart();
            assertThat(b.awaitSubscribed(Duration.ofSeconds(20))).isTrue();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            Long got = null;
            for (long head = 21; got == null && System.nanoTime() < deadline; head++) {
                a.appended(head); // within RETRY_AFTER_FAILURE_MILLIS of the last failure it only raises the head
                got = heard.poll(100, TimeUnit.MILLISECONDS);
            }
            assertThat(got).isNotNull().isGreaterThanOrEqualTo(21L);
        }
    }

    @Test
    void bad_input_and_use_after_close_are_typed_errors() {
        RedisAppendSignal a = shared();
        assertThatThrownBy(() -> a.appended(-1)).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> a.subscribe(null)).isInstanceOf(InvalidInputException.class);
        a.close();
        a.close();
        a.appended(5);
        assertThatThrownBy(() -> a.subscribe(h -> { })).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
        assertThatThrownBy(() -> RedisAppendSignal.builder().channel("bad channel"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("channel");
        assertThatThrownBy(() -> RedisAppendSignal.builder().channel("a").channel("b"))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> RedisAppendSignal.builder().build()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("uri");
    }

    @Test
    void the_password_is_never_shown() {
        RedisAppendSignal signal = RedisAppendSignal.builder().uri("redis://:s3cret-pw@127.0.0.1:1")
                .channel(channel).build();
        opened.add(signal);
        assertThat(signal.toString()).doesNotContain("s3cret-pw").contains(channel);
    }
}
