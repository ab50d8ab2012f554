package io.modularddd.eventstore.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.modularddd.core.AggregateId;
import io.modularddd.core.AppendRequest;
import io.modularddd.core.EventStoreException;
import io.modularddd.core.EventStream;
import io.modularddd.core.ExpectedVersion;
import io.modularddd.core.InMemoryEventStore;
import io.modularddd.core.NewEvent;
import io.modularddd.testkit.ContractEvents;
import io.modularddd.testkit.ContractEvents.Happened;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A Redis password never reaches a log line, an exception message or a metric — not with the right
 * password, not with a wrong one, not when Redis dies. Runs against a {@code redis-server} of its own
 * started with {@code --requirepass}.
 */
class RedisSecretsTest {

    static final String SECRET = "S3cr3t-" + UUID.randomUUID();
    static final String WRONG = "Wr0ng-" + UUID.randomUUID();

    static LocalRedis server;

    @BeforeAll
    static void start() {
        server = LocalRedis.start("--requirepass", SECRET);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static TieredEventStore tiered(String password, SimpleMeterRegistry meters) {
        RedisHotTier hot = RedisHotTier.builder()
                .uri("redis://default:" + password + "@127.0.0.1:" + server.port())
                .serializer(ContractEvents.serializer()).keyPrefix(RedisTarget.randomPrefix("secrets"))
                .connectTimeout(Duration.ofMillis(300)).readTimeout(Duration.ofMillis(300))
                .retryAfterFailure(Duration.ZERO).meterRegistry(meters).build();
        return TieredEventStore.of(InMemoryEventStore.create(ContractEvents.serializer()), hot);
    }

    private static void appendAndLoad(TieredEventStore store) {
        AggregateId id = AggregateId.of("secret-" + UUID.randomUUID());
        store.append(AppendRequest.of(id, "Thing", ExpectedVersion.noStream(), NewEvent.of(new Happened("x", 1))));
        store.append(AppendRequest.of(id, "Thing", ExpectedVersion.exactly(1), NewEvent.of(new Happened("y", 2))));
        try (EventStream s = store.load(id)) {
            assertThat(s.toList()).hasSize(2);
        }
        assertThat(store.loadBatch(java.util.List.of(id), 1, Long.MAX_VALUE).get(id).toList()).hasSize(2);
    }

    @Test
    void the_password_never_reaches_a_log_line_an_exception_message_or_a_metric() {
        PrintStream originalErr = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        StringBuilder texts = new StringBuilder();
        System.setErr(new PrintStream(new TeeStream(captured, originalErr), true, StandardCharsets.UTF_8));
        try {
            // the right password: the tier works
            try (TieredEventStore store = tiered(SECRET, meters)) {
                appendAndLoad(store);
                assertThat(meters.find(HotTierMetrics.PREFIX + "hits").counters()).isNotEmpty();
                texts.append(store).append('\n');
            }
            // a wrong password: the tier cannot log in, the store works from the warm tier
            try (TieredEventStore store = tiered(WRONG, meters)) {
                appendAndLoad(store);
                assertThatThrownBy(() -> store.hot().purge()).isInstanceOfSatisfying(EventStoreException.class,
                        e -> texts.append(stackTrace(e)));
                texts.append(store).append('\n');
            }
            // the right password, and Redis dies
            try (TieredEventStore store = tiered(SECRET, meters)) {
                appendAndLoad(store);
                server.kill();
                appendAndLoad(store);
                assertThatThrownBy(() -> store.hot().purge()).isInstanceOfSatisfying(EventStoreException.class,
                        e -> texts.append(stackTrace(e)));
            } finally {
                server.restart();
            }
        } finally {
            System.setErr(originalErr);
        }
        String logs = captured.toString(StandardCharsets.UTF_8);
        // the failures were logged: the check below is not vacuous
        assertThat(logs).contains("WARN").contains("RedisHotTier").contains("unavailable")
                .contains("redis://127.0.0.1:" + server.port());
        assertThat(logs).doesNotContain(SECRET).doesNotContain(WRONG);
        assertThat(texts.toString()).contains("EventStoreException").doesNotContain(SECRET).doesNotContain(WRONG);
        for (Meter meter : meters.getMeters()) {
            assertThat(meter.getId().getName()).doesNotContain(SECRET).doesNotContain(WRONG);
            for (Tag tag : meter.getId().getTags()) {
                assertThat(tag.getKey() + "=" + tag.getValue()).doesNotContain(SECRET).doesNotContain(WRONG)
                        .doesNotContain("secret-"); // and no aggregate id either
            }
        }
        assertThat(meters.find(HotTierMetrics.PREFIX + "fallbacks").counters()).isNotEmpty();
    }

    private static String stackTrace(Throwable e) {
        StringWriter w = new StringWriter();
        e.printStackTrace(new PrintWriter(w));
        return w.toString();
    }

    /** Writes to two streams. */
    private static final class TeeStream extends java.io.OutputStream {
        private final java.io.OutputStream a;
        private final java.io.OutputStream b;

        TeeStream(java.io.OutputStream a, java.io.OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public synchronized void write(int c) throws java.io.IOException {
            a.write(c);
            b.write(c);
        }

        @Override
        public synchronized void write(byte[] buf, int off, int len) throws java.io.IOException {
            a.write(buf, off, len);
            b.write(buf, off, len);
        }

        @Override
        public void flush() throws java.io.IOException {
            a.flush();
            b.flush();
        }
    }
}
