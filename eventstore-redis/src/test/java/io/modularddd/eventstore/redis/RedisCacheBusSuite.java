package io.modularddd.eventstore.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modularddd.core.EventStoreException;
import io.modularddd.core.cache.CacheInvalidation;
import io.modularddd.core.cache.CacheInvalidationBus;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two {@link RedisCacheInvalidationBus} instances — two "nodes" — on one {@link RedisTarget}: what one
 * publishes reaches the other (and itself); a subscription connection killed with {@code CLIENT KILL}
 * makes the listeners flush ({@code onGap}) and the bus subscribes again by itself; unreadable messages
 * and failing listeners do not stop delivery.
 */
abstract class RedisCacheBusSuite {

    static final long WAIT_SECONDS = 10;

    private String namespace;

    /** The Redis the suite runs on. */
    protected abstract RedisTarget target();

    /** The prefix the suite's channels live under. */
    protected abstract String prefix();

    @BeforeEach
    void freshChannel() {
        namespace = prefix() + ":" + UUID.randomUUID().toString().substring(0, 8);
    }

    RedisCacheInvalidationBus node() {
        return target().cacheBus(namespace).minBackoff(Duration.ofMillis(10)).maxBackoff(Duration.ofMillis(200))
                .build();
    }

    /** Records what a listener is told, for the test thread to wait on. */
    static final class Recorder implements CacheInvalidationBus.Listener {
        final BlockingQueue<CacheInvalidation> received = new LinkedBlockingQueue<>();
        final BlockingQueue<Long> gaps = new LinkedBlockingQueue<>();

        @Override
        public void onInvalidation(CacheInvalidation invalidation) {
            received.add(invalidation);
        }

        @Override
        public void onGap() {
            gaps.add(System.nanoTime());
        }

        CacheInvalidation next() throws InterruptedException {
            CacheInvalidation i = received.poll(WAIT_SECONDS, TimeUnit.SECONDS);
            assertThat(i).as("an invalidation within %s s", WAIT_SECONDS).isNotNull();
            return i;
        }

        /**
         * The next invalidation not received before. On a cluster a connection that subscribes again may be handed
         * a message it already had: PUBLISH reaches the other nodes over the cluster bus, and the node the new
         * subscription went to may receive it only after that subscription was made. Delivery is at least once; a
         * repeated invalidation is harmless (it invalidates again).
         */
        CacheInvalidation nextNew(Set<CacheInvalidation> seen) throws InterruptedException {
            CacheInvalidation i;
            do {
                i = next();
            } while (!seen.add(i));
            return i;
        }

        void awaitGap() throws InterruptedException {
            assertThat(gaps.poll(WAIT_SECONDS, TimeUnit.SECONDS)).as("a gap within %s s", WAIT_SECONDS).isNotNull();
        }
    }

    /** Waits until the bus's subscription is established (it starts in the background at build time). */
    static void awaitSubscribed(RedisCacheInvalidationBus bus) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (!bus.isSubscribed()) {
            assertThat(System.nanoTime()).as("%s subscribed in time", bus).isLessThan(deadline);
            LocalRedis.sleep(5);
        }
    }

    static CacheInvalidation invalidation(String origin, String... tags) {
        return new CacheInvalidation(origin, Set.of("query:{Q}:" + UUID.randomUUID()), Set.of(tags));
    }

    @Test
    void an_invalidation_published_by_one_node_reaches_the_other_and_its_own_listeners() throws Exception {
        try (RedisCacheInvalidationBus a = node(); RedisCacheInvalidationBus b = node()) {
            // given
            Recorder onA = new Recorder();
            Recorder onB = new Recorder();
            a.subscribe(onA);
            b.subscribe(onB);
            awaitSubscribed(a);
            awaitSubscribed(b);
            assertThat(a.channel()).isEqualTo(namespace + ":invalidations");
            // when
            CacheInvalidation first = invalidation("node-a", "account:1", "客户:🚀");
            CacheInvalidation second = invalidation("node-a");
            a.publish(first);
            a.publish(second);
            // then: in order, on both nodes; the origin tells a node its own messages
            assertThat(onB.next()).isEqualTo(first);
            assertThat(onB.next()).isEqualTo(second);
            assertThat(onA.next()).isEqualTo(first);
            assertThat(onA.next()).isEqualTo(second);
        }
    }

    @Test
    void a_killed_subscription_is_a_gap_and_the_bus_subscribes_again_by_itself() throws Exception {
        try (RedisCacheInvalidationBus a = node(); RedisCacheInvalidationBus b = node()) {
            // given
            Recorder onB = new Recorder();
            b.subscribe(onB);
            awaitSubscribed(a);
            awaitSubscribed(b);
            a.publish(invalidation("node-a"));
            Set<CacheInvalidation> seen = new HashSet<>();
            seen.add(onB.next());
            onB.gaps.clear(); // the first subscription's gap, if B subscribed after onB was added: delivered before
            // the message, on the same thread
            // when: B's subscription connection is killed
            assertThat(target().countClients(b.subscriberName())).as("B's subscription connection").isEqualTo(1);
            assertThat(target().killClient(b.subscriberName())).isTrue();
            // then: B's listeners hear of the drop, and again once B subscribed anew
            onB.awaitGap();
            onB.awaitGap();
            assertThat(b.isSubscribed()).isTrue();
            CacheInvalidation after = invalidation("node-a", "after-the-kill");
            a.publish(after);
            assertThat(onB.nextNew(seen)).isEqualTo(after);
            assertThat(target().countClients(b.subscriberName())).as("one subscription again").isEqualTo(1);
            assertThat(target().killClient(b.subscriberName())).isTrue();
            onB.awaitGap();
            onB.awaitGap();
            CacheInvalidation again = invalidation("node-a", "after-the-second-kill");
            a.publish(again);
            assertThat(onB.nextNew(seen)).isEqualTo(again);
        }
    }

    @Test
    void an_unreadable_message_is_a_gap_and_delivery_goes_on() throws Exception {
        try (RedisCacheInvalidationBus a = node(); RedisCacheInvalidationBus b = node()) {
            Recorder onB = new Recorder();
            b.subscribe(onB);
            awaitSubscribed(a);
            awaitSubscribed(b);
            // when
            target().inspector().publish(b.channel(), "{\"v\":99,\"something\":\"else\"}");
            target().inspector().publish(b.channel(), "not json at all");
            // then
            onB.awaitGap();
            onB.awaitGap();
            CacheInvalidation valid = invalidation("node-a");
            a.publish(valid);
            assertThat(onB.next()).isEqualTo(valid);
            assertThat(onB.received).isEmpty();
        }
    }

    @Test
    void a_failing_listener_does_not_stop_delivery_and_a_closed_handle_stops_its_listener() throws Exception {
        try (RedisCacheInvalidationBus a = node(); RedisCacheInvalidationBus b = node()) {
            // given
            Recorder gone = new Recorder();
            Recorder stays = new Recorder();
            b.subscribe(new CacheInvalidationBus.Listener() {
                @Override
                public void onInvalidation(CacheInvalidation invalidation) {
                    throw new IllegalStateException("listener failure for the test");
                }

                @Override
                public void onGap() {
                    throw new IllegalStateException("listener failure for the test");
                }
            });
            AutoCloseable handle = b.subscribe(gone);
            b.subscribe(stays);
            awaitSubscribed(a);
            awaitSubscribed(b);
            CacheInvalidation first = invalidation("node-a");
            a.publish(first);
            assertThat(gone.next()).isEqualTo(first);
            assertThat(stays.next()).isEqualTo(first);
            // when
            handle.close();
            CacheInvalidation second = invalidation("node-a");
            a.publish(second);
            // then: delivery is in list order on one thread, so once the later listener has it, it is done
            assertThat(stays.next()).isEqualTo(second);
            assertThat(gone.received).isEmpty();
        }
    }

    @Test
    void a_closed_bus_refuses_to_publish_and_closing_twice_is_harmless() {
        RedisCacheInvalidationBus bus = node();
        awaitSubscribed(bus);
        String name = bus.subscriberName();
        bus.close();
        bus.close();
        assertThatThrownBy(() -> bus.publish(invalidation("x"))).isInstanceOfSatisfying(EventStoreException.class,
                e -> assertThat(e.isTransient()).isFalse());
        assertThat(bus.isSubscribed()).isFalse();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (target().countClients(name) > 0) {
            assertThat(System.nanoTime()).as("the subscription connection is closed").isLessThan(deadline);
            LocalRedis.sleep(5);
        }
    }
}
